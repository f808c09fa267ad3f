"""The practice non-digits: another recipe than the measured ones, reproducible."""

import numpy as np

from mnist_core.data.non_digits import KINDS
from mnist_core.data.pen_digits import Sample
from mnist_core.data.practice_non_digits import PRACTICE_KINDS, practice_non_digits

SAMPLES = [
    Sample(1, "x", [[(0.5, 0.0), (0.5, 1.0)]]),
    Sample(7, "x", [[(0.0, 0.0), (1.0, 0.0), (0.4, 1.0)]]),
]


def test_practice_is_another_recipe_than_what_measures_the_check():
    assert not set(PRACTICE_KINDS) & set(KINDS)


def test_practice_canvases_are_reproducible_and_take_the_kinds_in_turn():
    first = practice_non_digits(SAMPLES, 6, seed=4)
    again = practice_non_digits(SAMPLES, 6, seed=4)
    assert [kind for kind, _ in first] == list(PRACTICE_KINDS) * 3
    for (_, a), (_, b) in zip(first, again, strict=True):
        assert a.shape == (280, 280) and a.dtype == np.uint8 and a.max() == 255
        np.testing.assert_array_equal(a, b)
    other = practice_non_digits(SAMPLES, 6, seed=5)
    assert any(
        not np.array_equal(a, b) for (_, a), (_, b) in zip(first, other, strict=True)
    )


def test_two_digits_hold_more_ink_than_either_alone():
    from mnist_core.data.non_digits import draw_strokes

    (_, pair), *_ = practice_non_digits(SAMPLES, 1, seed=0)
    one = draw_strokes(SAMPLES[0].strokes, np.random.default_rng(0))
    assert (pair > 0).sum() > (one > 0).sum()
