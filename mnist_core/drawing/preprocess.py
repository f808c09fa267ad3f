"""Turn any picture of a digit into the 28x28 input the model expects.

The steps are how MNIST itself was made: find the ink, crop to it, scale the
longer side to 20 px keeping the aspect, then move the centre of mass to the
centre of the 28x28 field. One step is ours: strokes much broader than MNIST's
(a wide brush) are thinned first. The Draw page, `classify` and the evaluation all call
`prepare_image`, so the model always sees the same thing for the same pixels.
"""

from __future__ import annotations

import threading
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from mnist_core.constants import CENTRE_OF_MASS, DIGIT_BOX, IMAGE_SIZE
from mnist_core.drawing.photos import ink_from_photo, looks_like_photo
from mnist_core.errors import EmptyImageError, MnistError

INK_THRESHOLD = 0.2  # ink map value above which a pixel counts as ink
# A mark whose longer side is under this fraction of the image is a dot, not a digit.
MIN_EXTENT = 0.08
MIN_CONTRAST = 0.15  # darkest vs lightest grey needed to see any ink at all
# MNIST's strokes are ~0.13 of a digit's longer side (median over its training
# digits); the Draw page's broadest brush makes them ~0.20, and models read such
# broad strokes worse (docs/measurements.md). Strokes broader than MAX are
# thinned to TARGET before scaling.
MAX_STROKE_RATIO = 0.14
TARGET_STROKE_RATIO = 0.13  # MNIST's median
MIN_THINNING_SIZE = 56  # px; smaller drawings (a 28x28 upload) are left as they are
# Thinning works on the crop brought down to this size: the model sees 20 px of
# it, and an erosion's cost grows with the image's area times the disc's, so the
# cost of any picture is bounded by this size and MAX_THINNING_RADIUS.
WORK_SIZE = 112
MAX_THINNING_RADIUS = 12  # px at WORK_SIZE; broader "strokes" are blobs, not ink
MAX_SIDE = 1024  # larger pictures are shrunk before anything else
# A megapixel picture costs some 50 MB of float copies while it is prepared,
# and sixteen sessions rerunning a photo did it side by side (1.6 GB at peak;
# two at a time, 1.3 GB): pictures this large are prepared LARGE_AT_ONCE at a
# time (a 1024-pixel photo takes some 30 ms); a drawing on the
# canvas (78,400 pixels at a pixel ratio of 1) never waits.
LARGE_PIXELS = 1_000_000
LARGE_AT_ONCE = 1
_LARGE_TURNS = threading.BoundedSemaphore(LARGE_AT_ONCE)


@dataclass(frozen=True)
class PreparedImage:
    """The model's input and where the ink was found."""

    pixels: np.ndarray  # float32 (28, 28), 0 = background, 1 = ink
    ink_box: tuple[int, int, int, int]  # top, left, bottom, right in the source
    stroke_ratio: float = 0.0  # stroke width over the ink's longer side, as drawn

    def as_batch(self) -> np.ndarray:
        return self.pixels[None, :, :, None]


def to_grey(image: np.ndarray | Image.Image) -> np.ndarray:
    """Any greyscale, RGB or RGBA image -> float ink map in [0, 1], 1 = ink.

    Polarity is detected: white on black, black on white, and ink on a
    transparent background all give bright ink on a dark field. A photo (no
    flat background) has its paper, light and ruling taken out (drawing.photos).
    """
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise MnistError(
            "Cannot read an image of shape {shape}: expected greyscale "
            "(H, W), RGB (H, W, 3) or RGBA (H, W, 4).",
            shape=array.shape,
        )
    array = _reduce(array).astype(np.float32)
    if array.max(initial=0) > 1.0:
        array /= 255.0
    if array.ndim == 3 and array.shape[2] == 4 and array[:, :, 3].min() < 0.98:
        return array[:, :, 3]  # ink on transparency: opacity is the ink
    grey = (
        array
        if array.ndim == 2
        else array[:, :, :3] @ np.float32([0.299, 0.587, 0.114])
    )
    if looks_like_photo(grey):
        return ink_from_photo(grey)  # paper, light and lines taken out
    return _normalise_polarity(grey)


