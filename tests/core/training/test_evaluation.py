"""Confusion matrix, per-class accuracy and the gallery of mistakes."""

import numpy as np

from mnist_core.data.mnist import MnistData
from mnist_core.training.evaluation import evaluate_test_set


def fake_data(labels):
    x = np.zeros((len(labels), 28, 28), np.uint8)
    y = np.array(labels, np.uint8)
    return MnistData(x, y, x, y, source="fake")


def test_report_from_known_predictions():
    labels = [0, 1, 2, 2]
    answers = np.array(
        [
            [0.9] + [0.0] * 9,  # 0 right
            [0.0, 0.6, 0.4] + [0.0] * 7,  # 1 right
            [0.0, 0.8, 0.2] + [0.0] * 7,  # 2 read as 1, confident
            [0.0, 0.3, 0.7] + [0.0] * 7,
        ]
    )  # 2 right
    report = evaluate_test_set(lambda batch: answers[: len(batch)], fake_data(labels))
    assert report.accuracy == 0.75 and report.error_count == 1
    assert report.confusion[2, 1] == 1 and report.confusion.sum() == 4
    np.testing.assert_allclose(report.per_class_accuracy[:3], [1.0, 1.0, 0.5])
    assert report.mistakes().tolist() == [2]


def test_evaluation_stops_when_whoever_asked_has_gone():
    import pytest

    from mnist_core.errors import MnistError

    calls, answer = [], np.full((1, 10), 0.1)
    checks = iter([True, True, False])

    def probabilities(batch):
        calls.append(len(batch))
        return np.repeat(answer, len(batch), axis=0)

    with pytest.raises(MnistError, match="page that asked for it was closed"):
        evaluate_test_set(
            probabilities, fake_data([0] * 10), batch=3, alive=lambda: next(checks)
        )
    assert calls == [3, 3]  # the rest was never run
