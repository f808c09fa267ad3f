"""How often one session, and one address, may run the page: a fair share of
the server's CPU for everyone else.

Any client can ask for a rerun as often as it likes, and a rerun of a heavy
page is CPU the server's other visitors wait for: 16 sessions rerunning Draw
took a victim's answer from 0.06 s to 1.71 s. Each run takes a turn from two
buckets, the session's and its address's (Generic Cell Rate Algorithm: a
steady rate with a burst on top); a run that finds either empty waits for its
turn instead of being refused, so nothing a person did is lost, and the wait
is capped so that a burst of clicks never queues for long.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

RUNS_PER_SESSION_ENV = "MNIST_RUNS_PER_SESSION"
RUNS_PER_ADDRESS_ENV = "MNIST_RUNS_PER_ADDRESS"
MAX_WAIT = 2.0  # seconds a run waits at most, however many came before it
FORGET_AFTER = 60.0  # an idle bucket is dropped: memory stays bounded
EPSILON = 1e-9  # turns added up in floating point: a burst is not late by 1e-14 s


@dataclass(frozen=True)
class Rate:
    """`per_second` runs on average, `burst` of them at once."""

    per_second: float
    burst: int

    @property
    def interval(self) -> float:
        return 1.0 / self.per_second

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.interval


# A person drawing reruns a page a few times a second at most; a fragment
# that polls a training's progress twice a second.
SESSION_RATE = Rate(per_second=5.0, burst=10)
# A class behind one school router shares an address: thirty pupils drawing
# at once fit, sixteen sessions of one attacker do not take the server.
ADDRESS_RATE = Rate(per_second=20.0, burst=40)


class RunThrottle:
    """Turns to run, per session and per address."""

    def __init__(
        self,
        session_rate: Rate = SESSION_RATE,
        address_rate: Rate = ADDRESS_RATE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rates = {"session": session_rate, "address": address_rate}
        self._clock = clock
        self._due: dict[tuple[str, str], float] = {}  # next theoretical run
        self._lock = threading.Lock()
        self._swept = clock()

    def wait(self, session: str, address: str = "") -> float:
        """Seconds this run must wait for its turn (0 when it may run now); the
        turn is taken. An unknown address ("") counts per session only."""
        now = self._clock()
        keys = [("session", session)] + ([("address", address)] if address else [])
        with self._lock:
            self._sweep(now)
            delay = max(self._delay(key, now) for key in keys)
            for key in keys:
                self._take(key, now + delay)
        return delay

    def _delay(self, key: tuple[str, str], now: float) -> float:
        rate = self.rates[key[0]]
        late = self._due.get(key, now) - now - rate.tolerance
        return min(MAX_WAIT, late) if late > EPSILON else 0.0

    def _take(self, key: tuple[str, str], start: float) -> None:
        rate = self.rates[key[0]]
        due = max(self._due.get(key, start), start) + rate.interval
        # Never book turns beyond what MAX_WAIT lets anyone wait for.
        self._due[key] = min(due, start + rate.tolerance + MAX_WAIT)

    def _sweep(self, now: float) -> None:
        if now - self._swept < FORGET_AFTER:
            return
        self._swept = now
        for key in [k for k, due in self._due.items() if due < now - FORGET_AFTER]:
            del self._due[key]


def rate_from(setting: str | None, default: Rate) -> Rate:
    """An operator's runs-per-second setting (burst twice that), else `default`;
    a setting that is no positive number keeps the default."""
    try:
        per_second = float(setting or "")
    except ValueError:
        return default
    if not per_second > 0:
        return default
    return Rate(per_second, max(1, round(2 * per_second)))
