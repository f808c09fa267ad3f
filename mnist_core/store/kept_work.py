"""A person's work: their models, runs, corrections and last settings.

Everything is bounded: a few models each (the newest kept), a few dozen runs,
the corrections one list can hold, and a total of model bytes per server past
which a save is refused in words. A model's bytes are read only when that one
model is asked for, never all at once.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, delete, func, insert, select

from mnist_core.constants import IMAGE_SIZE
from mnist_core.errors import UPLOAD_LIMIT_MB, MnistError
from mnist_core.store.database import StoreUnavailable, plain_errors
from mnist_core.store.schema import corrections, keep_newest, models, runs, settings
from mnist_core.training.corrections import MAX_CORRECTIONS

MODELS_PER_PERSON = 3
RUNS_PER_PERSON = 30
MAX_MODEL_BYTES = UPLOAD_LIMIT_MB * 2**20  # what an upload may be, so any model
STORE_LIMIT_ENV = "MNIST_STORE_MAX_MB"
DEFAULT_STORE_MB = 2000  # models of the whole server: ~400 people's Fast CNNs
ORIGINS = ("trained", "taught", "uploaded")


@dataclass(frozen=True)
class KeptModel:
    id: int
    origin: str
    card: dict  # the model's metadata (ModelCard.from_metadata reads it)
    data: bytes  # the .keras file
    created_at: float


class KeptWork:
    """Thread-safe: every call is one short transaction."""

    def __init__(
        self, engine: Engine, store_mb: float = DEFAULT_STORE_MB, clock=time.time
    ) -> None:
        self.engine = engine
        self.store_bytes = int(store_mb * 2**20)
        self.clock = clock

    def save_model(self, person: int, data: bytes, card: dict, origin: str) -> int:
        """Keep a model as the person's newest; older ones past
        MODELS_PER_PERSON are erased. Returns its id.

        Raises:
            StoreUnavailable: the server's store is full or cannot be written.
        """
        if origin not in ORIGINS or len(data) > MAX_MODEL_BYTES:
            raise ValueError(f"not a model to keep: {origin}, {len(data)} bytes")
        with plain_errors(), self.engine.begin() as db:
            used = db.execute(
                select(func.coalesce(func.sum(models.c.size), 0))
            ).scalar()
            if used + len(data) > self.store_bytes:
                raise StoreUnavailable(
                    "This server has no room left to keep models: yours stays in "
                    "this page until you close it. Download it to keep it."
                )
            model_id = db.execute(
                insert(models).values(
                    person_id=person,
                    origin=origin,
                    card=json.dumps(card),
                    size=len(data),
                    data=data,
                    created_at=self.clock(),
                )
            ).inserted_primary_key[0]
            keep_newest(db, models, models.c.person_id, person, MODELS_PER_PERSON)
        return model_id

    def newest_model(self, person: int) -> KeptModel | None:
        with plain_errors(), self.engine.connect() as db:
            row = db.execute(
                select(models)
                .where(models.c.person_id == person)
                .order_by(models.c.id.desc())
                .limit(1)
            ).first()
        if row is None:
            return None
        return KeptModel(
            row.id, row.origin, json.loads(row.card), row.data, row.created_at
        )

    def add_run(self, person: int, record: dict) -> None:
        """Keep one row of the runs table; only the newest RUNS_PER_PERSON stay."""
        with plain_errors(), self.engine.begin() as db:
            db.execute(
                insert(runs).values(
                    person_id=person, record=json.dumps(record), created_at=self.clock()
                )
            )
            keep_newest(db, runs, runs.c.person_id, person, RUNS_PER_PERSON)

    def runs(self, person: int) -> list[dict]:
        """The person's runs, oldest first."""
        with plain_errors(), self.engine.connect() as db:
            rows = db.execute(
                select(runs.c.record)
                .where(runs.c.person_id == person)
                .order_by(runs.c.id)
            ).scalars()
            return [json.loads(row) for row in rows]

    def save_corrections(
        self, person: int, pixels: list[np.ndarray], labels: list[int]
    ) -> None:
        """Keep the corrections list as it is now ([] erases it)."""
        if len(labels) > MAX_CORRECTIONS or len(pixels) != len(labels):
            raise MnistError(
                "Give between 1 and {limit} corrections; got {count}.",
                limit=MAX_CORRECTIONS,
                count=len(labels),
            )
        with plain_errors(), self.engine.begin() as db:
            db.execute(delete(corrections).where(corrections.c.person_id == person))
            if not labels:
                return
            grey = (np.clip(np.stack(pixels), 0, 1) * 255).round().astype(np.uint8)
            db.execute(
                insert(corrections).values(
                    person_id=person,
                    pixels=grey.tobytes(),
                    labels=json.dumps([int(label) for label in labels]),
                    saved_at=self.clock(),
                )
            )

    def corrections(self, person: int) -> tuple[list[np.ndarray], list[int]]:
        """The kept corrections: (28, 28) float32 pictures in [0, 1], digits."""
        with plain_errors(), self.engine.connect() as db:
            row = db.execute(
                select(corrections).where(corrections.c.person_id == person)
            ).first()
        if row is None:
            return [], []
        labels = json.loads(row.labels)[:MAX_CORRECTIONS]
        grey = np.frombuffer(row.pixels, np.uint8)
        grey = grey[: len(labels) * IMAGE_SIZE**2].reshape(-1, IMAGE_SIZE, IMAGE_SIZE)
        return [picture.astype(np.float32) / 255 for picture in grey], labels

    def save_settings(self, person: int, query: dict[str, str]) -> None:
        """Keep the Train page's last settings (as its link writes them)."""
        with plain_errors(), self.engine.begin() as db:
            db.execute(delete(settings).where(settings.c.person_id == person))
            db.execute(
                insert(settings).values(
                    person_id=person, query=json.dumps(query), saved_at=self.clock()
                )
            )

    def settings(self, person: int) -> dict[str, str]:
        with plain_errors(), self.engine.connect() as db:
            query = db.execute(
                select(settings.c.query).where(settings.c.person_id == person)
            ).scalar()
        return json.loads(query) if query else {}
