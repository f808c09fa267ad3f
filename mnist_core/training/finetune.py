"""Teach a model the user's corrections without making it forget MNIST.

A copy of the model trains for a few epochs on the corrected drawings (each
repeated, so a handful of them counts) mixed with a random sample of MNIST.
The original model is left untouched; the result says how both did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np

from mnist_core.data.mnist import MnistData, subsample
from mnist_core.errors import MnistError
from mnist_core.models.ensemble import average_models, members_of
from mnist_core.training.callbacks import StopWhenGone, recalibrate_batch_norm
from mnist_core.training.corrections import MAX_CORRECTIONS
from mnist_core.training.evaluation import evaluate
from mnist_core.training.model_pool import COMPILED_MODELS, copy_state
from mnist_core.training.pipeline import make_dataset


@dataclass(frozen=True)
class FineTuneConfig:
    epochs: int = 3  # short: a few hundred steps
    repeats: int = 20  # each correction appears this many times per epoch
    mnist_mix: int = 3000  # MNIST digits mixed in so it does not forget
    learning_rate: float = 3e-4  # a tenth of training's: nudge, don't retrain
    seed: int = 0


@dataclass(frozen=True)
class FineTuneResult:
    model: keras.Model
    before: list[int]  # the old model's answers on the corrected drawings
    after: list[int]  # the new model's answers
    labels: list[int]  # what the user said they are
    mnist_before: float  # test accuracy of the old model
    mnist_after: float


def _answers(model: keras.Model, pixels: np.ndarray) -> list[int]:
    return model(pixels[..., None], training=False).numpy().argmax(axis=1).tolist()


def fine_tune(
    model: keras.Model,
    pixels: np.ndarray,
    labels: list[int],
    data: MnistData,
    config: FineTuneConfig = FineTuneConfig(),
    alive: Callable[[], bool] = lambda: True,
) -> FineTuneResult:
    """Fine-tune a copy of `model` on corrections (N, 28, 28) in [0, 1];
    `alive()` turning False (the page was closed) ends it after a batch.
    An averaged model's members are taught one by one, then joined again:
    taught through their average, each member only half learns a correction
    (the shipped pair still read a corrected 7 as 7, at 52 %).

    Raises:
        MnistError: no corrections, or too many; or the page was closed.
    """
    if not 0 < len(labels) <= MAX_CORRECTIONS:
        raise MnistError(
            "Give between 1 and {limit} corrections; got {count}.",
            limit=MAX_CORRECTIONS,
            count=len(labels),
        )
    members = members_of(model)
    if members:
        taught = [
            _taught_copy(m, pixels, labels, data, config, alive, measure=False)[0]
            for m in members
        ]
        copy = average_models(taught)
        mnist_after = evaluate(copy, data)[1]
    else:
        copy, mnist_after = _taught_copy(model, pixels, labels, data, config, alive)
    return FineTuneResult(
        model=copy,
        before=_answers(model, pixels),
        after=_answers(copy, pixels),
        labels=list(labels),
        mnist_before=evaluate(model, data)[1],
        mnist_after=mnist_after,
    )


def _taught_copy(
    model: keras.Model,
    pixels: np.ndarray,
    labels: list[int],
    data: MnistData,
    config: FineTuneConfig,
    alive: Callable[[], bool],
    measure: bool = True,
) -> tuple[keras.Model, float | None]:
    """A copy of one network trained on the corrections mixed with MNIST, and
    (with `measure`) its MNIST test accuracy."""
    keras.utils.set_random_seed(config.seed)
    copy = model.__class__.from_config(model.get_config())
    copy_state(model, copy)
    mix_x, mix_y = subsample(data.x_train, data.y_train, config.mnist_mix, config.seed)
    own_x = np.repeat(
        (np.asarray(pixels) * 255).round().astype(np.uint8), config.repeats, axis=0
    )
    x = np.concatenate([mix_x, own_x])
    y = np.concatenate([mix_y, np.repeat(np.asarray(labels, np.uint8), config.repeats)])
    # A pooled compiled twin learns, then hands its weights to the copy: a
    # compile per correction would keep ~20 MB of traces each time.
    with COMPILED_MODELS.borrow(copy, "adam", config.learning_rate) as twin:
        twin.fit(
            make_dataset(x, y, 64, seed=config.seed, training=True),
            epochs=config.epochs,
            verbose=0,
            shuffle=False,  # the dataset shuffles itself
            callbacks=[StopWhenGone(alive)],
        )
        if not alive():  # nobody to show it to: skip the two evaluations
            raise MnistError(
                "The teaching stopped: the page that asked for it was closed."
            )
        recalibrate_batch_norm(twin, x, config.seed)
        mnist_after = evaluate(twin, data)[1] if measure else None
        copy_state(twin, copy)
    return copy, mnist_after
