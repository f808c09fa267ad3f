"""Altair charts drawn from plain data that mnist_core hands over.

Every title, legend and tooltip is in the session's language (app_ui.i18n).
"""

from __future__ import annotations

import copy
import functools

import altair as alt
import numpy as np
import pandas as pd

from app_ui.i18n import language, t
from app_ui.languages import LANGUAGES


def vega_locale() -> dict | None:
    """How Vega writes numbers and dates on this session's pages (7.000, 99,5 %
    in Spanish), from the language's record; None: Vega's own English."""
    return LANGUAGES[language()].vega_locale


def localized(make):
    """A chart function whose charts write numbers the session's way."""

    @functools.wraps(make)
    def in_language(*args, **kwargs):
        chart = make(*args, **kwargs)
        locale = vega_locale()
        return chart.configure(locale=locale) if locale else chart

    return in_language


# Series drawn in both languages, by stable id: (label to translate, colour).
# Vega colours a nominal field by its sorted values, and "test" < "training" but
# "entrenamiento" < "prueba": a fixed domain keeps each series its colour.
DATA = {"training": ("training", "#1f77b4"), "test": ("test", "#e4572e")}
METRICS = {"loss": ("loss", "#1f77b4"), "accuracy": ("accuracy", "#2ca02c")}


def labels(series: dict) -> list[str]:
    """The series' labels in the session's language, in their fixed order."""
    return [t(label) for label, _ in series.values()]


def stable(series: dict) -> alt.Scale:
    """A colour scale that gives each series the same colour in every language."""
    return alt.Scale(domain=labels(series), range=[c for _, c in series.values()])


@localized
def batch_curves(points) -> alt.Chart:
    """Smoothed per-batch loss and accuracy against the batch number."""
    loss, accuracy = t("loss"), t("accuracy")
    frame = pd.DataFrame(
        [(p.step, loss, p.loss) for p in points]
        + [(p.step, accuracy, p.accuracy) for p in points],
        columns=["batch", "metric", "value"],
    )
    return (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("batch:Q", title=t("batches trained")),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("metric:N", legend=None, scale=stable(METRICS)),
        )
        .properties(height=180, width=260)  # two side by side fit the page
        .facet(column=alt.Column("metric:N", title=None, sort=labels(METRICS)))
        .resolve_scale(y="independent")
    )


@localized
def epoch_curves(epochs) -> alt.Chart:
    """Training vs test loss and accuracy after each epoch."""
    loss, accuracy = t("loss"), t("accuracy")
    training, test = t("training"), t("test")
    rows = []
    for e in epochs:
        rows += [
            (e.epoch, loss, training, e.loss),
            (e.epoch, loss, test, e.val_loss),
            (e.epoch, accuracy, training, e.accuracy),
            (e.epoch, accuracy, test, e.val_accuracy),
        ]
    frame = pd.DataFrame(rows, columns=["epoch", "metric", "data", "value"])
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:O", title=t("epoch"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color("data:N", title=t("measured on"), scale=stable(DATA)),
        )
        # A fixed width: with one epoch so far, an ordinal axis is one narrow step.
        .properties(height=180, width=260)
        .facet(column=alt.Column("metric:N", title=None, sort=labels(METRICS)))
        .resolve_scale(y="independent")
    )


@localized
def confusion(matrix: np.ndarray) -> alt.Chart:
    """Counts of (true, predicted) digit pairs; the diagonal is what it got right."""
    frame = pd.DataFrame(
        [(str(t), str(p), int(matrix[t, p])) for t in range(10) for p in range(10)],
        columns=["true", "predicted", "count"],
    )
    base = alt.Chart(frame).encode(
        x=alt.X("predicted:O", title=t("predicted")),
        y=alt.Y("true:O", title=t("true digit")),
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "count:Q", scale=alt.Scale(type="symlog", scheme="blues"), legend=None
        )
    )
    text = base.mark_text(fontSize=10).encode(
        text="count:Q",
        color=alt.condition(
            "datum.count > 300", alt.value("white"), alt.value("black")
        ),
    )
    return (heat + text).properties(width=360, height=360)


