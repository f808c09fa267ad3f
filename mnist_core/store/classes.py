"""A class: a teacher's code, pupils with nicknames, and the board of their runs.

A pupil joins with the class's code and a nickname, nothing else; the
teacher is whoever started it (their browser's person). What only a teacher
may do takes the teacher's person and touches nothing of another class.
Pupils may add drawings to the class's own handwriting set (the drawing as
the model reads it and its digit, nothing else); the board says how each
run's model reads them. Bounded: pupils per class, runs and drawings per
pupil, drawings per class, classes per teacher and server.
"""

from __future__ import annotations

import json
import secrets
import time
import unicodedata
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from mnist_core.constants import IMAGE_SIZE, NUM_CLASSES
from mnist_core.errors import MnistError
from mnist_core.store.database import plain_errors
from mnist_core.store.people import CODE_ALPHABET, DAY, KEPT_DAYS, typed_code
from mnist_core.store.schema import (
    board_runs,
    class_drawings,
    classes,
    keep_newest,
    members,
    models,
)

CLASS_CODE_LENGTH = 6  # 29 ** 6 is about 6e8; tries are limited per address
MAX_NICKNAME = 20
MAX_CLASS_NAME = 60
PUPILS_PER_CLASS = 60
RUNS_PER_PUPIL = 20
CLASSES_PER_TEACHER = 5
MAX_CLASSES_ENV = "MNIST_MAX_CLASSES"
DEFAULT_MAX_CLASSES = 500
DRAWINGS_PER_PUPIL = 50
DRAWINGS_PER_CLASS = 1000  # 784 bytes each: under 1 MB a class
HELD_OUT_EVERY = 4  # every 4th drawing (by id) is never learned from


@dataclass(frozen=True)
class ClassInfo:
    id: int
    code: str
    name: str
    teacher: int  # the teacher's person
    is_open: bool
    max_epochs: int | None
    max_images: int | None
    class_model: dict | None = None  # the class model's comparison, once trained


@dataclass(frozen=True)
class Membership:
    member: int
    nickname: str
    room: ClassInfo


@dataclass(frozen=True)
class BoardRun:
    id: int
    member: int
    nickname: str
    record: dict  # settings and results, as the runs table has them
    created_at: float
    handwriting: dict | None = None  # {"correct", "total"} on the class's drawings
    model_id: int | None = None  # its model, while the pupil keeps it


@dataclass(frozen=True)
class Drawings:
    """A class's handwriting set, oldest first."""

    ids: np.ndarray  # (N,)
    x: np.ndarray  # uint8 (N, 28, 28), as the model reads them
    y: np.ndarray  # uint8 (N,)

    def held_out(self) -> np.ndarray:
        """(N,) True for the drawings no class model learns from."""
        return self.ids % HELD_OUT_EVERY == 0


def clean_name(typed: str, longest: int) -> str:
    """A nickname or class name as kept: no control characters, spaces
    squeezed; "" when nothing is left."""
    printable = "".join(
        " " if unicodedata.category(c).startswith(("C", "Z")) else c for c in typed
    )
    return " ".join(printable.split())[: longest + 1]


def nickname_refusal(nickname: str) -> None:
    """Raises MnistError when `nickname` (cleaned) cannot be one."""
    if not nickname or len(nickname) > MAX_NICKNAME:
        raise MnistError(
            "A nickname has 1 to {longest} characters: choose another.",
            longest=MAX_NICKNAME,
        )


def _info(row) -> ClassInfo:
    return ClassInfo(
        row.id,
        row.code,
        row.name,
        row.teacher_id,
        row.is_open,
        row.max_epochs,
        row.max_images,
        json.loads(row.class_model) if row.class_model else None,
    )


