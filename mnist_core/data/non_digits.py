"""Drawings that are not digits: scribbles, letters, shapes and filled blobs.

What a visitor draws to test the app: a scribble across the canvas, a letter, a
smiley, a patch coloured in. Each is drawn on the 280x280 canvas as the pen
digits are (a human size and place, a pen width the Draw page allows), so the
check that refuses them is measured on what the Draw page would receive. The
tests and bench/not_a_digit.py share this generator.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from mnist_core.data.pen_digits import Sample, place_on_canvas
from mnist_core.drawing.strokes import CANVAS_SIZE, render_strokes

KINDS = ("scribble", "letter", "shape", "blob")
# Letters no reader would take for a digit (O, I, S, Z, B, G, l, q, ... would be).
LETTERS = {
    "A": [[(0, 1), (0.5, 0), (1, 1)], [(0.2, 0.6), (0.8, 0.6)]],
    "E": [[(1, 0), (0, 0), (0, 1), (1, 1)], [(0, 0.5), (0.7, 0.5)]],
    "F": [[(1, 0), (0, 0), (0, 1)], [(0, 0.5), (0.7, 0.5)]],
    "H": [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]],
    "K": [[(0, 0), (0, 1)], [(1, 0), (0, 0.55), (1, 1)]],
    "M": [[(0, 1), (0, 0), (0.5, 0.6), (1, 0), (1, 1)]],
    "N": [[(0, 1), (0, 0), (1, 1), (1, 0)]],
    "R": [[(0, 1), (0, 0), (0.8, 0.05), (0.9, 0.3), (0.7, 0.5), (0, 0.5), (1, 1)]],
    "W": [[(0, 0), (0.25, 1), (0.5, 0.4), (0.75, 1), (1, 0)]],
    "X": [[(0, 0), (1, 1)], [(1, 0), (0, 1)]],
    "e": [[(0.1, 0.55), (0.9, 0.55), (0.8, 0.2), (0.5, 0.1), (0.15, 0.3), (0.1, 0.7),
           (0.4, 0.95), (0.9, 0.85)]],
    "m": [[(0, 1), (0, 0.3), (0.15, 0.1), (0.35, 0.15), (0.45, 0.4), (0.5, 1)],
          [(0.5, 0.4), (0.65, 0.1), (0.85, 0.15), (1, 0.4), (1, 1)]],
}  # fmt: skip


def _arc(cx, cy, rx, ry, start, stop, points=24) -> list[tuple[float, float]]:
    angles = np.linspace(start, stop, points)
    return list(zip(cx + rx * np.cos(angles), cy + ry * np.sin(angles), strict=True))


def _shapes() -> dict[str, list]:
    star = [np.pi / 2 + k * 4 * np.pi / 5 for k in range(6)]
    return {
        "smiley": [
            _arc(0.5, 0.5, 0.5, 0.5, 0, 2 * np.pi, 40),
            [(0.33, 0.35), (0.34, 0.37)],
            [(0.67, 0.35), (0.66, 0.37)],
            _arc(0.5, 0.55, 0.28, 0.22, 0.2, np.pi - 0.2),
        ],
        "star": [[(0.5 - 0.5 * np.cos(a), 0.5 - 0.5 * np.sin(a)) for a in star]],
        "house": [
            [(0, 1), (0, 0.4), (0.5, 0), (1, 0.4), (1, 1), (0, 1)],
            [(0, 0.4), (1, 0.4)],
        ],
        "hash": [
            [(0.3, 0), (0.25, 1)],
            [(0.75, 0), (0.7, 1)],
            [(0, 0.3), (1, 0.3)],
            [(0, 0.7), (1, 0.7)],
        ],  # fmt: skip
        "spiral": [
            [
                (0.5 + r * np.cos(a) / 2, 0.5 + r * np.sin(a) / 2)
                for a, r in zip(
                    np.linspace(0, 6 * np.pi, 60), np.linspace(0.05, 1, 60), strict=True
                )
            ]
        ],
        "envelope": [
            [(0, 0), (1, 0), (1, 0.7), (0, 0.7), (0, 0)],
            [(0, 0), (0.5, 0.4), (1, 0)],
        ],  # fmt: skip
        "heart": [
            _arc(0.27, 0.3, 0.25, 0.25, np.pi * 0.75, np.pi * 2)
            + _arc(0.73, 0.3, 0.25, 0.25, np.pi, np.pi * 2.25)
            + [(0.5, 1), (0.09, 0.48)]
        ],  # fmt: skip
    }


SHAPES = _shapes()


def _jitter(strokes: list, rng: np.random.Generator) -> list:
    """A person's version of the model: slanted, squeezed, a little shaky."""
    slant, squeeze = rng.uniform(-0.25, 0.25), rng.uniform(0.7, 1.3)
    out = []
    for stroke in strokes:
        points = np.asarray(stroke, float)
        points = np.column_stack(
            [points[:, 0] * squeeze + slant * (1 - points[:, 1]), points[:, 1]]
        )
        out.append(points + rng.normal(0, 0.015, points.shape))
    return out


