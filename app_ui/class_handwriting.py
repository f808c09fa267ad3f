"""The Class page's handwriting: pupils add drawings of the digit asked for
(opt-in), the teacher measures the board on them and trains a class model."""

from __future__ import annotations

import numpy as np
import streamlit as st

from app_ui.canvas import OversizedDrawing, drawing_canvas, drawing_pixels
from app_ui.common import (
    data_or_stop,
    get_queue,
    get_shipped,
    session_alive,
    training_limit,
)
from app_ui.i18n import Shown, errors_shown, mark, say, t
from app_ui.training_view import make_yours, progress
from mnist_core.drawing.preprocess import prepare_image
from mnist_core.drawing.strokes import CANVAS_SIZE, DEFAULT_PEN
from mnist_core.errors import MnistError
from mnist_core.serving.jobs import JobState
from mnist_core.store.classes import (
    DRAWINGS_PER_PUPIL,
    ClassInfo,
    Membership,
    digit_to_ask,
)
from mnist_core.store.database import StoreUnavailable
from mnist_core.training.config import PRESETS, config_from_summary

OPTED_IN = "hw_opted_in"  # the pupil chose to add drawings (a plain key)
ASKED = "hw_digit"  # the digit asked for, until it is added
CANVAS_ID = "hw_canvas"  # a new canvas after each drawing added
SAID = "hw_said"  # what the last press did, said once on the next run
CLASS_JOB = "class_model_job"
SHIPPED, BEST_RUN = "shipped", "best_run"  # the models a class model is compared with


def add_drawings(store, membership: Membership) -> None:
    """Opt-in: the pupil draws the digit asked for and adds it to the set."""
    room, member = membership.room, membership.member
    opted = st.toggle(
        t("Add my handwriting to the class's set"),
        value=st.session_state.get(OPTED_IN, False),
        key=f"{OPTED_IN}_widget",
    )
    st.session_state[OPTED_IN] = opted
    st.caption(
        t(
            "Optional. Only each drawing and its digit are kept, for this class: "
            "your teacher uses them to see how well the models read your class's "
            "writing. You can take yours back at any time."
        )
    )
    if not opted:
        return
    try:
        mine = store.classes.drawing_counts(room.id, member)
        if ASKED not in st.session_state:
            st.session_state[ASKED] = digit_to_ask(
                store.classes.drawing_counts(room.id), mine
            )
    except StoreUnavailable as exc:  # said in words; nothing to draw for now
        st.error(say(exc))
        return
    digit = st.session_state[ASKED]
    st.markdown(t("### Draw a {digit}", digit=digit))
    result = drawing_canvas(
        stroke_width=DEFAULT_PEN,
        stroke_color="#FFFFFF",
        background_color="#000000",
        height=CANVAS_SIZE,
        width=CANVAS_SIZE,
        drawing_mode="freedraw",
        return_image_data=True,
        key=f"hw-canvas-{st.session_state.get(CANVAS_ID, 0)}",
    )
    left, right = st.columns(2)
    if left.button(t("Add it"), type="primary", key="hw_add"):
        add_one(store, member, digit, result)
    said = st.session_state.pop(SAID, None)  # what the last press did, once
    if said:
        st.success(t(said["text"], **said["fields"]))
    st.caption(
        t(
            "You added {count} of the {most} drawings one pupil may add.",
            count=sum(mine),
            most=DRAWINGS_PER_PUPIL,
        )
    )
    if sum(mine):
        take_back(store, member, right, sum(mine))


def take_back(store, member: int, place, count: int) -> None:
    with place.popover(t("Take mine back")):
        st.caption(
            t(
                "This removes all {count} of your drawings from the class's set.",
                count=count,
            )
        )
        if st.button(t("Yes, take them back"), key="hw_forget"):
            with errors_shown():
                store.classes.forget_drawings(member)
                st.session_state[SAID] = {
                    "text": mark("Your {count} drawings were taken back."),
                    "fields": {"count": count},
                }
                st.rerun()


def add_one(store, member: int, digit: int, result) -> None:
    try:
        picture = drawing_pixels(result, CANVAS_SIZE, CANVAS_SIZE)
    except OversizedDrawing:
        picture = None
    if picture is None:
        st.warning(t("Draw the digit on the canvas first."))
        return
    try:
        pixels = prepare_image(picture).pixels
    except MnistError as exc:
        st.warning(say(exc))
        return
    with errors_shown():
        store.classes.add_drawing(
            member, digit, np.round(pixels * 255).astype(np.uint8)
        )
        st.session_state[CANVAS_ID] = st.session_state.get(CANVAS_ID, 0) + 1
        st.session_state.pop(ASKED, None)
        # Said on the next run, under the new canvas: a toast shown just
        # before a rerun was sometimes lost.
        st.session_state[SAID] = {
            "text": mark("Thank you: your {digit} is in the class's set."),
            "fields": {"digit": digit},
        }
        st.rerun()


