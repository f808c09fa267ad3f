"""Training settings to and from a link's query parameters (?epochs=3&arch=fast).

Anything a link says is clamped into the server's limits or replaced by the
default, with a note saying what was changed: a shared link never breaks the page.
"""

from __future__ import annotations

from dataclasses import fields

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
    "size": "train_size",
    "seed": "seed",
}
CHOICES = {"arch": tuple(ARCHITECTURES), "optimizer": OPTIMIZERS, "schedule": SCHEDULES}
BOUNDS = {
    "epochs": LIMITS.epochs,
    "batch_size": LIMITS.batch_size,
    "learning_rate": LIMITS.learning_rate,
    "train_size": LIMITS.train_size,
    "seed": (0, 2**31 - 1),
}


def _parse(name: str, text: str, default):
    """(value, note or None) for one field."""
    if name in CHOICES:
        if text in CHOICES[name]:
            return text, None
        return default, f"{name} {text!r} is not one of {', '.join(CHOICES[name])}"
    if name == "augment":
        if text.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return text.lower() in ("1", "true", "yes", "on"), None
        return default, f"aug {text!r} is not on/off"
    kind = float if name == "learning_rate" else int
    try:
        value = kind(float(text)) if kind is int else kind(text)
    except ValueError:
        return default, f"{name} {text!r} is not a number"
    low, high = BOUNDS[name]
    clamped = min(max(value, low), high)
    note = None if clamped == value else f"{name} {text} is outside {low}–{high}"
    return clamped, note


def config_from_query(
    params: dict[str, str], base: TrainConfig
) -> tuple[TrainConfig, list[str]]:
    """A valid config from query parameters over `base`, and notes on what changed."""
    values, notes = {}, []
    for key, name in KEYS.items():
        if key in params:
            value, note = _parse(name, str(params[key]), getattr(base, name))
            values[name] = value
            if note:
                notes.append(f"{note}: using {value}.")
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
        out[key] = ("on" if value else "off") if name == "augment" else str(value)
    return out
