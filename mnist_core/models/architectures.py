"""The networks, built in Keras, with their parameter counts and FLOPs per image."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
from keras import layers

from mnist_core.constants import INPUT_SHAPE, NUM_CLASSES
from mnist_core.errors import MnistError
from mnist_core.models.catalog import ARCHITECTURES
from mnist_core.models.cost import measure_cost

# Keras's default 0.99 averages over ~100 steps: too slow for a run of a few
# hundred steps at a high learning rate.
BN_MOMENTUM = 0.9


def build_recipe() -> keras.Model:
    """The Keras tutorial's CNN, layer for layer."""
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = layers.Conv2D(32, 3, activation="relu", name="conv1")(inputs)
    x = layers.Conv2D(64, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool")(x)
    x = layers.Dropout(0.25, name="dropout1")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(128, activation="relu", name="dense")(x)
    x = layers.Dropout(0.5, name="dropout2")(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="recipe")


def _conv_block(x, filters: int, size: int, name: str, padding: str, pool_first: bool):
    """Convolution, BatchNorm, ReLU and 2x2 max-pooling.

    BatchNorm lets these nets take a large learning rate from the first step.
    Pooling first hands BatchNorm and ReLU a quarter of the pixels: faster, and
    no less accurate (docs/log/2026-11-28.md).
    """
    x = layers.Conv2D(filters, size, padding=padding, use_bias=False, name=name)(x)
    pool = layers.MaxPooling2D(2, name=name.replace("conv", "pool"))
    if pool_first:
        x = pool(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    return x if pool_first else pool(x)


def _batch_norm_cnn(
    name: str, padding: str, dense: int, dropout: float, pool_first: bool
) -> keras.Model:
    """Conv24 5x5 -> Conv48 3x3 -> Dense, each with BatchNorm, pooling after
    each convolution."""
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = _conv_block(inputs, 24, 5, "conv1", padding, pool_first)
    x = _conv_block(x, 48, 3, "conv2", padding, pool_first)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(dense, use_bias=False, name="dense")(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name="dense_bn")(x)
    x = layers.Activation("relu", name="dense_relu")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


def build_fast() -> keras.Model:
    """A smaller BatchNorm CNN: a quarter of the recipe's FLOPs, more accurate."""
    return _batch_norm_cnn(
        "fast", padding="same", dense=256, dropout=0.3, pool_first=False
    )


def build_small() -> keras.Model:
    """The quickest: unpadded convolutions shrink the picture early (28 -> 24
    -> 12 -> 10 -> 5), an eighth of the recipe's FLOPs, and each convolution
    is pooled before its BatchNorm and ReLU."""
    return _batch_norm_cnn(
        "small", padding="valid", dense=128, dropout=0.2, pool_first=True
    )


# Each name of catalog.ARCHITECTURES and the function that builds it.
BUILDERS: dict[str, Callable[[], keras.Model]] = {
    "recipe": build_recipe,
    "fast": build_fast,
    "small": build_small,
}


def build_model(arch: str) -> keras.Model:
    """Build an untrained, uncompiled model of the named architecture."""
    if arch not in ARCHITECTURES:
        raise MnistError(
            "Unknown architecture {arch!r}: choose one of {choices}.",
            arch=arch,
            choices=", ".join(ARCHITECTURES),
        )
    return BUILDERS[arch]()


def count_flops(model: keras.Model) -> int:
    """Floating-point operations of one forward pass on one image.

    Counts a multiply-add as 2 FLOPs for Conv2D and Dense layers (bias adds
    included) and other weighted layers; activations, pooling and
    normalisation are left out, as is usual (cost.measure_cost).
    """
    return measure_cost(model).flops


@dataclass(frozen=True)
class ModelSummary:
    """What the app shows about a network."""

    name: str
    params: int
    flops: int


def summarize(model: keras.Model) -> ModelSummary:
    return ModelSummary(model.name, int(model.count_params()), count_flops(model))
