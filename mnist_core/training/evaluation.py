"""How a model does on MNIST's test set: loss and accuracy, confusions, mistakes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mnist_core.constants import NUM_CLASSES
from mnist_core.data.mnist import MnistData
from mnist_core.errors import MnistError
from mnist_core.training.model_pool import COMPILED_MODELS
from mnist_core.training.pipeline import make_dataset

if TYPE_CHECKING:
    import keras

EVAL_BATCH = 200  # larger was no faster and cost memory (docs/performance.md)


@dataclass(frozen=True)
class EvaluationReport:
    """Predictions on every test digit and the summaries the Train page shows."""

    predictions: np.ndarray  # (N,) predicted digits
    confidences: np.ndarray  # (N,) top probability
    labels: np.ndarray  # (N,) true digits

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.predictions == self.labels))

    @property
    def error_count(self) -> int:
        return int(np.sum(self.predictions != self.labels))

    @property
    def confusion(self) -> np.ndarray:
        """(10, 10) counts: rows are true digits, columns predicted ones."""
        matrix = np.zeros((NUM_CLASSES, NUM_CLASSES), np.int64)
        np.add.at(matrix, (self.labels, self.predictions), 1)
        return matrix

    @property
    def per_class_accuracy(self) -> np.ndarray:
        matrix = self.confusion
        return np.diag(matrix) / np.maximum(matrix.sum(axis=1), 1)

    def mistakes(self, limit: int = 40) -> np.ndarray:
        """Indices of misclassified digits, the most confidently wrong first."""
        wrong = np.flatnonzero(self.predictions != self.labels)
        return wrong[np.argsort(-self.confidences[wrong])][:limit]


def evaluate_test_set(
    probabilities_fn: Callable[[np.ndarray], np.ndarray],
    data: MnistData,
    batch: int = EVAL_BATCH,
    alive: Callable[[], bool] = lambda: True,
) -> EvaluationReport:
    """Run `probabilities_fn` (e.g. Classifier.probabilities) over the test set,
    `batch` digits at a time (see `eval_batch`).

    Raises:
        MnistError: `alive()` turned False (whoever asked has gone): the rest
            of the test set is not run.
    """
    chunks = []
    for i in range(0, len(data.x_test), batch):
        if not alive():
            raise MnistError(
                "The test of the model stopped: the page that asked for it was "
                "closed. Upload the model again to test it."
            )
        chunks.append(
            probabilities_fn(data.x_test[i : i + batch].astype(np.float32) / 255.0)
        )
    probs = np.concatenate(chunks)
    return EvaluationReport(
        probs.argmax(axis=1), probs.max(axis=1), data.y_test.astype(int)
    )


def eval_batch(model: keras.Model) -> int:
    """Test digits per batch for `model`: EVAL_BATCH, fewer for a network whose
    intermediate results are large, so a batch's memory stays bounded."""
    from mnist_core.models.cost import batch_size, measure_cost

    return batch_size(measure_cost(model), EVAL_BATCH)


def evaluate(model: keras.Model, data: MnistData) -> tuple[float, float]:
    """Test-set (loss, accuracy) of any model, compiled or freshly loaded.

    An uncompiled model is measured by a pooled compiled twin holding its
    weights, rather than compiled itself: each compile keeps new traces.
    Batches are memory-bounded as in `eval_batch`.
    """
    test = make_dataset(data.x_test, data.y_test, eval_batch(model))
    if model.compiled:
        scores = model.evaluate(test, verbose=0, return_dict=True)
    else:
        with COMPILED_MODELS.borrow(model, "adam") as twin:
            scores = twin.evaluate(test, verbose=0, return_dict=True)
    return float(scores["loss"]), float(scores["accuracy"])
