"""Corrections are learned by a copy; MNIST is not forgotten; the original stays."""

import numpy as np
import pytest

from mnist_core.drawing.strokes import render_strokes
from mnist_core.errors import MnistError
from mnist_core.reading.classifier import Classifier
from mnist_core.training.finetune import FineTuneConfig, fine_tune
from tests.support.drawing import SEVEN

pytestmark = pytest.mark.slow


def test_corrections_are_learned_without_forgetting(trained, small_mnist):
    classifier = Classifier(trained.model)
    seven = classifier.classify(render_strokes(SEVEN)).pixels
    # Teach it, against all evidence, that this seven is a 3.
    pixels = np.stack([seven, np.roll(seven, 1, axis=1)])
    weights_before = [w.copy() for w in trained.model.get_weights()]
    result = fine_tune(
        trained.model,
        pixels,
        [3, 3],
        small_mnist,
        FineTuneConfig(epochs=3, mnist_mix=1000),
    )
    assert result.labels == [3, 3] and result.after == [3, 3]
    assert result.before != [3, 3]
    assert result.mnist_after > result.mnist_before - 0.05  # still reads MNIST
    for w, w0 in zip(trained.model.get_weights(), weights_before, strict=True):
        np.testing.assert_array_equal(w, w0)  # the original model is untouched


def test_no_corrections_is_a_clear_error(trained, small_mnist):
    with pytest.raises(MnistError, match="between 1 and 50 corrections"):
        fine_tune(trained.model, np.zeros((0, 28, 28)), [], small_mnist)


def test_teaching_stops_when_its_page_is_closed():
    from mnist_core.data.mnist import MnistData
    from mnist_core.models.architectures import build_model

    x, y = np.zeros((200, 28, 28), np.uint8), np.zeros(200, np.uint8)
    checks = []

    def alive():
        checks.append(1)
        return len(checks) < 3  # closed during the third of 12 batches

    with pytest.raises(MnistError, match="page that asked for it was closed"):
        fine_tune(
            build_model("small"),
            np.zeros((1, 28, 28)),
            [3],
            MnistData(x, y, x, y, source="zeros"),
            FineTuneConfig(epochs=3, mnist_mix=200),
            alive=alive,
        )
    assert len(checks) == 4  # three batches, then the check after fit: no more


def test_an_averaged_model_learns_a_correction_member_by_member(small_mnist):
    # Taught through their average, the shipped pair's members each half
    # learned a corrected 7 (the pair still read it as 7, 52 %).
    from mnist_core.constants import SHIPPED_MODEL_PATH
    from mnist_core.models.ensemble import members_of
    from mnist_core.models.storage import load_model

    pair = load_model(SHIPPED_MODEL_PATH).model
    assert len(members_of(pair)) == 2, "the shipped model is an averaged pair"
    seven = Classifier(pair).classify(render_strokes(SEVEN)).pixels
    config = FineTuneConfig(mnist_mix=1000)
    result = fine_tune(pair, seven[None], [1], small_mnist, config)
    assert result.before == [7] and result.after == [1]
    assert len(members_of(result.model)) == 2  # still one averaged model
    assert result.mnist_after > result.mnist_before - 0.02
