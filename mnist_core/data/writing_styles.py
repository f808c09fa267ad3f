"""Writing styles that MNIST (American writers, 1990s) lacks, made from its digits.

Many people slash or bar their zeros (Ø, θ), cross their sevens, and give their
ones a long flag. A model trained on MNIST alone reads those as 8, 4 or 7. With
augmentation on, training adds copies of MNIST digits with such a stroke drawn in,
keeping their labels: knowledge about how people write, not data from the
writers the model is evaluated on.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from mnist_core.drawing.preprocess import ink_bounds, prepare_image
from mnist_core.errors import EmptyImageError

SCALE = 4  # strokes are drawn at 112x112, then anti-aliased down to 28x28
SHARE = {0: 0.3, 7: 0.2, 1: 0.2}  # fraction of each digit given a styled copy
INK = 80  # uint8 grey above which a pixel is a stroke's


def _box(image: np.ndarray) -> tuple[int, int, int, int]:
    """First and last rows and columns (inclusive) of a uint8 digit's ink."""
    top, left, bottom, right = ink_bounds(image, INK)
    return top, left, bottom - 1, right - 1


def _slash(image, rng) -> list[tuple[float, float]]:
    return _diagonal(image, rng) if rng.random() < 0.5 else _bar(image, rng)


def _diagonal(image, rng) -> list[tuple[float, float]]:
    """Ø: a diagonal through the middle."""
    top, left, bottom, right = _box(image)
    angle = math.radians(rng.uniform(45, 75))
    half = 0.55 * (bottom - top) * rng.uniform(0.9, 1.25)
    return _through_middle(image, angle, half)


def _bar(image, rng) -> list[tuple[float, float]]:
    """θ: a bar across."""
    top, left, bottom, right = _box(image)
    angle = math.radians(rng.uniform(-12, 12))
    half = 0.55 * (right - left) * rng.uniform(1.0, 1.5)
    return _through_middle(image, angle, half)


def _through_middle(image, angle: float, half: float) -> list[tuple[float, float]]:
    top, left, bottom, right = _box(image)
    cy, cx = (top + bottom) / 2, (left + right) / 2
    dx, dy = half * math.cos(angle), -half * math.sin(angle)
    return [(cx - dx, cy - dy), (cx + dx, cy + dy)]


def _crossbar(image, rng) -> list[tuple[float, float]]:
    top, left, bottom, right = _box(image)
    row = int(top + (bottom - top) * rng.uniform(0.45, 0.6))
    ink = np.flatnonzero(image[row] > INK)
    cx = ink.mean() if ink.size else (left + right) / 2
    half = (right - left) * rng.uniform(0.22, 0.35)
    tilt = rng.uniform(-1, 1)
    return [(cx - half, row + tilt), (cx + half, row - tilt)]


def _flag(image, rng) -> list[tuple[float, float]]:
    top, left, bottom, right = _box(image)
    ink = np.flatnonzero(image[top] > INK)
    x0 = ink.mean()
    angle = math.radians(rng.uniform(200, 250))  # down and to the left
    length = (bottom - top) * rng.uniform(0.25, 0.55)
    return [(x0, top), (x0 + length * math.cos(angle), top - length * math.sin(angle))]


DRAWERS = {0: _slash, 7: _crossbar, 1: _flag}
# Each style by name, with the digit it is written on: what a bench measures.
STYLES = {
    "Ø zero": (0, _diagonal),
    "θ zero": (0, _bar),
    "crossed 7": (7, _crossbar),
    "flagged 1": (1, _flag),
}


def add_stroke(
    image: np.ndarray, points: list[tuple[float, float]], width: float
) -> np.ndarray:
    """Draw an anti-aliased line (28x28 coordinates) into a uint8 digit."""
    big = Image.fromarray(image).resize((28 * SCALE,) * 2, Image.Resampling.BILINEAR)
    pen = ImageDraw.Draw(big)
    scaled = [(x * SCALE, y * SCALE) for x, y in points]
    pen.line(scaled, fill=255, width=max(1, round(width * SCALE)))
    r = width * SCALE / 2
    for x, y in scaled:
        pen.ellipse((x - r, y - r, x + r, y + r), fill=255)
    small = big.resize((28, 28), Image.Resampling.LANCZOS)
    return np.maximum(image, np.asarray(small))


def styled_copy(image: np.ndarray, digit: int, rng: np.random.Generator) -> np.ndarray:
    """The digit with its style stroke, re-fitted and re-centred like MNIST."""
    return _marked(image, DRAWERS[digit], rng)


def in_style(image: np.ndarray, style: str, rng: np.random.Generator) -> np.ndarray:
    """A uint8 digit written in one of STYLES (it must be that style's digit)."""
    return _marked(image, STYLES[style][1], rng)


def _marked(image: np.ndarray, drawer, rng: np.random.Generator) -> np.ndarray:
    marked = add_stroke(image, drawer(image, rng), rng.uniform(1.6, 2.6))
    try:
        prepared = prepare_image(marked, thin_strokes=False)  # MNIST's own strokes
        return (prepared.pixels * 255).round().astype(np.uint8)
    except EmptyImageError:
        return image


def add_writing_styles(
    x: np.ndarray, y: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Training arrays with styled copies of some 0s, 7s and 1s appended."""
    rng = np.random.default_rng(seed)
    extra_x, extra_y = [], []
    for digit, share in SHARE.items():
        chosen = np.flatnonzero(y == digit)
        chosen = rng.choice(chosen, int(len(chosen) * share), replace=False)
        extra_x += [styled_copy(x[i], digit, rng) for i in chosen]
        extra_y += [digit] * len(chosen)
    if not extra_x:
        return x, y
    return (
        np.concatenate([x, np.stack(extra_x)]),
        np.concatenate([y, np.array(extra_y, y.dtype)]),
    )
