"""The Class page under AppTest: start a class, join it, the board, the
teacher's controls (a real SQLite store in the test run's data folder)."""

import re

import numpy as np
import pytest

from app_ui.kept import IDENTITY, get_store
from tests.support.app import seen, texts


def labelled(widgets, label):
    return next(w for w in widgets if w.label == label)


@pytest.fixture
def store():
    return get_store()


def as_person(store):
    return {IDENTITY: store.people.create()}


def test_a_newcomer_can_join_or_start_a_class(page):
    at = page("class_room")
    assert not at.exception
    labels = [w.label for w in at.text_input]
    assert (
        "The class's code" in labels and "Your nickname (shown to the class)" in labels
    )
    assert "What is kept, where, and who can see it" in [e.label for e in at.expander]


def test_a_teacher_starts_a_class_and_sees_its_code_and_link(page, store):
    at = page("class_room", **as_person(store))
    labelled(at.text_input, "The class's name").input("5th grade")
    labelled(at.button, "Start a class").click().run()
    assert not at.exception
    teacher = at.session_state[IDENTITY].person
    (room,) = store.classes.taught_by(teacher)
    assert any(room.code in m.value for m in at.markdown)
    assert any(f"/class?class={room.code}" in c.value for c in at.code)
    assert "No runs yet" in texts(at) or any("No runs yet" in i.value for i in at.info)


def test_a_pupil_joins_from_the_link_and_sees_the_board(page, store):
    room = store.classes.start(store.people.create().person, "Lab")
    at = page("class_room", query={"class": room.code.lower()}, **as_person(store))
    assert labelled(at.text_input, "The class's code").value == room.code.lower()
    labelled(at.text_input, "Your nickname (shown to the class)").input("**Ana**")
    labelled(at.button, "Join").click().run()
    assert not at.exception
    said = [m.value for m in at.markdown if "You are in" in m.value]
    assert said and r"as **\*\*Ana\*\***" in said[0]  # the nickname, literally


def test_a_taken_nickname_is_refused_in_words(page, store):
    room = store.classes.start(store.people.create().person, "Lab")
    store.classes.join(room.code, store.people.create().person, "Ana")
    at = page("class_room", query={"class": room.code}, **as_person(store))
    labelled(at.text_input, "Your nickname (shown to the class)").input("ana")
    labelled(at.button, "Join").click().run()
    assert any("already called ana" in e.value for e in at.error)


def test_the_board_lists_every_pupils_run_best_first(page, store):
    teacher = store.people.create()
    room = store.classes.start(teacher.person, "Lab")
    for nickname, accuracy in (("Ana", 0.97), ("[Ben](http://x)", 0.99)):
        member = store.classes.join(room.code, store.people.create().person, nickname)
        store.classes.add_run(
            member.member,
            {"architecture": "fast", "epochs": 1, "batch": 128, "images": 1000,
             "learning rate": 0.001, "augment": False, "seconds": 5.0,
             "test accuracy": accuracy},
        )  # fmt: skip
    at = page("class_room", **{IDENTITY: teacher})
    assert not at.exception
    table = at.table[0].value
    assert list(table["test accuracy"]) == ["99.00%", "97.00%"]
    (best,) = at.success
    assert seen(best.value).startswith("Best so far: [Ben](http://x), 99.00%")
    charts = at.main.get("vega_lite_chart")
    assert len(charts) == 3


def test_only_the_teacher_sees_the_controls(page, store):
    room = store.classes.start(store.people.create().person, "Lab")
    pupil = store.people.create()
    store.classes.join(room.code, pupil.person, "Ana")
    at = page("class_room", **{IDENTITY: pupil})
    assert "Erase the class" not in [b.label for b in at.button]
    assert "Leave this class" in [b.label for b in at.button]


def test_the_teacher_closes_the_class_and_sets_the_lessons_limits(page, store):
    teacher = store.people.create()
    room = store.classes.start(teacher.person, "Lab")
    at = page("class_room", **{IDENTITY: teacher})
    labelled(at.toggle, "Open to new pupils").set_value(False).run()
    labelled(at.selectbox, "At most this many epochs").set_value(2).run()
    labelled(at.selectbox, "At most this many training images").set_value(10000).run()
    assert not at.exception
    changed = store.classes.find(room.code)
    assert (changed.is_open, changed.max_epochs, changed.max_images) == (
        False,
        2,
        10000,
    )
    assert "at most 2 epoch(s) and 10,000 training images" in texts(at)
    # What the limits mean for a lesson, said in time (no pupil yet: 30).
    assert re.search(
        r"With these limits, 30 pupils' runs take about \d+ minutes in all ",
        texts(at),
    )


def test_erasing_the_class_needs_a_yes_first(page, store):
    teacher = store.people.create()
    room = store.classes.start(teacher.person, "Lab")
    at = page("class_room", **{IDENTITY: teacher})
    assert labelled(at.button, "Erase the class").disabled
    labelled(
        at.checkbox, "Yes, erase this class, its pupils and its board"
    ).check().run()
    labelled(at.button, "Erase the class").click().run()
    assert store.classes.find(room.code) is None
    assert not at.exception


