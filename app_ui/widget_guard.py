"""Bounds on the widget values any client sends, before Streamlit keeps them.

A browser sends every widget's value with each rerun, and any websocket
client can send whatever it likes there. Streamlit parses a component's JSON
value into Python objects and keeps them in the session: 20 MB of canvas
JSON (a real 7 plus 4,127 strokes) from each of 20 sessions took a server
from 900 MB to 4.4 GB, and 20 MB of empty JSON lists cost 540 MB, held.
So:
- a whole message is at most `server.maxWidgetStateSize` MB
  (.streamlit/config.toml; a bigger one closes that connection);
- a value larger than MAX_VALUE_BYTES, or whose JSON holds more than
  MAX_JSON_CONTAINERS lists and objects, is dropped before it is parsed: the
  widget keeps the value it had, so nothing a person drew is lost;
- a value without a widget id is dropped (it crashed the session's run).

A drawing on the 280-pixel canvas is a few tens of KB and a few hundred
lists (one per stroke point); the bounds leave it far room.
"""

from __future__ import annotations

import logging

from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.runtime.state.session_state import SessionState

LOG = logging.getLogger(__name__)
MAX_VALUE_BYTES = 1024 * 1024
MAX_JSON_CONTAINERS = 20_000
JSON_FIELDS = ("json_value", "json_trigger_value", "string_value")


def install() -> None:
    """Filter every widget message before the session takes it in."""
    SessionState.set_widgets_from_proto = _filtered(SessionState.set_widgets_from_proto)


def refusal(state: WidgetState) -> str | None:
    """Why this widget value is not taken in, or None when it is fine."""
    if not state.id:
        return "no widget id"
    size = state.ByteSize()
    if size > MAX_VALUE_BYTES:
        return f"{size} bytes"
    field = state.WhichOneof("value")
    if field in JSON_FIELDS:
        text = getattr(state, field)
        containers = text.count("[") + text.count("{")
        if containers > MAX_JSON_CONTAINERS:
            return f"{containers} JSON lists and objects"
    return None


def bounded(states: WidgetStates) -> WidgetStates:
    """`states` without the values `refusal` turns away (a copy when any is)."""
    refused = [(state, refusal(state)) for state in states.widgets]
    if not any(why for _, why in refused):
        return states
    kept = WidgetStates()
    for state, why in refused:
        if why:
            LOG.warning("Dropped a widget value (%s)", why)
        else:
            kept.widgets.append(state)
    return kept


def _filtered(set_widgets):
    def filtered(session_state: SessionState, widget_states: WidgetStates) -> None:
        set_widgets(session_state, bounded(widget_states))

    return filtered
