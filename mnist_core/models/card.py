"""Read a model's metadata sidecar without importing TensorFlow (for Home)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Home reads cards without TensorFlow
    import keras


@dataclass(frozen=True)
class ModelCard:
    """What the app tells users about a model file."""

    architecture: str
    test_accuracy: float | None
    test_loss: float | None
    params: int | None
    created: str | None
    config: dict
    train_seconds: float | None
    handwriting: dict  # results on pen-written digits by unseen writers, or {}
    pen_digits: dict  # the pen-written digits it learned from, {} if none
    members: tuple[ModelCard, ...] = ()  # an averaged model's readers' own cards

    @classmethod
    def from_metadata(cls, meta: dict) -> ModelCard:
        return cls(
            # A run's own metadata names its network in its config.
            architecture=meta.get("architecture")
            or meta.get("config", {}).get("arch", "unknown"),
            test_accuracy=meta.get("test_accuracy"),
            test_loss=meta.get("test_loss"),
            params=meta.get("params"),
            created=meta.get("created"),
            config=meta.get("config", {}),
            train_seconds=meta.get("train_seconds"),
            handwriting=meta.get("handwriting", {}),
            pen_digits=meta.get("pen_digits", {}),
            members=tuple(map(cls.from_metadata, meta.get("members", ()))),
        )

    def metadata(self) -> dict:
        """Plain data that from_metadata reads back as this card."""
        return asdict(self)

    @property
    def temperature(self) -> float:
        """The confidence calibration measured for it (1: none)."""
        return float(self.handwriting.get("temperature", 1.0))

    @classmethod
    def of_model(cls, model: keras.Model, test_accuracy: float) -> ModelCard:
        """The card of a model that came without a sidecar (an upload)."""
        return cls.from_metadata(
            {
                "architecture": model.name,
                "params": int(model.count_params()),
                "test_accuracy": test_accuracy,
            }
        )


def metadata_path(model_path: str | Path) -> Path:
    """`models/x.keras` -> `models/x.json`."""
    return Path(model_path).with_suffix(".json")


def read_metadata(model_path: str | Path) -> dict:
    """The sidecar's content, or {} when there is none or it is not JSON."""
    path = metadata_path(model_path)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def read_card(model_path: str | Path) -> ModelCard | None:
    meta = read_metadata(model_path)
    return ModelCard.from_metadata(meta) if meta else None


def record_metadata(model_path: str | Path, key: str, value: object) -> None:
    """Add or replace one entry of a model's sidecar (created if missing)."""
    meta = read_metadata(model_path)
    meta[key] = value
    metadata_path(model_path).write_text(json.dumps(meta, indent=2))
