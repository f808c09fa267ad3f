"""Dataset: browse MNIST's digits, their counts, averages, pixels and a 2-D map.

What is shown (split, digit, page, index, map) lives in the link's query
parameters, so a view can be shared and is restored when the link is opened.
"""

import pandas as pd
import streamlit as st

from app_ui import charts
from app_ui.choices import choice, keep
from app_ui.common import data_or_stop, enlarge, split_summary
from app_ui.digit_maps import SIZE, tsne_task, wait_for
from app_ui.i18n import say, t
from app_ui.navigation import heading
from mnist_core.data import stats
from mnist_core.serving.links import (
    SPLITS,
    DatasetView,
    view_from_query,
    view_to_query,
)

GRID = 40  # samples shown at once
LINK_KEYS = set(view_to_query(DatasetView()))


def first_view(data) -> None:
    """Put the link's view (clamped, with notes) in the widgets; back from
    another page, whose link says nothing, the view this session last showed."""
    labels = {"train": data.y_train, "test": data.y_test}
    params = st.query_params.to_dict()
    if "ds_view" in st.session_state and not set(params) & LINK_KEYS:
        params = view_to_query(st.session_state.ds_view)
    view, notes = view_from_query(params, labels, GRID)
    keep("ds_split", view.split)
    keep("ds_digit", "all" if view.digit is None else view.digit)
    st.session_state.update(
        ds_page=view.page, ds_index=view.index, ds_map=view.method, ds_notes=notes
    )


st.title(t(heading(__file__)))
data = data_or_stop()
if "ds_page" not in st.session_state:  # a widget's key: gone after another page
    first_view(data)
for note in st.session_state.get("ds_notes", []):
    st.info(t("From the link: {note}", note=say(note)))
split = choice(
    st.radio,
    t("Split"),
    SPLITS,
    horizontal=True,
    key="ds_split",
    format_func=lambda s: t(
        "{split} ({count:,} digits)", split=t(s), count=len(getattr(data, "x_" + s))
    ),
)
x, y = getattr(data, f"x_{split}"), getattr(data, f"y_{split}")
st.caption(
    t(
        "Images: `{images}` `{dtype}` · labels: `{labels}` · from {source}",
        images=x.shape,
        dtype=x.dtype,
        labels=y.shape,
        source=data.source_name,
    )
)


@st.cache_data(show_spinner=False)
def embedding(split: str, method: str, size: int):
    full = data_or_stop()
    x, y = getattr(full, f"x_{split}"), getattr(full, f"y_{split}")
    coords, labels = stats.embed_2d(x, y, size, method)
    return pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1], "digit": labels})


def sample_grid() -> int | None:
    st.subheader(t("Samples"))
    digit = choice(
        st.selectbox,
        t("Show digit"),
        ["all", *range(10)],
        key="ds_digit",
        format_func=lambda d: t("all") if d == "all" else str(d),
    )
    chosen = None if digit == "all" else int(digit)
    _, pages = stats.sample_page(y, chosen, 1, GRID)
    if st.session_state.get("ds_page", 1) > pages:  # a new digit has fewer pages
        st.session_state.ds_page = pages
    page = st.number_input(
        t("Page (of {pages:,})", pages=pages), 1, pages, key="ds_page"
    )
    shown, _ = stats.sample_page(y, chosen, page, GRID)
    st.image(
        [enlarge(x[i] / 255.0, 56) for i in shown],
        caption=[f"#{i}: {y[i]}" for i in shown],
        width=56,
    )
    return chosen


def class_counts() -> None:
    st.subheader(t("How many of each digit"))
    st.altair_chart(charts.digit_counts(summary.counts), width="stretch")


def mean_images() -> None:
    st.subheader(t("The average of each digit"))
    st.image(
        [enlarge(m, 84) for m in summary.means],
        caption=[str(d) for d in range(10)],
        width=84,
    )


def histogram() -> None:
    st.subheader(t("Pixel intensities"))
    counts, edges = summary.histogram()
    st.altair_chart(charts.intensities(counts, edges), width="stretch")
    st.caption(
        t(
            "{share:.0%} of all pixels are pure black background.",
            share=summary.background,
        )
    )


def one_sample(digit: int | None) -> int:
    st.subheader(t("One digit, pixel by pixel"))
    if digit is None:
        index = st.number_input(t("Index"), 0, len(x) - 1, key="ds_index")
    else:  # only that digit's samples, as in the grid above
        chosen = stats.sample_page(y, digit, 1, len(y))[0].tolist()
        if st.session_state.get("ds_index_of_digit") not in chosen:
            shown = st.session_state.get("ds_index", chosen[0])
            st.session_state.ds_index_of_digit = shown if shown in chosen else chosen[0]
        index = st.selectbox(
            t("Index (only the {digit}s)", digit=digit),
            chosen,
            key="ds_index_of_digit",
        )
        st.session_state.ds_index = int(index)  # kept when the filter is cleared
    left, right = st.columns([1, 3])
    left.image(
        enlarge(x[index] / 255.0, 196), caption=t("label: {label}", label=y[index])
    )
    right.altair_chart(charts.pixel_grid(x[index]))
    return int(index)


def digit_map() -> str:
    st.subheader(t("All digits on one map"))
    method = st.radio(
        t("Method"),
        stats.EMBED_METHODS,
        horizontal=True,
        key="ds_map",
        help=t(
            "PCA takes a second or two; t-SNE separates digits better but takes "
            "tens of seconds, shown as it goes."
        ),
    )
    if method == "PCA":
        with st.spinner(t("Placing digits on a map…")):
            frame = embedding(split, method, SIZE)
    else:  # tens of seconds: in the background, with a progress bar
        task = tsne_task(split, x, y)
        if not task.done.is_set():
            wait_for(task)
            return method
        if task.error is not None:
            st.error(t("The map could not be made this time; choose t-SNE again."))
            return method
        frame = task.result
    st.altair_chart(charts.digit_map(frame), width="stretch")
    st.caption(t("2,000 random digits; similar-looking digits land close together."))
    return method


summary = split_summary(split)  # computed once per server, for every visitor
digit = sample_grid()
c1, c2 = st.columns(2)
with c1:
    class_counts()
with c2:
    histogram()
mean_images()
index = one_sample(digit)
method = digit_map()
view = DatasetView(split, digit, st.session_state.ds_page, index, method)
st.session_state.ds_view = view  # kept while other pages are open
st.query_params.from_dict(view_to_query(view))  # the address bar shares the view
