"""Class: a teacher starts one and projects its board; pupils join with its
code and a nickname, and their runs appear on the board."""

from urllib.parse import urlsplit

import streamlit as st

from app_ui.board import board_csv, draw_board
from app_ui.choices import widget_key
from app_ui.class_handwriting import add_drawings, teacher_handwriting
from app_ui.common import client_address, get_queue, training_limit
from app_ui.i18n import (
    Shown,
    duration_words,
    errors_shown,
    literal,
    mark,
    plain_number,
    say,
    t,
)
from app_ui.kept import CLASS_CODE_MISSES, ensure_identity, get_store, identity
from app_ui.navigation import heading
from mnist_core.store.classes import MAX_CLASS_NAME, MAX_NICKNAME, ClassInfo
from mnist_core.store.database import StoreUnavailable
from mnist_core.store.people import KEPT_DAYS
from mnist_core.training.config import PRESETS, SETTINGS, TrainConfig

CLASS_KEY = "class"  # the join link's parameter: the code, never a key
BOARD_SECONDS = 3.0  # new runs show within this, with nobody reloading
EPOCH_LIMITS = (None, 1, 2, 3, 5)
IMAGE_LIMITS = (None, *SETTINGS["train_size"].stops[:-1])


def join_link(code: str) -> str:
    """The Class page's address with the code: what a teacher shares."""
    parts = urlsplit(st.context.url or "")
    base = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return f"{base}/class?{CLASS_KEY}={code}"


def join_form(store) -> None:
    st.subheader(t("Join a class"))
    with st.form("join_class"):
        code = st.text_input(
            t("The class's code"),
            value=st.query_params.get(CLASS_KEY, ""),
            max_chars=12,
        )
        nickname = st.text_input(
            t("Your nickname (shown to the class)"), max_chars=MAX_NICKNAME
        )
        if not st.form_submit_button(t("Join"), type="primary"):
            return
    where = client_address() or "local"
    if CLASS_CODE_MISSES.blocked(where):
        st.error(t("Too many codes tried from here: wait ten minutes, then try again."))
        return
    with errors_shown():
        if store.classes.find(code) is None:
            CLASS_CODE_MISSES.miss(where)  # only a wrong code counts
        known = ensure_identity()
        if known is not None:
            store.classes.join(code, known.person, nickname)
            st.rerun()


FIRST_CLASS = mark("Are you the teacher? Start a class")
ANOTHER_CLASS = mark("Start another class")


def start_form(store, title: str = FIRST_CLASS) -> None:
    with st.expander(t(title)):
        with st.form("start_class"):
            name = st.text_input(t("The class's name"), max_chars=MAX_CLASS_NAME)
            if not st.form_submit_button(t("Start a class")):
                return
        known = ensure_identity()
        if known is None:
            return
        with errors_shown():
            store.classes.start(known.person, name)
            st.rerun()


@st.fragment(run_every=BOARD_SECONDS)
def live_board(store, class_id: int) -> None:
    with errors_shown():
        draw_board(store.classes.board(class_id))


def limits_words(room: ClassInfo) -> str:
    if room.max_epochs is None and room.max_images is None:
        return t("This lesson has no limits of its own.")
    return t(
        "This lesson's limits: at most {epochs} epoch(s) and {images:,} training "
        "images.",
        epochs=room.max_epochs or SETTINGS["epochs"].bounds[1],
        images=room.max_images or SETTINGS["train_size"].bounds[1],
    )


def limit_label(value) -> str:
    return t("no limit") if value is None else plain_number(value)


def teacher_controls(store, room: ClassInfo, teacher: int) -> None:
    st.markdown(t("## Code: {code}", code=room.code))
    st.caption(t("Pupils type it on the Class page, or open this link:"))
    st.code(join_link(room.code), language=None)
    with st.expander(t("Lesson settings and the teacher's controls")):
        opened = st.toggle(
            t("Open to new pupils"), value=room.is_open, key=f"open_{room.id}"
        )
        if opened != room.is_open:
            store.classes.set_open(teacher, room.id, opened)
        left, right = st.columns(2)
        epochs = left.selectbox(
            t("At most this many epochs"),
            EPOCH_LIMITS,
            index=EPOCH_LIMITS.index(room.max_epochs)
            if room.max_epochs in EPOCH_LIMITS
            else 0,
            format_func=limit_label,
            key=widget_key(f"epochs_{room.id}"),
        )
        images = right.selectbox(
            t("At most this many training images"),
            IMAGE_LIMITS,
            index=IMAGE_LIMITS.index(room.max_images)
            if room.max_images in IMAGE_LIMITS
            else 0,
            format_func=limit_label,
            key=widget_key(f"images_{room.id}"),
        )
        if (epochs, images) != (room.max_epochs, room.max_images):
            store.classes.set_limits(teacher, room.id, epochs, images)
        lesson_time(epochs, images, len(store.classes.pupils(room.id)) or 30)
        removals(store, room, teacher)
        st.download_button(
            t("Download the board (CSV)"),
            board_csv(store.classes.board(room.id)),
            file_name=f"class-{room.code}.csv",
            mime="text/csv",
        )
        sure = st.checkbox(t("Yes, erase this class, its pupils and its board"))
        if st.button(t("Erase the class"), disabled=not sure):
            store.classes.erase(teacher, room.id)
            st.rerun()


