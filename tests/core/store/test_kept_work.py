import threading

import numpy as np
import pytest
from sqlalchemy import select

from mnist_core.store.database import StoreUnavailable
from mnist_core.store.kept_work import MODELS_PER_PERSON, RUNS_PER_PERSON, KeptWork
from mnist_core.store.schema import models


def test_the_newest_model_comes_back_and_only_a_few_are_kept(store):
    me = store.people.create().person
    for number in range(MODELS_PER_PERSON + 2):
        store.work.save_model(me, bytes([number]) * 100, {"n": number}, "trained")
    newest = store.work.newest_model(me)
    assert newest.card == {"n": MODELS_PER_PERSON + 1}
    assert newest.data == bytes([MODELS_PER_PERSON + 1]) * 100
    with store.engine.connect() as db:
        kept = db.execute(select(models.c.id).where(models.c.person_id == me)).all()
    assert len(kept) == MODELS_PER_PERSON


def test_one_persons_model_is_not_anothers(store):
    me, other = store.people.create().person, store.people.create().person
    store.work.save_model(me, b"mine", {}, "uploaded")
    assert store.work.newest_model(other) is None


def test_the_server_total_refuses_a_model_in_words(store):
    small = KeptWork(store.engine, store_mb=1)
    me = store.people.create().person
    small.save_model(me, b"x" * 600_000, {}, "trained")
    with pytest.raises(StoreUnavailable, match="no room left"):
        small.save_model(me, b"x" * 600_000, {}, "trained")


def test_runs_come_back_in_order_and_are_bounded(store):
    me = store.people.create().person
    for number in range(RUNS_PER_PERSON + 5):
        store.work.add_run(me, {"run": number, "history": [[1, 0.9]]})
    kept = store.work.runs(me)
    assert [r["run"] for r in kept] == list(range(5, RUNS_PER_PERSON + 5))
    assert kept[0]["history"] == [[1, 0.9]]


def test_corrections_come_back_as_the_models_inputs(store):
    me = store.people.create().person
    rng = np.random.default_rng(0)
    pixels = [rng.random((28, 28)).astype(np.float32) for _ in range(3)]
    store.work.save_corrections(me, pixels, [7, 1, 4])
    back, labels = store.work.corrections(me)
    assert labels == [7, 1, 4]
    assert all(
        np.abs(a - b).max() <= 0.5 / 255 + 1e-6
        for a, b in zip(back, pixels, strict=True)
    )
    store.work.save_corrections(me, [], [])
    assert store.work.corrections(me) == ([], [])


def test_settings_are_the_last_ones_saved(store):
    me = store.people.create().person
    store.work.save_settings(me, {"epochs": "2"})
    store.work.save_settings(me, {"epochs": "5", "batch": "64"})
    assert store.work.settings(me) == {"epochs": "5", "batch": "64"}


def test_thirty_people_saving_at_once_lose_nothing(store):
    everyone = [store.people.create().person for _ in range(30)]
    errors = []

    def save(person):
        try:
            for number in range(5):
                store.work.add_run(person, {"run": number})
            store.work.save_model(person, b"m" * 50_000, {}, "trained")
        except Exception as exc:  # "database is locked" would land here
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(p,)) for p in everyone]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(len(store.work.runs(p)) == 5 for p in everyone)
    assert all(store.work.newest_model(p) is not None for p in everyone)
