"""Draw page: "That's wrong, it's… 7" — collect corrections, teach a copy."""

from dataclasses import replace

import streamlit as st

from app_ui.common import (
    YOURS,
    ActiveModel,
    client_address,
    data_or_stop,
    enlarge,
    get_teaching,
    reader_for,
    session_alive,
    session_id,
    use_model,
    your_model,
)
from app_ui.i18n import errors_shown, mark, number, t
from app_ui.kept import identity, keep_corrections, keep_model
from mnist_core.training.corrections import Corrections
from mnist_core.training.finetune import fine_tune

AT_ONCE = mark(
    "Your corrections are used at once: a drawing much like one you corrected is "
    "read as you said. Teach the model to learn from them more widely."
)
NOT_AT_ONCE = mark(
    "This model cannot use your corrections at once (it has no hidden layer to "
    "compare drawings in). Teach the model to learn from them."
)


def style_reader(active: ActiveModel):
    """What reads the session's drawings: the model in use, with the session's
    corrections used at once (a StyleMemory; the plain classifier when there
    are none or the model cannot compare drawings)."""
    corrections = st.session_state.get("corrections")
    if not corrections:
        return active.classifier
    from mnist_core.reading.style_memory import StyleMemory

    memory = st.session_state.get("style_memory")
    if memory is None or memory.classifier is not active.classifier:
        memory = st.session_state.style_memory = StyleMemory(active.classifier)
    if len(memory) > len(corrections):  # forgotten or capped: start again
        memory.forget()
    known = len(memory)
    memory.remember(corrections.pixels[known:], corrections.labels[known:])
    return memory if memory.available else active.classifier


def forget_corrections() -> None:
    """Readings are the model's own again; the list to teach from is emptied."""
    st.session_state.corrections = Corrections()
    st.session_state.pop("style_memory", None)
    if identity() is not None:
        keep_corrections([], [])


def at_once_note() -> None:
    """Say that the corrections change the next reading, with a way back."""
    memory = st.session_state.get("style_memory")
    available = memory is None or memory.available
    st.caption(t(AT_ONCE if available else NOT_AT_ONCE))
    st.button(t("Forget my corrections"), on_click=forget_corrections)


def offer_correction(prediction) -> None:
    """Under a prediction: let the user say which digit it really is."""
    corrections = st.session_state.setdefault("corrections", Corrections())
    left, right = st.columns([2, 1])
    truth = left.selectbox(
        t("That's wrong, it's…"),
        [d for d in range(10) if d != prediction.digit],
        index=None,
        placeholder=t("the right digit"),
        key="correction_digit",
    )
    known = truth is not None and corrections.has(prediction.pixels, truth)
    blocked = truth is None or corrections.full or known
    if right.button(t("Add correction"), disabled=blocked):
        corrections.add(prediction.pixels, truth)
        keep_corrections(corrections.pixels, corrections.labels)
        st.toast(t("Noted: this one is the digit {digit}.", digit=truth))
        st.rerun()  # the whole page: the list to teach from is outside a fragment


def teach_copy(active: ActiveModel, corrections) -> None:
    """Teach a copy in one of the server's few turns (one per client), then
    make it the session's model."""
    data = data_or_stop()
    turns = get_teaching()
    with (
        turns.turn(client_address() or session_id()),
        st.spinner(t("Teaching a copy of the model (a few seconds)…")),
    ):
        result = fine_tune(
            active.model,
            corrections.batch(),
            corrections.labels,
            data,
            alive=session_alive(),
        )
    from mnist_core.models.storage import model_bytes

    card = replace(active.card, test_accuracy=result.mnist_after, handwriting={})
    keep_model(model_bytes(result.model), card.metadata(), "taught")
    st.session_state.your_model = ActiveModel(
        YOURS, result.model, reader_for(result.model), card
    )
    st.session_state.taught = result
    use_model(YOURS)  # Draw and Model read with the taught copy (the picker
    st.rerun()  # switches back); the picker is drawn again with it


def teach(active: ActiveModel) -> None:
    """Fine-tune a copy of the model in use on the session's corrections."""
    corrections = st.session_state.get("corrections")
    if not corrections:
        return
    st.subheader(t("Your corrections ({count})", count=len(corrections)))
    st.image(
        [enlarge(pixels, 56) for pixels in corrections.pixels],
        width=56,
        caption=[t("the digit {digit}", digit=label) for label in corrections.labels],
    )
    at_once_note()
    if st.button(t("Teach the model"), type="primary"):
        with errors_shown():  # a busy server says so and changes nothing
            teach_copy(active, corrections)
    result = st.session_state.get("taught")
    yours = your_model()
    if result is not None and (yours is None or yours.model is not result.model):
        # Another model (an upload, a training) has become "your model" since:
        # these figures spoke of a copy that is gone.
        del st.session_state.taught
        result = None
    if result is not None:
        m1, m2 = st.columns(2)
        fixed = sum(a == t for a, t in zip(result.after, result.labels, strict=True))
        m1.metric(
            t("Corrections it now gets right"),
            t("{fixed} of {count}", fixed=fixed, count=len(result.labels)),
        )
        m2.metric(
            t("MNIST test accuracy"),
            number(result.mnist_after, ".2%"),
            delta=t(
                "{change:+.2f} pts",
                change=(result.mnist_after - result.mnist_before) * 100,
            ),
        )
        st.dataframe(
            {
                t("you said"): result.labels,
                t("before"): result.before,
                t("after"): result.after,
            },
            hide_index=True,
        )
        in_use = active.model is result.model
        st.caption(
            t(
                "The taught copy is now **your model**, in use above (the picker "
                "switches back); the shipped model is unchanged."
            )
            if in_use
            else t(
                "The taught copy is **your model**: pick it above to use it; the "
                "figures above are its own."
            )
        )
