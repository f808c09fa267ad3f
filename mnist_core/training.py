"""Train a model: typed configuration, progress events, stop requests.

One function, `train`, serves the command line, the app and the benchmarks.
Images stay uint8 in memory and are normalised one batch at a time.
"""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import asdict, dataclass, field, replace

import keras
import numpy as np
import tensorflow as tf

from mnist_core.augment import augment_batch
from mnist_core.averaging import EvaluateTheAverage
from mnist_core.compiled import OPTIMIZER_KINDS, POOL, copy_state
from mnist_core.constants import INPUT_SHAPE, NUM_CLASSES
from mnist_core.data import MnistData, fingerprint, subsample, to_model_input
from mnist_core.errors import MnistError
from mnist_core.events import EpochEvent, Listener
from mnist_core.models import ARCHITECTURES, build_model
from mnist_core.progress import ProgressCallback
from mnist_core.schedule import OneCycle
from mnist_core.styles import add_writing_styles

OPTIMIZERS = tuple(OPTIMIZER_KINDS)
SCHEDULES = ("constant", "onecycle")
EVAL_BATCH = 200  # larger is no faster here and costs memory: 1,000 took 160 MB more
# Images whose BatchNorm statistics are kept at the end, and how many go
# through at once: a forward pass in training mode holds every activation, and
# 512 images at once took 71 MB more peak memory than 128.
RECALIBRATION_SIZE = 512
RECALIBRATION_BATCH = 128


@dataclass(frozen=True)
class Limits:
    """Bounds on what a training may ask for; the CLI, pages and server share them."""

    epochs: tuple[int, int] = (1, 30)
    batch_size: tuple[int, int] = (16, 1024)
    learning_rate: tuple[float, float] = (1e-5, 1.0)
    train_size: tuple[int, int] = (100, 60_000)


LIMITS = Limits()


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run. Defaults are the Keras tutorial's."""

    arch: str = "recipe"  # a key of models.ARCHITECTURES
    epochs: int = 10  # the tutorial's 10 passes over the data
    batch_size: int = 128  # the tutorial's batch
    learning_rate: float = 1e-3  # Adam's default, as the tutorial used
    optimizer: str = "adam"  # one of OPTIMIZERS
    schedule: str = "constant"  # "onecycle": warm up, then cosine decay to ~0
    augment: bool = False  # random warps and thickness, plus styles.py's extra digits
    average_weights: bool = False  # test and keep a moving average of the weights
    train_size: int | None = None  # None: all 60,000 training images
    seed: int = 0  # same seed, same data order, weights and result

    def validate(self, limits: Limits = LIMITS) -> TrainConfig:
        """Return self if every field is in range, else raise MnistError."""
        _check_choice("arch", self.arch, tuple(ARCHITECTURES))
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("schedule", self.schedule, SCHEDULES)
        _check_range("epochs", self.epochs, limits.epochs)
        _check_range("batch size", self.batch_size, limits.batch_size)
        _check_range("learning rate", self.learning_rate, limits.learning_rate)
        if self.train_size is not None:
            _check_range("training-set size", self.train_size, limits.train_size)
        return self


PRESETS = {
    "recipe": TrainConfig(),
    # Measured with bench/train_speed.py; see the README's Performance section.
    "fast": TrainConfig(
        arch="small",
        epochs=3,
        batch_size=256,
        learning_rate=8e-3,
        schedule="onecycle",
        average_weights=True,
    ),
}


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise MnistError(
            "Unknown {name} {value!r}: choose one of {choices}.",
            name=name,
            value=value,
            choices=", ".join(choices),
        )


def _check_range(name: str, value, bounds) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise MnistError(
            "The {name} must be between {low} and {high}; got {value}.",
            name=name,
            low=low,
            high=high,
            value=value,
        )


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

    def summary(self) -> dict:
        """One row for a table comparing runs: settings, then results."""
        c = self.config
        return {
            "architecture": c.arch,
            "epochs": c.epochs,
            "batch": c.batch_size,
            "learning rate": c.learning_rate,
            "optimizer": c.optimizer,
            "schedule": c.schedule,
            "augment": c.augment,
            "weights averaged": c.average_weights,
            "images": c.train_size or 60_000,
            "test accuracy": round(self.test_accuracy, 4),
            "test loss": round(self.test_loss, 4),
            "seconds": round(self.train_seconds, 1),
            "stopped": self.stopped,
        }

    def metadata(self) -> dict:
        """Plain data describing the run, for the model's sidecar file."""
        return {
            "arch": self.config.arch,
            "config": asdict(self.config),
            "test_loss": self.test_loss,
            "test_accuracy": self.test_accuracy,
            "train_seconds": self.train_seconds,
            "stopped": self.stopped,
            "epochs_completed": len(self.history),
            "data_fingerprint": self.data_fingerprint,
        }


