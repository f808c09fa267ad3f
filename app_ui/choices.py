"""Choices that outlive pages and language switches.

Streamlit keeps a radio's or a selectbox's value as its *formatted label*, and
drops a keyed widget's value when a run does not draw it. A widget whose labels
are translated therefore breaks when the language changes, and a choice made
on one page is gone after a visit to another (see ../shared/NOTES.md).

So a user's choice is a stable id kept in a plain session key, and the widget
that shows it is a new one per language (its key carries the language): after
a switch it starts on the kept id, and no label of another language is ever
read back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from app_ui.i18n import language

SEPARATOR = "@"  # widget key = the kept key, SEPARATOR, the language


def widget_key(key: str) -> str:
    return f"{key}{SEPARATOR}{language()}"


def kept(key: str, options: Sequence, default: Any = None) -> Any:
    """The kept choice for `key` if it is still one of `options`, else `default`
    (or the first option)."""
    value = st.session_state.get(key, default)
    if value in options:
        return value
    return default if default in options else options[0]


def keep(key: str, value: Any) -> None:
    """Make `value` the choice for `key`; its widget shows it when next drawn."""
    st.session_state[key] = value


def _copy_choice(name: str, key: str, options: Sequence) -> None:
    """on_change: the widget's new value becomes the kept choice."""
    if st.session_state.get(name) in options:
        st.session_state[key] = st.session_state[name]


def choice(
    widget: Callable,
    label: str,
    options: Sequence,
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    default: Any = None,
    **kwargs,
) -> Any:
    """Draw `widget` (st.radio, st.selectbox, or a column's) over stable-id
    `options`; the value chosen is kept in `st.session_state[key]`.

    The widget is set to the kept choice on every run: a user's click reaches
    the kept key first (on_change), and whatever a widget of another page or
    language left under the same key is never read.
    """
    value = kept(key, options, default)
    name = widget_key(key)
    st.session_state[key] = st.session_state[name] = value
    # Labels made now, in this run's language: the widget never formats later.
    labels = {option: format_func(option) for option in options}
    widget(
        label,
        options,
        key=name,
        format_func=labels.get,
        on_change=_copy_choice,
        args=(name, key, options),
        **kwargs,
    )
    return value
