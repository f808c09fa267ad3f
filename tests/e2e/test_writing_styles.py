"""The ways people write that MNIST's American writers rarely did, each drawn
with the mouse on /draw and read by the shipped model."""

import math

import pytest

from tests.e2e.conftest import open_page, wait_idle
from tests.support.drawing import draw, expect_reading

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def ring(cx, cy, rx, ry, start=0.0, turns=1.0, points=24):
    """Points along an ellipse (canvas pixels), clockwise on screen from `start`."""
    return [
        (
            cx + rx * math.cos(start + 2 * math.pi * turns * i / points),
            cy + ry * math.sin(start + 2 * math.pi * turns * i / points),
        )
        for i in range(points + 1)
    ]


STYLES = {
    # A one with a long flag: up from the left, then straight down.
    "flagged one": (1, [[(95, 105), (150, 45), (150, 235)]]),
    # A seven crossed in the middle, as in most of Europe.
    "crossed seven": (
        7,
        [
            [(70, 60), (205, 60), (180, 120), (150, 180), (125, 235)],
            [(115, 150), (200, 150)],
        ],
    ),
    # A zero with a slash inside the ring, and one running past it.
    "slashed zero": (0, [ring(140, 140, 55, 90), [(110, 200), (170, 80)]]),
    "slashed zero, slash past the ring": (
        0,
        [ring(140, 140, 55, 90), [(90, 250), (190, 30)]],
    ),
    # A four whose two strokes do not meet at the top.
    "four open at the top": (
        4,
        [[(95, 50), (75, 165), (205, 165)], [(170, 70), (170, 245)]],
    ),
    # Nines: a loop, then a straight tail, or a tail that curls back left.
    "nine with a straight tail": (9, [ring(135, 95, 50, 50), [(185, 95), (185, 245)]]),
    "nine with a curled tail": (
        9,
        [
            ring(135, 95, 50, 50),
            [(185, 95), (180, 190), (160, 235), (125, 245), (100, 225)],
        ],
    ),
}


@pytest.mark.parametrize("style", list(STYLES))
def test_the_shipped_model_reads_how_people_write(page, style):
    digit, strokes = STYLES[style]
    open_page(page, "draw")
    draw(page, strokes)
    wait_idle(page)
    expect_reading(page, digit)
