"""Render pen strokes as a canvas would: round pen, white ink on black."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

CANVAS_SIZE = 280  # the Draw page's canvas, 10x MNIST's 28 px
PEN_WIDTHS = (10, 40)  # px: the Draw page's brush, thinnest to broadest
DEFAULT_PEN = 20  # px: the brush a drawing starts with

Point = tuple[float, float]


def render_strokes(
    strokes: Sequence[Sequence[Point]],
    size: int = CANVAS_SIZE,
    width: float = 18,
    ink: int = 255,
    background: int = 0,
) -> np.ndarray:
    """Draw polylines (pixel coordinates) into a (size, size) uint8 image.

    Each stroke gets round joints and round caps, like a browser canvas's
    freehand brush; a stroke of one point is a dot.
    """
    image = Image.new("L", (size, size), background)
    pen = ImageDraw.Draw(image)
    radius = width / 2
    for stroke in strokes:
        points = [tuple(map(float, p)) for p in stroke]
        if len(points) > 1:
            pen.line(points, fill=ink, width=max(1, round(width)), joint="curve")
        for x, y in points:  # round caps and joints at every sample
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=ink)
    return np.asarray(image)
