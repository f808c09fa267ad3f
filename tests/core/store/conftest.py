import itertools

import pytest
from sqlalchemy import create_engine, make_url, text

from mnist_core.store.database import database_url
from mnist_core.store.store import open_store
from tests.support.postgres import postgres_server

_NUMBERS = itertools.count()


@pytest.fixture(scope="session")
def postgres_url():
    with postgres_server() as url:
        yield url


def fresh_postgres_database(server_url: str) -> str:
    """A new empty database on the test server, as a URL."""
    name = f"studio_{next(_NUMBERS)}"
    admin = create_engine(database_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    """The URL of an empty database: a real SQLite file, or a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'studio.db'}"
    return database_url(
        fresh_postgres_database(request.getfixturevalue("postgres_url"))
    )


@pytest.fixture
def store(database):
    """The store as a server opens it."""
    opened = open_store(database)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def room(store):
    """(teacher, class) of a new class, its name typed with stray spaces."""
    teacher = store.people.create().person
    return teacher, store.classes.start(teacher, "  5th   grade\n")


def pupil(store, room, nickname):
    """A new person joining `room` (the fixture's pair) as `nickname`."""
    return store.classes.join(room[1].code, store.people.create().person, nickname)
