"""Widget values from any client are bounded before the session keeps them."""

import base64
import io
import json

import numpy as np
from PIL import Image
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.runtime.state.session_state import SessionState

from app_ui import server_guards
from app_ui.widget_guard import MAX_JSON_CONTAINERS, MAX_VALUE_BYTES, bounded

server_guards.install()


def drawing_value(widget_id: str, strokes: int, points: int, ratio: int = 4) -> str:
    """What the canvas sends after a drawing: Fabric's paths and the PNG, at a
    phone's pixel ratio."""
    side = 280 * ratio
    pixels = np.zeros((side, side, 4), np.uint8)
    for s in range(strokes):
        column = side // 4 + s * side // (2 * max(strokes, 1))
        pixels[side // 8 : -side // 8, column : column + 20 * ratio] = 255
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    path = [["Q", 10.5 + i, 20.25 + i, 11.75 + i, 21.5 + i] for i in range(points)]
    objects = [{"type": "path", "stroke": "#fff", "path": path}] * strokes
    raw = {"version": "5.3.0", "objects": objects}
    return json.dumps({"drawing": {"raw": raw, "data": url}})


def states(*values: WidgetState) -> WidgetStates:
    message = WidgetStates()
    message.widgets.extend(values)
    return message


def test_a_real_drawing_is_taken_in():
    value = drawing_value("canvas", strokes=12, points=400)  # a long scribble
    state = WidgetState(id="canvas", json_value=value)
    kept = bounded(states(state))
    assert [s.id for s in kept.widgets] == ["canvas"]


def test_a_canvas_value_of_thousands_of_strokes_is_dropped_and_the_old_one_kept():
    session = SessionState()
    first = drawing_value("canvas", strokes=1, points=50)
    session.set_widgets_from_proto(states(WidgetState(id="canvas", json_value=first)))
    flood = drawing_value("canvas", strokes=4127, points=10, ratio=1)
    assert json.loads(flood)["drawing"]["raw"]["objects"]  # a real 7 and more
    session.set_widgets_from_proto(states(WidgetState(id="canvas", json_value=flood)))
    kept = session._new_widget_state.states["canvas"]
    assert kept.value.json_value == first


def test_a_value_of_empty_json_lists_is_dropped_before_it_is_parsed():
    lists = "[" + ",".join(["[]"] * (MAX_JSON_CONTAINERS + 1)) + "]"
    assert len(lists) < MAX_VALUE_BYTES  # small in bytes, many objects once parsed
    kept = bounded(states(WidgetState(id="w", json_value=lists)))
    assert not kept.widgets


def test_a_value_larger_than_the_bound_is_dropped():
    big = WidgetState(id="w", string_value="x" * (MAX_VALUE_BYTES + 1))
    small = WidgetState(id="other", int_value=3)
    kept = bounded(states(big, small))
    assert [s.id for s in kept.widgets] == ["other"]


def test_a_value_without_a_widget_id_is_dropped():
    session = SessionState()
    session.set_widgets_from_proto(
        states(WidgetState(id="", int_value=1), WidgetState(id="k", int_value=2))
    )
    assert "" not in session._new_widget_state.states
    assert "k" in session._new_widget_state.states
