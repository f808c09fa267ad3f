"""A whole number: split into digits, strokes of one digit kept together."""

import numpy as np
import pytest
from PIL import Image

from mnist_core.drawing.strokes import render_strokes
from mnist_core.errors import EmptyImageError
from mnist_core.reading.whole_numbers import read_number, split_digits


def wide_canvas_of(digits: list[np.ndarray], gap: int = 30) -> np.ndarray:
    """MNIST digits enlarged 6x and written side by side, as on the wide canvas."""
    tiles = [np.asarray(Image.fromarray(d).resize((168, 168))) for d in digits]
    canvas = np.zeros((200, gap + len(tiles) * (168 + gap)), np.uint8)
    for i, tile in enumerate(tiles):
        left = gap + i * (168 + gap)
        canvas[16:184, left : left + 168] = tile
    return canvas


def test_digits_are_read_left_to_right(mnist):
    from mnist_core.constants import SHIPPED_MODEL_PATH
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier

    classifier = Classifier(load_model(SHIPPED_MODEL_PATH).model)
    digits, labels = mnist.x_test[:4], mnist.y_test[:4]  # 7, 2, 1, 0
    number = read_number(classifier, wide_canvas_of(list(digits)))
    assert number.text == "".join(map(str, labels)) == "7210"
    lefts = [left for left, _ in number.boxes]
    assert lefts == sorted(lefts)


def test_strokes_of_one_digit_stay_together():
    # An "=" (two separate bars, one above the other) then a "1" further right.
    canvas = render_strokes(
        [[(60, 100), (200, 100)], [(60, 170), (200, 170)], [(420, 50), (420, 230)]],
        size=600,
        width=16,
    )[:280]
    parts = split_digits(canvas)
    assert len(parts) == 2
    (left1, right1, ink1), (left2, _, _) = parts
    assert left1 < 60 < 200 < right1 < left2
    assert ink1[100, 130] > 0.5 and ink1[170, 130] > 0.5  # both bars in one digit


def test_specks_are_ignored_and_empty_is_reported():
    speck = np.zeros((280, 700), np.uint8)
    speck[140:143, 300:303] = 255
    with pytest.raises(EmptyImageError):
        split_digits(speck)
