"""Links with settings: round trip, clamping and garbage, each with a note."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_core.data.stats import page_count
from mnist_core.serving.links import (
    DatasetView,
    config_from_query,
    config_to_query,
    view_from_query,
    view_to_query,
)
from mnist_core.training.config import PRESETS, TrainConfig

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
    # The size is clamped to 100, then shown on the slider's nearest stop.
    assert (config.epochs, config.batch_size, config.train_size) == (30, 16, 1000)
    assert any(
        "Epochs (passes over the data) 500 is outside 1–30: using 30." == str(n)
        for n in notes
    )
    assert len(notes) == 3


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"epochs": "ten"}, "epochs", "is not a number"),
        ({"arch": "resnet"}, "arch", "is not one of recipe, fast"),
        ({"aug": "maybe"}, "augment", "Augmentation 'maybe' is not on/off"),
        ({"avg": "2"}, "average_weights", "Average the weights '2' is not on/off"),
        ({"epochs": "inf"}, "epochs", "is not a number"),
        ({"epochs": "1e400"}, "epochs", "is not a number"),
        ({"seed": "1e400"}, "seed", "is not a number"),
        ({"lr": "nan"}, "learning_rate", "is not a number"),
        ({"batch": "-inf"}, "batch_size", "is not a number"),
        ({"lr": "fast"}, "learning_rate", "is not a number"),
    ],
)
def test_garbage_falls_back_to_the_default(params, field, message):
    config, notes = config_from_query(params, BASE)
    assert getattr(config, field) == getattr(BASE, field)
    assert len(notes) == 1 and message in str(notes[0])


def test_a_value_off_range_and_off_the_slider_gets_one_note_with_the_value_used():
    config, notes = config_from_query({"lr": "5"}, BASE)
    assert config.learning_rate == 0.03
    assert [str(n) for n in notes] == [
        "Learning rate 5 is outside 0.0001–0.03: using 0.03."
    ]


def test_a_note_names_the_range_the_slider_has():
    # Issue #36: "Training images 7 is outside 100–60000" named the command
    # line's range; the slider goes from 1,000 to 60,000.
    _, notes = config_from_query({"size": "7"}, BASE)
    assert [str(n) for n in notes] == [
        "Training images 7 is outside 1000–60000: using 1000."
    ]


def test_unknown_keys_are_ignored():
    config, notes = config_from_query({"utm_source": "mail"}, BASE)
    assert config == BASE and notes == []


# --- Dataset filters ---

LABELS = {"train": np.repeat(np.arange(10), 100), "test": np.arange(50) % 10}


def test_dataset_view_round_trip():
    view = DatasetView(split="test", digit=7, page=1, index=47, method="t-SNE")
    again, notes = view_from_query(view_to_query(view), LABELS, per_page=40)
    assert again == view and notes == []


def test_dataset_view_defaults_without_parameters():
    assert view_from_query({}, LABELS, per_page=40) == (DatasetView(), [])


@pytest.mark.parametrize(
    "params, expected, message",
    [
        ({"split": "validation"}, DatasetView(), "split 'validation' is not train"),
        ({"digit": "12"}, DatasetView(), "digit '12' is not 0–9"),
        # 100 sevens at 40 per page are 3 pages, not 4
        ({"digit": "7", "page": "4"}, DatasetView(digit=7, page=3, index=700), "1–3"),
        ({"split": "test", "index": "50"}, DatasetView("test", index=49), "0–49"),
        ({"index": "x"}, DatasetView(), "index 'x' is not a number"),
        ({"index": "-inf"}, DatasetView(), "index '-inf' is not a number"),
        ({"page": "inf"}, DatasetView(), "page 'inf' is not a number"),
        ({"digit": "²"}, DatasetView(), "digit '²' is not 0–9"),
        ({"map": "umap"}, DatasetView(), "map 'umap' is not one of PCA, t-SNE"),
    ],
)
def test_dataset_view_garbage_is_replaced_with_a_note(params, expected, message):
    view, notes = view_from_query(params, LABELS, per_page=40)
    assert view == expected
    assert len(notes) == 1 and message in str(notes[0])


def test_page_count_includes_the_last_partial_page():
    assert [page_count(n, 40) for n in (0, 1, 40, 41, 80)] == [1, 1, 1, 2, 2]


KEYS = ["arch", "epochs", "batch", "lr", "opt", "schedule", "aug", "avg", "size"]
ANY_TEXT = st.text() | st.from_regex(r"-?[0-9.e+]{1,12}|inf|-inf|nan", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS + ["seed"]), ANY_TEXT))
def test_any_training_link_gives_a_valid_config(params):
    config, notes = config_from_query(params, BASE)
    assert config.validate() is config
    assert len(notes) <= len(params)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["split", "digit", "page", "index", "map"]), ANY_TEXT
    )
)
def test_any_dataset_link_gives_a_view_inside_the_data(params):
    view, _ = view_from_query(params, LABELS, per_page=40)
    assert view.split in ("train", "test") and view.digit in (None, *range(10))
    assert 0 <= view.index < len(LABELS[view.split])
    assert 1 <= view.page <= page_count(len(LABELS[view.split]), 40)