def _reduce(array: np.ndarray) -> np.ndarray:
    """A picture larger than MAX_SIDE averaged down by a whole factor, before any
    float copy of it is made: memory stays bounded for any upload."""
    factor = -(-max(array.shape[:2]) // MAX_SIDE)
    if factor <= 1:
        return array
    if array.dtype != np.uint8:
        array = (np.clip(array, 0, None) / max(float(array.max()), 1e-12) * 255).astype(
            np.uint8
        )
    return np.asarray(Image.fromarray(array).reduce(factor))


def _normalise_polarity(grey: np.ndarray) -> np.ndarray:
    # The border is mostly background: if it is light, the ink is dark.
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    background = float(np.median(border))
    ink = grey - background if background < 0.5 else background - grey
    peak = float(ink.max(initial=0))
    if peak < MIN_CONTRAST:
        return np.zeros_like(grey)
    return np.clip(ink / peak, 0.0, 1.0)


def ink_bounds(
    image: np.ndarray, threshold: float = INK_THRESHOLD
) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the pixels above `threshold`, bottom and
    right exclusive; None when there are none."""
    rows = np.flatnonzero((image > threshold).any(axis=1))
    cols = np.flatnonzero((image > threshold).any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def _ink_box(ink: np.ndarray) -> tuple[int, int, int, int]:
    box = ink_bounds(ink)
    if box is None:
        raise EmptyImageError("The image is empty: draw a digit first.")
    extent = max(box[2] - box[0], box[3] - box[1])
    if extent < MIN_EXTENT * max(ink.shape):
        raise EmptyImageError(
            "That looks like a dot, not a digit: draw the digit larger, "
            "filling most of the box."
        )
    return box


def stroke_width(ink: np.ndarray) -> float:
    """Mean stroke width in pixels: a stroke of width w and length L has area w*L
    and an outline of about 2L, so w = 2 * area / outline."""
    mask = ink > 0.5
    outline = mask & ~ndimage.binary_erosion(mask)
    return 2.0 * mask.sum() / max(int(outline.sum()), 1)


def _shrink(image: np.ndarray, longest: int) -> np.ndarray:
    """`image` scaled down (area-averaged) so its longer side is at most `longest`."""
    h, w = image.shape
    if max(h, w) <= longest:
        return image
    scale = longest / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    shrunk = Image.fromarray(image.astype(np.float32)).resize(
        size, Image.Resampling.BOX
    )
    return np.asarray(shrunk)


def _thin_broad_strokes(crop: np.ndarray, width: float) -> np.ndarray:
    """Erode strokes broader than MNIST's down to its usual width (see above);
    `width` is the stroke width of `crop`."""
    longer = max(crop.shape)
    if width <= MAX_STROKE_RATIO * longer:
        return crop
    radius = min(round((width - TARGET_STROKE_RATIO * longer) / 2), MAX_THINNING_RADIUS)
    if radius < 1:
        return crop
    y, x = np.ogrid[-radius : radius + 1, -radius : radius + 1]
    thinned = ndimage.grey_erosion(crop, footprint=x * x + y * y <= radius * radius)
    box = ink_bounds(thinned)
    if box is None:
        return crop  # nothing would be left: keep the drawing as it was
    return thinned[box[0] : box[2], box[1] : box[3]]


def _fit_box(crop: np.ndarray) -> np.ndarray:
    """Scale so the longer side is DIGIT_BOX px, keeping the aspect ratio."""
    h, w = crop.shape
    scale = DIGIT_BOX / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    # LANCZOS on the float image anti-aliases like MNIST's own downscaling.
    resized = Image.fromarray(crop.astype(np.float32)).resize(
        size, Image.Resampling.LANCZOS
    )
    return np.clip(np.asarray(resized), 0.0, 1.0)


def _centre(digit: np.ndarray) -> np.ndarray:
    """Place the digit in 28x28 with its centre of mass at the field's centre,
    as near as the field allows: none of its ink is ever shifted out."""
    field = np.zeros((IMAGE_SIZE, IMAGE_SIZE), np.float32)
    h, w = digit.shape
    top, left = (IMAGE_SIZE - h) // 2, (IMAGE_SIZE - w) // 2
    field[top : top + h, left : left + w] = digit
    com = ndimage.center_of_mass(field)
    # Whole-pixel shifts keep strokes crisp, as MNIST's integer translation
    # did. A lopsided drawing (a 7 whose bar outweighs its long tail) would
    # need more than its margin: the tail was cut at the field's edge.
    dy = np.clip(round(CENTRE_OF_MASS[0] - com[0]), -top, IMAGE_SIZE - top - h)
    dx = np.clip(round(CENTRE_OF_MASS[1] - com[1]), -left, IMAGE_SIZE - left - w)
    return ndimage.shift(field, (dy, dx), order=0, mode="constant")


def prepare_image(
    image: np.ndarray | Image.Image, thin_strokes: bool = True
) -> PreparedImage:
    """Any image of one digit -> the model's 28x28 input.

    `thin_strokes=False` skips the thinning of broad strokes, for images that
    already have MNIST's strokes (at 28 px a one-pixel erosion would erase them).

    Raises:
        EmptyImageError: nothing (or only a dot) is drawn.
        MnistError: the array is not an image.
    """
    shape = np.shape(image) if isinstance(image, np.ndarray) else image.size
    large = int(np.prod(shape[:2])) > LARGE_PIXELS
    with _LARGE_TURNS if large else nullcontext():
        return _prepare(image, thin_strokes)


def _prepare(image: np.ndarray | Image.Image, thin_strokes: bool) -> PreparedImage:
    ink = to_grey(image)
    box = _ink_box(ink)
    crop = ink[box[0] : box[2], box[1] : box[3]]
    # Bounded work for any picture; smaller drawings (a 28x28 upload) have too
    # few pixels for an erosion: one pixel would cut their strokes.
    work = _shrink(crop, WORK_SIZE) if max(crop.shape) >= MIN_THINNING_SIZE else crop
    ratio = stroke_width(work) / max(work.shape)
    if thin_strokes and work is not crop:
        crop = _thin_broad_strokes(work, ratio * max(work.shape))
    return PreparedImage(_centre(_fit_box(crop)).astype(np.float32), box, ratio)
