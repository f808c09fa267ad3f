"""Draw: draw a digit (or upload a photo) and see what the model thinks."""

from types import SimpleNamespace

import streamlit as st

from app_ui import charts
from app_ui.canvas import OversizedDrawing, drawing_canvas, drawing_pixels
from app_ui.common import (
    SHIPPED,
    choose_model,
    enlarge,
    get_shipped,
    new_writers_words,
    your_model,
)
from app_ui.corrections import offer_correction, style_reader, teach
from app_ui.i18n import errors_shown, mark, model_title, number, say, t
from app_ui.navigation import heading
from mnist_core.drawing.strokes import CANVAS_SIZE, DEFAULT_PEN, PEN_WIDTHS
from mnist_core.errors import UPLOAD_LIMIT_MB, EmptyImageError, MnistError
from mnist_core.reading.explain import heat_overlay, occlusion_map
from mnist_core.reading.image_files import SUFFIXES, read_image
from mnist_core.reading.whole_numbers import read_number

WIDE_CANVAS = 700  # room for four or five digits
PHONE_CANVAS = 350  # a phone's screen is ~360-430 px wide
DIGIT_HINT = mark(
    "Draw one digit, large, in the middle. The arrows above the canvas take back"
    " the last stroke or put it back; the bin starts again."
)
OVERSIZED = mark(
    "This drawing is larger than the canvas, so it was not read. Draw on the "
    "canvas, or upload a photo below."
)
NUMBER_HINT = mark("Write the digits side by side with a little space between them.")
WHAT_IT_SEES = mark(
    "What the model sees: your drawing cropped, scaled into "
    "20×20 and centred in 28×28, like MNIST's digits"
)
DRAWING_ADVICE = mark("Try drawing it larger and clearer.")
# When the doubt comes from the user's own corrections, not from the drawing.
CORRECTED_ADVICE = mark(
    "Your corrections weigh in this reading: if it is wrong, correct it too."
)
PHOTO_ADVICE = mark(
    "Try a photo in even light, the digit large and dark, filling most of the picture."
)


def canvas_image(width_px: int = CANVAS_SIZE, hint: str = DIGIT_HINT):
    """The drawing as an RGBA array (or None), and a slot right under the
    canvas for a one-line answer; a new key per Clear empties the canvas."""
    st.session_state.setdefault("canvas_id", 0)
    width = st.slider(t("Brush width"), *PEN_WIDTHS, DEFAULT_PEN, key="brush")
    key = f"canvas-{width_px}-{st.session_state.canvas_id}"
    kept = st.session_state.get(KEPT_KEY) or {}
    if key not in st.session_state:  # back from another page: the widget is new
        st.session_state[START_KEY] = kept.get("key") == key and kept.get("strokes")
    result = drawing_canvas(
        stroke_width=width,
        stroke_color="#FFFFFF",
        background_color=CANVAS_BACKGROUND,
        height=CANVAS_SIZE,
        width=width_px,
        drawing_mode="freedraw",
        return_image_data=True,
        initial_drawing=st.session_state.get(START_KEY) or None,
        key=key,
    )
    result = kept_drawing(key, result)
    # On a phone the columns stack: the full answer lands a screen further down.
    answer_line = st.empty()
    if st.button(t("Clear"), icon=":material/ink_eraser:"):
        st.session_state.canvas_id += 1
        for stale in ("drawing_pixels", KEPT_KEY, START_KEY):
            st.session_state.pop(stale, None)
        st.rerun()
    st.caption(t(hint))
    try:
        return drawing_pixels(result, width_px, CANVAS_SIZE), answer_line
    except OversizedDrawing:
        st.warning(t(OVERSIZED))
        return None, answer_line


# The canvas's last drawing, in a plain key: Streamlit forgets a widget's
# value on a page that does not draw it, and Draw -> Model -> Draw emptied
# the canvas. It is drawn again from its strokes, read from its picture.
CANVAS_BACKGROUND = "#000000"  # MNIST's: white ink on black
KEPT_KEY = "canvas_kept"  # {"key", "strokes" (Fabric's JSON), "picture"}
START_KEY = "canvas_start"  # the strokes this visit's canvas started from


