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


def test_the_first_member_keeps_its_layer_names_so_its_digit_check_still_applies():
    from mnist_core.models.architectures import build_model
    from mnist_core.reading.classifier import Classifier
    from mnist_core.reading.digit_check import LAYERS

    keras.utils.set_random_seed(3)
    first, second = build_model("fast"), build_model("fast")
    pair = average_models([first, second])
    names = {layer.name for layer in pair.layers}
    assert set(LAYERS) <= names
    assert {f"member1_{n}" for n in LAYERS} <= names
    digits = np.random.default_rng(1).random((4, 28, 28), dtype=np.float32)
    alone, joined = Classifier(first), Classifier(pair)
    for ours, theirs in zip(
        joined.layer_features(digits), alone.layer_features(digits), strict=True
    ):
        np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_the_members_come_back_out_of_the_joined_model():
    from mnist_core.models.ensemble import members_of

    first, second = tiny_reader(1), tiny_reader(2)
    digits = np.random.default_rng(2).random((3, 28, 28, 1), dtype=np.float32)
    pair = average_models([first, second])
    out = members_of(load_uploaded_model(model_bytes(pair), "pair.keras"))
    assert len(out) == 2 and members_of(first) == []
    for member, original in zip(out, (first, second), strict=True):
        np.testing.assert_allclose(member(digits), original(digits), atol=1e-6)
