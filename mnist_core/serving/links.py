"""Training settings to and from a link's query parameters (?epochs=3&arch=fast).

Anything a link says is clamped into the server's limits or replaced by the
default, with a note saying what was changed: a shared link never breaks the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from mnist_core.data.stats import EMBED_METHODS, page_count
from mnist_core.errors import Message, Words
from mnist_core.training.config import SETTINGS, Setting, TrainConfig

ON = ("1", "true", "yes", "on")
OFF = ("0", "false", "no", "off")
# Link key -> TrainConfig field, from each field's Setting.
KEYS = {setting.link: name for name, setting in SETTINGS.items()}


def finite_number(text: str) -> float | None:
    """The finite number a link's text spells, or None ("inf", "nan", "²", "x")."""
    try:
        value = float(text)
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _parse(
    name: str, setting: Setting, text: str, default
) -> tuple[object, Message | None]:
    """(value, note or None) for the field `name` from its link text; a note says
    what was wrong and what is used instead, in the page's words."""
    label = Words(setting.label)  # the app translates it; `text` is the link's
    if setting.choices:
        if text in setting.choices:
            return text, None
        choices = ", ".join(map(str, setting.choices))
        return default, Message(
            "{name} {text!r} is not one of {choices}: using {value}.",
            dict(name=label, text=text, choices=choices, value=default),
        )
    if isinstance(default, bool):
        if text.lower() in ON + OFF:
            return text.lower() in ON, None
        return default, Message(
            "{key} {text!r} is not on/off: using {value}.",
            dict(key=label, text=text, value=Words("on" if default else "off")),
        )
    number = finite_number(text)
    if number is None:
        return default, Message(
            "{name} {text!r} is not a number: using {value}.",
            dict(name=label, text=text, value=default),
        )
    value = int(number) if isinstance(default, int) else number
    low, high = setting.bounds
    used = type(value)(min(max(value, low), high))
    if setting.stops:  # the widget shows only these: say the one used, once
        used = type(value)(min(setting.stops, key=lambda stop: abs(stop - used)))
    if used == value:
        return used, None
    if setting.stops:  # the range a person sees is the slider's own
        low, high = min(setting.stops), max(setting.stops)
    if low <= value <= high:
        return used, Message(
            "{name} {text} is not on the slider: using {value}.",
            dict(name=label, text=text, value=used),
        )
    return used, Message(
        "{name} {text} is outside {low}–{high}: using {value}.",
        dict(name=label, text=text, low=low, high=high, value=used),
    )


def config_from_query(
    params: dict[str, str], base: TrainConfig
) -> tuple[TrainConfig, list[Message]]:
    """A valid config from query parameters over `base`, and notes on what changed."""
    values, notes = {}, []
    for key, name in KEYS.items():
        if key in params:
            value, note = _parse(
                name, SETTINGS[name], str(params[key]), getattr(base, name)
            )
            values[name] = value
            if note:
                notes.append(note)
    return replace(base, **values).validate(), notes


def config_to_query(config: TrainConfig) -> dict[str, str]:
    """Query parameters that config_from_query turns back into `config`."""
    out = {}
    for f in fields(config):
        value = getattr(config, f.name)
        if isinstance(value, bool):
            value = "on" if value else "off"
        out[SETTINGS[f.name].link] = str(value)
    return out


# --- The Dataset page's filters: ?split=test&digit=7&page=3&index=42&map=t-SNE ---

SPLITS = ("train", "test")
DIGITS = tuple("0123456789")  # str.isdigit() also takes "²" and "٣"


@dataclass(frozen=True)
class DatasetView:
    """What the Dataset page shows: a split, a digit (None = all), a page of the
    sample grid, the digit shown pixel by pixel, and the 2-D map's method."""

    split: str = "train"
    digit: int | None = None
    page: int = 1
    index: int = 0
    method: str = EMBED_METHODS[0]


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
    if digit is not None and y[index] != digit and np.any(y == digit):
        first = int(np.flatnonzero(y == digit)[0])
        if "index" in params:  # without one, the first of the digit is simply shown
            note(
                "index {index} is not a {digit}: showing {first}, the first {digit}.",
                index=index,
                digit=digit,
                first=first,
            )
        index = first
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
    if text in DIGITS:
        return int(text)
    note("digit {text!r} is not 0–9 or all: showing all digits.", text=text)
    return None


def _bounded_int(params: dict[str, str], key: str, low: int, high: int, note) -> int:
    text = params.get(key)
    if text is None:
        return low
    number = finite_number(text)
    if number is None:
        note(
            "{name} {text!r} is not a number: using {value}.",
            name=key,
            text=text,
            value=low,
        )
        return low
    value = int(number)
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
