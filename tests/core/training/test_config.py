"""Training settings: ranges refused in words, presets on the Train page's stops."""

import pytest

from mnist_core.errors import MnistError
from mnist_core.training.config import PRESETS, TrainConfig


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
