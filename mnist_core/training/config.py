"""What decides a training run: its settings, their limits and the presets.

Imports no TensorFlow, so the pages, links and command line that only read
settings stay light. Each setting is one field of `TrainConfig`; its `Setting`
metadata tells the command line, shared links and the Train page how to show
and check it, so a new setting is one field here (plus its Spanish words).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

from mnist_core.constants import MNIST_TRAIN_IMAGES
from mnist_core.errors import MnistError, Words
from mnist_core.models.catalog import ARCHITECTURES

OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop")  # built in training.model_pool
# The optimizers' own settings besides the learning rate, fixed for every
# training (model_pool builds them; the exported script writes the same).
ADAMW_WEIGHT_DECAY = 1e-4  # decoupled weight decay (Keras's default is 4e-3)
SGD_MOMENTUM = 0.9  # with Nesterov's look-ahead
SCHEDULES = ("constant", "onecycle")


@dataclass(frozen=True)
class Setting:
    """How one TrainConfig field is named, shown and bounded everywhere."""

    link: str  # its key in a shared link: /train?epochs=3
    label: str  # the Train page's name for it (English; the app translates)
    help: str  # what it does and what raising it changes, in plain words
    widget: str | None = None  # radio, slider, select_slider, selectbox, toggle
    column: int = 0  # which of the Train page's three columns holds it
    choices: tuple = ()  # the allowed values of a choice
    bounds: tuple[float, float] | None = None  # (low, high) of a number
    stops: tuple = ()  # a select slider's values
    toggles: tuple = ()  # (off, on) values a toggle switches between
    heading: str | None = None  # its column in the table of runs; None: left out


def _setting(default, **meta) -> object:
    return field(default=default, metadata={"setting": Setting(**meta)})


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run. Defaults are the Keras tutorial's."""

    arch: str = _setting(
        "recipe",
        link="arch",
        heading="architecture",
        label="Architecture",
        help="The shape of the network: which layers, how many filters.",
        widget="radio",
        choices=tuple(ARCHITECTURES),
    )
    epochs: int = _setting(
        10,  # the tutorial's 10 passes over the data
        link="epochs",
        heading="epochs",
        label="Epochs (passes over the data)",
        help="How many times training goes through every image. More passes "
        "learn more, up to a point, and take proportionally longer.",
        widget="slider",
        column=1,
        bounds=(1, 30),
    )
    batch_size: int = _setting(
        128,  # the tutorial's batch
        link="batch",
        heading="batch",
        label="Batch size",
        help="How many images the network looks at before each correction. "
        "Bigger batches make fewer, steadier corrections and run faster per image.",
        widget="select_slider",
        column=1,
        bounds=(16, 1024),
        stops=(16, 32, 64, 128, 256, 512, 1024),
    )
    train_size: int = _setting(
        MNIST_TRAIN_IMAGES,  # all of MNIST's training digits
        link="size",
        heading="images",
        label="Training images",
        help="How many of the 60,000 training digits it learns from. Fewer "
        "images train faster but the model recognises less.",
        widget="select_slider",
        column=1,
        bounds=(100, MNIST_TRAIN_IMAGES),
        stops=(1000, 2000, 5000, 10000, 20000, 30000, MNIST_TRAIN_IMAGES),
    )
    learning_rate: float = _setting(
        1e-3,  # Adam's default, as the tutorial used
        link="lr",
        heading="learning rate",
        label="Learning rate",
        help="How big each correction is. Too small learns slowly; too big "
        "jumps past good answers and the accuracy wobbles.",
        widget="select_slider",
        column=2,
        bounds=(1e-5, 1.0),
        stops=(1e-4, 3e-4, 1e-3, 2e-3, 4e-3, 8e-3, 1e-2, 3e-2),
    )
    optimizer: str = _setting(
        "adam",  # the tutorial's
        link="opt",
        heading="optimizer",
        label="Optimizer",
        help="The rule that turns mistakes into corrections. Adam adapts the "
        "step for every weight and is a safe choice.",
        widget="selectbox",
        column=2,
        choices=OPTIMIZERS,
    )
    schedule: str = _setting(
        "constant",  # "onecycle": warm up, then cosine decay to ~0
        link="schedule",
        heading="schedule",
        label="Warm-up + cosine schedule",
        help="Start with small corrections, grow them, then shrink them "
        "smoothly to almost nothing: usually a better model in fewer passes.",
        widget="toggle",
        column=2,
        choices=SCHEDULES,
        toggles=SCHEDULES,
    )
    augment: bool = _setting(
        False,  # random warps and thickness, plus extra writing styles
        link="aug",
        heading="augment",
        label="Augmentation",
        help="Shows every digit a little tilted, moved, resized or thickened "
        "each time: slower to learn, better at reading other people's writing.",
        widget="toggle",
        column=2,
    )
    average_weights: bool = _setting(
        False,  # test and keep a moving average of the weights
        link="avg",
        heading="weights averaged",
        label="Average the weights",
        help="The test and the model you get use the average of the last ~50 "
        "steps' weights. At a high learning rate each step's weights jump "
        "around a good solution; their average sits nearer its middle and "
        "scores higher, most of all early in training.",
        widget="toggle",
        column=2,
    )
    seed: int = _setting(
        0,  # same seed, same data order, weights and result
        link="seed",
        label="Seed",
        help="Same seed, same data order, weights and result.",
        bounds=(0, 2**31 - 1),
    )

    def validate(self) -> TrainConfig:
        """Return self if every field is allowed, else raise MnistError."""
        for name, setting in SETTINGS.items():
            check_value(name, setting, getattr(self, name))
        return self

    def summary(self) -> dict:
        """The settings as one row of the run table (the results follow): each
        setting with a heading, in the order of the fields."""
        return {
            setting.heading: getattr(self, name)
            for name, setting in SETTINGS.items()
            if setting.heading
        }