def teacher_handwriting(store, room: ClassInfo, teacher: int) -> None:
    """The set's size, measuring the board on it, and the class model."""
    from mnist_core.serving.class_handwriting import measure_board

    st.subheader(t("Our handwriting"))
    drawings_count(store, room.id)
    # Always pressable: the count above refreshes by itself, this button not.
    if st.button(t("Measure every run on all the class's drawings")):
        with st.spinner(t("Measuring the runs whose pupils still keep their model…")):
            with errors_shown():
                count = measure_board(store, room.id)
                st.success(
                    t(
                        "{count} run(s) measured again; the board shows them in a "
                        "few seconds. A run whose pupil no longer keeps its model "
                        "keeps its last figure.",
                        count=count,
                    )
                )
    class_model(store, room, teacher)


@st.fragment(run_every=3.0)
def drawings_count(store, class_id: int) -> None:
    """How many drawings the class has, said as they arrive."""
    counts = [0] * 10
    with errors_shown():
        counts = store.classes.drawing_counts(class_id)
    total = sum(counts)
    if not total:
        st.caption(
            t(
                "No drawings yet. Once they have joined, pupils can add some on "
                "this page: it asks each for the digit the class has fewest of."
            )
        )
    else:
        st.caption(
            t(
                "{total} drawings. Of each digit: {counts}.",
                total=total,
                counts=Shown(", ".join(f"{d}: {n}" for d, n in enumerate(counts))),
            )
        )


def class_model(store, room: ClassInfo, teacher: int) -> None:
    st.markdown(t("#### A class model"))
    st.caption(
        t(
            "Trains the board's best settings again on MNIST plus three in four "
            "of your drawings, then tests it on the drawings it did not learn "
            "from, beside the shipped model and the best run."
        )
    )
    job = st.session_state.get(CLASS_JOB)
    if job is not None and not job.finished:
        class_model_progress(job)
        return
    if job is not None and job.error is not None:
        st.error(say(job.error))
    if job is not None and job.state == JobState.DONE:
        adopt_class_model(job)
    if st.button(t("Train a class model"), key="class_model_start"):
        with errors_shown():
            start_class_model(store, room, teacher)
            st.rerun()
    if room.class_model:
        class_model_result(room.class_model)


@st.fragment(run_every=1.0)
def class_model_progress(job) -> None:
    if job.finished:
        st.rerun()  # the whole page: the result
    progress(job.snapshot())


def start_class_model(store, room: ClassInfo, teacher: int) -> None:
    from mnist_core.models.storage import load_uploaded_model
    from mnist_core.serving.class_handwriting import class_model_job
    from mnist_core.serving.limits import cap_training

    board = store.classes.board(room.id)
    best = max(board, key=lambda r: r.record.get("test accuracy") or 0, default=None)
    config = config_from_summary(best.record) if best else PRESETS["fast"]
    config, _ = cap_training(config, training_limit())
    compared = {SHIPPED: get_shipped().model}
    data = best and store.classes.run_model(best.id)
    if data:
        compared[BEST_RUN] = load_uploaded_model(data, "run.keras")
    job = class_model_job(store, room.id, teacher, config, compared, session_alive())
    st.session_state[CLASS_JOB] = get_queue().submit(job, data_or_stop())


def class_model_result(summary: dict) -> None:
    held = summary["held_out"]
    share = summary["correct"] / held
    st.success(
        t(
            "The class model learned from MNIST and {learned} of your drawings. "
            "It read {correct} of the {held} drawings it never saw ({share:.0%}).",
            learned=summary["learned"],
            correct=summary["correct"],
            held=held,
            share=share,
        )
    )
    names = {
        SHIPPED: t("The shipped model"),
        BEST_RUN: t("The best run (the same settings, without your drawings)"),
    }
    lines = [
        t(
            "- {name}: {correct} of {held} ({share:.0%})",
            name=Shown(names[name]),
            correct=correct,
            held=held,
            share=correct / held,
        )
        for name, correct in summary["compared"].items()
        if name in names
    ]
    st.markdown(t("On the same drawings:") + "\n" + "\n".join(lines))
    st.caption(
        t(
            "Its MNIST test accuracy: {accuracy:.2%}. It is now your model on "
            "Draw and Model, to try on new drawings.",
            accuracy=summary["record"].get("test accuracy") or 0,
        )
    )


def adopt_class_model(job) -> None:
    """A finished class model becomes the teacher's model on Draw and Model
    (once per job), as a finished training does on Train."""
    if st.session_state.get("adopted") is job or job.result is None:
        return
    make_yours(job.result)
    st.session_state.adopted = job
