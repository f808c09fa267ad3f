"""Several readers as one network: their probabilities averaged inside the model.

The average is a Keras `Average` layer over the members' softmax outputs, so
the result is one ordinary `.keras` file: one forward pass, loaded through the
same guarded door and `safe_mode` as any other model.
"""

from __future__ import annotations

import keras

from mnist_core.constants import INPUT_SHAPE


def average_models(members: list[keras.Model], name: str = "averaged") -> keras.Model:
    """One model whose output is the mean of `members`' probabilities.

    Each member is renamed `member_<i>` so that two copies of the same
    architecture can sit side by side in one saved file.
    """
    inputs = keras.Input(INPUT_SHAPE, name="digit")
    outputs = []
    for i, member in enumerate(members):
        member.name = f"member_{i}"
        outputs.append(member(inputs, training=False))
    average = keras.layers.Average(name="average")(outputs)
    return keras.Model(inputs, average, name=name)