def lesson_time(epochs: int | None, images: int | None, pupils: int) -> None:
    """How long a whole class's runs take here within these limits, one after
    another: with the Train page's first settings, and at most."""
    from mnist_core.serving.jobs import TrainingQueue
    from mnist_core.serving.limits import cap_training, within_lesson

    queue = get_queue()
    if not isinstance(queue, TrainingQueue):  # a cluster: its workers vary
        return
    first = within_lesson(PRESETS["fast"], epochs, images)[0]
    heaviest = within_lesson(TrainConfig(arch="recipe"), epochs, images)[0]
    heaviest = cap_training(heaviest, training_limit())[0]
    each = queue.max_running
    st.caption(
        t(
            "With these limits, {count} pupils' runs take {first} in all "
            "on this server with the Train page's first settings, and up to "
            "{most} if every pupil picks the Tutorial CNN.",
            count=pupils,
            first=Shown(duration_words(pupils * queue.pace.turn(first) / each)),
            most=Shown(duration_words(pupils * queue.pace.turn(heaviest) / each)),
        )
    )


def removals(store, room: ClassInfo, teacher: int) -> None:
    pupils = dict(store.classes.pupils(room.id))
    if not pupils:
        return
    left, right = st.columns([3, 1])
    member = left.selectbox(
        t("A pupil to remove, with their runs"),
        list(pupils),
        format_func=pupils.get,
        key=widget_key(f"remove_{room.id}"),
    )
    if right.button(t("Remove"), key=f"remove_pupil_{room.id}"):
        store.classes.remove_pupil(teacher, room.id, member)
        st.rerun()
    runs = {r.id: r for r in store.classes.board(room.id)}
    if runs:
        left, right = st.columns([3, 1])
        run = left.selectbox(
            t("A run to remove"),
            list(runs),
            format_func=lambda r: t(
                "{nickname}: {accuracy:.2%}",
                nickname=runs[r].nickname,
                accuracy=runs[r].record.get("test accuracy") or 0,
            ),
            key=widget_key(f"remove_run_{room.id}"),
        )
        if right.button(t("Remove"), key=f"remove_run_button_{room.id}"):
            store.classes.remove_run(teacher, room.id, run)
            st.rerun()


@st.fragment(run_every=BOARD_SECONDS)
def pupil_view(store, person: int) -> None:
    """The pupil's class as the teacher leaves it: its limits, the board, and
    the join form again once they were removed or the class erased."""
    with errors_shown():
        membership = store.classes.membership(person)
    if membership is None:
        st.rerun()  # the whole page: the join form
    room = membership.room
    st.markdown(
        t(
            "You are in **{name}** as **{nickname}**. Train on the Train page: "
            "your runs appear on this board.",
            name=room.name,
            nickname=membership.nickname,
        )
    )
    st.caption(limits_words(room))
    if st.button(t("Leave this class")):
        with errors_shown():
            store.classes.leave(person, room.id)
            st.rerun()
    with errors_shown():
        draw_board(store.classes.board(room.id))


def what_is_kept() -> None:
    with st.expander(t("What is kept, where, and who can see it")):
        st.markdown(
            t(
                "- **Nothing personal is asked**: a nickname you choose, no name, "
                "no e-mail, no password.\n"
                "- **What is kept**: your models, your runs, your corrections and "
                "your last settings; in a class, your nickname, your runs' "
                "settings and results, and the drawings you choose to add (each "
                "drawing and its digit, nothing else).\n"
                "- **Where**: in this server's database only. Your browser keeps "
                "a private key (a cookie) that leads to your work; the code on "
                "the sidebar does the same on another device.\n"
                "- **Who sees it**: your work, only you. The board: your class "
                "and its teacher. Nobody can list the classes of this server.\n"
                "- **For how long**: {days} days after the last visit, then the "
                "server erases it by itself. A teacher can erase a class at any "
                "time, and you can erase your work from the sidebar.",
                days=KEPT_DAYS,
            )
        )


st.title(t(heading(__file__)))
store = get_store()
if store is None:
    st.error(
        t(
            "Classes need this server's storage, which is not available right now. "
            "The other pages still work."
        )
    )
    st.stop()
known = identity()
try:
    taught = store.classes.taught_by(known.person) if known else []
    membership = store.classes.membership(known.person) if known else None
except StoreUnavailable as exc:
    st.error(say(exc))
    st.stop()
if taught:
    room = taught[-1]
    if len(taught) > 1:
        names = {c.id: c for c in taught}
        chosen = st.selectbox(
            t("Your classes"),
            list(names),
            index=len(taught) - 1,
            format_func=lambda i: literal(names[i].name),
        )
        room = names[chosen]
    st.subheader(literal(room.name))
    with errors_shown():
        teacher_controls(store, room, known.person)
        room = store.classes.find(room.code) or room  # as the controls left it
    st.caption(limits_words(room))
    live_board(store, room.id)
    with errors_shown():
        teacher_handwriting(store, room, known.person)
    start_form(store, ANOTHER_CLASS)
elif membership is not None:
    pupil_view(store, known.person)
    add_drawings(store, membership)
else:
    join_form(store)
    start_form(store)
what_is_kept()
