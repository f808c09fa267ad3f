"""Wrong guesses of something guessable (a code typed in), limited per address.

Only misses count: a class of thirty behind one school address all type the
right code, and someone trying codes at random misses nearly every time.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

SWEEP_EVERY = 256  # calls between sweeps of addresses that stopped trying


class Attempts:
    """At most `limit` misses per `window` seconds for each key, thread-safe;
    memory holds only keys that tried within the window."""

    def __init__(
        self,
        limit: int = 5,
        window: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._tries: dict[str, deque[float]] = {}
        self._calls = 0
        self._lock = threading.Lock()

    def blocked(self, key: str) -> bool:
        """True while `key` has had `limit` misses within the window."""
        with self._lock:
            return len(self._recent(key, self.clock())) >= self.limit

    def miss(self, key: str) -> None:
        """Count one wrong guess of `key`."""
        now = self.clock()
        with self._lock:
            self._calls += 1
            if self._calls % SWEEP_EVERY == 0:
                self._sweep(now)
            self._recent(key, now).append(now)

    def _recent(self, key: str, now: float) -> deque[float]:
        tries = self._tries.setdefault(key, deque())
        while tries and tries[0] <= now - self.window:
            tries.popleft()
        return tries

    def _sweep(self, now: float) -> None:
        for key in [
            k for k, v in self._tries.items() if not v or v[-1] <= now - self.window
        ]:
            del self._tries[key]
