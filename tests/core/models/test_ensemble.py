"""Several readers as one network: saved, refused or loaded like any model."""

import keras
import numpy as np
import pytest

from mnist_core.models.ensemble import average_models
from mnist_core.models.storage import load_uploaded_model, model_bytes

pytestmark = pytest.mark.slow


def tiny_reader(seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def test_the_average_reads_as_its_members_averaged_and_survives_the_door():
    first, second = tiny_reader(1), tiny_reader(2)
    digits = np.random.default_rng(0).random((8, 28, 28, 1), dtype=np.float32)
    expected = (first(digits).numpy() + second(digits).numpy()) / 2
    pair = average_models([first, second])
    np.testing.assert_allclose(pair(digits).numpy(), expected, atol=1e-6)
    loaded = load_uploaded_model(model_bytes(pair), "pair.keras")  # safe_mode on
    np.testing.assert_allclose(loaded(digits).numpy(), expected, atol=1e-6)
    assert [layer.name for layer in loaded.layers][-1] == "average"
