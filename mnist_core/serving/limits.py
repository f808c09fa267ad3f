"""How much one training may ask of a shared server, and who may ask.

Work is counted in image passes of the tutorial's network: an epoch over
60,000 digits with the tutorial's CNN is 60,000; the Fast CNN costs a quarter
of that per image. The default lets the tutorial's own 10 epochs run and
nothing much bigger; an operator sets another with MNIST_MAX_TRAINING_WORK.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace

from mnist_core.errors import Message
from mnist_core.models.catalog import ARCHITECTURES
from mnist_core.training.config import TrainConfig

MAX_WORK_ENV = "MNIST_MAX_TRAINING_WORK"
DEFAULT_MAX_WORK = 600_000  # the tutorial: 10 epochs x 60,000 digits
REFERENCE = "recipe"  # the network work is measured in


def work(config: TrainConfig) -> float:
    """Image passes of the tutorial's network that `config` amounts to."""
    cost = ARCHITECTURES[config.arch].flops / ARCHITECTURES[REFERENCE].flops
    return config.epochs * config.train_size * cost


def max_work(setting: str | int | None = None) -> float:
    """The cap: `setting` (from the app's secrets) or the environment, else the
    default; an unreadable value falls back to the default."""
    text = setting if setting is not None else os.environ.get(MAX_WORK_ENV)
    try:
        value = float(text) if text is not None else DEFAULT_MAX_WORK
    except ValueError:
        return DEFAULT_MAX_WORK
    return value if value > 0 else DEFAULT_MAX_WORK


def cap_training(
    config: TrainConfig, limit: float
) -> tuple[TrainConfig, Message | None]:
    """`config` with its epochs (then its images) lowered to fit `limit`, and a
    note for the user saying what changed and why; unchanged when it fits."""
    if work(config) <= limit:
        return config, None
    per_epoch = work(config) / config.epochs
    epochs = max(1, int(limit // per_epoch))
    capped = replace(config, epochs=epochs)
    if work(capped) > limit:  # even one epoch is too much: fewer images
        images = max(100, int(config.train_size * limit / per_epoch))
        capped = replace(capped, train_size=min(images, config.train_size))
    return capped, Message(
        "This shared server limits how long one training may take, so everyone "
        "gets a turn: {epochs} epoch(s) on {images} images instead of {asked_epochs} "
        "on {asked_images}.",
        dict(
            epochs=capped.epochs,
            images=capped.train_size,
            asked_epochs=config.epochs,
            asked_images=config.train_size,
        ),
    )


# Work per second of training on a 2-core server, per network, until this
# server has timed its own trainings (docs/performance.md: the tutorial's 10
# epochs in ~374 s, the fast preset's 3 epochs in ~24 s, the Fast CNN ~520/s).
DEFAULT_PACE = {"recipe": 1_600.0, "fast": 520.0, "small": 975.0}


MIN_TIMED_SECONDS = 10.0


class Pace:
    """How fast this server trains each network, learned from its trainings;
    safe to share between sessions."""

    def __init__(self) -> None:
        self._speed = dict(DEFAULT_PACE)
        self._lock = threading.Lock()

    def seconds(self, config: TrainConfig) -> float:
        """The training time `config` should take here, in seconds."""
        with self._lock:
            return work(config) / self._speed[config.arch]

    def record(self, config: TrainConfig, seconds: float) -> None:
        """Learn from a finished training how fast this server is; short runs
        are mostly start-up (tracing) and would make every estimate too long."""
        if seconds >= MIN_TIMED_SECONDS:
            with self._lock:
                self._speed[config.arch] = work(config) / seconds
