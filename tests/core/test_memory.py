"""glibc's malloc settings are reachable from Python on this (Linux) machine."""

import sys

import pytest

from mnist_core.memory import limit_malloc_arenas, release_free_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_malloc_settings_are_accepted_by_glibc():
    # If ctypes stopped finding mallopt/malloc_trim, the server's memory would
    # quietly grow again; these would then return False.
    assert limit_malloc_arenas(16)  # glibc's own default on 2 cores: no change
    release_free_memory()  # must not raise; whether it freed anything varies
