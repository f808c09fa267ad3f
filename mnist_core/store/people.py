"""Who kept work here: a private browser key, and a short code for other devices.

Nobody gives a name or a password. The browser holds a long random key; the
page shows a short code that brings the same work to another device (which
then gets its own key). Only SHA-256 digests of keys and codes are stored,
so the database alone lets nobody in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, update

from mnist_core.store.database import plain_errors
from mnist_core.store.schema import browser_keys, people

# No 0/O, 1/I/L or U/V: letters a person copies from a screen without doubt.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 10  # 29 ** 10 is about 4e14: not found by trying, tries are limited
KEY_BYTES = 32
KEPT_DAYS = 30  # work nobody came back to for this long is erased
DAY = 86_400.0


@dataclass(frozen=True)
class Identity:
    """What a browser holds: its key, and the code it may show."""

    person: int
    key: str
    code: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """ABCDE-FGHJK: two groups read more easily than ten letters."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def typed_code(typed: str) -> str:
    """A code as typed (any case, spaces, dashes) in its stored form."""
    return re.sub(r"[^0-9A-Z]", "", typed.upper())


class People:
    """Thread-safe: every call is one short transaction."""

    def __init__(self, engine: Engine, clock=time.time) -> None:
        self.engine = engine
        self.clock = clock

    def create(self) -> Identity:
        """A new person with a fresh key and code."""
        key, code, now = secrets.token_urlsafe(KEY_BYTES), new_code(), self.clock()
        with plain_errors(), self.engine.begin() as db:
            person = db.execute(
                insert(people).values(
                    code_digest=digest(code), created_at=now, seen_at=now
                )
            ).inserted_primary_key[0]
            db.execute(
                insert(browser_keys).values(
                    key_digest=digest(key), person_id=person, created_at=now
                )
            )
        return Identity(person, key, code)

    def by_key(self, key: str) -> int | None:
        """The person a browser key belongs to (and they were seen now)."""
        if not key:
            return None
        with plain_errors(), self.engine.begin() as db:
            person = db.execute(
                select(browser_keys.c.person_id).where(
                    browser_keys.c.key_digest == digest(key)
                )
            ).scalar()
            if person is not None:
                db.execute(
                    update(people)
                    .where(people.c.id == person)
                    .values(seen_at=self.clock())
                )
        return person

    def join_by_code(self, typed: str) -> Identity | None:
        """A new key for this device, on the work of whoever the code is; None
        for a code nobody has (the caller limits how often one may try)."""
        code = typed_code(typed)
        if len(code) != CODE_LENGTH:
            return None
        key, now = secrets.token_urlsafe(KEY_BYTES), self.clock()
        with plain_errors(), self.engine.begin() as db:
            person = db.execute(
                select(people.c.id).where(people.c.code_digest == digest(code))
            ).scalar()
            if person is None:
                return None
            db.execute(
                insert(browser_keys).values(
                    key_digest=digest(key), person_id=person, created_at=now
                )
            )
            db.execute(update(people).where(people.c.id == person).values(seen_at=now))
        return Identity(person, key, code)

    def exists(self, person: int) -> bool:
        with plain_errors(), self.engine.connect() as db:
            found = db.execute(select(people.c.id).where(people.c.id == person))
            return found.scalar() is not None

    def forget(self, person: int) -> None:
        """Erase a person and everything they kept."""
        with plain_errors(), self.engine.begin() as db:
            db.execute(delete(people).where(people.c.id == person))

    def erase_unseen(self, days: float = KEPT_DAYS) -> int:
        """Erase everyone not seen for `days`; how many were erased."""
        cutoff = self.clock() - days * DAY
        with plain_errors(), self.engine.begin() as db:
            return db.execute(delete(people).where(people.c.seen_at < cutoff)).rowcount
