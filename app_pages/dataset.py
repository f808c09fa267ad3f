"""Dataset: browse MNIST's digits, their counts, averages, pixels and a 2-D map."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app_pages import charts
from app_pages.common import data_or_stop, enlarge
from mnist_core import explore

GRID = 40  # samples shown at once

st.title("Dataset")
data = data_or_stop()
split = st.radio(
    "Split",
    ["train", "test"],
    horizontal=True,
    format_func=lambda s: f"{s} ({len(getattr(data, 'x_' + s)):,} digits)",
)
x, y = getattr(data, f"x_{split}"), getattr(data, f"y_{split}")
st.caption(
    f"Images: `{x.shape}` `{x.dtype}` · labels: `{y.shape}` · from {data.source}"
)


@st.cache_data(show_spinner="Placing digits on a map…")
def embedding(split: str, method: str, size: int):
    full = data_or_stop()
    x, y = getattr(full, f"x_{split}"), getattr(full, f"y_{split}")
    coords, labels = explore.embed_2d(x, y, size, method)
    return pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1], "digit": labels})


def sample_grid() -> None:
    st.subheader("Samples")
    digit = st.selectbox("Show digit", ["all", *range(10)], key="ds_digit")
    indices = np.flatnonzero(y == digit) if digit != "all" else np.arange(len(y))
    page = st.number_input("Page", 1, max(1, len(indices) // GRID), 1, key="ds_page")
    shown = indices[(page - 1) * GRID : page * GRID]
    st.image(
        [enlarge(x[i] / 255.0, 56) for i in shown],
        caption=[f"#{i}: {y[i]}" for i in shown],
        width=56,
    )


def class_counts() -> None:
    counts = explore.class_counts(y)
    frame = pd.DataFrame({"digit": [str(d) for d in range(10)], "count": counts})
    st.subheader("How many of each digit")
    st.altair_chart(
        alt.Chart(frame)
        .mark_bar()
        .encode(x="digit:N", y="count:Q", tooltip=["digit", "count"]),
        width="stretch",
    )


def mean_images() -> None:
    st.subheader("The average of each digit")
    st.image(
        [enlarge(m, 84) for m in explore.mean_images(x, y)],
        caption=[str(d) for d in range(10)],
        width=84,
    )


def histogram() -> None:
    st.subheader("Pixel intensities")
    counts, edges = explore.pixel_histogram(x)
    frame = pd.DataFrame({"intensity": edges[:-1], "pixels": counts})
    st.altair_chart(
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("intensity:Q", title="intensity (0 = black, 255 = white)"),
            y=alt.Y(
                "pixels:Q", scale=alt.Scale(type="log"), title="pixels (log scale)"
            ),
        ),
        width="stretch",
    )
    st.caption(f"{(x == 0).mean():.0%} of all pixels are pure black background.")


def one_sample() -> None:
    st.subheader("One digit, pixel by pixel")
    index = st.number_input("Index", 0, len(x) - 1, 0, key="ds_index")
    left, right = st.columns([1, 3])
    left.image(enlarge(x[index] / 255.0, 196), caption=f"label: {y[index]}")
    right.altair_chart(charts.pixel_grid(x[index]))


def digit_map() -> None:
    st.subheader("All digits on one map")
    method = st.radio(
        "Method",
        explore.EMBED_METHODS,
        horizontal=True,
        key="ds_map",
        help="PCA takes a second; t-SNE separates digits better (~20 s).",
    )
    frame = embedding(split, method, 2000)
    st.altair_chart(
        alt.Chart(frame)
        .mark_circle(size=14, opacity=0.7)
        .encode(
            x=alt.X("x:Q", axis=None),
            y=alt.Y("y:Q", axis=None),
            color=alt.Color("digit:N", scale=alt.Scale(scheme="category10")),
            tooltip=["digit"],
        )
        .properties(height=480),
        width="stretch",
    )
    st.caption("2,000 random digits; similar-looking digits land close together.")


sample_grid()
c1, c2 = st.columns(2)
with c1:
    class_counts()
with c2:
    histogram()
mean_images()
one_sample()
digit_map()
