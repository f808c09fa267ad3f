"""A Keras callback that turns training into progress events and honours stops."""

from __future__ import annotations

import time

import keras
import numpy as np

from mnist_core.events import BatchEvent, EpochEvent, Listener


class ProgressCallback(keras.callbacks.Callback):
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

    def _timing(self, done: int) -> tuple[float, float]:
        elapsed = time.perf_counter() - self.start
        total = self.epochs * self.batches
        return elapsed, elapsed / max(done, 1) * (total - done)

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
