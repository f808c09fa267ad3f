"""A drawing that is no digit is told so; a drawn digit is still read."""

import numpy as np
import pytest

from mnist_core.data.non_digits import KINDS, draw_non_digit, non_digits
from mnist_core.reading.digit_check import NOT_A_DIGIT
from mnist_core.reading.strokes import render_strokes
from tests.conftest import ONE, SEVEN

# What a visitor scribbles across the canvas to try the app.
SCRIBBLE = [[(40, 60), (240, 80), (50, 120), (230, 150), (60, 200), (220, 240),
             (100, 40), (180, 250), (30, 140), (250, 130)]]  # fmt: skip


@pytest.fixture(scope="module")
def shipped():
    from mnist_core.constants import SHIPPED_MODEL_PATH
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier
    from mnist_core.reading.digit_check import load_check_for

    check = load_check_for(SHIPPED_MODEL_PATH)
    assert check is not None, "fit it: python bench/not_a_digit.py --fit"
    return Classifier(load_model(SHIPPED_MODEL_PATH).model, digit_check=check)


def blob() -> np.ndarray:
    canvas = np.zeros((280, 280), np.uint8)
    yy, xx = np.mgrid[:280, :280]
    canvas[((yy - 140) / 90) ** 2 + ((xx - 130) / 70) ** 2 < 1] = 255
    return canvas


@pytest.mark.parametrize(
    "drawing",
    [render_strokes(SCRIBBLE, width=20), blob()],
    ids=["scribble", "blob"],
)
def test_a_scribble_or_blob_is_not_read_as_a_digit(shipped, drawing):
    prediction = shipped.classify(drawing)
    assert prediction.digit is None and not prediction.is_sure
    assert prediction.reason == NOT_A_DIGIT
    assert prediction.pixels.shape == (28, 28)  # the page shows what it saw


@pytest.mark.parametrize(("strokes", "digit"), [(SEVEN, 7), (ONE, 1)], ids=["7", "1"])
@pytest.mark.parametrize("width", [10, 20, 40])
def test_drawn_digits_are_still_read(shipped, strokes, digit, width):
    prediction = shipped.classify(render_strokes(strokes, width=width))
    assert prediction.digit == digit and prediction.reason is None


def test_most_made_up_non_digits_are_caught(shipped):
    caught = [shipped.classify(image).digit is None for _, image in non_digits(40, 5)]
    assert np.mean(caught) >= 0.7  # bench/not_a_digit.py measures 2,000


def test_non_digits_are_reproducible_canvases():
    for kind in KINDS:
        a = draw_non_digit(kind, np.random.default_rng(3))
        b = draw_non_digit(kind, np.random.default_rng(3))
        assert a.shape == (280, 280) and a.dtype == np.uint8 and a.max() == 255
        np.testing.assert_array_equal(a, b)
