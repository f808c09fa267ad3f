"""The opened store: one engine, upgraded, shared by every session of a server."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from mnist_core.store.classes import DEFAULT_MAX_CLASSES, Classes
from mnist_core.store.database import open_engine, plain_errors
from mnist_core.store.kept_work import DEFAULT_STORE_MB, KeptWork
from mnist_core.store.people import People
from mnist_core.store.schema import upgrade


@dataclass(frozen=True)
class Store:
    engine: Engine
    people: People
    work: KeptWork
    classes: Classes


def open_store(
    url: str,
    store_mb: float = DEFAULT_STORE_MB,
    max_classes: int = DEFAULT_MAX_CLASSES,
) -> Store:
    """Open (creating or upgrading) the database at `url`, and erase the work
    of whoever has not come back for KEPT_DAYS.

    Raises:
        StoreUnavailable: the database cannot be reached or written.
    """
    with plain_errors():
        engine = open_engine(url)
        upgrade(engine)
    store = Store(
        engine,
        People(engine),
        KeptWork(engine, store_mb),
        Classes(engine, max_classes),
    )
    store.people.erase_unseen()
    store.classes.erase_unseen()
    return store
