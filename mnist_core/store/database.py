"""Opening the database: the URL, SQLite's settings, and its errors in words.

SQLite runs in WAL mode (readers never wait for a writer) and every
transaction begins IMMEDIATE: a writer takes the lock when it starts, so
thirty saves at once queue behind `busy_timeout` instead of failing with
"database is locked" (a deferred transaction that upgrades to a write fails
at once when another writer got there first).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError

from mnist_core.constants import data_dir
from mnist_core.errors import MnistError

DATABASE_URL_ENV = "MNIST_DATABASE_URL"
DATABASE_FILE = "studio.db"
BUSY_SECONDS = 30  # a save waits this long for other writers before it gives up
LOG = logging.getLogger(__name__)


class StoreUnavailable(MnistError):
    """The database cannot be read or written right now (details in the log)."""


def database_url(setting: str | None = None) -> str:
    """The operator's URL, else a SQLite file in the data folder."""
    if setting:
        url = make_url(setting)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")  # psycopg 3
        return url.render_as_string(hide_password=False)
    return f"sqlite:///{data_dir() / DATABASE_FILE}"


def open_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite's WAL and immediate transactions."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": BUSY_SECONDS}
    )
    event.listen(engine, "connect", _sqlite_settings)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def _sqlite_settings(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # transactions begin in _begin_immediate
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at each checkpoint
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def unavailable() -> StoreUnavailable:
    return StoreUnavailable(
        "Your work cannot be kept right now: this server's storage is not "
        "available. What you do stays in this page until you close it, and "
        "drawing with the shipped model still works. Try again later, or tell "
        "whoever runs this app."
    )


@contextmanager
def plain_errors() -> Iterator[None]:
    """Turn a database failure (unreachable, full disk, locked) into
    StoreUnavailable; what exactly failed goes to the server's log."""
    try:
        yield
    except SQLAlchemyError as exc:
        LOG.warning("the database failed: %s", exc)
        raise unavailable() from exc
    except OSError as exc:  # the data folder cannot be made
        LOG.warning("the database's folder failed: %s", exc)
        raise unavailable() from exc
