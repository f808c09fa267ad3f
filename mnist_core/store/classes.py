"""A class: a teacher's code, pupils with nicknames, and the board of their runs.

A pupil joins with the class's code and a nickname, nothing else; the
teacher is whoever started it (their browser's person). What only a teacher
may do takes the teacher's person and touches nothing of another class.
Bounded: pupils per class, runs per pupil, classes per teacher and server.
"""

from __future__ import annotations

import json
import secrets
import time
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from mnist_core.errors import MnistError
from mnist_core.store.database import plain_errors
from mnist_core.store.people import CODE_ALPHABET, DAY, KEPT_DAYS, typed_code
from mnist_core.store.schema import board_runs, classes, keep_newest, members

CLASS_CODE_LENGTH = 6  # 29 ** 6 is about 6e8; tries are limited per address
MAX_NICKNAME = 20
MAX_CLASS_NAME = 60
PUPILS_PER_CLASS = 60
RUNS_PER_PUPIL = 20
CLASSES_PER_TEACHER = 5
MAX_CLASSES_ENV = "MNIST_MAX_CLASSES"
DEFAULT_MAX_CLASSES = 500


@dataclass(frozen=True)
class ClassInfo:
    id: int
    code: str
    name: str
    teacher: int  # the teacher's person
    is_open: bool
    max_epochs: int | None
    max_images: int | None


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
                select(members.c.id, members.c.nickname, classes)
                .join(classes, classes.c.id == members.c.class_id)
                .where(members.c.person_id == person)
                .order_by(members.c.id.desc())
                .limit(1)
            ).first()
        return Membership(row[0], row[1], _info(row)) if row else None

    def leave(self, person: int, class_id: int) -> None:
        with plain_errors(), self.engine.begin() as db:
            db.execute(
                delete(members).where(
                    members.c.person_id == person, members.c.class_id == class_id
                )
            )

    def add_run(self, member: int, record: dict) -> None:
        """Put a pupil's run on their class's board (their newest few stay)."""
        with plain_errors(), self.engine.begin() as db:
            class_id = db.execute(
                select(members.c.class_id).where(members.c.id == member)
            ).scalar()
            if class_id is None:  # removed from the class meanwhile
                return
            db.execute(
                insert(board_runs).values(
                    class_id=class_id,
                    member_id=member,
                    record=json.dumps(record),
                    created_at=self.clock(),
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
                )
                .join(members, members.c.id == board_runs.c.member_id)
                .where(board_runs.c.class_id == class_id)
                .order_by(board_runs.c.id)
            )
            return [
                BoardRun(
                    r.id, r.member_id, r.nickname, json.loads(r.record), r.created_at
                )
                for r in rows
            ]

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


def _taken(nickname: str) -> MnistError:
    return MnistError(
        "Someone in this class is already called {nickname}: choose another nickname.",
        nickname=nickname,
    )
