"""Non-digits the digit check learns from, unlike the ones it is measured on.

A check fitted on real digits alone must guess how to weigh its scores. Shown
some things that are not digits (outlier exposure, Hendrycks et al., 2019), it
learns which scores tell them apart. These come from another recipe than
data.non_digits, whose scribbles, letters, shapes and blobs measure the check:

- two pen digits drawn over each other, the second smaller and moved, so no
  single digit is there to read;
- stick figures: two to four strokes of one or two straight lines each, at random.

A few of these will look like a digit (a stick figure can be a 7); the check's
line is set on real digits afterwards, so such look-alikes only blunt it.
"""

from __future__ import annotations

import numpy as np

from mnist_core.data.non_digits import draw_strokes
from mnist_core.data.pen_digits import Sample

PRACTICE_KINDS = ("two digits", "sticks")


def _in_unit_box(strokes: list) -> list[np.ndarray]:
    points = np.concatenate([np.asarray(s, float) for s in strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    size = max(float((high - low).max()), 1e-6)
    return [(np.asarray(s, float) - low) / size for s in strokes]


def _two_digits(samples: list[Sample], rng: np.random.Generator) -> list:
    first, second = (samples[int(i)] for i in rng.integers(len(samples), size=2))
    shift, scale = rng.uniform(-0.5, 0.5, 2), rng.uniform(0.6, 1.0)
    over = [s * scale + shift for s in _in_unit_box(second.strokes)]
    return _in_unit_box(first.strokes) + over


def _sticks(rng: np.random.Generator) -> list:
    return [
        rng.uniform(0, 1, (int(rng.integers(2, 4)), 2))
        for _ in range(int(rng.integers(2, 5)))
    ]


def practice_non_digits(
    samples: list[Sample], count: int, seed: int
) -> list[tuple[str, np.ndarray]]:
    """`count` (kind, 280x280 uint8 canvas) pairs, the kinds in turn; `samples`
    are the pen digits the overlaid pairs are made of."""
    rng = np.random.default_rng(seed)
    made = []
    for i in range(count):
        kind = PRACTICE_KINDS[i % len(PRACTICE_KINDS)]
        strokes = _two_digits(samples, rng) if kind == "two digits" else _sticks(rng)
        made.append((kind, draw_strokes(strokes, rng)))
    return made
