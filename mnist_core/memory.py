"""glibc malloc settings that keep a threaded TensorFlow server's memory flat.

Streamlit runs every script run on a new thread and the training queue one more
per training; glibc gives busy threads their own malloc arenas (up to 8 per
core) and keeps what each arena once held. Measured with
`python bench/latency.py --trainings 10`: the server grew 1,066 -> 1,233 MB
with the default, 1,075 -> 1,132 MB with MALLOC_ARENA_MAX=2 in its environment.
A hosted app cannot set its environment before start, hence `mallopt` here; it
binds only while glibc has made fewer than 8 arenas (glibc fixes the limit
then), so the entry script calls it first thing. Not verified separately.
Both functions do nothing where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h
ARENAS = 2


@functools.cache  # find_library runs `ldconfig -p`: once per process is enough
def _glibc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return (
            libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
        )
    except OSError:
        return None


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap the number of malloc arenas; True if the C library took it. Call it
    early, before many threads have allocated (the server's entry script)."""
    libc = _glibc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, arenas))


def release_free_memory() -> bool:
    """Hand memory that malloc holds but nobody uses back to the system."""
    libc = _glibc()
    return bool(libc and libc.malloc_trim(0))
