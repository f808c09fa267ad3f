"""Look inside a model: its layers, first-layer filters, feature maps."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np


@dataclass(frozen=True)
class LayerInfo:
    name: str
    kind: str  # the Keras class, e.g. Conv2D
    output_shape: tuple  # without the batch axis
    params: int


def layer_table(model: keras.Model) -> list[LayerInfo]:
    """One row per layer, input included, as model.summary() lists them."""
    return [
        LayerInfo(
            layer.name,
            type(layer).__name__,
            tuple(layer.output.shape[1:]),
            int(layer.count_params()),
        )
        for layer in model.layers
    ]


def conv_layers(model: keras.Model) -> list[keras.layers.Layer]:
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def first_layer_filters(model: keras.Model) -> np.ndarray:
    """The first convolution's kernels as (n, k, k) images scaled to [0, 1]."""
    kernel = np.asarray(conv_layers(model)[0].kernel)  # (k, k, 1, n)
    filters = np.transpose(kernel[:, :, 0, :], (2, 0, 1))
    low = filters.min(axis=(1, 2), keepdims=True)
    span = np.ptp(filters, axis=(1, 2), keepdims=True)
    return (filters - low) / np.maximum(span, 1e-8)


def feature_maps(model: keras.Model, pixels: np.ndarray) -> dict[str, np.ndarray]:
    """Each conv layer's output for one 28x28 input: name -> (h, w, channels).

    For BatchNorm nets the map after the layer's activation is shown, which is
    what the next layer receives.
    """
    taps = {}
    for conv in conv_layers(model):
        relu = next(
            (layer for layer in model.layers if layer.name == f"{conv.name}_relu"), conv
        )
        taps[conv.name] = relu.output
    probe = keras.Model(model.input, list(taps.values()))
    outputs = probe(pixels.reshape(1, 28, 28, 1).astype(np.float32), training=False)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    return {name: np.asarray(out)[0] for name, out in zip(taps, outputs, strict=True)}