def kept_drawing(key: str, result):
    """`result`, or the kept picture while a canvas drawn again from its
    strokes has sent none yet; what it drew is kept for the next visit."""
    picture = result.image_bytes
    if picture:
        st.session_state[KEPT_KEY] = {
            "key": key,
            "strokes": result.json_data,
            "picture": picture,
        }
        return result
    kept = st.session_state.get(KEPT_KEY) or {}
    start = st.session_state.get(START_KEY)
    # Until the browser sends its first state, the canvas's value is the
    # strokes it was given (st_canvas sets their background), no picture.
    untouched = start and result.json_data == {**start, "background": CANVAS_BACKGROUND}
    if kept.get("key") == key and untouched:
        return SimpleNamespace(image_bytes=kept["picture"])
    return result


def show_number(classifier, image) -> None:
    """Whole-number mode: each digit found, its guess, and the number."""
    try:
        reading = read_number(classifier, image)
    except EmptyImageError as exc:
        st.info(say(exc))
        return
    st.metric(t("Number"), reading.text)
    columns = st.columns(max(len(reading.digits), 1))
    for column, prediction in zip(columns, reading.digits, strict=True):
        if prediction.digit is None:
            column.caption(say(prediction.reason))
            continue
        column.image(enlarge(prediction.pixels, 84))
        column.caption(f"{prediction.digit} ({number(prediction.confidence, '.0%')})")


def on_a_phone() -> bool:
    """Whether the browser says it is a phone ("Mobi" in its User-Agent, the
    usual test): the page cannot measure the screen itself."""
    return "Mobi" in (st.context.headers.get("User-Agent") or "")


PHOTO_KEY = "photo_read"  # (file id, the picture or None, the refusal or None)


def uploaded_image():
    upload = st.file_uploader(
        t("…or upload a photo of one digit"),
        type=list(SUFFIXES),
        help=t(
            "A picture of one digit, dark on light or light on dark, up to {limit} MB. "
            "Streamlit writes this box's own words in English.",
            limit=UPLOAD_LIMIT_MB,
        ),
    )
    if upload is None:
        st.session_state.pop(PHOTO_KEY, None)
        return None
    # Decoded once per file: a 4000x4000 photo took 0.33 s of CPU at every
    # rerun of the page (what is kept is at most 1024 pixels a side).
    file_id, image, error = st.session_state.get(PHOTO_KEY, (None, None, None))
    if file_id != upload.file_id:
        try:
            image, error = read_image(upload.getvalue(), upload.name), None
        except MnistError as exc:
            image, error = None, exc
        st.session_state[PHOTO_KEY] = (upload.file_id, image, error)
    if error is not None:
        st.error(say(error))
    return image


def show_prediction(prediction, classifier, from_photo: bool = False) -> None:
    if prediction.digit is None and prediction.pixels is not None:
        # Ink was found, but it does not look like a digit: show what was seen.
        st.warning(say(prediction.reason))
        st.image(enlarge(prediction.pixels, 168), caption=t(WHAT_IT_SEES))
        return
    if prediction.digit is None and from_photo:
        st.info(NO_DIGIT_IN_PHOTO)
        return
    if prediction.digit is None:
        st.info(say(prediction.reason or "Draw a digit on the canvas."))
        return
    st.session_state.drawing_pixels = prediction.pixels
    m1, m2 = st.columns(2)
    m1.metric(t("Prediction"), prediction.digit)
    m2.metric(t("Confidence"), number(prediction.confidence, ".0%"))
    if not prediction.is_sure:
        (d1, p1), (d2, p2) = prediction.top(2)
        advice = PHOTO_ADVICE if from_photo else DRAWING_ADVICE
        if prediction.by_corrections:
            advice = CORRECTED_ADVICE
        st.warning(
            t(
                "Not sure: it could be **{d1}** ({p1:.0%}) or **{d2}** ({p2:.0%}).",
                d1=d1,
                p1=p1,
                d2=d2,
                p2=p2,
            )
            + " "
            + t(advice)
        )
    frame, spec = charts.probabilities(prediction.probabilities)
    st.vega_lite_chart(frame, spec, width="stretch")
    seen, why = st.columns(2)
    seen.image(enlarge(prediction.pixels, 168), caption=t(WHAT_IT_SEES))
    heat = occlusion_map(classifier.probabilities, prediction.pixels, prediction.digit)
    why.image(
        enlarge(heat_overlay(prediction.pixels, heat), 168),
        caption=t(
            "Why {digit}: red parts made the model say it; blue parts spoke against it",
            digit=prediction.digit,
        ),
    )


