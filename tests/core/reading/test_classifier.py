"""The classifier answers like the model, fast path or not, from many threads."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from mnist_core.drawing.strokes import render_strokes
from mnist_core.reading.classifier import Classifier


def test_probabilities_match_keras_predict(trained, small_mnist):
    x = small_mnist.x_test[:50] / 255.0
    ours = Classifier(trained.model).probabilities(x)
    keras_says = trained.model.predict(x[..., None], verbose=0)
    np.testing.assert_allclose(ours, keras_says, atol=1e-5)
    np.testing.assert_allclose(ours.sum(axis=1), 1.0, atol=1e-5)


def test_classify_returns_digit_confidence_and_input(trained, small_mnist):
    classifier = Classifier(trained.model)
    right = 0
    for image, label in zip(
        small_mnist.x_test[:50], small_mnist.y_test[:50], strict=True
    ):
        p = classifier.classify(image)
        assert p.pixels.shape == (28, 28) and len(p.probabilities) == 10
        assert p.confidence == max(p.probabilities)
        right += p.digit == label
    assert right >= 40  # the fixture model is ~90 % accurate


def test_empty_canvas_gets_a_reason_not_a_guess(trained):
    p = Classifier(trained.model).classify(np.zeros((280, 280, 4), np.uint8))
    assert p.digit is None and "draw a digit" in str(p.reason)
    assert p.reason.template == "The image is empty: draw a digit first."
    assert not p.is_sure


def test_top_two_are_ordered(trained, small_mnist):
    p = Classifier(trained.model).classify(small_mnist.x_test[0])
    (d1, p1), (d2, p2) = p.top(2)
    assert d1 == p.digit and p1 >= p2 and d1 != d2


def test_concurrent_calls_agree_with_serial_ones(trained):
    classifier = Classifier(trained.model)
    images = [
        render_strokes([[(60 + 10 * i, 50), (200, 60), (120, 230)]]) for i in range(8)
    ]
    serial = [classifier.classify(i).probabilities for i in images]
    with ThreadPoolExecutor(8) as pool:
        parallel = list(
            pool.map(lambda i: classifier.classify(i).probabilities, images * 4)
        )
    np.testing.assert_allclose(parallel, serial * 4, atol=1e-6)
