"""Read image files (uploads, `classify` arguments) with limits and clear errors."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from mnist_core.errors import MnistError

# A digit photo needs nothing near this; larger files are refused before decoding
# so a decompression bomb cannot exhaust a small server's memory.
MAX_PIXELS = 16_000_000
MAX_BYTES = 10 * 1024 * 1024


def read_image(source: str | Path | bytes, name: str | None = None) -> np.ndarray:
    """Decode a PNG/JPEG/... into an RGBA uint8 array (H, W, 4).

    Raises:
        MnistError: not an image, truncated, too large in bytes or in pixels.
    """
    name = name or (str(source) if not isinstance(source, bytes) else "the upload")
    data = _read_bytes(source, name)
    if len(data) > MAX_BYTES:
        raise MnistError(
            "{name} is {size:.1f} MB; images up to {limit} MB are accepted.",
            name=name,
            size=len(data) / 2**20,
            limit=MAX_BYTES // 2**20,
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns only above 89 MP; our own, lower limit answers first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            width, height = image.size  # read from the header, nothing decoded yet
            if width * height > MAX_PIXELS:
                raise MnistError(
                    "{name} is {width}x{height} pixels; images up to "
                    "{limit:.0f} megapixels are accepted. Resize it first.",
                    name=name,
                    width=width,
                    height=height,
                    limit=MAX_PIXELS / 1e6,
                )
            return np.asarray(image.convert("RGBA"))
    except MnistError:
        raise
    except UnidentifiedImageError as exc:
        raise MnistError(
            "{name} is not an image Pillow can read (PNG, JPEG, ...).", name=name
        ) from exc
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as exc:
        raise MnistError(
            "{name} is damaged or truncated ({reason}).", name=name, reason=exc
        ) from exc


def _read_bytes(source: str | Path | bytes, name: str) -> bytes:
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise MnistError(
            "Cannot read {name}: {reason}.", name=name, reason=exc.strerror or exc
        ) from exc