def measured_words(active) -> str:
    """What was measured about the model in use, and on what."""
    card = active.card
    text = t(
        "{model} ({arch}): {accuracy:.2%} right on MNIST's 10,000 test digits",
        model=t(active.label),
        arch=model_title(card),
        accuracy=card.test_accuracy,
    )
    writers = new_writers_words(card)
    if writers:
        text += t("; people whose writing it never saw: {writers}", writers=writers)
    return text + "."


def learned_from_words(shipped_card) -> str:
    """What the shipped model learned from, next to what a trained one does."""
    if shipped_card.pen_digits:
        return t(
            "The shipped model also learned from {samples:,} digits written with a "
            "pen by about 150 people; a model you train on the Train page learns "
            "from MNIST alone. Train one, then draw the same digit to compare.",
            samples=shipped_card.pen_digits["samples"],
        )
    return t(
        "The shipped model learned from MNIST alone, like the models you train on "
        "the Train page; each number above was measured on people it never saw."
    )


def second_opinion(active, source) -> None:
    """With two models at hand, what the one not in use reads in the drawing."""
    mine = your_model()
    if mine is None:
        return
    other = mine
    with errors_shown():
        other = get_shipped() if active is mine else mine
    if other is active:
        return
    answer = other.classifier.classify(source)
    if answer.digit is not None:
        st.caption(
            t(
                "{model} reads it as {digit} ({confidence:.0%}).",
                model=t(other.label),
                digit=answer.digit,
                confidence=answer.confidence,
            )
        )


@st.fragment
def number_part(active) -> None:
    """Whole-number mode's canvas and reading: a stroke reruns only this."""
    drawing, _ = canvas_image(
        PHONE_CANVAS if on_a_phone() else WIDE_CANVAS, NUMBER_HINT
    )
    if drawing is None:
        st.info(t("Write a number on the canvas."))
    else:
        show_number(active.classifier, drawing)


@st.fragment
def digit_part(active) -> None:
    """The canvas (or a photo) and all that is read in it: a stroke reruns
    only this fragment, the answer first and its explanations after."""
    left, right = st.columns([1, 1])
    with left:
        image, answer_line = canvas_image()
        photo = uploaded_image()
    with right:
        source = photo if photo is not None else image
        if source is None:
            st.info(t("Draw a digit on the canvas."))
            return
        reader = style_reader(active)  # the session's corrections, used at once
        prediction = reader.classify(source)
        if prediction.digit is not None:
            answer_line.markdown(
                t(
                    "It reads **{digit}** ({confidence:.0%} sure).",
                    digit=prediction.digit,
                    confidence=prediction.confidence,
                )
            )
        show_prediction(prediction, reader, from_photo=photo is not None)
        second_opinion(active, source)
        if prediction.digit is not None:
            offer_correction(prediction)


NO_DIGIT_IN_PHOTO = t(
    "No digit found in the photo. Use a photo of one digit, dark on light paper "
    "(or light on dark), filling most of the picture."
)

st.title(t(heading(__file__)))
# One container whatever it holds: the elements after it (the canvas among
# them) keep their place, so a picker appearing after "Teach the model" does
# not remount the canvas blank while its last drawing is still being read.
with st.container():
    active = choose_model()
    if active.card.test_accuracy is not None:
        st.caption(measured_words(active))
if st.toggle(
    t("Whole number"),
    key="number_mode",
    help=t("A wide canvas: write a number such as 2026, digits side by side."),
):
    number_part(active)
    st.stop()
digit_part(active)
teach(active)
if active.label == SHIPPED:  # its words speak of the numbers shown above
    with errors_shown():  # the card of the model loaded once per server
        st.caption(learned_from_words(get_shipped().card))
st.caption(
    t(
        "Uploads up to {limit} MB are read in memory, never stored.",
        limit=UPLOAD_LIMIT_MB,
    )
)
