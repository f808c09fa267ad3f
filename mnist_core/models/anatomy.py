"""Look inside a model: its layers, first-layer filters, feature maps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np

from mnist_core.errors import Message, Words


@dataclass(frozen=True)
class LayerInfo:
    name: str
    kind: str  # the Keras class, e.g. Conv2D
    output_shape: tuple  # without the batch axis
    params: int


# One plain sentence per kind of layer, for people who have never met one.
LAYER_WORDS = {
    "InputLayer": "The picture goes in: 28×28 grey pixels.",
    "Conv2D": "Slides small filters over the picture; each filter lights up "
    "where it finds its pattern (an edge, a curve).",
    "MaxPooling2D": "Keeps the strongest value of each small square: the picture "
    "gets smaller and a slightly moved stroke still counts.",
    "BatchNormalization": "Rescales the numbers to a steady range, so training can "
    "take bigger steps.",
    "Activation": "Keeps positive values and turns negatives into zero (ReLU).",
    "Dropout": "While training, switches off a random share of the numbers, so the "
    "network cannot lean on any single one.",
    "Flatten": "Lays the maps out as one long list of numbers.",
    "Dense": "Every number votes with its own weight; the last one gives one "
    "score per digit, turned into probabilities.",
    "Average": "Averages the networks' ten probabilities: their joint answer.",
}


def layer_words(kind: str) -> str:
    """The plain sentence for a layer kind ("" for kinds we do not describe)."""
    return LAYER_WORDS.get(kind, "")


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
    """The first convolution's kernels as (n, k, k) images scaled to [0, 1];
    none (shape (0, 1, 1)) for a network without a convolution."""
    convs = conv_layers(model)
    if not convs:
        return np.zeros((0, 1, 1), np.float32)
    kernel = np.asarray(convs[0].kernel)[:, :, :1, :]  # (k, k, 1, n)
    filters = np.transpose(kernel[:, :, 0, :], (2, 0, 1))
    low = filters.min(axis=(1, 2), keepdims=True)
    span = np.ptp(filters, axis=(1, 2), keepdims=True)
    return (filters - low) / np.maximum(span, 1e-8)


def feature_maps(model: keras.Model, pixels: np.ndarray) -> dict[str, np.ndarray]:
    """Each conv layer's maps for one 28x28 input: layer name -> (h, w, channels).

    For BatchNorm nets the map after the block's activation is shown, which is
    what the next layer receives, under that layer's name: it may be pooled
    already, and the Layers table lists it with the same name and shape. Each
    map is scaled so its brightest pixel is 1. A network without convolutions
    has no maps: {}.
    """
    if not conv_layers(model):
        return {}
    taps = {}
    for conv in conv_layers(model):
        relu = next(
            (layer for layer in model.layers if layer.name == f"{conv.name}_relu"), conv
        )
        taps[relu.name] = relu.output
    probe = keras.Model(model.input, list(taps.values()))
    outputs = probe(pixels.reshape(1, 28, 28, 1).astype(np.float32), training=False)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    maps = [np.asarray(out)[0] for out in outputs]
    return {
        name: m / np.maximum(m.max(axis=(0, 1)), 1e-8)
        for name, m in zip(taps, maps, strict=True)
    }


# Activation names as people read them; "linear" is a layer with none.
ACTIVATION_WORDS = {"relu": "ReLU", "softmax": "softmax", "linear": "linear"}


def describe_layer(layer: keras.layers.Layer) -> Message | None:
    """A few words on what a layer does, for diagrams: a template for the
    app to translate (None for kinds we do not describe)."""
    if isinstance(layer, keras.layers.Conv2D):
        k = layer.kernel_size
        return Message(
            "{filters} filters {height}×{width}",
            dict(filters=layer.filters, height=k[0], width=k[1]),
        )
    if isinstance(layer, keras.layers.Dense):
        return Message(
            "{units} units, {activation}",
            dict(units=layer.units, activation=activation_word(layer)),
        )
    if isinstance(layer, keras.layers.Dropout):
        return Message("drop {rate:.0%}", dict(rate=layer.rate))
    if isinstance(layer, keras.layers.MaxPooling2D):
        size = layer.pool_size
        return Message("max of {height}×{width}", dict(height=size[0], width=size[1]))
    if isinstance(layer, keras.layers.Activation):
        return Message("{activation}", dict(activation=activation_word(layer)))
    if isinstance(layer, keras.layers.BatchNormalization):
        return Message("normalise")
    if isinstance(layer, keras.layers.Average):
        return Message("mean of {count} networks", dict(count=len(layer.input)))
    return None


def activation_word(layer: keras.layers.Layer) -> str:
    """Its activation in our words; an uploaded model's other names as they are."""
    name = layer.activation.__name__
    return Words(ACTIVATION_WORDS[name]) if name in ACTIVATION_WORDS else name


def layer_edges(model: keras.Model) -> list[tuple[int, int]]:
    """(from, to) indices into model.layers: which layer feeds which. Chains,
    branches (an averaged ensemble's members, an upload's skip connections)."""
    index = {id(layer): i for i, layer in enumerate(model.layers)}
    edges = []
    for i, layer in enumerate(model.layers):
        for node in layer._inbound_nodes:
            for tensor in node.input_tensors:
                source = index.get(id(tensor._keras_history.operation))
                if source is not None and (source, i) not in edges:
                    edges.append((source, i))
    return edges


def to_dot(model: keras.Model, say: Callable[[Message], str] = str) -> str:
    """The network as a Graphviz DOT diagram: one box per layer, top to bottom.

    Args:
        say: writes a layer's words in the reader's language (the app passes
            its translator; English by default).
    """
    lines = [
        "digraph model {",
        '  rankdir=TB; node [shape=box, style="rounded,filled",'
        ' fillcolor="#fdf1ec", color="#e4572e", fontname="sans-serif"];',
    ]
    for i, info in enumerate(layer_table(model)):
        shape = " × ".join(str(d) for d in info.output_shape)
        words = describe_layer(model.layers[i])
        detail = info.kind + (f": {dot_text(say(words))}" if words else "")
        lines.append(f'  l{i} [label="{dot_text(info.name)}\\n{detail}\\n→ {shape}"];')
    lines += [f"  l{a} -> l{b};" for a, b in layer_edges(model)]
    lines.append("}")
    return "\n".join(lines)


def dot_text(text: str) -> str:
    """Text inside a DOT label's quotes: quotes and backslashes escaped."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"')
