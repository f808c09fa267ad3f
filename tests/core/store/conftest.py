import pytest

from mnist_core.store.store import open_store


@pytest.fixture
def store(tmp_path):
    """A real SQLite file, as a server opens it."""
    opened = open_store(f"sqlite:///{tmp_path / 'studio.db'}")
    yield opened
    opened.engine.dispose()