@localized
def per_class(accuracy: np.ndarray) -> alt.Chart:
    """One dot per digit, its accuracy written beside it.

    A dot plot, not bars: a bar's length reads as the amount, and bars on an axis
    zoomed to 97-100 % made 98 % look half of 99 %. A dot's position does not.
    """
    frame = pd.DataFrame({"digit": [str(d) for d in range(10)], "accuracy": accuracy})
    # Room on the left for the lowest dot's label.
    low = max(0.0, float(accuracy.min()) - 0.02)
    base = alt.Chart(frame).encode(
        y=alt.Y("digit:N", title=t("digit")),
        x=alt.X(
            "accuracy:Q",
            title=t("accuracy"),
            scale=alt.Scale(domain=[low, 1.0], zero=False),
            axis=alt.Axis(format=".1%", labelLimit=80),
        ),
        tooltip=[
            alt.Tooltip("digit", title=t("digit")),
            alt.Tooltip("accuracy:Q", title=t("accuracy"), format=".2%"),
        ],
    )
    dots = base.mark_circle(size=90, color="#1f77b4", opacity=1)
    values = base.mark_text(align="right", dx=-9, fontSize=11).encode(
        text=alt.Text("accuracy:Q", format=".2%")
    )
    return (dots + values).properties(height=360)


def probabilities(probs) -> tuple[pd.DataFrame, dict]:
    """Ten bars, one per digit, the likeliest highlighted: (data, Vega-Lite spec)
    for st.vega_lite_chart. Drawn on every stroke, so the spec is built once per
    language: Altair's schema validation took a third of a drawing's server time.
    """
    frame = pd.DataFrame(
        {
            "digit": [str(d) for d in range(10)],
            "probability": list(map(float, probs)),
            "best": np.arange(10) == int(np.argmax(probs)),
        }
    )
    # A copy: Streamlit may add to the spec it is given; the cached one stays clean.
    spec = copy.deepcopy(_probabilities_spec(t("digit"), t("probability")))
    if locale := vega_locale():
        spec["config"] = {"locale": locale}
    return frame, spec


@functools.cache
def _probabilities_spec(digit: str, probability: str) -> dict:
    chart = (
        alt.Chart(pd.DataFrame({"digit": [], "probability": [], "best": []}))
        .mark_bar()
        .encode(
            x=alt.X("digit:N", title=digit, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "probability:Q",
                title=probability,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%"),
            ),
            color=alt.condition(
                "datum.best", alt.value("#e4572e"), alt.value("#9aa5b1")
            ),
            tooltip=[
                alt.Tooltip("digit:N", title=digit),
                alt.Tooltip("probability:Q", title=probability, format=".1%"),
            ],
        )
        .properties(height=220)
    )
    spec = chart.to_dict()
    for key in ("data", "datasets", "$schema", "config"):
        spec.pop(key, None)
    return spec


@localized
def pixel_grid(pixels: np.ndarray, number_format: str = "d") -> alt.Chart:
    """A 28x28 image as grey cells, each labelled with its value."""
    peak = 1.0 if pixels.dtype.kind == "f" else 255
    cells = pd.DataFrame(
        [(r, c, pixels[r, c].item()) for r in range(28) for c in range(28)],
        columns=["row", "col", "value"],
    )
    base = alt.Chart(cells).encode(
        x=alt.X("col:O", axis=None), y=alt.Y("row:O", axis=None)
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "value:Q",
            scale=alt.Scale(scheme="greys", reverse=True, domain=[0, peak]),
            legend=None,
        )
    )
    text = base.mark_text(fontSize=7).encode(
        text=alt.Text("value:Q", format=number_format),
        color=alt.condition(
            f"datum.value > {peak / 2}", alt.value("black"), alt.value("white")
        ),
    )
    return (heat + text).properties(width=560, height=560)


@localized
def run_curves(rows: list[tuple[str, int, float]]) -> alt.Chart:
    """Test accuracy per epoch, one line per run."""
    frame = pd.DataFrame(rows, columns=["run", "epoch", "accuracy"])
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:O", title=t("epoch"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "accuracy:Q",
                title=t("test accuracy"),
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format=".1%"),
            ),
            color=alt.Color("run:N", title=t("run")),
            tooltip=[
                alt.Tooltip("run", title=t("run")),
                alt.Tooltip("epoch", title=t("epoch")),
                alt.Tooltip("accuracy:Q", title=t("test accuracy"), format=".2%"),
            ],
        )
        .properties(height=260)
    )


