"""How long a training has left, from the rate of its own batches.

The first batches of a run are slow (Keras traces the graph, caches fill): on
a 2-core server the first batch took ~6 s against ~25 ms for the next ones,
so an estimate from the mean since the start said "about 676 s left" for a
run of 30 s. The clock times batches only after a short warm-up, and says
nothing until it has timed a few.
"""

from __future__ import annotations

WARMUP_BATCHES = 3  # not timed: tracing and first-call costs
MEASURED_BATCHES = 5  # timed after the warm-up before an estimate is given


class BatchClock:
    """Seconds left of a run of `total` batches, from the running batch rate."""

    def __init__(
        self,
        total: int,
        warmup: int = WARMUP_BATCHES,
        measured: int = MEASURED_BATCHES,
    ):
        self.total, self.warmup, self.measured = total, warmup, measured
        self.start: tuple[int, float] | None = None  # (batches, seconds) at warm-up

    def eta(self, done: int, elapsed: float) -> float | None:
        """Seconds left after `done` batches in `elapsed` seconds; None while
        the rate is not yet measured ("estimating…")."""
        if done >= self.total:
            return 0.0
        if self.start is None:
            if done < self.warmup:
                return None
            self.start = (done, elapsed)
        timed, seconds = done - self.start[0], elapsed - self.start[1]
        if timed < self.measured or seconds <= 0:
            return None
        return seconds / timed * (self.total - done)
