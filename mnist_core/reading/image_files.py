"""Read image files (uploads, `classify` arguments) with limits and clear errors."""

from __future__ import annotations

import io
import threading
import warnings
from contextlib import nullcontext
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from mnist_core.drawing.preprocess import MAX_SIDE
from mnist_core.errors import MnistError, check_file_size

# A digit photo needs nothing near this; larger files are refused before decoding
# so a decompression bomb cannot exhaust a small server's memory.
MAX_PIXELS = 16_000_000
# The only formats opened, whatever a file's content claims (Pillow would
# otherwise also open EPS, which runs Ghostscript, and dozens of others).
FORMATS = ("PNG", "JPEG", "BMP", "GIF", "WEBP")
SUFFIXES = ("png", "jpg", "jpeg", "bmp", "gif", "webp")  # what uploaders accept
# Decoding a 16-megapixel picture holds a few hundred MB for a moment, and
# sixteen sessions decoding at once took a 2-core server to 4.2 GB (two at a
# time, with the turns in preprocess, still 1.3 GB): pictures above
# LARGE_PIXELS are decoded LARGE_AT_ONCE at a time, the rest wait their turn.
LARGE_PIXELS = 2_000_000
REDUCIBLE_MODES = ("L", "LA", "RGB", "RGBA", "I", "F")  # Image.reduce takes these
LARGE_AT_ONCE = 1
_LARGE_TURNS = threading.BoundedSemaphore(LARGE_AT_ONCE)


def read_image(source: str | Path | bytes, name: str | None = None) -> np.ndarray:
    """Decode a PNG/JPEG/... into an RGBA uint8 array (H, W, 4), averaged
    down to at most MAX_SIDE pixels a side (as reading would do first).

    Raises:
        MnistError: not an image, truncated, too large in bytes or in pixels.
    """
    name = name or (str(source) if not isinstance(source, bytes) else "the upload")
    data = _read_bytes(source, name)
    check_file_size(name, len(data))
    try:
        with warnings.catch_warnings():
            # Pillow warns only above 89 MP; our own, lower limit answers first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
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
            turn = _LARGE_TURNS if width * height > LARGE_PIXELS else nullcontext()
            with turn:
                return _to_rgba(_reduced(ImageOps.exif_transpose(image)))
    except MnistError:
        raise
    except UnidentifiedImageError as exc:
        raise MnistError(
            "{name} is not a picture this app can read: use a PNG, JPEG, BMP, GIF "
            "or WebP file.",
            name=name,
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


def _reduced(image: Image.Image) -> Image.Image:
    """A picture larger than MAX_SIDE averaged down by a whole factor in
    Pillow, before any array of it is made (reading does the same first)."""
    factor = -(-max(image.size) // MAX_SIDE)
    if factor <= 1 or image.mode not in REDUCIBLE_MODES:
        return image
    return image.reduce(factor)


def _to_rgba(image: Image.Image) -> np.ndarray:
    """RGBA uint8 of any mode; 16-bit and float greys are scaled, not clipped
    (Pillow's convert would turn every value above 255 white)."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        grey = np.asarray(image, dtype=np.float64)
        peak = 65535.0 if image.mode != "F" and grey.max(initial=0) > 255 else 255.0
        if image.mode == "F":
            peak = max(float(grey.max(initial=0)), 1e-12)
        grey = np.clip(grey / peak * 255.0, 0, 255).astype(np.uint8)
        image = Image.fromarray(grey, "L")
    return np.asarray(image.convert("RGBA"))


def _read_bytes(source: str | Path | bytes, name: str) -> bytes:
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise MnistError(
            "Cannot read {name}: {reason}.", name=name, reason=exc.strerror or exc
        ) from exc
