import sqlite3
import time

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from mnist_core.store.database import StoreUnavailable, database_url
from mnist_core.store.schema import VERSION, upgrade, version_of
from mnist_core.store.store import open_store


def test_a_new_database_is_made_at_the_current_version_in_wal_mode(tmp_path):
    path = tmp_path / "data" / "studio.db"
    store = open_store(f"sqlite:///{path}")
    with store.engine.connect() as db:
        assert version_of(db) == VERSION
        assert db.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.engine.dispose()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_opening_again_keeps_every_row(tmp_path):
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    first = open_store(url)
    me = first.people.create()
    first.work.add_run(me.person, {"run": 1})
    first.engine.dispose()
    again = open_store(url)
    assert again.people.by_key(me.key) == me.person
    assert again.work.runs(me.person) == [{"run": 1}]
    assert upgrade(again.engine) == VERSION  # nothing left to do


def test_a_database_newer_than_the_app_is_left_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    open_store(url).engine.dispose()
    engine = create_engine(url)
    with engine.begin() as db:
        db.execute(text("UPDATE schema_version SET version = :v"), {"v": VERSION + 1})
    with pytest.raises(RuntimeError, match="newer|version"):
        upgrade(engine)


def test_an_unwritable_place_says_so_in_words(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreUnavailable, match="cannot be kept right now"):
        open_store(f"sqlite:///{blocker / 'studio.db'}")


def test_the_url_defaults_to_the_data_folder_and_names_psycopg(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path))
    assert database_url() == f"sqlite:///{tmp_path / 'studio.db'}"
    assert database_url("postgresql://u:p@127.0.0.1:5432/db").startswith(
        "postgresql+psycopg://u:p@"
    )


def version_1_database(url: str):
    """A database as version 1 of the app left it: people and their work, no
    classes (version 2 only added the class tables)."""
    from mnist_core.store.database import open_engine
    from mnist_core.store.schema import (
        board_runs,
        class_drawings,
        classes,
        members,
        metadata,
    )

    engine = open_engine(url)
    with engine.begin() as db:
        metadata.create_all(db)
        for table in (class_drawings, board_runs, members, classes):
            table.drop(db)
        db.execute(text("DELETE FROM schema_version"))
        db.execute(text("INSERT INTO schema_version (version) VALUES (1)"))
    return engine


def test_a_version_1_database_is_upgraded_with_every_row_kept(database):
    from mnist_core.store.kept_work import KeptWork
    from mnist_core.store.people import People

    old = version_1_database(database)
    me = People(old).create()
    KeptWork(old).add_run(me.person, {"run": 1})
    KeptWork(old).save_model(me.person, b"model", {"architecture": "fast"}, "trained")
    old.dispose()
    store = open_store(database)
    with store.engine.connect() as db:
        assert version_of(db) == VERSION == 3
    assert store.people.by_key(me.key) == me.person
    assert store.work.runs(me.person) == [{"run": 1}]
    assert store.work.newest_model(me.person).data == b"model"
    room = store.classes.start(me.person, "after the upgrade")  # the new tables
    assert store.classes.find(room.code) == room
    store.engine.dispose()


def test_a_version_2_class_keeps_its_pupils_and_board_and_gains_drawings(database):
    from mnist_core.store.people import People
    from mnist_core.store.schema import _classes

    old = version_1_database(database)
    teacher, pupil = People(old).create(), People(old).create()
    with old.begin() as db:
        _classes(db)
        db.execute(text("UPDATE schema_version SET version = 2"))
        db.execute(
            text(
                "INSERT INTO classes (id, code, name, teacher_id, is_open, "
                "created_at, seen_at) "
                "VALUES (1, 'ABCDEF', 'Year 6', :t, TRUE, :now, :now)"
            ),
            {"t": teacher.person, "now": time.time()},  # seen: not erased
        )
        db.execute(
            text(
                "INSERT INTO members (id, class_id, person_id, nickname, "
                "nickname_key, joined_at) VALUES (1, 1, :p, 'Ana', 'ana', 0)"
            ),
            {"p": pupil.person},
        )
        db.execute(
            text(
                "INSERT INTO board_runs (class_id, member_id, record, created_at) "
                """VALUES (1, 1, '{"test accuracy": 0.98}', 0)"""
            )
        )
    old.dispose()
    store = open_store(database)
    room = store.classes.find("ABCDEF")
    assert room.name == "Year 6" and room.class_model is None
    [run] = store.classes.board(room.id)
    assert run.nickname == "Ana" and run.handwriting is None
    store.classes.add_drawing(1, 3, np.full((28, 28), 9, np.uint8))
    assert store.classes.drawings(room.id).y.tolist() == [3]
    store.engine.dispose()
