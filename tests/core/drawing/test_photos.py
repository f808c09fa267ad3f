"""Photos of a digit on paper are read: the ink is found, the paper, light,
ruling, shadow and table edge are not."""

import numpy as np
import pytest

from mnist_core.drawing.photos import looks_like_photo
from mnist_core.drawing.preprocess import prepare_image, to_grey
from mnist_core.drawing.strokes import render_strokes
from tests.support.drawing import ONE, SEVEN

THREE = [[(90, 60), (150, 45), (195, 80), (170, 125), (130, 140), (180, 160),
          (200, 205), (160, 240), (95, 230)]]  # fmt: skip


def photo_of(strokes, seed: int = 0, size: int = 280, ruling=0.8) -> np.ndarray:
    """An RGB phone photo of a digit written in pen on ruled paper: light from
    one side, a hand's shadow in a corner, a dark table edge, sensor noise.
    `ruling` is how much light the lines let through (lower: darker lines)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    paper = 0.55 + 0.4 * x  # light from the right
    for row in range(25, size, 28):  # blue ruling, and a margin line
        paper[row : row + 2] *= ruling
    paper[:, 40:42] *= ruling
    ink = render_strokes(strokes, size=size, width=9) / 255.0
    grey = paper * (1 - 0.8 * ink)
    shadow = np.exp(-(((x - 0.05) / 0.3) ** 2 + ((y - 0.95) / 0.3) ** 2))
    grey *= 1 - 0.5 * shadow
    grey[:, :14] = 0.12  # the table beside the page
    grey[-10:] = 0.1
    grey += rng.normal(0, 0.02, grey.shape)
    rgb = np.stack([grey * 0.95, grey * 0.97, grey], axis=-1)
    return (np.clip(rgb, 0, 1) * 255).astype(np.uint8)


@pytest.fixture(scope="module")
def shipped():
    from mnist_core.constants import SHIPPED_MODEL_PATH
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier

    return Classifier(load_model(SHIPPED_MODEL_PATH).model)


def test_a_photo_is_told_from_a_drawing():
    assert looks_like_photo(photo_of(THREE)[..., 2] / 255.0)
    assert not looks_like_photo(render_strokes(SEVEN) / 255.0)
    assert not looks_like_photo(1.0 - render_strokes(SEVEN) / 255.0)


def test_the_paper_is_not_ink():
    ink = to_grey(photo_of(THREE))
    assert (ink > 0.5).mean() < 0.1  # not the bright block of paper
    prepared = prepare_image(photo_of(THREE))
    drawn = prepare_image(render_strokes(THREE, width=9))
    overlap = np.minimum(prepared.pixels, drawn.pixels).sum() / drawn.pixels.sum()
    assert overlap > 0.6


@pytest.mark.parametrize(
    ("strokes", "digit"), [(THREE, 3), (SEVEN, 7), (ONE, 1)], ids=["3", "7", "1"]
)
@pytest.mark.parametrize("ruling", [0.8, 0.5], ids=["pale-lines", "dark-lines"])
@pytest.mark.parametrize("seed", [0, 1])
def test_photos_of_digits_are_read(shipped, strokes, digit, seed, ruling):
    prediction = shipped.classify(photo_of(strokes, seed, ruling=ruling))
    assert prediction.digit == digit
