"""The database's tables, their version, and the upgrade from older versions.

A new database gets today's tables at once and is stamped with today's
version; an older one is upgraded step by step by UPGRADES, each step in the
same transaction as its new version number, so a crash leaves the old version
whole. Replicas starting together upgrade one at a time (a lock on the
version row; PostgreSQL also takes an advisory lock before the first read).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    inspect,
    select,
    text,
    update,
)

metadata = MetaData()

version_table = Table("schema_version", metadata, Column("version", Integer))

# Someone who kept work here: no name, no account; a browser key or a code
# (both stored as SHA-256 digests) leads to them.
people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_digest", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("seen_at", Float, nullable=False),
    Index("people_seen", "seen_at"),
)


def _person() -> Column:
    return Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


browser_keys = Table(
    "browser_keys",
    metadata,
    Column("key_digest", String(64), primary_key=True),
    _person(),
    Column("created_at", Float, nullable=False),
)

models = Table(
    "models",
    metadata,
    Column("id", Integer, primary_key=True),
    _person(),
    Column("origin", String(16), nullable=False),  # trained, taught, uploaded
    Column("card", Text, nullable=False),  # the model's metadata, JSON
    Column("size", Integer, nullable=False),  # bytes of `data`, summed for bounds
    Column("data", LargeBinary, nullable=False),  # the .keras file
    Column("created_at", Float, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    _person(),
    Column("record", Text, nullable=False),  # the runs table's row, JSON
    Column("created_at", Float, nullable=False),
)

corrections = Table(
    "corrections",
    metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("pixels", LargeBinary, nullable=False),  # N x 28 x 28 uint8
    Column("labels", Text, nullable=False),  # JSON list of N digits
    Column("saved_at", Float, nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("query", Text, nullable=False),  # the Train link's parameters, JSON
    Column("saved_at", Float, nullable=False),
)

# A class: a teacher (a person) and the code pupils join with, shown to all.
classes = Table(
    "classes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(8), nullable=False, unique=True),
    Column("name", String(60), nullable=False),
    Column(
        "teacher_id",
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("is_open", Boolean, nullable=False),  # takes new pupils
    Column("max_epochs", Integer),  # the lesson's limits (None: the server's)
    Column("max_images", Integer),
    Column("created_at", Float, nullable=False),
    Column("seen_at", Float, nullable=False, index=True),
    Column("class_model", Text),  # the class model's comparison, JSON (v3)
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("class_id", ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("nickname", String(20), nullable=False),  # as typed, shown literally
    Column("nickname_key", String(80), nullable=False),  # casefolded: unique
    Column("joined_at", Float, nullable=False),
    UniqueConstraint("class_id", "nickname_key"),
    UniqueConstraint("class_id", "person_id"),
    Index("members_person", "person_id"),
)


def _owned_by(name: str, target: str) -> Column:
    """A row's owner: the row goes with it."""
    return Column(
        name, ForeignKey(target, ondelete="CASCADE"), nullable=False, index=True
    )


board_runs = Table(
    "board_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    _owned_by("class_id", "classes.id"),
    _owned_by("member_id", "members.id"),
    Column("record", Text, nullable=False),  # the run's settings and results, JSON
    Column("created_at", Float, nullable=False),
    # Its model while the pupil keeps it, and how it read the class's
    # drawings, JSON {"correct", "total"} (v3).
    Column("model_id", ForeignKey("models.id", ondelete="SET NULL")),
    Column("handwriting", Text),
)

# The class's own handwriting: drawings pupils chose to add, with their digit.
class_drawings = Table(
    "class_drawings",
    metadata,
    Column("id", Integer, primary_key=True),
    _owned_by("class_id", "classes.id"),
    _owned_by("member_id", "members.id"),
    Column("label", Integer, nullable=False),
    Column("pixels", LargeBinary, nullable=False),  # 28 x 28 uint8, as read
    Column("created_at", Float, nullable=False),
)


def keep_newest(db: Connection, table: Table, owner: Column, value, count: int) -> None:
    """Delete `value`'s rows of `table` (by `owner`) but the newest `count`."""
    newest = (
        select(table.c.id)
        .where(owner == value)
        .order_by(table.c.id.desc())
        .limit(count)
    )
    db.execute(delete(table).where(owner == value, table.c.id.not_in(newest)))


_V2_COLUMNS = {
    "classes": ("class_model",),
    "board_runs": ("model_id", "handwriting"),
}


def _classes(connection: Connection) -> None:
    """Version 2: classes, their pupils and their board."""
    for table in (classes, members, board_runs):
        version_2 = [
            c for c in table.c if c.name not in _V2_COLUMNS.get(table.name, ())
        ]
        Table(table.name, MetaData(), *(c._copy() for c in version_2)).create(
            connection
        )


def _handwriting(connection: Connection) -> None:
    """Version 3: the class's drawings, and how each run read them."""
    class_drawings.create(connection)
    connection.execute(text("ALTER TABLE classes ADD COLUMN class_model TEXT"))
    connection.execute(
        text(
            "ALTER TABLE board_runs ADD COLUMN model_id INTEGER "
            "REFERENCES models (id) ON DELETE SET NULL"
        )
    )
    connection.execute(text("ALTER TABLE board_runs ADD COLUMN handwriting TEXT"))


# UPGRADES[n] turns a version n + 1 database into version n + 2.
UPGRADES: list[Callable[[Connection], None]] = [_classes, _handwriting]
VERSION = 1 + len(UPGRADES)
_ADVISORY_LOCK = 7_430_201  # any number of this app's own


def version_of(connection: Connection) -> int | None:
    """The database's schema version; None for an empty database."""
    if not inspect(connection).has_table(version_table.name):
        return None
    return connection.execute(select(version_table.c.version)).scalar_one()


def upgrade(engine: Engine) -> int:
    """Bring the database to VERSION (creating it if empty); its version before.

    Raises:
        RuntimeError: the database is newer than this app (a downgrade would
            lose what the newer app keeps).
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})"))
        found = version_of(connection)
        if found is None:
            metadata.create_all(connection)
            connection.execute(insert(version_table).values(version=VERSION))
            return 0
        if found > VERSION:
            raise RuntimeError(
                f"the database is at version {found}, this app knows {VERSION}"
            )
        for step in UPGRADES[found - 1 :]:
            step(connection)
        connection.execute(update(version_table).values(version=VERSION))
        return found
