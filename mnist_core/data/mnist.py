"""Load MNIST (npz, IDX files or Keras's download), validate it, keep it as uint8."""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnist_core.constants import IMAGE_SIZE, MNIST_PATH_ENV, NUM_CLASSES
from mnist_core.errors import MnistError

NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
IDX_UBYTE = 0x08  # the IDX type code of unsigned bytes
GZIP_MAGIC = b"\x1f\x8b"
# Where and how Keras's `mnist.load_data()` gets the arrays; the same file and
# cache, so a machine that ran the tutorial already has it.
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
KERAS_CACHE = Path.home() / ".keras" / "datasets"
MAX_DOWNLOAD = 64 * 2**20  # the file is 11 MB
NOT_DOWNLOADED = (
    "The MNIST digits could not be downloaded: this server seems to have no "
    "internet connection."
)
LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class MnistData:
    """The four MNIST arrays, uint8 images (N, 28, 28) and uint8 labels (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # where the arrays came from (a path on the server)

    @property
    def source_name(self) -> str:
        """The source as a page may show it: a file's name, never its folder."""
        return Path(self.source).name


def load_mnist(path: str | os.PathLike | None = None) -> MnistData:
    """Load MNIST from `path`, else `$MNIST_PATH`, else Keras's download cache.

    Args:
        path: an `.npz` in Keras's layout or a folder holding the four IDX files
            (gzipped or not).

    Raises:
        MnistError: the file is missing, unreadable, or not MNIST-shaped.
    """
    chosen = path or os.environ.get(MNIST_PATH_ENV)
    if chosen:
        return load_mnist_file(Path(chosen))
    return _load_from_keras()


def load_mnist_file(path: Path) -> MnistData:
    """Load MNIST from an `.npz` file or a folder of IDX files."""
    if not path.exists():
        raise MnistError(
            "MNIST file not found: {path}. Give the path of mnist.npz or of a "
            "folder with the four IDX files (or unset {env}).",
            path=path,
            env=MNIST_PATH_ENV,
        )
    arrays = _read_idx_folder(path) if path.is_dir() else _read_npz(path)
    return _validated(arrays, source=str(path))


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in NPZ_KEYS if k not in npz.files]
            if missing:
                raise MnistError(
                    "{path} is not an MNIST .npz: it lacks {missing} "
                    "(expected the keys {keys}).",
                    path=path,
                    missing=", ".join(missing),
                    keys=", ".join(NPZ_KEYS),
                )
            return {k: npz[k] for k in NPZ_KEYS}
    except MnistError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise MnistError(
            "Could not read {path} as an .npz file ({reason}). The file may be "
            "truncated or corrupt: download it again.",
            path=path,
            reason=exc,
        ) from exc


def _read_idx_folder(folder: Path) -> dict[str, np.ndarray]:
    arrays = {}
    for key, name in IDX_FILES.items():
        candidates = [folder / name, folder / f"{name}.gz"]
        found = next((p for p in candidates if p.is_file()), None)
        if found is None:
            raise MnistError(
                "{folder} lacks {name} (or {name}.gz): an IDX folder needs all of "
                "{files}.",
                folder=folder,
                name=name,
                files=", ".join(IDX_FILES.values()),
            )
        arrays[key] = read_idx(found)
    return arrays


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file of unsigned bytes (gzipped or not) into a numpy array."""
    raw = path.read_bytes()
    try:
        if raw[:2] == GZIP_MAGIC:
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise MnistError(
            "{path} is a damaged gzip file ({reason}).", path=path, reason=exc
        ) from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != IDX_UBYTE:
        raise MnistError(
            "{path} is not an IDX file of unsigned bytes (bad header).", path=path
        )
    ndim = raw[3]
    header_end = 4 + 4 * ndim
    if len(raw) < header_end:
        raise MnistError("{path} is truncated: its header is incomplete.", path=path)
    shape = tuple(
        int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    expected = int(np.prod(shape))
    if len(raw) - header_end != expected:
        raise MnistError(
            "{path} is truncated or padded: its header promises {expected} bytes "
            "of data for shape {shape}, the file holds {held}.",
            path=path,
            expected=expected,
            shape=shape,
            held=len(raw) - header_end,
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_end).reshape(shape)


def _validated(arrays: dict[str, np.ndarray], source: str) -> MnistData:
    for split in ("train", "test"):
        validate_split(arrays[f"x_{split}"], arrays[f"y_{split}"], split, source)
    return MnistData(**arrays, source=source)


def validate_split(x: np.ndarray, y: np.ndarray, split: str, source: str) -> None:
    """Check one split's images and labels, raising MnistError on the first fault."""
    where = f"{source} ({split} split)"
    if x.ndim != 3 or x.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise MnistError(
            "{where}: images have shape {shape}, expected (N, 28, 28).",
            where=where,
            shape=x.shape,
        )
    if x.dtype != np.uint8 or y.dtype != np.uint8:
        raise MnistError(
            "{where}: images and labels must be uint8, got {x} and {y}.",
            where=where,
            x=x.dtype,
            y=y.dtype,
        )
    if y.ndim != 1 or len(y) != len(x):
        raise MnistError(
            "{where}: {count} images but labels of shape {shape}; "
            "expected one label per image.",
            where=where,
            count=len(x),
            shape=y.shape,
        )
    if len(y) and int(y.max()) >= NUM_CLASSES:
        raise MnistError(
            "{where}: labels must be 0-9, found {label}.",
            where=where,
            label=int(y.max()),
        )


def _load_from_keras() -> MnistData:
    """The original recipe's source: Keras's mnist.npz, downloaded once into
    Keras's own cache (~/.keras/datasets), without importing TensorFlow."""
    cached = KERAS_CACHE / "mnist.npz"
    if not cached.is_file():
        _download(cached)
    return _validated(_read_npz(cached), source="keras.datasets.mnist")


def _download(target: Path) -> None:
    """Fetch Keras's mnist.npz, check its sha256, then move it into place."""
    try:
        with urllib.request.urlopen(MNIST_URL, timeout=60) as response:
            data = response.read(MAX_DOWNLOAD)
    except (OSError, ValueError) as exc:
        LOG.warning("MNIST download failed: %s", exc)
        raise MnistError(NOT_DOWNLOADED) from exc
    if hashlib.sha256(data).hexdigest() != MNIST_SHA256:
        LOG.warning("MNIST download has the wrong checksum (%d bytes)", len(data))
        raise MnistError(NOT_DOWNLOADED)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)  # atomic: a half-written file never looks complete


def fingerprint(x: np.ndarray, y: np.ndarray) -> str:
    """A short sha256 of images and labels, to tell which data a model saw."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(x).tobytes())
    digest.update(np.ascontiguousarray(y).tobytes())
    return digest.hexdigest()[:16]


def subsample(
    x: np.ndarray, y: np.ndarray, size: int | None, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """The first `size` items of a seeded shuffle (all of them when size is None)."""
    if size is None or size >= len(x):
        return x, y
    order = np.random.default_rng(seed).permutation(len(x))[:size]
    order.sort()  # keep memory access sequential; training shuffles anyway
    return x[order], y[order]


def to_model_input(x: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) -> float32 (N, 28, 28, 1) in [0, 1]; one batch at a time."""
    return (x.astype(np.float32) / 255.0)[..., None]
