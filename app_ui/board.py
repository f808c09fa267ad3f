"""A class's board: every pupil's runs as a table a room can read, the charts
that show the lesson of the sliders, and the best run's settings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_ui import charts
from app_ui.i18n import Shown, literal, t
from app_ui.training_view import shown
from mnist_core.store.classes import BoardRun

# The runs table's columns a board shows, in this order (the record's keys).
COLUMNS = (
    "architecture",
    "epochs",
    "batch",
    "learning rate",
    "images",
    "augment",
    "seconds",
    "test accuracy",
)


def board_frame(runs: list[BoardRun]) -> pd.DataFrame:
    """The numbers to chart: one row per run."""
    return pd.DataFrame(
        {
            "nickname": [run.nickname for run in runs],
            "seconds": [run.record.get("seconds") for run in runs],
            "epochs": [run.record.get("epochs") for run in runs],
            "batch": [run.record.get("batch") for run in runs],
            "accuracy": [run.record.get("test accuracy") for run in runs],
        }
    )


def handwriting_words(run: BoardRun) -> str:
    """How the run's model read the class's drawings: "85% of 40"."""
    measured = run.handwriting
    if not measured or not measured["total"]:
        return "—"
    return t(
        "{share:.0%} of {total}",
        share=measured["correct"] / measured["total"],
        total=measured["total"],
    )


def cell(column: str, value) -> str:
    return "—" if value is None else shown(column, value)


def board_table(runs: list[BoardRun]) -> pd.DataFrame:
    """The board as people read it: nickname (literally), settings, results."""
    rows = [
        {
            t("nickname"): literal(run.nickname),
            **{t(c): cell(c, run.record.get(c)) for c in COLUMNS},
            t("our handwriting"): handwriting_words(run),
        }
        for run in sorted(runs, key=lambda r: -(r.record.get("test accuracy") or 0))
    ]
    return pd.DataFrame(rows)


def board_csv(runs: list[BoardRun]) -> bytes:
    """The board for a spreadsheet: plain values, English column names."""
    rows = [
        {
            "nickname": run.nickname,
            **{c: run.record.get(c) for c in COLUMNS},
            **{
                f"handwriting {key}": (run.handwriting or {}).get(key)
                for key in ("correct", "total")
            },
        }
        for run in runs
    ]
    columns = ["nickname", *COLUMNS, "handwriting correct", "handwriting total"]
    return pd.DataFrame(rows, columns=columns).to_csv(index=False).encode()


def draw_board(runs: list[BoardRun]) -> None:
    """Table, charts and the best run; a word when there is nothing yet."""
    if not runs:
        st.info(t("No runs yet: they appear here a few seconds after each ends."))
        return
    best = max(runs, key=lambda r: r.record.get("test accuracy") or 0)
    st.success(
        t(
            "Best so far: {nickname}, {accuracy:.2%} with {settings}.",
            nickname=best.nickname,
            accuracy=best.record.get("test accuracy") or 0,
            settings=Shown(  # the app's own words and numbers
                ", ".join(
                    f"{t(c)} {shown(c, best.record.get(c))}"
                    for c in COLUMNS
                    if c not in ("seconds", "test accuracy")
                )
            ),
        )
    )
    frame = board_frame(runs)
    st.altair_chart(
        charts.board_by(frame, "seconds", t("training time (seconds)")),
        width="stretch",
    )
    left, right = st.columns(2)
    left.altair_chart(
        charts.board_by(frame, "epochs", t("epochs"), whole=True), width="stretch"
    )
    right.altair_chart(
        charts.board_by(frame, "batch", t("batch size"), log=True, whole=True),
        width="stretch",
    )
    st.table(board_table(runs))
