"""A class's handwriting set: opt-in drawings with their digit, bounded,
taken back by the pupil, gone with the pupil or the class; each run's figure
on it, and the class model's."""

import numpy as np
import pytest

from mnist_core.errors import MnistError
from mnist_core.store import classes as classes_module
from mnist_core.store.classes import HELD_OUT_EVERY, digit_to_ask
from tests.core.store.conftest import pupil


def drawing(value: int) -> np.ndarray:
    return np.full((28, 28), value, np.uint8)


def test_drawings_come_back_as_drawn_with_their_digit(store, room):
    ana = pupil(store, room, "Ana")
    for label, value in ((3, 30), (7, 70), (3, 31)):
        store.classes.add_drawing(ana.member, label, drawing(value))
    kept = store.classes.drawings(room[1].id)
    assert kept.y.tolist() == [3, 7, 3]
    assert kept.x.shape == (3, 28, 28) and kept.x.dtype == np.uint8
    assert kept.x[:, 0, 0].tolist() == [30, 70, 31]
    assert store.classes.drawing_counts(room[1].id)[3] == 2
    assert kept.held_out().tolist() == [i % HELD_OUT_EVERY == 0 for i in kept.ids]


def test_what_is_no_drawing_of_a_digit_is_refused(store, room):
    ana = pupil(store, room, "Ana")
    with pytest.raises(ValueError):
        store.classes.add_drawing(ana.member, 10, drawing(1))
    with pytest.raises(ValueError):
        store.classes.add_drawing(ana.member, 1, np.zeros((280, 280), np.uint8))
    assert len(store.classes.drawings(room[1].id).y) == 0


def test_a_pupil_and_a_class_hold_a_bounded_number(store, room, monkeypatch):
    monkeypatch.setattr(classes_module, "DRAWINGS_PER_PUPIL", 3)
    monkeypatch.setattr(classes_module, "DRAWINGS_PER_CLASS", 5)
    ana, ben = pupil(store, room, "Ana"), pupil(store, room, "Ben")
    for _ in range(3):
        store.classes.add_drawing(ana.member, 1, drawing(1))
    with pytest.raises(MnistError, match="as many as one pupil may"):
        store.classes.add_drawing(ana.member, 1, drawing(1))
    for _ in range(2):
        store.classes.add_drawing(ben.member, 2, drawing(2))
    with pytest.raises(MnistError, match="as many as it may keep"):
        store.classes.add_drawing(ben.member, 2, drawing(2))


def test_a_pupil_takes_theirs_back_and_a_removed_pupil_takes_theirs(store, room):
    teacher, started = room
    ana, ben = pupil(store, room, "Ana"), pupil(store, room, "Ben")
    store.classes.add_drawing(ana.member, 1, drawing(1))
    store.classes.add_drawing(ben.member, 2, drawing(2))
    store.classes.add_drawing(ben.member, 4, drawing(4))
    store.classes.forget_drawings(ana.member)
    assert store.classes.drawings(started.id).y.tolist() == [2, 4]
    store.classes.remove_pupil(teacher, started.id, ben.member)
    assert len(store.classes.drawings(started.id).y) == 0


def test_erasing_the_class_erases_its_drawings(store, room):
    teacher, started = room
    ana = pupil(store, room, "Ana")
    store.classes.add_drawing(ana.member, 5, drawing(5))
    store.classes.erase(teacher, started.id)
    assert len(store.classes.drawings(started.id).y) == 0


def test_the_digit_asked_is_the_one_the_class_lacks_then_the_pupil():
    assert digit_to_ask([2] * 10, [0] * 10) == 0
    assert digit_to_ask([2, 2, 1, 2, 2, 2, 2, 2, 2, 2], [0] * 10) == 2
    assert digit_to_ask([1] * 10, [1, 1, 1, 0, 1, 1, 1, 1, 1, 1]) == 3


def test_a_run_is_measured_again_while_its_model_is_kept(store, room):
    teacher, started = room
    ana = pupil(store, room, "Ana")
    model = store.work.save_model(
        _person_of(store, ana.member), b"model file", {}, "trained"
    )
    store.classes.add_run(ana.member, {"test accuracy": 0.9}, model, None)
    store.classes.add_run(ana.member, {"test accuracy": 0.8})  # no model kept
    first, second = store.classes.board(started.id)
    assert first.model_id == model and second.model_id is None
    assert store.classes.run_models(started.id, 4) == [(first.id, b"model file")]
    store.classes.set_handwriting(first.id, 3, 4)
    assert store.classes.board(started.id)[0].handwriting == {"correct": 3, "total": 4}
    assert store.classes.run_models(started.id, 4) == []  # measured on all 4
    assert store.classes.run_models(started.id, 5) == [(first.id, b"model file")]
    assert store.classes.run_model(first.id) == b"model file"
    assert store.classes.run_model(second.id) is None


def test_only_the_teacher_keeps_a_class_models_figures(store, room):
    teacher, started = room
    ana = pupil(store, room, "Ana")
    store.classes.set_class_model(_person_of(store, ana.member), started.id, {"x": 1})
    assert store.classes.find(started.code).class_model is None
    store.classes.set_class_model(teacher, started.id, {"correct": 9})
    assert store.classes.find(started.code).class_model == {"correct": 9}


def _person_of(store, member: int) -> int:
    from sqlalchemy import select

    from mnist_core.store.schema import members

    with store.engine.connect() as db:
        return db.execute(
            select(members.c.person_id).where(members.c.id == member)
        ).scalar()
