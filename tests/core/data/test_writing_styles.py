"""Styled copies: slashed zeros, crossed sevens, flagged ones, labels kept."""

import numpy as np

from mnist_core.data.writing_styles import (
    SHARE,
    add_stroke,
    add_writing_styles,
    styled_copy,
)


def test_styled_copy_adds_ink_and_stays_mnist_shaped(mnist):
    rng = np.random.default_rng(0)
    for digit in SHARE:
        image = mnist.x_train[np.flatnonzero(mnist.y_train == digit)[0]]
        styled = styled_copy(image, digit, rng)
        assert styled.shape == (28, 28) and styled.dtype == np.uint8
        assert not np.array_equal(styled, image)
        assert (styled > 128).sum() > (image > 128).sum() * 0.9


def test_stroke_is_drawn_where_asked():
    blank = np.zeros((28, 28), np.uint8)
    line = add_stroke(blank, [(4, 14), (24, 14)], width=2)
    assert line[14, 4:24].min() > 200 and line[3].max() == 0


def test_writing_styles_append_labelled_copies(mnist):
    x, y = mnist.x_train[:3000], mnist.y_train[:3000]
    x2, y2 = add_writing_styles(x, y, seed=0)
    expected = sum(int(np.sum(y == d) * share) for d, share in SHARE.items())
    assert len(x2) == len(y2) == 3000 + expected
    np.testing.assert_array_equal(x2[:3000], x)
    assert set(np.unique(y2[3000:])) == set(SHARE)
    again, _ = add_writing_styles(x, y, seed=0)
    np.testing.assert_array_equal(x2, again)
