"""Altair charts drawn from plain data that mnist_core hands over."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd


def batch_curves(points) -> alt.Chart:
    """Smoothed per-batch loss and accuracy against the batch number."""
    frame = pd.DataFrame(
        [(p.step, "loss", p.loss) for p in points]
        + [(p.step, "accuracy", p.accuracy) for p in points],
        columns=["batch", "metric", "value"],
    )
    return (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("batch:Q", title="batches trained"),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("metric:N", legend=None),
        )
        .properties(height=180)
        .facet(column=alt.Column("metric:N", title=None))
        .resolve_scale(y="independent")
    )


def epoch_curves(epochs) -> alt.Chart:
    """Training vs test loss and accuracy after each epoch."""
    rows = []
    for e in epochs:
        rows += [
            (e.epoch, "loss", "training", e.loss),
            (e.epoch, "loss", "test", e.val_loss),
            (e.epoch, "accuracy", "training", e.accuracy),
            (e.epoch, "accuracy", "test", e.val_accuracy),
        ]
    frame = pd.DataFrame(rows, columns=["epoch", "metric", "data", "value"])
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:O"),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color("data:N", title="measured on"),
        )
        .properties(height=180)
        .facet(column=alt.Column("metric:N", title=None))
        .resolve_scale(y="independent")
    )


def confusion(matrix: np.ndarray) -> alt.Chart:
    """Counts of (true, predicted) digit pairs; the diagonal is what it got right."""
    frame = pd.DataFrame(
        [(str(t), str(p), int(matrix[t, p])) for t in range(10) for p in range(10)],
        columns=["true", "predicted", "count"],
    )
    base = alt.Chart(frame).encode(x="predicted:O", y="true:O")
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


def per_class(accuracy: np.ndarray) -> alt.Chart:
    frame = pd.DataFrame({"digit": [str(d) for d in range(10)], "accuracy": accuracy})
    low = max(0.0, float(accuracy.min()) - 0.02)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x="digit:N",
            y=alt.Y(
                "accuracy:Q",
                scale=alt.Scale(domain=[low, 1.0]),
                axis=alt.Axis(format="%"),
            ),
            tooltip=["digit", alt.Tooltip("accuracy:Q", format=".2%")],
        )
        .properties(height=360)
    )


def probabilities(probs) -> alt.Chart:
    """Ten bars, one per digit, the likeliest highlighted."""
    frame = pd.DataFrame(
        {"digit": [str(d) for d in range(10)], "probability": list(probs)}
    )
    best = str(int(np.argmax(probs)))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("digit:N", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "probability:Q",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.condition(
                f"datum.digit == '{best}'", alt.value("#e4572e"), alt.value("#9aa5b1")
            ),
            tooltip=["digit", alt.Tooltip("probability:Q", format=".1%")],
        )
        .properties(height=220)
    )


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


def run_curves(rows: list[tuple[str, int, float]]) -> alt.Chart:
    """Test accuracy per epoch, one line per run."""
    frame = pd.DataFrame(rows, columns=["run", "epoch", "test accuracy"])
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x="epoch:O",
            y=alt.Y(
                "test accuracy:Q",
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format="%"),
            ),
            color="run:N",
            tooltip=["run", "epoch", alt.Tooltip("test accuracy:Q", format=".2%")],
        )
        .properties(height=260)
    )
