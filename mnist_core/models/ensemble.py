"""Several readers as one network: their probabilities averaged inside the model.

The members are copied side by side into one flat graph that ends in a Keras
`Average` layer over their softmax outputs: one ordinary `.keras` file, one
forward pass, loaded through the same guarded door and `safe_mode` as any
other model. The first member keeps its layers' names, so what was fitted for
it by name (the digit check's layers, the Model page's drawings) still finds
them; the others' names get a prefix.
"""

from __future__ import annotations

import keras

from mnist_core.constants import INPUT_SHAPE

AVERAGE_LAYER = "average"


def member_prefix(index: int) -> str:
    """What member `index`'s layer names start with in the joined model."""
    return "" if index == 0 else f"member{index}_"


def _copy_onto(member: keras.Model, inputs, prefix: str):
    """`member`'s layers, renamed and with its weights, called on `inputs`."""

    def renamed(layer: keras.layers.Layer) -> keras.layers.Layer:
        config = layer.get_config() | {"name": prefix + layer.name}
        return layer.__class__.from_config(config)

    copy = keras.models.clone_model(
        member, input_tensors=inputs, clone_function=renamed
    )
    for original, copied in zip(member.layers, copy.layers, strict=True):
        copied.set_weights(original.get_weights())
    return copy.outputs[0]


def average_models(members: list[keras.Model], name: str = "averaged") -> keras.Model:
    """One flat model whose output is the mean of `members`' probabilities."""
    inputs = keras.Input(INPUT_SHAPE, name="image")
    outputs = [
        _copy_onto(member, inputs, member_prefix(i)) for i, member in enumerate(members)
    ]
    average = keras.layers.Average(name=AVERAGE_LAYER)(outputs)
    return keras.Model(inputs, average, name=name)


def member_count(model: keras.Model) -> int:
    """How many readers an averaged model joins; 0 for any other model."""
    return len(_member_outputs(model))


def members_of(model: keras.Model) -> list[keras.Model]:
    """The readers an averaged model joins, each as a model of its own (sharing
    its weights), in order; [] for a model that averages nothing."""
    return [keras.Model(model.input, tensor) for tensor in _member_outputs(model)]


def _member_outputs(model: keras.Model) -> list:
    try:
        return list(model.get_layer(AVERAGE_LAYER).input)
    except ValueError:
        return []
