"""Compiled models kept for reuse across trainings, and the optimizers they use.

Every `compile` + `fit` traces new TensorFlow functions, and TensorFlow keeps
tens of MB of each trace after the model is gone, so a server that compiled
a fresh model per training grew with every one (docs/performance.md). A
model compiled once and given new weights and a zeroed optimizer per training
stayed flat. So trainings borrow a compiled model from this pool, keyed by the
network's configuration and the optimizer, and hand it back when done.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import keras

from mnist_core.training.averaging import EMA_MOMENTUM, averaging
from mnist_core.training.config import ADAMW_WEIGHT_DECAY, SGD_MOMENTUM

# Idle compiled models kept; two networks x four optimizers fit, and an
# uploaded model's twin does not push out the ones trainings need for long.
MAX_IDLE = 8
# (the network's configuration as JSON, optimizer name, weights averaged?)
PoolKey = tuple[str, str, bool]


# The optimizers a training may ask for, by name: class and arguments. Each
# keeps its learning rate in a variable, so it can change between trainings
# (and between batches) without a new trace.
OPTIMIZER_KINDS = {
    "adam": (keras.optimizers.Adam, {}),
    "adamw": (keras.optimizers.AdamW, {"weight_decay": ADAMW_WEIGHT_DECAY}),
    "sgd": (keras.optimizers.SGD, {"momentum": SGD_MOMENTUM, "nesterov": True}),
    "rmsprop": (keras.optimizers.RMSprop, {}),
}


def make_optimizer(
    name: str, learning_rate: float = 1e-3, average_weights: bool = False
) -> keras.optimizers.Optimizer:
    """A named optimizer; with `average_weights` it also keeps a moving average
    of the weights (see averaging.py)."""
    if name not in OPTIMIZER_KINDS:
        raise ValueError(f"unknown optimizer {name!r}")
    kind = OPTIMIZER_KINDS[name][0]
    if average_weights:
        kind = averaging(kind)
    return kind(learning_rate, **optimizer_arguments(name, average_weights))


def optimizer_arguments(name: str, average_weights: bool) -> dict:
    """The keyword arguments of the optimizer `name` besides its learning rate."""
    arguments = dict(OPTIMIZER_KINDS[name][1])  # a copy: the table stays as it is
    if average_weights:
        arguments.update(use_ema=True, ema_momentum=EMA_MOMENTUM)
    return arguments


def compile_model(
    model: keras.Model, optimizer: keras.optimizers.Optimizer
) -> keras.Model:
    """Compile as the tutorial did: categorical cross-entropy, accuracy."""
    model.compile(
        optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def copy_state(source: keras.Model, target: keras.Model) -> None:
    """Give `target` the weights, BatchNorm statistics and dropout seeds of
    `source`, an identically built model."""
    for to, value in zip(target.variables, source.variables, strict=True):
        to.assign(value)


def reset_optimizer(
    optimizer: keras.optimizers.Optimizer, learning_rate: float
) -> None:
    """Zero the step count and every moment, as if the optimizer were new."""
    for variable in optimizer.variables:
        variable.assign(keras.ops.zeros_like(variable))
    optimizer.learning_rate = learning_rate


class CompiledModels:
    """A thread-safe pool; a borrowed model is used by one caller at a time."""

    def __init__(self, max_idle: int = MAX_IDLE):
        self.max_idle = max_idle
        self._idle: OrderedDict[PoolKey, list[keras.Model]] = OrderedDict()
        self._lock = threading.Lock()
        self.compiled = 0  # how many models this pool compiled, for tests

    def _take(self, key) -> keras.Model | None:
        with self._lock:
            models = self._idle.get(key)
            if not models:
                return None
            self._idle.move_to_end(key)
            return models.pop()

    def _give_back(self, key, model: keras.Model) -> None:
        with self._lock:
            self._idle.setdefault(key, []).append(model)
            self._idle.move_to_end(key)
            while sum(map(len, self._idle.values())) > self.max_idle:
                oldest = next(iter(self._idle))
                self._idle[oldest].pop(0)
                if not self._idle[oldest]:
                    del self._idle[oldest]

    @contextmanager
    def borrow(
        self,
        blueprint: keras.Model,
        optimizer: str,
        learning_rate: float = 1e-3,
        average_weights: bool = False,
    ) -> Iterator[keras.Model]:
        """A compiled model built like `blueprint`, holding its state, with a
        fresh `optimizer` at `learning_rate`; `blueprint` itself is not touched.
        Averaging is traced into the training step, so it is part of the key."""
        config = blueprint.get_config()
        network = json.dumps(config, sort_keys=True, default=str)
        key = (network, optimizer, average_weights)
        model = self._take(key)
        if model is None:
            model = blueprint.__class__.from_config(config)
            compile_model(
                model, make_optimizer(optimizer, learning_rate, average_weights)
            )
            self.compiled += 1
        copy_state(blueprint, model)
        reset_optimizer(model.optimizer, learning_rate)
        try:
            yield model
        finally:
            self._give_back(key, model)


COMPILED_MODELS = CompiledModels()
