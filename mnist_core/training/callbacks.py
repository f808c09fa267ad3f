"""The Keras callbacks a training uses, each a small noun class like Keras's own."""

from __future__ import annotations

import time
from collections.abc import Callable

import keras
import numpy as np

from mnist_core.data.mnist import subsample, to_model_input
from mnist_core.training.clock import BatchClock
from mnist_core.training.events import BatchEvent, EpochEvent, Listener
from mnist_core.training.schedule import one_cycle

# Images whose BatchNorm statistics are kept at the end, and how many go
# through at once: a forward pass in training mode holds every activation.
RECALIBRATION_SIZE = 512
RECALIBRATION_BATCH = 128


class ProgressReporter(keras.callbacks.Callback):
    """Turns Keras's hooks into events for listeners and honours stop requests."""

    def __init__(self, epochs: int, batches: int, listener: Listener | None, stop):
        super().__init__()
        self.epochs, self.batches = epochs, batches
        self.listener, self.stop = listener, stop
        self.history: list[EpochEvent] = []
        self.stopped = False
        self.eval_seconds = 0.0

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        self.clock = BatchClock(self.epochs * self.batches)

    def _timing(self, done: int) -> tuple[float, float | None]:
        elapsed = time.perf_counter() - self.start
        return elapsed, self.clock.eta(done, elapsed)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        if self.listener is not None:
            done = (self.epoch - 1) * self.batches + batch + 1
            elapsed, eta = self._timing(done)
            self.listener(
                BatchEvent(
                    self.epoch,
                    self.epochs,
                    batch + 1,
                    self.batches,
                    float(logs["loss"]),
                    float(logs["accuracy"]),
                    elapsed,
                    eta,
                )
            )
        # Checked after the listener, so a listener's own stop request takes effect
        # before another batch runs.
        if self.stop is not None and self.stop.is_set():
            self.stopped = True
            self.model.stop_training = True

    def on_test_begin(self, logs=None):
        self.eval_start = time.perf_counter()

    def on_test_end(self, logs=None):
        self.eval_seconds += time.perf_counter() - self.eval_start

    def on_epoch_end(self, epoch, logs=None):
        elapsed, eta = self._timing((epoch + 1) * self.batches)
        event = EpochEvent(
            epoch + 1,
            self.epochs,
            float(logs["loss"]),
            float(logs["accuracy"]),
            float(logs.get("val_loss", np.nan)),
            float(logs.get("val_accuracy", np.nan)),
            elapsed,
            0.0 if self.stopped else eta,
        )
        self.history.append(event)
        if self.listener is not None:
            self.listener(event)


def recalibrate_batch_norm(model: keras.Model, x: np.ndarray, seed: int) -> None:
    """Set BatchNorm's moving statistics to their average over training images.

    The moving averages start at mean 0 / variance 1 and forget that start
    slowly: after a short run (a few dozen batches) they are still far off.
    """
    norms = [
        layer
        for layer in model.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    if not norms:
        return
    sample = subsample(x, x[:, 0, 0], RECALIBRATION_SIZE, seed)[0]
    momenta = [layer.momentum for layer in norms]
    try:
        for k, start in enumerate(range(0, len(sample), RECALIBRATION_BATCH)):
            # Momentum k/(k+1) makes the moving value the mean over the chunks
            # so far; the first chunk (momentum 0) replaces the old value.
            for layer in norms:
                layer.momentum = k / (k + 1)
            chunk = sample[start : start + RECALIBRATION_BATCH]
            model(to_model_input(chunk), training=True)
    finally:
        for layer, momentum in zip(norms, momenta, strict=True):
            layer.momentum = momentum


class StopWhenGone(keras.callbacks.Callback):
    """Ends fit after the current batch once `alive()` says nobody waits for
    the result (the page that asked was closed)."""

    def __init__(self, alive: Callable[[], bool]):
        super().__init__()
        self.alive = alive

    def on_train_batch_end(self, batch, logs=None):
        if not self.alive():
            self.model.stop_training = True


class BatchNormRecalibrator(keras.callbacks.Callback):
    """Recalibrates BatchNorm before each epoch's test, so the live test curve
    shows what the model would score if training stopped there. Training itself
    uses batch statistics, so this does not change how it learns."""

    def __init__(self, x: np.ndarray, seed: int):
        super().__init__()
        self.x, self.seed = x, seed

    def on_test_begin(self, logs=None):
        recalibrate_batch_norm(self.model, self.x, self.seed)


class AverageEvaluator(keras.callbacks.Callback):
    """Each epoch's test measures the averaged weights; training then goes on
    from the raw ones. When fit ends, Keras itself writes the average into the
    model (`finalize_variable_values`), so the test of the last epoch measured
    exactly the model handed back.

    Must come before BatchNormRecalibrator in the callback list, so that
    BatchNorm's statistics are measured with the averaged weights.
    """

    def on_test_begin(self, logs=None):
        weights = self.model.trainable_variables
        self.raw = [variable.numpy() for variable in weights]
        self.model.optimizer.finalize_variable_values(weights)

    def on_test_end(self, logs=None):
        weights = self.model.trainable_variables
        for variable, value in zip(weights, self.raw, strict=True):
            variable.assign(value)


class OneCycleScheduler(keras.callbacks.Callback):
    """Sets the optimizer's learning rate to one_cycle(step) before each batch."""

    def __init__(self, steps_per_epoch: int, epochs: int, peak: float):
        super().__init__()
        self.steps_per_epoch = steps_per_epoch
        self.total = steps_per_epoch * epochs
        self.peak = peak
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        step = self.epoch * self.steps_per_epoch + batch
        self.model.optimizer.learning_rate = one_cycle(step, self.total, self.peak)
