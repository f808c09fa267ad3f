"""The time left of a training comes from its own running batch rate."""

import pytest

from mnist_core.training.clock import MEASURED_BATCHES, WARMUP_BATCHES, BatchClock


def run(clock: BatchClock, first: float, each: float, batches: int) -> list:
    """Feed the clock a run whose first batch takes `first` s, the rest `each`."""
    etas = []
    for done in range(1, batches + 1):
        etas.append(clock.eta(done, first + each * (done - 1)))
    return etas


def test_the_slow_first_batch_does_not_make_a_long_estimate():
    # 1,000 batches of 25 ms after a 6 s first batch: ~25 s in all, not 600.
    etas = run(BatchClock(1000), first=6.0, each=0.025, batches=20)
    assert etas[: WARMUP_BATCHES + MEASURED_BATCHES - 1] == [None] * (
        WARMUP_BATCHES + MEASURED_BATCHES - 1
    )
    assert etas[-1] == pytest.approx(0.025 * 980)


def test_the_estimate_follows_the_rate_this_run_measures():
    clock = BatchClock(100)
    etas = run(clock, first=2.0, each=0.5, batches=50)  # a busy server: 0.5 s
    assert etas[-1] == pytest.approx(0.5 * 50)
    assert clock.eta(100, 99.0) == 0.0  # done


def test_a_run_too_short_to_measure_says_nothing_until_it_ends():
    clock = BatchClock(4)
    assert run(clock, first=3.0, each=0.1, batches=3) == [None] * 3
    assert clock.eta(4, 3.3) == 0.0