def _scribble(rng: np.random.Generator) -> list:
    """A pen wandering back and forth: a smooth random walk of 8-20 turns."""
    turns = int(rng.integers(8, 21))
    anchors = rng.uniform(0, 1, (turns, 2))
    t = np.linspace(0, turns - 1, turns * 8)
    smooth = np.column_stack(
        [np.interp(t, np.arange(turns), anchors[:, k]) for k in range(2)]
    )
    return [smooth]


def draw_strokes(strokes: list, rng: np.random.Generator) -> np.ndarray:
    """Strokes in the unit box, drawn on the canvas at a person's size, place
    and pen width, as the pen digits are."""
    sample = Sample(label=-1, inst="non-digit", strokes=strokes)
    placed, width = place_on_canvas(sample, rng)
    return render_strokes([list(map(tuple, s)) for s in placed], width=width)


def _blob(rng: np.random.Generator) -> np.ndarray:
    """A patch coloured in: a filled random polygon or ellipse of human size."""
    image = Image.new("L", (CANVAS_SIZE, CANVAS_SIZE), 0)
    pen = ImageDraw.Draw(image)
    size = rng.uniform(0.3, 0.8) * CANVAS_SIZE
    centre = rng.uniform(size / 2 + 5, CANVAS_SIZE - size / 2 - 5, 2)
    if rng.random() < 0.5:
        half = size / 2 * np.array([1, rng.uniform(0.5, 1)])[:: rng.choice([1, -1])]
        pen.ellipse((*(centre - half), *(centre + half)), fill=255)
    else:
        corners = int(rng.integers(5, 10))
        angles = (np.arange(corners) + rng.uniform(-0.3, 0.3, corners)) * (
            2 * np.pi / corners
        )
        radii = size / 2 * rng.uniform(0.6, 1.0, corners)
        points = (
            centre + np.column_stack([np.cos(angles), np.sin(angles)]) * radii[:, None]
        )
        pen.polygon(list(map(tuple, points)), fill=255)
    return np.asarray(image)


def draw_non_digit(kind: str, rng: np.random.Generator) -> np.ndarray:
    """One (280, 280) uint8 canvas, white on black, of the given kind."""
    if kind == "blob":
        return _blob(rng)
    if kind == "scribble":
        return draw_strokes(_scribble(rng), rng)
    models = LETTERS if kind == "letter" else SHAPES
    name = list(models)[int(rng.integers(len(models)))]
    return draw_strokes(_jitter(models[name], rng), rng)


def non_digits(count: int, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    """`count` drawings, the kinds taken in turn: (kind, canvas) pairs."""
    rng = np.random.default_rng(seed)
    return [
        (KINDS[i % len(KINDS)], draw_non_digit(KINDS[i % len(KINDS)], rng))
        for i in range(count)
    ]