class Classes:
    """Thread-safe: every call is one short transaction."""

    def __init__(
        self, engine: Engine, max_classes: int = DEFAULT_MAX_CLASSES, clock=time.time
    ) -> None:
        self.engine, self.max_classes, self.clock = engine, max_classes, clock

    def start(self, teacher: int, name: str) -> ClassInfo:
        """A new open class of `teacher`, with a fresh code.

        Raises:
            MnistError: a name too long, or too many classes.
        """
        name = clean_name(name, MAX_CLASS_NAME)
        if not name or len(name) > MAX_CLASS_NAME:
            raise MnistError(
                "A class name has 1 to {longest} characters.", longest=MAX_CLASS_NAME
            )
        now = self.clock()
        with plain_errors(), self.engine.begin() as db:
            mine = db.execute(
                select(func.count()).where(classes.c.teacher_id == teacher)
            ).scalar()
            if mine >= CLASSES_PER_TEACHER:
                raise MnistError(
                    "You already have {count} classes: erase one before starting "
                    "another.",
                    count=mine,
                )
            if db.execute(select(func.count()).select_from(classes)).scalar() >= (
                self.max_classes
            ):
                raise MnistError(
                    "This server has as many classes as it can hold. Try again "
                    "another day, or ask whoever runs it."
                )
            code = "".join(
                secrets.choice(CODE_ALPHABET) for _ in range(CLASS_CODE_LENGTH)
            )
            row = db.execute(
                insert(classes)
                .values(
                    code=code,
                    name=name,
                    teacher_id=teacher,
                    is_open=True,
                    created_at=now,
                    seen_at=now,
                )
                .returning(*classes.c)
            ).one()
        return _info(row)

    def find(self, code: str) -> ClassInfo | None:
        """The class of a code as typed (any case, spaces, dashes)."""
        with plain_errors(), self.engine.connect() as db:
            row = db.execute(
                select(classes).where(classes.c.code == typed_code(code))
            ).first()
        return _info(row) if row else None

    def taught_by(self, teacher: int) -> list[ClassInfo]:
        with plain_errors(), self.engine.connect() as db:
            rows = db.execute(
                select(classes)
                .where(classes.c.teacher_id == teacher)
                .order_by(classes.c.id)
            )
            return [_info(row) for row in rows]

    def join(self, code: str, person: int, nickname: str) -> Membership:
        """Join the class of `code` as `nickname` (or rename oneself there).

        Raises:
            MnistError: no such class, it is closed or full, or the nickname
                is taken or not one.
        """
        nickname = clean_name(nickname, MAX_NICKNAME)
        nickname_refusal(nickname)
        room = self.find(code)
        if room is None:
            raise MnistError(
                "No class has this code. Check it with your teacher and try again."
            )
        with plain_errors():
            try:
                with self.engine.begin() as db:
                    member = self._join(db, room, person, nickname)
            except IntegrityError as exc:  # the same nickname at the same time
                raise _taken(nickname) from exc
        return Membership(member, nickname, room)

    def _join(self, db, room: ClassInfo, person: int, nickname: str) -> int:
        key = nickname.casefold()
        holder = db.execute(
            select(members.c.person_id).where(
                members.c.class_id == room.id, members.c.nickname_key == key
            )
        ).scalar()
        if holder is not None and holder != person:
            raise _taken(nickname)
        mine = db.execute(
            select(members.c.id).where(
                members.c.class_id == room.id, members.c.person_id == person
            )
        ).scalar()
        if mine is not None:
            db.execute(
                update(members)
                .where(members.c.id == mine)
                .values(nickname=nickname, nickname_key=key)
            )
            return mine
        if not room.is_open:
            raise MnistError(
                "This class takes no new pupils now: ask your teacher to open it."
            )
        count = db.execute(
            select(func.count()).where(members.c.class_id == room.id)
        ).scalar()
        if count >= PUPILS_PER_CLASS:
            raise MnistError(
                "This class is full ({count} pupils).", count=PUPILS_PER_CLASS
            )
        return db.execute(
            insert(members).values(
                class_id=room.id,
                person_id=person,
                nickname=nickname,
                nickname_key=key,
                joined_at=self.clock(),
            )
        ).inserted_primary_key[0]

    def membership(self, person: int) -> Membership | None:
        """The class `person` joined last, if they are still in one."""
        with plain_errors(), self.engine.connect() as db:
            row = db.execute(
                # Labelled: row.id must be the class's, as _info reads it.
                select(
                    members.c.id.label("member_id"),
                    members.c.nickname.label("member_nickname"),
                    classes,
                )
                .join(classes, classes.c.id == members.c.class_id)
                .where(members.c.person_id == person)
                .order_by(members.c.id.desc())
                .limit(1)
            ).first()
        if row is None:
            return None
        return Membership(row.member_id, row.member_nickname, _info(row))

    def leave(self, person: int, class_id: int) -> None:
        with plain_errors(), self.engine.begin() as db:
            db.execute(
                delete(members).where(
                    members.c.person_id == person, members.c.class_id == class_id
                )
            )

    def add_run(
        self,
        member: int,
        record: dict,
        model_id: int | None = None,
        handwriting: dict | None = None,
    ) -> None:
        """Put a pupil's run on their class's board (their newest few stay),
        with its kept model and how it read the class's drawings."""
        with plain_errors(), self.engine.begin() as db:
            class_id = _class_of(db, member)
            if class_id is None:  # removed from the class meanwhile
                return
            db.execute(
                insert(board_runs).values(
                    class_id=class_id,
                    member_id=member,
                    record=json.dumps(record),
                    created_at=self.clock(),
                    model_id=model_id,
                    handwriting=json.dumps(handwriting) if handwriting else None,
                )
            )
            keep_newest(db, board_runs, board_runs.c.member_id, member, RUNS_PER_PUPIL)

    def board(self, class_id: int) -> list[BoardRun]:
        """Every run on the class's board, oldest first."""
        with plain_errors(), self.engine.connect() as db:
            rows = db.execute(
                select(
                    board_runs.c.id,
                    board_runs.c.member_id,
                    members.c.nickname,
                    board_runs.c.record,
                    board_runs.c.created_at,
                    board_runs.c.handwriting,
                    board_runs.c.model_id,
                )
                .join(members, members.c.id == board_runs.c.member_id)
                .where(board_runs.c.class_id == class_id)
                .order_by(board_runs.c.id)
            )
            return [
                BoardRun(
                    r.id,
                    r.member_id,
                    r.nickname,
                    json.loads(r.record),
                    r.created_at,
                    json.loads(r.handwriting) if r.handwriting else None,
                    r.model_id,
                )
                for r in rows
            ]

    def add_drawing(self, member: int, label: int, pixels: np.ndarray) -> None:
        """Add a pupil's drawing of `label` to their class's handwriting set.

        Raises:
            MnistError: the pupil or the class has as many as it may keep.
            ValueError: not a digit or not a 28x28 picture (no page sends it).
        """
        pixels = np.asarray(pixels)
        if not 0 <= int(label) < NUM_CLASSES or pixels.shape != (
            IMAGE_SIZE,
            IMAGE_SIZE,
        ):
            raise ValueError(f"not a drawing to keep: {label}, {pixels.shape}")
        with plain_errors(), self.engine.begin() as db:
            class_id = _class_of(db, member)
            if class_id is None:  # removed from the class meanwhile
                return
            self._room_for_drawing(db, class_id, member)
            db.execute(
                insert(class_drawings).values(
                    class_id=class_id,
                    member_id=member,
                    label=int(label),
                    pixels=pixels.astype(np.uint8).tobytes(),
                    created_at=self.clock(),
                )
            )

    def _room_for_drawing(self, db, class_id: int, member: int) -> None:
        count = func.count(class_drawings.c.id)
        mine = db.execute(
            select(count).where(class_drawings.c.member_id == member)
        ).scalar()
        if mine >= DRAWINGS_PER_PUPIL:
            raise MnistError(
                "You have added {count} drawings, as many as one pupil may: thank you!",
                count=mine,
            )
        if db.execute(
            select(count).where(class_drawings.c.class_id == class_id)
        ).scalar() >= (DRAWINGS_PER_CLASS):
            raise MnistError(
                "The class's set has {count} drawings, as many as it may keep.",
                count=DRAWINGS_PER_CLASS,
            )

    def drawings(self, class_id: int) -> Drawings:
        with plain_errors(), self.engine.connect() as db:
            rows = db.execute(
                select(
                    class_drawings.c.id, class_drawings.c.label, class_drawings.c.pixels
                )
                .where(class_drawings.c.class_id == class_id)
                .order_by(class_drawings.c.id)
            ).all()
        shape = (len(rows), IMAGE_SIZE, IMAGE_SIZE)
        return Drawings(
            np.array([r.id for r in rows], dtype=np.int64),
            np.frombuffer(b"".join(r.pixels for r in rows), np.uint8).reshape(shape),
            np.array([r.label for r in rows], dtype=np.uint8),
        )

    def drawing_counts(self, class_id: int, member: int | None = None) -> list[int]:
        """How many drawings of each digit the class (or one pupil) added."""
        where = class_drawings.c.class_id == class_id
        if member is not None:
            where &= class_drawings.c.member_id == member
        with plain_errors(), self.engine.connect() as db:
            rows = db.execute(
                select(class_drawings.c.label, func.count())
                .where(where)
                .group_by(class_drawings.c.label)
            )
            counts = dict(rows.all())
        return [counts.get(digit, 0) for digit in range(NUM_CLASSES)]

    def forget_drawings(self, member: int) -> None:
        """A pupil takes back every drawing they added."""
        with plain_errors(), self.engine.begin() as db:
            db.execute(
                delete(class_drawings).where(class_drawings.c.member_id == member)
            )

    def run_models(self, class_id: int, total: int) -> list[tuple[int, bytes]]:
        """(run, its model's file) of the runs whose model is still kept and
        that were not measured on `total` drawings."""
        with plain_errors(), self.engine.connect() as db:
            rows = db.execute(
                select(board_runs.c.id, board_runs.c.handwriting, models.c.data)
                .join(models, models.c.id == board_runs.c.model_id)
                .where(board_runs.c.class_id == class_id)
                .order_by(board_runs.c.id)
            ).all()
        return [
            (r.id, r.data)
            for r in rows
            if not r.handwriting or json.loads(r.handwriting)["total"] != total
        ]

    def run_model(self, run: int) -> bytes | None:
        """The model file of a board run, while its pupil keeps it."""
        with plain_errors(), self.engine.connect() as db:
            return db.execute(
                select(models.c.data)
                .join(board_runs, board_runs.c.model_id == models.c.id)
                .where(board_runs.c.id == run)
            ).scalar()

    def set_handwriting(self, run: int, correct: int, total: int) -> None:
        with plain_errors(), self.engine.begin() as db:
            db.execute(
                update(board_runs)
                .where(board_runs.c.id == run)
                .values(handwriting=json.dumps({"correct": correct, "total": total}))
            )

    def pupils(self, class_id: int) -> list[tuple[int, str]]:
        """(member, nickname) of the class's pupils, in the order they joined."""
        with plain_errors(), self.engine.connect() as db:
            rows = db.execute(
                select(members.c.id, members.c.nickname)
                .where(members.c.class_id == class_id)
                .order_by(members.c.id)
            )
            return [(row.id, row.nickname) for row in rows]

    # What only the class's teacher may do: each names the teacher, and a
    # call by anyone else changes nothing.

    def _teachers(self, teacher: int, class_id: int):
        return (classes.c.id == class_id) & (classes.c.teacher_id == teacher)

    def set_open(self, teacher: int, class_id: int, is_open: bool) -> None:
        with plain_errors(), self.engine.begin() as db:
            db.execute(
                update(classes)
                .where(self._teachers(teacher, class_id))
                .values(is_open=is_open, seen_at=self.clock())
            )

    def set_limits(
        self, teacher: int, class_id: int, epochs: int | None, images: int | None
    ) -> None:
        with plain_errors(), self.engine.begin() as db:
            db.execute(
                update(classes)
                .where(self._teachers(teacher, class_id))
                .values(max_epochs=epochs, max_images=images, seen_at=self.clock())
            )

    def _owned(self, db, teacher: int, class_id: int) -> bool:
        return (
            db.execute(
                select(classes.c.id).where(self._teachers(teacher, class_id))
            ).scalar()
            is not None
        )

    def set_class_model(self, teacher: int, class_id: int, summary: dict) -> None:
        """Keep how the class model did against the models it is compared with."""
        with plain_errors(), self.engine.begin() as db:
            db.execute(
                update(classes)
                .where(self._teachers(teacher, class_id))
                .values(class_model=json.dumps(summary))
            )

    def remove_run(self, teacher: int, class_id: int, run: int) -> None:
        with plain_errors(), self.engine.begin() as db:
            if self._owned(db, teacher, class_id):
                db.execute(
                    delete(board_runs).where(
                        board_runs.c.id == run, board_runs.c.class_id == class_id
                    )
                )

    def remove_pupil(self, teacher: int, class_id: int, member: int) -> None:
        """A pupil and their runs leave the board (their own work stays theirs)."""
        with plain_errors(), self.engine.begin() as db:
            if self._owned(db, teacher, class_id):
                db.execute(
                    delete(members).where(
                        members.c.id == member, members.c.class_id == class_id
                    )
                )

    def erase(self, teacher: int, class_id: int) -> None:
        """The class, its pupils' places and its board, all at once."""
        with plain_errors(), self.engine.begin() as db:
            db.execute(delete(classes).where(self._teachers(teacher, class_id)))

    def seen(self, class_id: int) -> None:
        with plain_errors(), self.engine.begin() as db:
            db.execute(
                update(classes)
                .where(classes.c.id == class_id)
                .values(seen_at=self.clock())
            )

    def erase_unseen(self, days: float = KEPT_DAYS) -> int:
        """Erase classes nobody opened for `days`; how many were erased."""
        cutoff = self.clock() - days * DAY
        with plain_errors(), self.engine.begin() as db:
            return db.execute(
                delete(classes).where(classes.c.seen_at < cutoff)
            ).rowcount


def _class_of(db, member: int) -> int | None:
    return db.execute(select(members.c.class_id).where(members.c.id == member)).scalar()


def digit_to_ask(class_counts: list[int], my_counts: list[int]) -> int:
    """The digit a pupil is asked to draw: the one the class has fewest of,
    then the one they drew least, so the set fills evenly."""
    return min(range(NUM_CLASSES), key=lambda d: (class_counts[d], my_counts[d], d))


def _taken(nickname: str) -> MnistError:
    return MnistError(
        "Someone in this class is already called {nickname}: choose another nickname.",
        nickname=nickname,
    )
