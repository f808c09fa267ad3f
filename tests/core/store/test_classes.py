import threading

import pytest

from mnist_core.errors import MnistError
from mnist_core.store.classes import (
    CLASS_CODE_LENGTH,
    CLASSES_PER_TEACHER,
    PUPILS_PER_CLASS,
    RUNS_PER_PUPIL,
    Classes,
)
from mnist_core.store.people import CODE_ALPHABET, DAY
from tests.core.store.conftest import pupil


def test_a_class_has_a_short_unambiguous_code_and_a_clean_name(store, room):
    _, started = room
    assert len(started.code) == CLASS_CODE_LENGTH
    assert set(started.code) <= set(CODE_ALPHABET)
    assert started.name == "5th grade" and started.is_open
    assert store.classes.find(started.code.lower()) == started
    assert store.classes.find("ZZZZZZ") is None


def test_pupils_join_with_a_nickname_unique_in_the_class(store, room):
    ana = pupil(store, room, "Ana")
    assert ana.nickname == "Ana" and ana.room.id == room[1].id
    with pytest.raises(MnistError, match="already called ANA"):
        pupil(store, room, "ANA")
    with pytest.raises(MnistError, match="1 to 20"):
        pupil(store, room, "x" * 21)
    with pytest.raises(MnistError, match="1 to 20"):
        pupil(store, room, " \t\u200b ")
    assert [n for _, n in store.classes.pupils(room[1].id)] == ["Ana"]


def test_nicknames_are_kept_as_typed_even_when_they_look_like_markdown(store, room):
    assert pupil(store, room, "**[x](http://a)**").nickname == "**[x](http://a)**"


def test_joining_again_renames_instead_of_adding(store, room):
    me = store.people.create().person
    first = store.classes.join(room[1].code, me, "Ana")
    again = store.classes.join(room[1].code, me, "Ana B")
    assert first.member == again.member
    assert store.classes.membership(me).nickname == "Ana B"


def test_a_closed_class_takes_no_new_pupils_and_a_full_one_none(store, room):
    teacher, started = room
    store.classes.set_open(teacher, started.id, False)
    with pytest.raises(MnistError, match="no new pupils"):
        pupil(store, room, "Late")
    store.classes.set_open(teacher, started.id, True)
    for number in range(PUPILS_PER_CLASS):
        pupil(store, room, f"p{number}")
    with pytest.raises(MnistError, match="full"):
        pupil(store, room, "one more")


def test_only_the_teacher_changes_a_class(store, room):
    teacher, started = room
    stranger = store.people.create().person
    store.classes.set_open(stranger, started.id, False)
    store.classes.set_limits(stranger, started.id, 1, 100)
    store.classes.erase(stranger, started.id)
    assert store.classes.find(started.code) == started
    store.classes.set_limits(teacher, started.id, 2, 10_000)
    limited = store.classes.find(started.code)
    assert (limited.max_epochs, limited.max_images) == (2, 10_000)


def test_the_board_shows_each_pupils_runs_and_the_teacher_can_remove_them(store, room):
    teacher, started = room
    ana, ben = pupil(store, room, "Ana"), pupil(store, room, "Ben")
    store.classes.add_run(ana.member, {"test accuracy": 0.97})
    store.classes.add_run(ben.member, {"test accuracy": 0.98})
    store.classes.add_run(ben.member, {"test accuracy": 0.99})
    board = store.classes.board(started.id)
    assert [(r.nickname, r.record["test accuracy"]) for r in board] == [
        ("Ana", 0.97),
        ("Ben", 0.98),
        ("Ben", 0.99),
    ]
    store.classes.remove_run(store.people.create().person, started.id, board[0].id)
    assert len(store.classes.board(started.id)) == 3  # not by a stranger
    store.classes.remove_run(teacher, started.id, board[0].id)
    store.classes.remove_pupil(teacher, started.id, ben.member)
    assert store.classes.board(started.id) == []


def test_a_pupils_board_runs_are_bounded(store, room):
    ana = pupil(store, room, "Ana")
    for number in range(RUNS_PER_PUPIL + 3):
        store.classes.add_run(ana.member, {"run": number})
    board = store.classes.board(room[1].id)
    assert [r.record["run"] for r in board] == list(range(3, RUNS_PER_PUPIL + 3))


def test_another_class_sees_nothing_of_this_one(store, room):
    pupil_in_a = pupil(store, room, "Ana")
    store.classes.add_run(pupil_in_a.member, {"run": 1})
    other = store.classes.start(store.people.create().person, "Other")
    assert store.classes.board(other.id) == []
    assert store.classes.pupils(other.id) == []


def test_erasing_a_class_erases_its_pupils_places_and_board(store, room):
    teacher, started = room
    ana = pupil(store, room, "Ana")
    store.classes.add_run(ana.member, {"run": 1})
    store.classes.erase(teacher, started.id)
    assert store.classes.find(started.code) is None
    assert store.classes.board(started.id) == []
    assert store.classes.pupils(started.id) == []


def test_a_teacher_has_a_few_classes_and_a_server_a_bounded_number(store):
    teacher = store.people.create().person
    for number in range(CLASSES_PER_TEACHER):
        store.classes.start(teacher, f"class {number}")
    with pytest.raises(MnistError, match="already have"):
        store.classes.start(teacher, "one more")
    small = Classes(store.engine, max_classes=CLASSES_PER_TEACHER)
    with pytest.raises(MnistError, match="as many classes"):
        small.start(store.people.create().person, "another teacher's")


def test_classes_nobody_opened_for_the_kept_days_are_erased(store):
    now = [1_000_000.0]
    clocked = Classes(store.engine, clock=lambda: now[0])
    old = clocked.start(store.people.create().person, "old")
    now[0] += 31 * DAY
    assert clocked.erase_unseen() == 1
    assert clocked.find(old.code) is None


def test_thirty_pupils_joining_and_saving_at_once_lose_nothing(store, room):
    errors = []

    def lesson(number):
        try:
            me = pupil(store, room, f"pupil {number}")
            for run in range(3):
                store.classes.add_run(me.member, {"run": run})
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=lesson, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.classes.board(room[1].id)) == 90


def test_a_pupils_membership_names_their_class_not_their_place_in_it(store):
    # Member and class ids differ once a second class has pupils: the
    # pupil's board, lesson limits and "Leave" must read the class's.
    first = store.classes.start(store.people.create().person, "First")
    for number in range(3):
        store.classes.join(first.code, store.people.create().person, f"p{number}")
    second = store.classes.start(store.people.create().person, "Second")
    me = store.people.create().person
    joined = store.classes.join(second.code, me, "Ana")
    found = store.classes.membership(me)
    assert joined.member != second.id
    assert (found.member, found.nickname, found.room) == (joined.member, "Ana", second)
    store.classes.leave(me, found.room.id)
    assert store.classes.membership(me) is None
