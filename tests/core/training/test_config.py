"""Training settings: ranges refused in words, presets on the Train page's stops,
and the run table's row and the optimizers' own values come from `config`."""

from dataclasses import replace

import pytest

from mnist_core.errors import MnistError
from mnist_core.training.config import (
    ADAMW_WEIGHT_DECAY,
    PRESETS,
    SETTINGS,
    SGD_MOMENTUM,
    TrainConfig,
)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"epochs": 0}, "epochs must be between 1 and 30"),
        ({"batch_size": 4096}, "batch size must be between 16 and 1024"),
        ({"optimizer": "lion"}, "Unknown optimizer 'lion'"),
        ({"train_size": 10}, "train size must be between 100"),
        ({"arch": "vgg"}, "Unknown arch 'vgg'"),
    ],
)
def test_out_of_range_configuration_is_refused(change, message):
    with pytest.raises(MnistError, match=message):
        TrainConfig(**change).validate()


def test_every_preset_is_valid_and_on_the_train_pages_stops():
    # A preset value off the slider's stops would be replaced by the nearest
    # stop, and "Tutorial settings" would train something else.
    from mnist_core.training.config import SETTINGS

    for preset in PRESETS.values():
        preset.validate()
        for name, setting in SETTINGS.items():
            if setting.stops:
                assert getattr(preset, name) in setting.stops, name


def test_the_run_table_row_has_each_headed_setting_in_field_order():
    config = PRESETS["fast"]
    row = config.summary()
    assert list(row) == [s.heading for s in SETTINGS.values() if s.heading]
    assert set(row) == {
        "architecture",
        "epochs",
        "batch",
        "images",
        "learning rate",
        "optimizer",
        "schedule",
        "augment",
        "weights averaged",
    }
    assert row["architecture"] == "small" and row["images"] == config.train_size
    assert row["weights averaged"] is True and row["learning rate"] == 8e-3


def test_a_setting_without_a_heading_stays_out_of_the_run_table():
    assert SETTINGS["seed"].heading is None
    assert TrainConfig(seed=7).summary() == TrainConfig(seed=0).summary()


def test_a_changed_setting_shows_in_its_column():
    row = replace(TrainConfig(), optimizer="sgd", augment=True).summary()
    assert (row["optimizer"], row["augment"]) == ("sgd", True)


def test_the_optimizers_and_the_exported_script_use_the_configs_values():
    from mnist_core.training.model_pool import make_optimizer
    from mnist_core.training.script_export import training_script

    adamw, sgd = make_optimizer("adamw"), make_optimizer("sgd")
    assert adamw.weight_decay == ADAMW_WEIGHT_DECAY
    assert (sgd.momentum, sgd.nesterov) == (SGD_MOMENTUM, True)
    script = training_script(TrainConfig(optimizer="adamw"))
    assert f"weight_decay={ADAMW_WEIGHT_DECAY!r}" in script