# tf.data's autotuner re-tunes the pipeline while it runs; on 2 cores it
# slowed whole epochs at random (`python bench/pipeline.py`: 4 of 10 epochs
# under 70 % of the fastest with it on, 0 of 10 with it off).
_PIPELINE_OPTIONS = tf.data.Options()
_PIPELINE_OPTIONS.autotune.enabled = False
# A batch's shapes, which numpy_function cannot tell Keras on its own.
_IMAGES_SHAPE = (None, *INPUT_SHAPE)
_LABELS_SHAPE = (None, NUM_CLASSES)


def make_dataset(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    *,
    seed: int = 0,
    training: bool = False,
    augment: bool = False,
) -> tf.data.Dataset:
    """Batches of (float images in [0, 1], one-hot labels) from uint8 arrays.

    Each batch is gathered from the NumPy arrays themselves: copying them into
    TensorFlow constants first (tf.constant + tf.gather) raised the peak memory
    of a process training the fast preset from 848 to 904 MB (bench/pipeline.py),
    and of one doing three such trainings with tests from 894 to 1,025 MB.
    """

    def take(index):
        return x[index], y[index]

    ds = tf.data.Dataset.range(len(x))
    if training:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).enumerate()

    def load(step, index):
        images, labels = tf.numpy_function(
            take, [index], (tf.uint8, tf.uint8), stateful=False
        )
        batch = tf.cast(images, tf.float32)[..., None] / 255.0
        batch = tf.ensure_shape(batch, _IMAGES_SHAPE)
        if augment:
            # The first index differs every epoch (reshuffled), the step every batch.
            batch_seed = tf.cast(tf.stack([seed * 100_003 + step, index[0]]), tf.int32)
            batch = augment_batch(batch, batch_seed)
        return batch, tf.ensure_shape(tf.one_hot(labels, NUM_CLASSES), _LABELS_SHAPE)

    ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    return ds.with_options(_PIPELINE_OPTIONS)


def recalibrate_batch_norm(model: keras.Model, x: np.ndarray, seed: int) -> None:
    """Set BatchNorm's moving statistics to their average over training images.

    The moving averages start at mean 0 / variance 1 and forget that start slowly:
    after a short run (a few dozen batches) they are still far off, and the
    model scored 11 % on the test set while training accuracy was 90 %.
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


class RecalibrateBeforeTesting(keras.callbacks.Callback):
    """Recalibrate BatchNorm before each epoch's test, so the live test curve
    shows what the model would score if training stopped there (a one-epoch run
    read 11 % on the curve and 91 % once delivered). Training itself uses batch
    statistics, so this does not change how it learns."""

    def __init__(self, x: np.ndarray, seed: int):
        super().__init__()
        self.x, self.seed = x, seed

    def on_test_begin(self, logs=None):
        recalibrate_batch_norm(self.model, self.x, self.seed)


def train(
    config: TrainConfig,
    data: MnistData,
    listener: Listener | None = None,
    stop: threading.Event | None = None,
) -> TrainResult:
    """Train a fresh model on MNIST and evaluate it on the test set.

    Args:
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
    # grew ~25 MB per training until a full collection happened to run.
    gc.collect()
    keras.utils.set_random_seed(config.seed)
    x, y = subsample(data.x_train, data.y_train, config.train_size, config.seed)
    if config.augment:
        x, y = add_writing_styles(x, y, config.seed)
    train_ds = make_dataset(
        x, y, config.batch_size, seed=config.seed, training=True, augment=config.augment
    )
    test_ds = make_dataset(data.x_test, data.y_test, EVAL_BATCH)
    batches = -(-len(x) // config.batch_size)
    model = build_model(config.arch)  # fresh weights; what the user gets back
    progress = ProgressCallback(config.epochs, batches, listener, stop)
    # The averaged weights go in before BatchNorm is recalibrated for them.
    callbacks = [EvaluateTheAverage()] if config.average_weights else []
    callbacks += [RecalibrateBeforeTesting(x, config.seed), progress]
    if config.schedule == "onecycle":
        callbacks.append(OneCycle(batches, config.epochs, config.learning_rate))
    # A pooled, already compiled twin does the training (see compiled.py), so
    # the server's memory stays flat however many trainings it serves.
    with POOL.borrow(
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
    # The last epoch's test (run after RecalibrateBeforeTesting, also when a stop
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
    )


def with_overrides(config: TrainConfig, **changes) -> TrainConfig:
    """A copy of `config` with the non-None `changes` applied."""
    return replace(config, **{k: v for k, v in changes.items() if v is not None})


def evaluate(model: keras.Model, data: MnistData) -> tuple[float, float]:
    """Test-set (loss, accuracy) of any model, compiled or freshly loaded.

    An uncompiled model is measured by a pooled compiled twin holding its
    weights, rather than compiled itself: each compile keeps new traces.
    """
    test = make_dataset(data.x_test, data.y_test, EVAL_BATCH)
    if model.compiled:
        scores = model.evaluate(test, verbose=0, return_dict=True)
    else:
        with POOL.borrow(model, "adam") as twin:
            scores = twin.evaluate(test, verbose=0, return_dict=True)
    return float(scores["loss"]), float(scores["accuracy"])
