"""Links with settings: round trip, clamping and garbage, each with a note."""

import pytest

from mnist_core.query import config_from_query, config_to_query
from mnist_core.training import PRESETS, TrainConfig

BASE = PRESETS["fast"]


def test_round_trip_keeps_every_setting():
    config = TrainConfig(
        arch="recipe",
        epochs=3,
        batch_size=64,
        learning_rate=3e-4,
        optimizer="sgd",
        schedule="constant",
        augment=True,
        train_size=5000,
        seed=9,
    )
    again, notes = config_from_query(config_to_query(config), BASE)
    assert again == config and notes == []


def test_out_of_range_values_are_clamped_with_a_note():
    config, notes = config_from_query(
        {"epochs": "500", "batch": "2", "size": "10"}, BASE
    )
    assert (config.epochs, config.batch_size, config.train_size) == (30, 16, 100)
    assert any("epochs 500 is outside 1–30: using 30." == n for n in notes)
    assert len(notes) == 3


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"epochs": "ten"}, "epochs", "is not a number"),
        ({"arch": "resnet"}, "arch", "is not one of recipe, fast"),
        ({"aug": "maybe"}, "augment", "is not on/off"),
        ({"lr": "fast"}, "learning_rate", "is not a number"),
    ],
)
def test_garbage_falls_back_to_the_default(params, field, message):
    config, notes = config_from_query(params, BASE)
    assert getattr(config, field) == getattr(BASE, field)
    assert len(notes) == 1 and message in notes[0]


def test_unknown_keys_are_ignored():
    config, notes = config_from_query({"utm_source": "mail"}, BASE)
    assert config == BASE and notes == []
