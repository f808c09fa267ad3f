"""A training without TensorFlow: events like train()'s, paced by the test."""

import threading

from mnist_core.training.events import BatchEvent, EpochEvent


class FakeResult:
    """What a `run` returns, as far as the queue looks at it."""

    def __init__(self, stopped):
        self.stopped = stopped
        self.train_seconds = 0.0  # too short to teach the queue its pace


def fake_training(batches=5, gate: threading.Event | None = None):
    """A `run` that emits events like train() and waits on `gate` between batches."""

    def run(config, data, listener, stop):
        for b in range(1, batches + 1):
            if gate is not None:
                gate.wait(5)
            listener(BatchEvent(1, 1, b, batches, 1.0 / b, 0.5, b * 0.1, 0.1))
            if stop.is_set():
                return FakeResult(stopped=True)
        listener(EpochEvent(1, 1, 0.2, 0.9, 0.3, 0.88, 1.0, 0.0))
        return FakeResult(stopped=False)

    return run


class FakeClock:
    """A monotonic clock a test moves by hand: `clock.now += seconds`."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
