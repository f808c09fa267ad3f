"""Find the ink in a photo of a digit on paper: uneven light, ruled lines, a shadow.

A canvas drawing is one flat background with ink on it; a photo's paper is
brighter in one corner than another, darker under a hand's shadow, ruled with
thin lines and framed by a dark table edge. Here the paper's own brightness is
estimated at a scale far larger than a stroke (a grey closing, then a blur) and
divided out, so a shadow is no darker than the paper around it; the ink is
what Otsu's threshold finds much darker than its paper; long thin straight
lines (the ruling) and whatever touches the picture's edge (the table, the
shadow's border) are dropped; what remains is the digit, the largest mark and
the marks near its size.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

# A drawing's background is one value: a canvas has most pixels within this of
# its median; a photo's paper varies more than this almost everywhere.
FLAT_TOLERANCE = 0.03
FLAT_SHARE = 0.5  # at least this share of flat pixels: a drawing, not a photo
WORK_SIDE = 256  # photos are read at this size: a digit needs no more
PAPER_SCALE = 0.12  # closing size, as a share of the side: broader than a stroke
MIN_INK_CONTRAST = 0.15  # ink is at least this much darker than its paper
LINE_SHARE = 0.4  # thin ink over this share of a row (or column) is ruling
LINE_WIDTH = 0.016  # thinner than this (share of the side): a line, not a stroke
MIN_PART = 0.15  # marks smaller than this share of the largest are specks


def looks_like_photo(grey: np.ndarray) -> bool:
    """True when little of the picture is one flat background (cheap: every
    pixel of a grid of about 64x64 is enough to tell)."""
    step = max(1, max(grey.shape) // 64)
    grid = grey[::step, ::step]
    background = float(np.median(grid))
    return float(np.mean(np.abs(grid - background) < FLAT_TOLERANCE)) < FLAT_SHARE


def _work_copy(grey: np.ndarray) -> np.ndarray:
    h, w = grey.shape
    scale = min(1.0, WORK_SIDE / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    image = Image.fromarray(grey.astype(np.float32))
    return np.asarray(image.resize(size, Image.Resampling.BOX))


def _darkness(grey: np.ndarray) -> np.ndarray:
    """How much darker than its paper each pixel is, 0 to 1 (light ink on dark
    paper is turned round first: the paper is what most of the picture is)."""
    if np.median(grey) < 0.5:
        grey = 1.0 - grey
    side = max(3, round(PAPER_SCALE * max(grey.shape)))
    paper = ndimage.grey_closing(grey, size=(side, side))
    paper = ndimage.uniform_filter(paper, size=side)
    return np.clip(1.0 - grey / np.maximum(paper, 1e-3), 0.0, 1.0)


def _otsu(values: np.ndarray) -> float:
    counts, edges = np.histogram(values, bins=64, range=(0.0, 1.0))
    centres = (edges[:-1] + edges[1:]) / 2
    weight = np.cumsum(counts)
    mean = np.cumsum(counts * centres)
    total, grand = weight[-1], mean[-1]
    between = (grand * weight - mean * total) ** 2 / np.maximum(
        weight * (total - weight), 1
    )
    return float(centres[int(np.argmax(between))])


def _ruling(mask: np.ndarray) -> np.ndarray:
    """Pixels of ruled lines: thin marks filling most of a row (or a column).
    A digit's own bar (a 7's top) may be as long, but is as thick as a stroke;
    where a line crosses a stroke, the stroke's pixels stay."""
    thin = max(2, round(LINE_WIDTH * max(mask.shape)))
    lines = np.zeros_like(mask)
    for axis, width in ((1, (thin, 1)), (0, (1, thin))):
        flat = mask & ~ndimage.binary_opening(mask, structure=np.ones(width, bool))
        full = flat.mean(axis=axis) > LINE_SHARE
        lines |= flat & (full[:, None] if axis == 1 else full[None, :])
    return lines


def _digit_parts(mask: np.ndarray) -> np.ndarray:
    """The marks that make the digit: none touching the edge, no specks."""
    labels, count = ndimage.label(mask, structure=np.ones((3, 3), bool))
    if count == 0:
        return mask
    edge = np.unique(
        np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    )
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    sizes[0] = 0
    inside = sizes.copy()
    inside[edge] = 0
    if inside.max() > 0:
        sizes = inside  # an edge mark is the table or a shadow, not the digit
    keep = sizes >= MIN_PART * sizes.max()
    keep[0] = False
    return keep[labels]


def ink_from_photo(grey: np.ndarray) -> np.ndarray:
    """A photo's grey values -> an ink map at WORK_SIDE, 1 = ink, 0 = paper."""
    darkness = _darkness(_work_copy(grey))
    if darkness.max(initial=0) < MIN_INK_CONTRAST:
        return np.zeros_like(darkness)
    line = max(_otsu(darkness), MIN_INK_CONTRAST)
    mask = darkness > line
    mask &= ~_ruling(mask)
    parts = _digit_parts(mask)
    parts = ndimage.binary_closing(parts)  # mend strokes cut where a line crossed
    ink = np.where(parts, darkness, 0.0)
    return np.clip(ink / max(float(ink.max(initial=0)), 1e-6), 0.0, 1.0).astype(
        np.float32
    )
