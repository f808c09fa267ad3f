"""How much one training may ask of a shared server, and who may ask.

Work is counted in image passes of the tutorial's network: an epoch over
60,000 digits with the tutorial's CNN is 60,000; the Fast CNN costs a quarter
of that per image. The default lets the tutorial's own 10 epochs run and
nothing much bigger; an operator sets another with MNIST_MAX_TRAINING_WORK.
"""

from __future__ import annotations

import os
import statistics
import threading
from collections import deque
from dataclasses import replace
from typing import NamedTuple

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


def idle_seconds(config: TrainConfig) -> float:
    """Seconds of fitting `config` takes on an idle 2-core server."""
    return work(config) / DEFAULT_PACE[config.arch]


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


def within_lesson(
    config: TrainConfig, max_epochs: int | None, max_images: int | None
) -> tuple[TrainConfig, Message | None]:
    """`config` within a class's lesson limits (None: no limit), and a note
    saying what changed; unchanged when it is within them."""
    epochs = min(config.epochs, max_epochs or config.epochs)
    images = min(config.train_size, max_images or config.train_size)
    if (epochs, images) == (config.epochs, config.train_size):
        return config, None
    return replace(config, epochs=epochs, train_size=images), Message(
        "Your class's lesson allows {epochs} epoch(s) on {images:,} images: "
        "training with those instead of {asked_epochs} on {asked_images:,}.",
        dict(
            epochs=epochs,
            images=images,
            asked_epochs=config.epochs,
            asked_images=config.train_size,
        ),
    )


# Work per second of training on an idle 2-core server, per network, until
# this server has timed its own trainings (docs/performance.md: the tutorial's
# 10 epochs in ~374 s, the fast preset's 3 epochs in ~24 s, the Fast CNN ~520/s).
DEFAULT_PACE = {"recipe": 1_600.0, "fast": 520.0, "small": 975.0}
# How much slower a busy server may be: the fast preset took 113 s instead of
# ~24 s while others trained (issue #26). An untimed server says the middle of
# idle and busy, give or take half the way.
BUSY_FACTOR = 5.0
# Timed runs vary with the server's load: the margin is at least this share
# of the estimate, or the spread of the last few timed runs if wider.
MIN_MARGIN = 0.2
TIMED_KEPT = 5  # the last trainings whose pace the margin is read from


MIN_TIMED_SECONDS = 10.0


class Estimate(NamedTuple):
    """How long a training should take: about `seconds`, give or take `margin`."""

    seconds: float
    margin: float


class Pace:
    """How fast this server trains each network, learned from its trainings;
    safe to share between sessions."""

    def __init__(self) -> None:
        self._speed: dict[str, float] = {}  # work per second, timed here
        self._slowdowns: deque[float] = deque(maxlen=TIMED_KEPT)  # against idle
        self._turns: deque[float] = deque(maxlen=TIMED_KEPT)  # whole turns, idem
        self._lock = threading.Lock()

    def estimate(self, config: TrainConfig) -> Estimate:
        """About how long `config` should take here, with an honest margin.

        Once this server has timed a training of this network, its pace; of
        another, that one's slowdown against an idle server. Before any, the
        middle of an idle server's time and a busy one's.
        """
        idle = idle_seconds(config)
        with self._lock:
            slowdowns = list(self._slowdowns)
            speed = self._speed.get(config.arch)
        if not slowdowns:
            return Estimate(idle * (1 + BUSY_FACTOR) / 2, idle * (BUSY_FACTOR - 1) / 2)
        seconds = work(config) / speed if speed else idle * slowdowns[-1]
        spread = idle * (max(slowdowns) - min(slowdowns)) / 2
        return Estimate(seconds, max(MIN_MARGIN * seconds, spread))

    def turn(self, config: TrainConfig) -> float:
        """About how long `config` holds a worker, start to end: what a line's
        waits are made of. Read from this server's last whole turns, short
        ones included (their loading and testing hold the worker too), else
        the training's estimate."""
        with self._lock:
            turns = list(self._turns)
        if not turns:
            return self.estimate(config).seconds
        return idle_seconds(config) * statistics.median(turns)

    def record_turn(self, config: TrainConfig, seconds: float) -> None:
        """Learn from a finished training how long its whole turn took."""
        if seconds > 0:
            with self._lock:
                self._turns.append(seconds / idle_seconds(config))

    def timed(self) -> bool:
        """Whether this server has timed a training yet."""
        with self._lock:
            return bool(self._slowdowns)

    def record(self, config: TrainConfig, seconds: float, done: float = 1.0) -> None:
        """Learn from a training how fast this server is: a stopped one counts
        the share `done` of its work. Short runs are mostly start-up (tracing)
        and would make every estimate too long."""
        if seconds >= MIN_TIMED_SECONDS and done > 0:
            with self._lock:
                speed = work(config) * min(done, 1.0) / seconds
                self._speed[config.arch] = speed
                self._slowdowns.append(DEFAULT_PACE[config.arch] / speed)