@localized
def digit_counts(counts: np.ndarray) -> alt.Chart:
    """How many samples of each digit."""
    frame = pd.DataFrame({"digit": [str(d) for d in range(10)], "count": counts})
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("digit:N", title=t("digit")),
            y=alt.Y("count:Q", title=t("count")),
            tooltip=[
                alt.Tooltip("digit", title=t("digit")),
                alt.Tooltip("count", title=t("count")),
            ],
        )
    )


@localized
def intensities(counts: np.ndarray, edges: np.ndarray) -> alt.Chart:
    """A histogram of pixel values on a 0-255 axis, counts on a log axis with one
    tick per power of ten (1k, 10k, ... 10M): most pixels are pure black, and a
    linear axis would flatten every other bin to nothing."""
    frame = pd.DataFrame(
        {"start": edges[:-1], "end": edges[1:] - 1, "pixels": counts.astype(int)}
    )
    frame = frame[frame.pixels > 0]  # a log axis has no 0: an empty bin has no bar
    decades = np.log10(frame.pixels) if len(frame) else np.zeros(1)
    powers = [10**p for p in range(int(decades.min()), int(np.ceil(decades.max())) + 1)]
    intensity = t("intensity (0 = black, 255 = white)")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "start:Q",
                title=intensity,
                scale=alt.Scale(domain=[0, int(edges[-1])], nice=False),
                axis=alt.Axis(values=[0, 32, 64, 96, 128, 160, 192, 224, 255]),
            ),
            x2="end:Q",
            y=alt.Y(
                "pixels:Q",
                title=t("pixels (log scale)"),
                scale=alt.Scale(type="log", domain=[powers[0], powers[-1]]),
                axis=alt.Axis(values=powers, format="~s"),
            ),
            y2=alt.datum(powers[0]),  # bars rise from the axis's floor
            tooltip=[
                alt.Tooltip("start:Q", title=t("from")),
                alt.Tooltip("end:Q", title=t("to")),
                alt.Tooltip("pixels:Q", title=t("pixels"), format=","),
            ],
        )
    )


@localized
def digit_map(frame: pd.DataFrame) -> alt.Chart:
    """Digits as dots at their 2-D coordinates, coloured by label."""
    return (
        alt.Chart(frame)
        .mark_circle(size=14, opacity=0.7)
        .encode(
            x=alt.X("x:Q", axis=None),
            y=alt.Y("y:Q", axis=None),
            color=alt.Color(
                "digit:N", title=t("digit"), scale=alt.Scale(scheme="category10")
            ),
            tooltip=[alt.Tooltip("digit", title=t("digit"))],
        )
        .properties(height=480)
    )


BIG = {"labelFontSize": 16, "titleFontSize": 18}  # read from the back of a room


@localized
def board_by(
    frame: pd.DataFrame,
    column: str,
    title: str,
    log: bool = False,
    whole: bool = False,
):
    """Test accuracy against one setting (or the training time), one dot per
    run, each dot named by its pupil. A `whole` setting (epochs, a batch
    size) has its ticks at the values the runs used, nowhere between."""
    if whole:
        values = sorted({int(v) for v in frame[column].dropna()})
        axis = alt.Axis(values=values, format="d", **BIG)
    else:  # seconds: whole ones are precise enough for a room
        axis = alt.Axis(format=",.0f", tickMinStep=1, **BIG)
    return (
        alt.Chart(frame)
        .mark_circle(size=220, opacity=0.8)
        .encode(
            x=alt.X(
                f"{column}:Q",
                title=title,
                scale=alt.Scale(type="log") if log else alt.Scale(zero=False),
                axis=axis,
            ),
            y=alt.Y(
                "accuracy:Q",
                title=t("test accuracy"),
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format=".1%", **BIG),
            ),
            tooltip=[
                alt.Tooltip("nickname:N", title=t("nickname")),
                alt.Tooltip(f"{column}:Q", title=title),
                alt.Tooltip("accuracy:Q", title=t("test accuracy"), format=".2%"),
            ],
        )
        .properties(height=320)
    )
