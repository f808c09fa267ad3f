"""Train a model: typed configuration, progress events, stop requests.

One function, `train`, serves the command line, the app and the benchmarks.
Images stay uint8 in memory and are normalised one batch at a time.
"""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import asdict, dataclass, field

import keras
import numpy as np

from mnist_core.data.mnist import MnistData, fingerprint, subsample
from mnist_core.data.pen_digits import PenDigits
from mnist_core.data.writing_styles import add_writing_styles
from mnist_core.models.architectures import build_model
from mnist_core.training.callbacks import (
    AverageEvaluator,
    BatchNormRecalibrator,
    OneCycleScheduler,
    ProgressReporter,
)
from mnist_core.training.config import TrainConfig
from mnist_core.training.evaluation import EVAL_BATCH
from mnist_core.training.events import EpochEvent, Listener
from mnist_core.training.model_pool import COMPILED_MODELS, copy_state
from mnist_core.training.pipeline import make_dataset


@dataclass
class TrainResult:
    """A finished (or stopped) run: the model as trained and how it did."""

    model: keras.Model
    config: TrainConfig
    test_loss: float
    test_accuracy: float
    train_seconds: float  # fitting alone: no data loading, no evaluation
    stopped: bool  # True when a stop request ended it early
    data_fingerprint: str
    history: list[EpochEvent] = field(default_factory=list)
    pen_digits: dict | None = None  # PenDigits.about() of those it learned from

    def summary(self) -> dict:
        """One row for a table comparing runs: settings, then results."""
        return {
            **self.config.summary(),
            "test accuracy": round(self.test_accuracy, 4),
            "test loss": round(self.test_loss, 4),
            "seconds": round(self.train_seconds, 1),
            "stopped": self.stopped,
        }

    def metadata(self) -> dict:
        """Plain data describing the run, for the model's sidecar file."""
        return {
            "config": asdict(self.config),
            "test_loss": self.test_loss,
            "test_accuracy": self.test_accuracy,
            "train_seconds": self.train_seconds,
            "stopped": self.stopped,
            "epochs_completed": len(self.history),
            "data_fingerprint": self.data_fingerprint,
        } | ({"pen_digits": self.pen_digits} if self.pen_digits else {})


def train(
    config: TrainConfig,
    data: MnistData,
    listener: Listener | None = None,
    stop: threading.Event | None = None,
    pen: PenDigits | None = None,
) -> TrainResult:
    """Train a fresh model on MNIST (and pen-written digits) and evaluate it on
    MNIST's test set.

    Args:
        pen: pen-written digits learned from besides MNIST's (training
            images; `config.train_size` counts MNIST's alone).
        listener: called with a BatchEvent after every batch and an EpochEvent
            after every epoch, on the training thread.
        stop: when set, training ends after the current batch; the model keeps
            the weights trained so far and the result says `stopped`.

    Raises:
        MnistError: the configuration is out of range.
    """
    config.validate()
    # Earlier runs' models sit in reference cycles holding tens of MB of
    # tensors that Python's collector cannot see; without this the server
    # grew with every training until a full collection happened to run.
    gc.collect()
    keras.utils.set_random_seed(config.seed)
    x, y = subsample(data.x_train, data.y_train, config.train_size, config.seed)
    if pen is not None:
        x, y = np.concatenate([x, pen.x]), np.concatenate([y, pen.y])
    if config.augment:
        x, y = add_writing_styles(x, y, config.seed)
    train_ds = make_dataset(
        x, y, config.batch_size, seed=config.seed, training=True, augment=config.augment
    )
    test_ds = make_dataset(data.x_test, data.y_test, EVAL_BATCH)
    batches = -(-len(x) // config.batch_size)
    model = build_model(config.arch)  # fresh weights; what the user gets back
    progress = ProgressReporter(config.epochs, batches, listener, stop)
    # The averaged weights go in before BatchNorm is recalibrated for them.
    callbacks = [AverageEvaluator()] if config.average_weights else []
    callbacks += [BatchNormRecalibrator(x, config.seed), progress]
    if config.schedule == "onecycle":
        callbacks.append(
            OneCycleScheduler(batches, config.epochs, config.learning_rate)
        )
    # A pooled, already compiled twin does the training (see model_pool.py), so
    # the server's memory stays flat however many trainings it serves.
    with COMPILED_MODELS.borrow(
        model, config.optimizer, config.learning_rate, config.average_weights
    ) as twin:
        start = time.perf_counter()
        twin.fit(
            train_ds,
            epochs=config.epochs,
            validation_data=test_ds,
            callbacks=callbacks,
            verbose=0,
            shuffle=False,
        )
        train_seconds = time.perf_counter() - start - progress.eval_seconds
        copy_state(twin, model)
    # The last epoch's test (run after BatchNormRecalibrator, also when a stop
    # ended the epoch early) measured exactly the model handed back: no second pass.
    last = progress.history[-1]
    test_loss, test_accuracy = last.val_loss, last.val_accuracy
    return TrainResult(
        model=model,
        config=config,
        test_loss=test_loss,
        test_accuracy=test_accuracy,
        train_seconds=train_seconds,
        stopped=progress.stopped,
        data_fingerprint=fingerprint(x, y),
        history=progress.history,
        pen_digits=None if pen is None else pen.about(),
    )
