"""Why the model answered as it did: which parts of the input mattered.

Occlusion: hide one small square of the 28x28 input at a time and see how much
the probability of the answer falls. Squares whose hiding hurts the answer are
the strokes it relied on; squares whose hiding helps it argued against it. Any
model that maps images to probabilities works; one batch of 169 images is cheap.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

PATCH = 6  # px hidden at a time: about a stroke's width and a bit
STRIDE = 2


def occlusion_map(
    probabilities: Callable[[np.ndarray], np.ndarray],
    pixels: np.ndarray,
    digit: int,
    patch: int = PATCH,
    stride: int = STRIDE,
) -> np.ndarray:
    """(28, 28) map in [-1, 1]: + where ink supported `digit`, - where it opposed.

    Args:
        probabilities: batch (N, 28, 28) in [0, 1] -> (N, 10), e.g. a Classifier's.
        pixels: the model's 28x28 input, as the Draw page shows it.
    """
    size = pixels.shape[0]
    corners = [
        (r, c)
        for r in range(0, size - patch + 1, stride)
        for c in range(0, size - patch + 1, stride)
    ]
    batch = np.repeat(pixels[None], len(corners) + 1, axis=0).astype(np.float32)
    for i, (r, c) in enumerate(corners, start=1):
        batch[i, r : r + patch, c : c + patch] = 0.0
    scores = probabilities(batch)[:, digit]
    drop = scores[0] - scores[1:]  # > 0: hiding this square hurt the answer
    heat = np.zeros_like(pixels, dtype=np.float32)
    count = np.zeros_like(heat)
    for (r, c), d in zip(corners, drop, strict=True):
        heat[r : r + patch, c : c + patch] += d
        count[r : r + patch, c : c + patch] += 1
    heat /= np.maximum(count, 1)
    peak = np.abs(heat).max()
    return heat / peak if peak > 0 else heat


def heat_overlay(pixels: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """RGB uint8 picture: the digit in grey, support in red, opposition in blue."""
    grey = 0.35 * pixels
    support, oppose = np.clip(heat, 0, 1), np.clip(-heat, 0, 1)
    rgb = np.stack([grey + support, grey + 0.2 * support, grey + oppose], axis=-1)
    return (np.clip(rgb, 0, 1) * 255).astype(np.uint8)
