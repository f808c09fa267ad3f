"""Limits on what Streamlit's server takes from any client, for a shared demo.

Two doors of Streamlit itself are open to any websocket or HTTP client,
whatever the page shows:
- the hidden "clear cache" message empties every cached resource for every
  visitor: the shipped model and the dataset load again (twice the memory
  while old sessions hold the old copies). It is ignored.
- uploads are limited per file (server.maxUploadSize) but not in number: one
  session could PUT sixty 10 MB files and the server kept them all, and five
  sessions of one address filled the server's share for everyone. Each
  session keeps its newest files up to SESSION_UPLOADS_MB, the sessions of one
  address hold ADDRESS_UPLOADS_MB at most, and the server refuses new files
  above SERVER_UPLOADS_MB in all. A session's files go when its connection
  does: Streamlit kept them until some later disconnect swept expired
  sessions, and the page keeps the model it made of them anyway.
- widget values (widget_guard.py) and how often a page runs (rerun_guard.py).

And memory comes back: the models, drawings and uploads of visitors who left
are freed by Python, but glibc keeps the freed pages unless asked, so a small
host's memory only ratcheted up. A keeper thread collects cycles and hands
freed memory back to the system every KEEPER_SECONDS (a few milliseconds;
Streamlit's collection after every run stays off, see .streamlit/config.toml).

These patch Streamlit 1.67's classes (pinned in requirements.txt); the tests in
tests/app/test_server_guards.py drive the real classes.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

from starlette.exceptions import HTTPException
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from app_ui import rerun_guard, widget_guard
from app_ui.common import session_address
from mnist_core.errors import UPLOAD_LIMIT_MB
from mnist_core.serving.memory import limit_arenas, release_free_memory

LOG = logging.getLogger(__name__)
MB = 1024 * 1024
SESSION_UPLOADS_MB = 2 * UPLOAD_LIMIT_MB  # a photo and a model at once
ADDRESS_UPLOADS_MB = 4 * UPLOAD_LIMIT_MB  # a few pupils behind one school address
SERVER_UPLOADS_MB = 10 * UPLOAD_LIMIT_MB  # ten people uploading at one moment
KEEPER_SECONDS = 60
FULL = "The server holds too many uploads right now; try again in a minute."
ADDRESS_FULL = (
    "Your network holds too many uploads on this server right now; try again "
    "in a minute."
)

_installed = False
_install_lock = threading.Lock()


def install() -> None:
    """Put every limit in place, once per server process."""
    global _installed
    with _install_lock:
        if _installed:
            return
        limit_arenas()  # before most session threads exist (serving/memory.py)
        AppSession._handle_clear_cache_request = _ignore_clear_cache
        MemoryUploadedFileManager.add_file = _bounded_add_file(
            MemoryUploadedFileManager.add_file
        )
        WebsocketSessionManager.disconnect_session = _freeing_disconnect(
            WebsocketSessionManager.disconnect_session
        )
        widget_guard.install()
        rerun_guard.install()
        threading.Thread(target=_keep_memory, name="memory-keeper", daemon=True).start()
        _installed = True


def _ignore_clear_cache(session: AppSession) -> None:
    LOG.info("Ignored a clear-cache request from session %s", session.id)


def _bounded_add_file(add_file):
    def bounded(
        manager: MemoryUploadedFileManager, session_id: str, file: UploadedFileRec
    ) -> None:
        with manager._lock:
            _make_room(manager, session_id, len(file.data))
        add_file(manager, session_id, file)

    return bounded


def _make_room(manager: MemoryUploadedFileManager, session_id: str, size: int):
    """Drop the session's oldest files until `size` more bytes fit its share;
    refuse (HTTP 413) when its address's share or the whole server has no room."""
    files = manager.file_storage.get(session_id, {})
    held = _held(files)
    while files and held + size > SESSION_UPLOADS_MB * MB:
        oldest = files.pop(next(iter(files)))
        held -= len(oldest.data)
        manager._total_bytes -= len(oldest.data)
        manager._file_count -= 1
    address = session_address(session_id)
    if address and _address_held(manager, address) + size > ADDRESS_UPLOADS_MB * MB:
        LOG.warning("Refused an upload: address share full")
        raise HTTPException(status_code=413, detail=ADDRESS_FULL)
    if manager._total_bytes + size > SERVER_UPLOADS_MB * MB:
        LOG.warning("Refused an upload: %d bytes held", manager._total_bytes)
        raise HTTPException(status_code=413, detail=FULL)


def _held(files: dict) -> int:
    return sum(len(f.data) for f in files.values())


def _address_held(manager: MemoryUploadedFileManager, address: str) -> int:
    return sum(
        _held(files)
        for session_id, files in manager.file_storage.items()
        if files and session_address(session_id) == address
    )


def _freeing_disconnect(disconnect):
    def freeing(sessions: WebsocketSessionManager, session_id: str) -> None:
        info = sessions.get_active_session_info(session_id)
        disconnect(sessions, session_id)
        files = getattr(info.session, "_uploaded_file_mgr", None) if info else None
        if files is not None:
            files.remove_session_files(session_id)

    return freeing


def give_back_memory() -> None:
    """Free unreachable cycles, then return free heap pages to the system."""
    gc.collect()
    release_free_memory()


def _keep_memory() -> None:
    while True:
        time.sleep(KEEPER_SECONDS)
        try:
            give_back_memory()
        except Exception:  # never let the keeper take the server down
            LOG.exception("Could not give memory back")
