"""Draw page: "That's wrong, it's a 7" — collect corrections, teach a copy."""

from dataclasses import replace

import streamlit as st

from app_pages.common import YOURS, ActiveModel, data_or_stop, enlarge
from mnist_core.finetune import MAX_CORRECTIONS, fine_tune


def offer_correction(prediction) -> None:
    """Under a prediction: let the user say which digit it really is."""
    corrections = st.session_state.setdefault("corrections", [])
    left, right = st.columns([2, 1])
    truth = left.selectbox(
        "That's wrong, it's a…",
        range(10),
        index=None,
        placeholder="the right digit",
        key="correction_digit",
    )
    full = len(corrections) >= MAX_CORRECTIONS
    if right.button("Add correction", disabled=truth is None or full):
        corrections.append((prediction.pixels, int(truth)))
        st.toast(f"Noted: this one is a {truth}.")


def teach(active: ActiveModel) -> None:
    """Fine-tune a copy of the model in use on the session's corrections."""
    corrections = st.session_state.get("corrections", [])
    if not corrections:
        return
    st.subheader(f"Your corrections ({len(corrections)})")
    st.image(
        [enlarge(pixels, 56) for pixels, _ in corrections],
        width=56,
        caption=[f"is a {label}" for _, label in corrections],
    )
    if st.button("Teach the model", type="primary"):
        import numpy as np

        from mnist_core.inference import Classifier

        with st.spinner("Teaching a copy of the model (a few seconds)…"):
            result = fine_tune(
                active.model,
                np.stack([p for p, _ in corrections]),
                [label for _, label in corrections],
                data_or_stop(),
            )
        card = replace(active.card, test_accuracy=result.mnist_after, handwriting={})
        st.session_state.your_model = ActiveModel(
            YOURS, result.model, Classifier(result.model), card
        )
        st.session_state.taught = result
    result = st.session_state.get("taught")
    if result is not None:
        m1, m2 = st.columns(2)
        fixed = sum(a == t for a, t in zip(result.after, result.labels, strict=True))
        m1.metric("Corrections it now gets right", f"{fixed} of {len(result.labels)}")
        m2.metric(
            "MNIST test accuracy",
            f"{result.mnist_after:.2%}",
            delta=f"{(result.mnist_after - result.mnist_before) * 100:+.2f} pts",
        )
        st.dataframe(
            {"you said": result.labels, "before": result.before, "after": result.after},
            hide_index=False,
        )
        st.caption(
            "The taught copy is now **your model** (pick it above); the "
            "shipped model is unchanged."
        )
