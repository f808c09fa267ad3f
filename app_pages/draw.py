"""Draw: draw a digit (or upload a photo) and see what the model thinks."""

import streamlit as st
from streamlit_drawable_canvas import st_canvas

from app_pages import charts
from app_pages.common import choose_model, enlarge
from app_pages.corrections import offer_correction, teach
from mnist_core.errors import EmptyImageError, MnistError
from mnist_core.explain import heat_overlay, occlusion_map
from mnist_core.image_files import MAX_BYTES, read_image
from mnist_core.number import read_number
from mnist_core.strokes import CANVAS_SIZE

WIDE_CANVAS = 700  # room for four or five digits
DIGIT_HINT = "Draw one digit, large, in the middle. Undo is in the canvas toolbar."
NUMBER_HINT = "Write the digits side by side with a little space between them."


def canvas_image(width_px: int = CANVAS_SIZE, hint: str = DIGIT_HINT):
    """The drawing as an RGBA array, or None; a new key per Clear empties it."""
    st.session_state.setdefault("canvas_id", 0)
    width = st.slider("Brush width", 10, 40, 20, key="brush")
    result = st_canvas(
        stroke_width=width,
        stroke_color="#FFFFFF",
        background_color="#000000",
        height=CANVAS_SIZE,
        width=width_px,
        drawing_mode="freedraw",
        return_image_data=True,
        key=f"canvas-{width_px}-{st.session_state.canvas_id}",
    )
    if st.button("Clear", icon=":material/ink_eraser:"):
        st.session_state.canvas_id += 1
        st.session_state.pop("drawing_pixels", None)
        st.rerun()
    st.caption(hint)
    return result.image_data


def show_number(classifier, image) -> None:
    """Whole-number mode: each digit found, its guess, and the number."""
    try:
        number = read_number(classifier, image)
    except EmptyImageError as exc:
        st.info(str(exc))
        return
    st.metric("Number", number.text)
    columns = st.columns(max(len(number.digits), 1))
    for column, prediction in zip(columns, number.digits, strict=True):
        if prediction.digit is None:
            column.caption(prediction.reason)
            continue
        column.image(enlarge(prediction.pixels, 84))
        column.caption(f"{prediction.digit} ({prediction.confidence:.0%})")


def uploaded_image():
    upload = st.file_uploader(
        "…or upload a photo of one digit",
        type=["png", "jpg", "jpeg", "bmp", "gif", "webp"],
    )
    if upload is None:
        return None
    try:
        return read_image(upload.getvalue(), name=upload.name)
    except MnistError as exc:
        st.error(str(exc))
        return None


def show_prediction(prediction, classifier) -> None:
    if prediction.digit is None:
        st.info(prediction.reason or "Draw a digit on the canvas.")
        return
    st.session_state.drawing_pixels = prediction.pixels
    m1, m2 = st.columns(2)
    m1.metric("Prediction", prediction.digit)
    m2.metric("Confidence", f"{prediction.confidence:.0%}")
    if not prediction.is_sure:
        (d1, p1), (d2, p2) = prediction.top(2)
        st.warning(
            f"Not sure: it could be a **{d1}** ({p1:.0%}) or a **{d2}** "
            f"({p2:.0%}). Try drawing it larger and clearer."
        )
    st.altair_chart(charts.probabilities(prediction.probabilities), width="stretch")
    seen, why = st.columns(2)
    seen.image(
        enlarge(prediction.pixels, 168),
        caption="What the model sees: your drawing cropped, scaled into "
        "20×20 and centred in 28×28, like MNIST's digits",
    )
    heat = occlusion_map(classifier.probabilities, prediction.pixels, prediction.digit)
    why.image(
        enlarge(heat_overlay(prediction.pixels, heat), 168),
        caption=f"Why {prediction.digit}: red parts made the model say it; "
        "blue parts spoke against it",
    )


st.title("Draw")
active = choose_model("draw_model")
card = active.card
if card.test_accuracy is not None:
    claim = f"{card.test_accuracy:.2%} right on MNIST's 10,000 test digits"
    if card.handwriting:
        claim += (
            f"; {card.handwriting['accuracy']:.1%} on "
            f"{card.handwriting['samples']:,} pen-written digits by people whose "
            "writing it never trained on"
        )
    st.caption(f"{active.label} ({card.architecture}): {claim}.")
if st.toggle(
    "Whole number",
    key="number_mode",
    help="A wide canvas: write a number such as 2026, digits side by side.",
):
    drawing = canvas_image(WIDE_CANVAS, NUMBER_HINT)
    if drawing is None:
        st.info("Write a number on the canvas.")
    else:
        show_number(active.classifier, drawing)
    st.stop()
left, right = st.columns([1, 1])
with left:
    image = canvas_image()
    photo = uploaded_image()
with right:
    source = photo if photo is not None else image
    if source is None:
        st.info("Draw a digit on the canvas.")
    else:
        prediction = active.classifier.classify(source)
        show_prediction(prediction, active.classifier)
        if prediction.digit is not None:
            offer_correction(prediction)
teach(active)
st.caption(f"Uploads up to {MAX_BYTES // 2**20} MB are read in memory, never stored.")
