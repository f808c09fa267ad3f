"""The one guarded door for model files: checked before Keras sees a byte.

A `.keras` file is a zip of `config.json`, `metadata.json` and
`model.weights.h5`. A hostile one can pad its config to gigabytes, declare a
weight of a billion numbers that it never stores, or describe a network of
a hundred million parameters in two kilobytes; Keras would allocate all of it.
The network's own size is counted by `config_count`, from its declared input.
So every path that loads a model (the Model page's upload, `evaluate --model`,
`classify --model`, the shipped model) reads the file through `read_model_file`,
which refuses such files from the zip directory, the JSON and the H5 headers
alone, and then loads from memory: nothing is written to disk.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnist_core.errors import MnistError, check_file_size
from mnist_core.models.config_count import config_params

MODEL_SUFFIX = ".keras"
MEMBERS = {"config.json", "metadata.json", "model.weights.h5"}
MAX_UNPACKED_BYTES = 64 * 2**20  # all members together, uncompressed
MAX_CONFIG_BYTES = 2**20  # the tutorial's network is described in ~6 KB
# An MNIST network never needs more: the tutorial's CNN has 1.2 million.
MAX_PARAMS = 5_000_000


@dataclass(frozen=True)
class ModelFile:
    """A model file's members, checked, held in memory."""

    name: str
    data: bytes  # the whole .keras archive
    config: dict
    params: int  # numbers the weights file declares


def read_model_file(source: str | Path | bytes, name: str | None = None) -> ModelFile:
    """Check a .keras file (a path or its bytes) before anything is loaded.

    Raises:
        MnistError: missing, too large, not a Keras zip, unexpected members,
            a config or weights beyond what an MNIST model needs, a layer
            kind or a graph the count of its weights cannot follow.
    """
    name = name or (Path(source).name if not isinstance(source, bytes) else "model")
    if not name.endswith(MODEL_SUFFIX):
        raise MnistError(
            "Model files must end in {suffix}; got {name}.",
            suffix=MODEL_SUFFIX,
            name=name,
        )
    data = source if isinstance(source, bytes) else _read_path(Path(source), name)
    check_file_size(name, len(data))
    with _open_zip(data, name) as archive:
        _check_members(archive, name)
        config = _read_config(archive, name)
        params = _declared_params(archive.read("model.weights.h5"), name)
    # Keras builds the network before it reads a weight: both counts must fit.
    _check_params(max(params, config_params(config, name)), name)
    return ModelFile(name, data, config, params)


def _read_path(path: Path, name: str) -> bytes:
    try:
        check_file_size(name, path.stat().st_size)
        return path.read_bytes()
    except OSError as exc:
        raise MnistError(
            "There is no model file called {name}: train one first, or check the name.",
            name=name,
        ) from exc


def _not_a_model(name: str) -> MnistError:
    return MnistError(
        "{name} is not a Keras model file. Use a .keras file saved by Keras 3 "
        "(model.save), like the one the Train page lets you download.",
        name=name,
    )


def _open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise _not_a_model(name) from exc


def _check_members(archive: zipfile.ZipFile, name: str) -> None:
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if len(infos) > len(MEMBERS) or not names <= MEMBERS or "config.json" not in names:
        raise _not_a_model(name)
    if "model.weights.h5" not in names:
        raise _not_a_model(name)
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise MnistError(
            "{name} unpacks to more than {limit} MB; an MNIST model needs far "
            "less. It was not loaded.",
            name=name,
            limit=MAX_UNPACKED_BYTES // 2**20,
        )
    if archive.getinfo("config.json").file_size > MAX_CONFIG_BYTES:
        raise MnistError(
            "{name} describes its network in more than {limit} KB; an MNIST "
            "model needs a few. It was not loaded.",
            name=name,
            limit=MAX_CONFIG_BYTES // 1024,
        )


def _read_config(archive: zipfile.ZipFile, name: str) -> dict:
    try:
        with archive.open("config.json") as member:  # never more than declared
            config = json.loads(member.read(MAX_CONFIG_BYTES + 1))
    except (ValueError, RecursionError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _not_a_model(name) from exc
    if not isinstance(config, dict):
        raise _not_a_model(name)
    return config


def _declared_params(weights: bytes, name: str) -> int:
    """How many numbers the H5 weights declare, read from its headers only."""
    import h5py  # Keras's own dependency; imported here, on the loading path

    total = 0

    def count(_, item) -> None:
        nonlocal total
        if isinstance(item, h5py.Dataset):
            total += int(np.prod(item.shape, dtype=np.float64))

    try:
        with h5py.File(io.BytesIO(weights), "r") as h5:
            h5.visititems(count)
    except (OSError, ValueError, TypeError) as exc:
        raise _not_a_model(name) from exc
    return total


def _check_params(params: int, name: str) -> None:
    if params > MAX_PARAMS:
        raise MnistError(
            "{name} has {params:,} parameters; this app loads models of up to "
            "{limit:,} (the tutorial's network has 1.2 million), so a shared "
            "server keeps memory for everyone. It was not loaded.",
            name=name,
            params=params,
            limit=MAX_PARAMS,
        )
