"""Training settings to and from a link's query parameters (?epochs=3&arch=fast).

Anything a link says is clamped into the server's limits or replaced by the
default, with a note saying what was changed: a shared link never breaks the page.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from mnist_core.errors import Message
from mnist_core.explore import EMBED_METHODS
from mnist_core.models import ARCHITECTURES
from mnist_core.training import LIMITS, OPTIMIZERS, SCHEDULES, TrainConfig

# Query key -> TrainConfig field; short keys keep links readable.
KEYS = {
    "arch": "arch",
    "epochs": "epochs",
    "batch": "batch_size",
    "lr": "learning_rate",
    "opt": "optimizer",
    "schedule": "schedule",
    "aug": "augment",
    "avg": "average_weights",
    "size": "train_size",
    "seed": "seed",
}
SWITCHES = ("augment", "average_weights")  # on/off in a link
CHOICES = {"arch": tuple(ARCHITECTURES), "optimizer": OPTIMIZERS, "schedule": SCHEDULES}
BOUNDS = {
    "epochs": LIMITS.epochs,
    "batch_size": LIMITS.batch_size,
    "learning_rate": LIMITS.learning_rate,
    "train_size": LIMITS.train_size,
    "seed": (0, 2**31 - 1),
}


def _parse(key: str, name: str, text: str, default) -> tuple[object, Message | None]:
    """(value, note or None) for the field `name`, read from the link's `key`;
    a note says what was wrong and the fix."""
    if name in CHOICES:
        if text in CHOICES[name]:
            return text, None
        choices = ", ".join(CHOICES[name])
        return default, Message(
            "{name} {text!r} is not one of {choices}: using {value}.",
            dict(name=name, text=text, choices=choices, value=default),
        )
    if name in SWITCHES:
        if text.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return text.lower() in ("1", "true", "yes", "on"), None
        return default, Message(
            "{key} {text!r} is not on/off: using {value}.",
            dict(key=key, text=text, value=default),
        )
    kind = float if name == "learning_rate" else int
    try:
        value = kind(float(text)) if kind is int else kind(text)
    except ValueError:
        return default, Message(
            "{name} {text!r} is not a number: using {value}.",
            dict(name=name, text=text, value=default),
        )
    low, high = BOUNDS[name]
    clamped = min(max(value, low), high)
    if clamped == value:
        return clamped, None
    return clamped, Message(
        "{name} {text} is outside {low}–{high}: using {value}.",
        dict(name=name, text=text, low=low, high=high, value=clamped),
    )


def config_from_query(
    params: dict[str, str], base: TrainConfig
) -> tuple[TrainConfig, list[Message]]:
    """A valid config from query parameters over `base`, and notes on what changed."""
    values, notes = {}, []
    for key, name in KEYS.items():
        if key in params:
            value, note = _parse(key, name, str(params[key]), getattr(base, name))
            values[name] = value
            if note:
                notes.append(note)
    known = {f.name for f in fields(TrainConfig)}
    config = TrainConfig(**{**{n: getattr(base, n) for n in known}, **values})
    return config.validate(), notes


def config_to_query(config: TrainConfig) -> dict[str, str]:
    """Query parameters that config_from_query turns back into `config`."""
    out = {}
    for key, name in KEYS.items():
        value = getattr(config, name)
        if value is None:
            continue
        out[key] = ("on" if value else "off") if name in SWITCHES else str(value)
    return out


# --- The Dataset page's filters: ?split=test&digit=7&page=3&index=42&map=t-SNE ---

SPLITS = ("train", "test")


@dataclass(frozen=True)
class DatasetView:
    """What the Dataset page shows: a split, a digit (None = all), a page of the
    sample grid, the digit shown pixel by pixel, and the 2-D map's method."""

    split: str = "train"
    digit: int | None = None
    page: int = 1
    index: int = 0
    method: str = EMBED_METHODS[0]


def page_count(count: int, per_page: int) -> int:
    """Pages needed to show `count` samples, at least one."""
    return max(1, -(-count // per_page))


def view_from_query(
    params: dict[str, str], labels: dict[str, np.ndarray], per_page: int
) -> tuple[DatasetView, list[Message]]:
    """A DatasetView from query parameters, clamped to the data, with notes.

    `labels` maps each split to its label array: pages and indices are only
    valid within what that split holds.
    """
    notes: list[Message] = []
    default = DatasetView()

    def note(template: str, **params) -> None:
        notes.append(Message(template, params))

    split = params.get("split", default.split)
    if split not in SPLITS:
        note("split {text!r} is not train or test: using train.", text=split)
        split = default.split
    digit = _digit(params.get("digit"), note)
    y = labels[split]
    shown = int(np.count_nonzero(y == digit)) if digit is not None else len(y)
    page = _bounded_int(params, "page", 1, page_count(shown, per_page), note)
    index = _bounded_int(params, "index", 0, len(y) - 1, note)
    method = params.get("map", default.method)
    if method not in EMBED_METHODS:
        note(
            "map {text!r} is not one of {choices}: using {value}.",
            text=method,
            choices=", ".join(EMBED_METHODS),
            value=default.method,
        )
        method = default.method
    return DatasetView(split, digit, page, index, method), notes


def view_to_query(view: DatasetView) -> dict[str, str]:
    """Query parameters that view_from_query turns back into `view`."""
    return {
        "split": view.split,
        "digit": "all" if view.digit is None else str(view.digit),
        "page": str(view.page),
        "index": str(view.index),
        "map": view.method,
    }


def _digit(text: str | None, note) -> int | None:
    if text is None or text == "all":
        return None
    if text.isdigit() and int(text) < 10:
        return int(text)
    note("digit {text!r} is not 0–9 or all: showing all digits.", text=text)
    return None


def _bounded_int(params: dict[str, str], key: str, low: int, high: int, note) -> int:
    text = params.get(key)
    if text is None:
        return low
    try:
        value = int(float(text))
    except ValueError:
        note(
            "{name} {text!r} is not a number: using {value}.",
            name=key,
            text=text,
            value=low,
        )
        return low
    clamped = min(max(value, low), high)
    if clamped != value:
        note(
            "{name} {text} is outside {low}–{high}: using {value}.",
            name=key,
            text=text,
            low=low,
            high=high,
            value=clamped,
        )
    return clamped
