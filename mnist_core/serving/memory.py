"""Give memory that malloc holds but no longer uses back to the system.

A training allocates and frees hundreds of MB (batches, gradients, evaluation);
glibc keeps much of the freed memory in its heaps, where it still counts as the
server's RSS. Measured with `python bench/latency.py --trainings 10` (one run
each): 1,016 -> 1,097 MB, peak 1,138 MB without trimming after each training;
1,002 -> 1,075 MB, peak 1,098 MB with it.

Each thread that allocates gets a heap (an arena) of its own, up to eight
per core, and every session runs its pages in a thread of its own. Sixteen
sessions rerunning Draw with a large photo (`python bench/crowd.py --only k`,
one run each): 1,455 MB at peak and 135 MB kept 70 s later with the arenas
capped from the running server (`limit_arenas`, too late for the threads
that exist by then); 1,310 MB and 73 MB with MALLOC_ARENA_MAX=2 set before
the server starts, as run.sh does. Trainings alone showed no difference.
Does nothing where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache  # find_library runs `ldconfig -p`: once per process is enough
def _glibc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h
ARENAS = 2


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Let threads created from now on share at most `arenas` heaps; True if
    glibc took the setting."""
    libc = _glibc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, arenas))


def release_free_memory() -> bool:
    """Trim malloc's heaps; True if the C library is glibc and returned memory."""
    libc = _glibc()
    return bool(libc and libc.malloc_trim(0))
