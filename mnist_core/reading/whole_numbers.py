"""Read a whole number drawn on a wide canvas: split it into digits, classify each.

The ink is split into connected components; components that overlap a lot
horizontally belong to one digit drawn in several strokes (the bar of a 4, the
cross of a 7) and are merged; the rest are digits, read left to right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from mnist_core.drawing.preprocess import INK_THRESHOLD, to_grey
from mnist_core.errors import EmptyImageError
from mnist_core.reading.classifier import Classifier, Prediction

MERGE_OVERLAP = 0.5  # share of the narrower part's width that must overlap
MIN_PART = 0.04  # parts smaller than this share of the image height are specks


@dataclass(frozen=True)
class Number:
    """Each digit's prediction, left to right, and the number they spell."""

    digits: list[Prediction]
    boxes: list[tuple[int, int]]  # (left, right) column span of each digit

    @property
    def text(self) -> str:
        return "".join("?" if p.digit is None else str(p.digit) for p in self.digits)


def _spans(ink: np.ndarray) -> list[tuple[int, int, np.ndarray]]:
    """(left, right, mask) of each connected ink component big enough to count."""
    labels, count = ndimage.label(ink > INK_THRESHOLD)
    parts = []
    for index, found in enumerate(ndimage.find_objects(labels), start=1):
        rows, cols = found
        if (
            max(rows.stop - rows.start, cols.stop - cols.start)
            < MIN_PART * ink.shape[0]
        ):
            continue
        parts.append((cols.start, cols.stop, labels == index))
    return sorted(parts, key=lambda p: p[0])


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return max(shared, 0) / max(1, min(a[1] - a[0], b[1] - b[0]))


def split_digits(image: np.ndarray) -> list[tuple[int, int, np.ndarray]]:
    """Digit masks left to right as (left, right, ink image holding only that digit).

    Raises:
        EmptyImageError: nothing is drawn.
    """
    ink = to_grey(image)
    merged: list[tuple[int, int, np.ndarray]] = []
    for left, right, mask in _spans(ink):
        if (
            merged
            and _overlap((merged[-1][0], merged[-1][1]), (left, right)) >= MERGE_OVERLAP
        ):
            last = merged.pop()
            merged.append((min(last[0], left), max(last[1], right), last[2] | mask))
        else:
            merged.append((left, right, mask))
    if not merged:
        raise EmptyImageError("The canvas is empty: write a number first.")
    return [(left, right, np.where(mask, ink, 0.0)) for left, right, mask in merged]


def read_number(classifier: Classifier, image: np.ndarray) -> Number:
    """Split a drawing into digits and classify each with the app's pipeline."""
    parts = split_digits(image)
    return Number(
        [classifier.classify(part) for _, _, part in parts],
        [(left, right) for left, right, _ in parts],
    )
