"""Waiting for something that happens on another thread or process."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], object], seconds: float = 5.0, every: float = 0.01
) -> bool:
    """Ask `condition` every `every` seconds until it is true or `seconds` pass.

    Returns:
        Whether it became true in time (a test asserts it, with its own words).
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def finished_within(job, seconds: float, every: float = 0.1) -> bool:
    """Whether a training job (queue or cluster) finished within `seconds`."""
    return wait_until(lambda: job.finished, seconds, every) or job.finished