SETTINGS: dict[str, Setting] = {
    f.name: f.metadata["setting"] for f in fields(TrainConfig)
}


def check_value(name: str, setting: Setting, value: object) -> None:
    """Raise MnistError unless `value` is one of the choices or within bounds."""
    if setting.choices and value not in setting.choices:
        raise MnistError(
            "Unknown {name} {value!r}: choose one of {choices}.",
            name=Words(name.replace("_", " ")),
            value=value,
            choices=", ".join(map(str, setting.choices)),
        )
    if setting.bounds is not None:
        low, high = setting.bounds
        if not (math.isfinite(value) and low <= value <= high):
            raise MnistError(
                "The {name} must be between {low} and {high}; got {value}.",
                name=Words(name.replace("_", " ")),
                low=low,
                high=high,
                value=value,
            )


PRESETS = {
    "recipe": TrainConfig(),
    # Measured with bench/train_speed.py; see docs/performance.md.
    "fast": TrainConfig(
        arch="small",
        epochs=3,
        batch_size=256,
        learning_rate=8e-3,
        schedule="onecycle",
        average_weights=True,
    ),
}


def config_from_record(record: dict) -> TrainConfig:
    """The settings a model's sidecar recorded (unknown or empty ones are the
    tutorial's), checked."""
    known = {k: v for k, v in record.items() if k in SETTINGS and v is not None}
    return TrainConfig(**known).validate()


def config_from_summary(summary: dict) -> TrainConfig:
    """The settings of a runs table's row (TrainConfig.summary()), checked;
    what the row does not say is the tutorial's."""
    headed = {s.heading: name for name, s in SETTINGS.items() if s.heading}
    return config_from_record(
        {headed[key]: value for key, value in summary.items() if key in headed}
    )


def with_overrides(config: TrainConfig, **changes) -> TrainConfig:
    """A copy of `config` with the non-None `changes` applied."""
    return replace(config, **{k: v for k, v in changes.items() if v is not None})
