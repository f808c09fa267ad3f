"""Pen-written digits for training: drawn like a person, prepared like Draw."""

import numpy as np

from mnist_core.data.pen_digits import Sample, render_pen_digits
from mnist_core.drawing.preprocess import prepare_image
from tests.support.drawing import ONE, SEVEN

STROKES_SEVEN = [[[x / 280, y / 280] for x, y in SEVEN[0]]]
STROKES_ONE = [[[x / 280, y / 280] for x, y in ONE[0]]]
SAMPLES = [
    Sample(7, "north", STROKES_SEVEN),
    Sample(1, "north", STROKES_ONE),
    Sample(7, "south", STROKES_SEVEN),
]


def test_each_sample_is_drawn_as_often_as_asked_with_its_label_and_group():
    pen = render_pen_digits(SAMPLES, copies=3, seed=0)
    assert pen.x.shape == (9, 28, 28) and pen.x.dtype == np.uint8
    assert pen.y.tolist() == [7] * 3 + [1] * 3 + [7] * 3
    assert pen.groups.tolist() == ["north"] * 6 + ["south"] * 3
    # The copies differ (pen, size, place) yet each is a prepared 28x28 digit.
    assert not np.array_equal(pen.x[0], pen.x[1])
    assert all(np.abs(prepare_image(d, thin_strokes=False).pixels).sum() for d in pen.x)


def test_the_same_seed_draws_the_same_digits():
    a, b = (render_pen_digits(SAMPLES, 2, seed=4) for _ in range(2))
    np.testing.assert_array_equal(a.x, b.x)


def test_leaving_a_group_out_drops_exactly_its_digits():
    pen = render_pen_digits(SAMPLES, copies=2, seed=0)
    north = pen.without("south")
    assert set(north.groups) == {"north"} and len(north.y) == 4
    np.testing.assert_array_equal(north.x, pen.x[:4])


def test_what_was_learned_from_is_told_after_leaving_a_group_out():
    # A model's sidecar says which writers it saw: one that says nothing is
    # read as never having seen any, and its numbers would be claimed as new.
    pen = render_pen_digits(SAMPLES, copies=2, seed=0)
    assert pen.about() == {
        "samples": 3,
        "copies": 2,
        "institutions": ["north", "south"],
    }
    assert pen.without("north").about() == {
        "samples": 1,
        "copies": 2,
        "institutions": ["south"],
    }
