"""What any client sends is bounded: uploads, the hidden clear-cache, the canvas."""

import base64
import io
from types import SimpleNamespace

import numpy as np
import pytest
import streamlit as st
from PIL import Image
from starlette.exceptions import HTTPException
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from app_ui import server_guards
from app_ui.canvas import OversizedDrawing, drawing_pixels
from app_ui.server_guards import (
    ADDRESS_UPLOADS_MB,
    MB,
    SERVER_UPLOADS_MB,
    SESSION_UPLOADS_MB,
)

server_guards.install()
FILE_MB = 5


def upload(manager, session: str, number: int, size_mb: int = FILE_MB) -> None:
    data = bytes(size_mb * MB)
    manager.add_file(session, UploadedFileRec(f"f{number}", "x.png", "image/png", data))


def test_one_session_keeps_only_its_newest_uploads():
    manager = MemoryUploadedFileManager("/upload")
    for number in range(60):
        upload(manager, "a", number)
    kept = manager.get_files("a", [f"f{n}" for n in range(60)])
    assert sum(len(f.data) for f in kept) <= SESSION_UPLOADS_MB * MB
    assert [f.file_id for f in kept][-1] == "f59"  # the newest is there
    assert manager._total_bytes == sum(len(f.data) for f in kept)
    manager.remove_session_files("a")
    assert manager._total_bytes == 0 and manager._file_count == 0


def test_the_whole_server_refuses_uploads_past_its_share():
    manager = MemoryUploadedFileManager("/upload")
    sessions = SERVER_UPLOADS_MB // SESSION_UPLOADS_MB
    for s in range(sessions):
        for number in range(SESSION_UPLOADS_MB // FILE_MB):
            upload(manager, f"s{s}", number)
    with pytest.raises(HTTPException) as refused:
        upload(manager, "late", 0)
    assert refused.value.status_code == 413
    assert manager._total_bytes <= SERVER_UPLOADS_MB * MB
    manager.remove_session_files("s0")  # a visitor leaves: room again
    upload(manager, "late", 0)


def test_one_address_cannot_fill_the_servers_uploads(monkeypatch):
    # Issue #37: five sessions of one address PUT 2 x 10 MB each and every
    # other visitor's model got HTTP 413.
    addresses = {f"attacker{n}": "203.0.113.7" for n in range(5)}
    monkeypatch.setattr(server_guards, "session_address", addresses.get)
    manager = MemoryUploadedFileManager("/upload")
    refused = 0
    for session in addresses:
        for number in range(2):
            try:
                upload(manager, session, number, size_mb=10)
            except HTTPException as exc:
                assert exc.status_code == 413 and "network" in exc.detail
                refused += 1
    assert refused == 10 - ADDRESS_UPLOADS_MB // 10
    assert manager._total_bytes <= ADDRESS_UPLOADS_MB * MB
    upload(manager, "visitor", 0)  # someone else's 5 MB model still fits


def test_a_departed_sessions_files_are_freed_at_once():
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    manager = MemoryUploadedFileManager("/upload")
    upload(manager, "gone", 0)
    session = SimpleNamespace(_uploaded_file_mgr=manager)
    sessions = SimpleNamespace(
        get_active_session_info=lambda _: SimpleNamespace(session=session),
        _active_session_info_by_id={},  # Streamlit's own part has nothing to do
        _script_cache=SimpleNamespace(clear=lambda: None),
    )
    WebsocketSessionManager.disconnect_session(sessions, "gone")
    assert manager._total_bytes == 0 and not manager.file_storage.get("gone")


@st.cache_resource
def shared_once() -> object:
    return object()


def test_a_clients_clear_cache_message_clears_nothing():
    before = shared_once()
    AppSession._handle_clear_cache_request(SimpleNamespace(id="x"))
    assert shared_once() is before


def canvas_value(width: int, height: int):
    picture = io.BytesIO()
    Image.new("RGBA", (width, height)).save(picture, "PNG")
    return SimpleNamespace(image_bytes=picture.getvalue())


def test_a_drawing_the_size_of_the_canvas_is_read():
    pixels = drawing_pixels(canvas_value(280, 280), 280, 280)
    assert pixels.shape == (280, 280, 4) and pixels.dtype == np.uint8


def test_a_drawing_larger_than_the_canvas_is_refused_before_decoding():
    huge = canvas_value(13000, 13000)  # ~700 MB as pixels, a few hundred KB sent
    assert len(huge.image_bytes) < 2 * MB
    with pytest.raises(OversizedDrawing):
        drawing_pixels(huge, 280, 280)


def test_a_canvas_value_that_is_no_png_is_refused():
    fake = SimpleNamespace(image_bytes=base64.b64decode(base64.b64encode(b"GIF89a")))
    with pytest.raises(OversizedDrawing):
        drawing_pixels(fake, 280, 280)


def test_an_empty_canvas_is_no_drawing():
    assert drawing_pixels(SimpleNamespace(image_bytes=None), 280, 280) is None


def test_the_warm_up_starts_only_on_a_real_server(page):
    """Under AppTest (a stand-in runtime) nothing loads TensorFlow by itself;
    the light pages' tests in tests/core/test_boundaries.py rely on it."""
    import threading

    page("home")
    assert "warm-up" not in [thread.name for thread in threading.enumerate()]


def test_warming_loads_and_traces_the_shipped_model():
    from app_ui import common
    from app_ui.warmup import warm_shipped_model

    warm_shipped_model()
    warmed = common._shipped
    assert warmed is not None
    assert common.get_shipped() is warmed  # the page gets it, never loads again


def test_every_script_and_fragment_run_takes_its_turn(monkeypatch):
    from streamlit.runtime.scriptrunner import script_runner

    from app_ui import rerun_guard
    from mnist_core.serving.throttle import Rate, RunThrottle

    throttle = RunThrottle(Rate(5, 1), Rate(100, 100))
    monkeypatch.setattr(rerun_guard, "run_throttle", lambda: throttle)
    monkeypatch.setattr(rerun_guard, "on_a_real_server", lambda: True)
    slept = []
    monkeypatch.setattr(rerun_guard.time, "sleep", slept.append)
    ran = []
    context = SimpleNamespace(session_id="s")
    for _ in range(3):
        script_runner.exec_func_with_error_handling(lambda: ran.append(1), context)
    assert len(ran) == 3  # every run goes on, none is lost
    assert slept == pytest.approx([0.2, 0.4], abs=0.05)  # each after its turn
