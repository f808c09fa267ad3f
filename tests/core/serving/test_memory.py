"""glibc's malloc_trim is reachable from Python on this (Linux) machine."""

import sys

import pytest

from mnist_core.serving.memory import _glibc, release_free_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_malloc_trim_is_found_and_hands_freed_memory_back():
    # If ctypes stopped finding malloc_trim, the server would quietly keep each
    # training's freed memory again.
    assert _glibc() is not None
    garbage = [bytearray(4096) for _ in range(20_000)]  # ~80 MB in small blocks
    del garbage
    assert release_free_memory()  # there was free memory to hand back


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_glibc_takes_the_cap_on_its_heaps():
    # mallopt answers 1 when it takes a setting: if the parameter number were
    # wrong, session threads would each grow a heap of their own again.
    from mnist_core.serving.memory import limit_arenas

    assert limit_arenas()
