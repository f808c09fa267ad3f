"""Home: what MNIST and a CNN are, how to use each page, the model in use."""

import streamlit as st

from app_ui.common import new_writers_words
from app_ui.i18n import (
    Shown,
    architecture_title,
    date_words,
    model_title,
    number,
    t,
)
from app_ui.navigation import PAGES, heading
from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.models.card import read_card


def how_it_was_made(card) -> str:
    """Its training, in a sentence; an averaged model's, member by member."""
    if not card.members:
        return t(
            "Trained by this project's own command line on the 60,000 MNIST "
            "training digits ({epochs} epochs, augmentation {augmentation}), created "
            "{created}. Test accuracy is measured on the 10,000 MNIST test digits it "
            "never saw.",
            epochs=card.config.get("epochs", "?"),
            augmentation=t("on") if card.config.get("augment") else t("off"),
            created=date_words(card.created),
        )
    return t(
        "The average of {count} networks trained by this project's own command "
        "line, inside one model, created {created}: {members}. Test accuracy is "
        "measured on the 10,000 MNIST test digits it never saw.",
        count=len(card.members),
        created=date_words(card.created),
        members=Shown("; ".join(member_words(m) for m in card.members)),
    )


def member_words(member) -> str:
    """One member of an averaged model: its network and what it learned from."""
    fields = dict(
        arch=architecture_title(member.architecture),
        epochs=member.config.get("epochs", "?"),
    )
    if member.pen_digits:
        return t(
            "a {arch} that learned from MNIST and {samples:,} pen-written digits "
            "({epochs} epochs)",
            samples=member.pen_digits["samples"],
            **fields,
        )
    return t("a {arch} that learned from MNIST alone ({epochs} epochs)", **fields)


st.title(t(heading(__file__)))
st.markdown(
    t(
        "**MNIST** is a collection of 70,000 small pictures of handwritten digits, "
        "0 to 9, written by American students and office workers. Each picture is "
        '28 × 28 grey pixels. It is the "hello world" of machine learning: easy to '
        "look at, hard enough to be interesting."
    )
)
st.markdown(
    t(
        "A **convolutional neural network (CNN)** learns to read them. Its first "
        "layers slide small filters over the picture to find strokes and curves; "
        "later layers combine those into loops and corners; the last layer turns "
        "them into ten probabilities, one per digit. It learns its filters by "
        "itself, by looking at 60,000 labelled examples and correcting its mistakes "
        "a little at a time."
    )
)

st.subheader(t("What you can do here"))
linked = [page for page in PAGES if page.link]
half = (len(linked) + 1) // 2
for column, pages in zip(st.columns(2), (linked[:half], linked[half:]), strict=True):
    with column:
        for page in pages:
            st.page_link(page.path, label=t(page.link), icon=page.material_icon)
            st.caption(t(page.blurb))

st.subheader(t("The shipped model"))
card = read_card(SHIPPED_MODEL_PATH)
if card is None:
    st.warning(
        t(
            "No shipped model was found. Train one on the Train page, or run "
            "`python -m mnist_core train --preset fast --augment --out "
            "models/mnist_cnn.keras`."
        )
    )
else:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("Test accuracy"), number(card.test_accuracy, ".2%"))
    if card.handwriting:
        c4.metric(
            t("Real handwriting"),
            number(card.handwriting["accuracy"], ".1%"),
            help=t("Pen-written digits by writers never used in training."),
        )
    c2.metric(t("Architecture"), model_title(card))
    c3.metric(t("Parameters"), number(card.params, ",") if card.params else "?")
    st.caption(how_it_was_made(card))
    if card.pen_digits:
        st.caption(
            t(
                "It also learned from {samples:,} digits written with a pen by about "
                "150 people (UNIPEN). Its real-handwriting score is measured as on "
                "new people: for each institution that collected them, a model "
                "trained without that institution's writers read their digits.",
                samples=card.pen_digits["samples"],
            )
        )
    elif card.handwriting:
        st.caption(
            t(
                "Real handwriting: {samples:,} digits written with a pen by about "
                "150 people (UNIPEN), none of them in the training data, drawn on a "
                "canvas like this app's and read through the same pipeline as the "
                "Draw page.",
                samples=card.handwriting["samples"],
            )
        )
    if card.handwriting:
        st.caption(
            t(
                "People whose writing it never saw, read right: {writers}.",
                writers=new_writers_words(card),
            )
        )
    if card.temperature != 1.0:
        st.caption(
            t(
                "Its confidence is calibrated on writers it never saw: when it says "
                "90%, it is right about 90% of the time."
            )
        )
