"""The Dataset page's t-SNE map: made once per server in a background thread,
with a progress bar for everyone who waits for it (it takes tens of seconds)."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from app_ui.i18n import span_words, t
from mnist_core.data import stats
from mnist_core.serving.background import Task, Tasks

SIZE = 2000  # digits on the map


class MapServer:
    """The server's map tasks, and how long its last t-SNE took."""

    def __init__(self) -> None:
        self.tasks = Tasks()
        self.last_tsne: float | None = None


@st.cache_resource(show_spinner=False)
def map_server() -> MapServer:
    return MapServer()


def frame(coords, labels) -> pd.DataFrame:
    return pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1], "digit": labels})


def tsne_task(split: str, x, y) -> Task:
    """The t-SNE of `split`, started unless it runs or ran already."""
    server = map_server()

    def make(task: Task) -> pd.DataFrame:
        flat, labels = stats.embed_sample(x, y, SIZE)
        start = time.perf_counter()
        reduced = stats.pca(flat, 50)
        step = time.perf_counter() - start
        # Expected: the last t-SNE here, else this PCA step's time scaled.
        if server.last_tsne is not None:
            task.expected = (server.last_tsne, server.last_tsne)
        else:
            low, high = stats.TSNE_PER_PCA
            task.expected = (step * low, step * high)
        coords = stats.tsne(reduced)
        server.last_tsne = task.elapsed
        return frame(coords, labels)

    return server.tasks.start((split, "t-SNE", SIZE), make)


@st.fragment(run_every=1.0)
def wait_for(task: Task) -> None:
    """A progress bar with the seconds so far and those expected; the whole
    page runs again when the map is ready."""
    if task.done.is_set():
        st.rerun()
    elapsed = task.elapsed
    if task.expected is None:
        st.progress(
            0.0, text=t("Placing digits on a map… {elapsed:.0f} s", elapsed=elapsed)
        )
        return
    low, high = task.expected
    fraction = min(elapsed / max((low + high) / 2, 1e-3), 0.99)
    text = t(
        "Placing digits on a map… {elapsed:.0f} s so far; it should take {expected}.",
        elapsed=elapsed,
        expected=span_words(low, high),
    )
    if elapsed > high * 1.2:
        text = t(
            "Placing digits on a map… {elapsed:.0f} s so far, longer than expected: "
            "the server is busy.",
            elapsed=elapsed,
        )
    st.progress(fraction, text=text)