def test_a_whole_class_joins_from_one_address_but_wrong_codes_are_limited(page, store):
    from app_ui.kept import CLASS_CODE_MISSES

    room = store.classes.start(store.people.create().person, "Lab")
    for number in range(12):  # more than the misses allowed: right codes never count
        at = page("class_room", query={"class": room.code}, **as_person(store))
        labelled(at.text_input, "Your nickname (shown to the class)").input(
            f"pupil {number}"
        )
        labelled(at.button, "Join").click().run()
        assert not at.error, at.error
    assert len(store.classes.pupils(room.id)) == 12
    try:
        for _ in range(CLASS_CODE_MISSES.limit + 1):
            at = page("class_room", query={"class": "WRONG2"}, **as_person(store))
            labelled(at.text_input, "Your nickname (shown to the class)").input("x")
            labelled(at.button, "Join").click().run()
        assert "Too many codes tried" in at.error[0].value
    finally:
        CLASS_CODE_MISSES._tries.clear()


def test_a_pupils_train_page_stays_within_the_lessons_limits(page, store):
    teacher = store.people.create().person
    room = store.classes.start(teacher, "Lab")
    store.classes.set_limits(teacher, room.id, 2, 10_000)
    pupil = store.people.create()
    store.classes.join(room.code, pupil.person, "Ana")
    at = page("train", **{IDENTITY: pupil})
    assert not at.exception
    epochs = labelled(at.slider, "Epochs (passes over the data)")
    assert epochs.max == 2 and epochs.value <= 2
    images = labelled(at.select_slider, "Training images")
    assert max(int(o.replace(",", "")) for o in images.options) == 10_000
    assert "at most 2 epoch(s) and 10,000 training images" in texts(at)


def pupil_of(store, room, nickname="Ana"):
    person = store.people.create()
    return person, store.classes.join(room.code, person.person, nickname)


def test_a_pupil_opts_in_and_is_asked_for_the_digit_the_class_lacks(page, store):
    room = store.classes.start(store.people.create().person, "Lab")
    _, ben = pupil_of(store, room, "Ben")
    for digit in range(10):
        if digit != 6:
            store.classes.add_drawing(ben.member, digit, np.zeros((28, 28), np.uint8))
    person, ana = pupil_of(store, room)
    at = page("class_room", **{IDENTITY: person})
    assert not any("Draw a" in m.value for m in at.markdown)  # opt-in
    labelled(at.toggle, "Add my handwriting to the class's set").set_value(True).run()
    assert not at.exception
    assert any(m.value == "### Draw a 6" for m in at.markdown)
    labelled(at.button, "Add it").click().run()  # AppTest's canvas sends nothing
    assert "Draw the digit on the canvas first." in [w.value for w in at.warning]
    assert store.classes.drawing_counts(room.id, ana.member) == [0] * 10
    assert "Yes, take them back" not in [b.label for b in at.button]


def test_a_pupil_takes_their_drawings_back(page, store):
    room = store.classes.start(store.people.create().person, "Lab")
    person, ana = pupil_of(store, room)
    store.classes.add_drawing(ana.member, 3, np.zeros((28, 28), np.uint8))
    at = page("class_room", **{IDENTITY: person})
    labelled(at.toggle, "Add my handwriting to the class's set").set_value(True).run()
    assert "You added 1 of the 50 drawings one pupil may add." in texts(at)
    labelled(at.button, "Yes, take them back").click().run()  # in a popover
    assert not at.exception
    assert len(store.classes.drawings(room.id).y) == 0
    assert "Your 1 drawings were taken back." in [s.value for s in at.success]


def test_the_teacher_sees_how_each_run_reads_the_class(page, store):
    teacher = store.people.create()
    room = store.classes.start(teacher.person, "Lab")
    _, ana = pupil_of(store, room)
    for digit in (1, 1, 7):
        store.classes.add_drawing(ana.member, digit, np.zeros((28, 28), np.uint8))
    store.classes.add_run(
        ana.member, {"test accuracy": 0.98}, None, {"correct": 2, "total": 3}
    )
    at = page("class_room", **{IDENTITY: teacher})
    assert not at.exception
    assert list(at.table[0].value["our handwriting"]) == ["67% of 3"]
    assert "3 drawings. Of each digit: 0: 0, 1: 2" in texts(at)
    labelled(at.button, "Train a class model").click().run()
    assert any("at least 40 drawings" in e.value for e in at.error)


def test_the_class_models_comparison_is_shown_to_its_teacher(page, store):
    teacher = store.people.create()
    room = store.classes.start(teacher.person, "Lab")
    store.classes.set_class_model(
        teacher.person,
        room.id,
        {
            "record": {"test accuracy": 0.99},
            "learned": 30,
            "held_out": 10,
            "correct": 9,
            "compared": {"shipped": 7, "best_run": 6},
        },
    )
    _, ana = pupil_of(store, room)
    store.classes.add_drawing(ana.member, 1, np.zeros((28, 28), np.uint8))
    at = page("class_room", **{IDENTITY: teacher})
    assert not at.exception
    said = texts(at)
    assert any(
        "It read 9 of the 10 drawings it never saw (90%)" in s.value for s in at.success
    )
    assert "The shipped model: 7 of 10 (70%)" in said
    assert "without your drawings): 6 of 10 (60%)" in said


def test_a_store_that_cannot_be_read_leaves_the_pupil_a_sentence(page, store):
    from mnist_core.store.database import StoreUnavailable

    room = store.classes.start(store.people.create().person, "Lab")
    person, _ = pupil_of(store, room)
    at = page("class_room", **{IDENTITY: person})
    original = store.classes.drawing_counts

    def unreachable(*args, **kwargs):
        raise StoreUnavailable("The server's storage cannot be reached right now.")

    store.classes.drawing_counts = unreachable
    try:
        labelled(at.toggle, "Add my handwriting to the class's set").set_value(
            True
        ).run()
    finally:
        store.classes.drawing_counts = original
    assert not at.exception
    assert any("cannot be reached" in e.value for e in at.error)
