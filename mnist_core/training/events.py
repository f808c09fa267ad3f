"""Progress events a training sends to its listeners: plain data, no TensorFlow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BatchEvent:
    """After each training batch. Loss and accuracy are the epoch's running means."""

    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based within the epoch
    batches: int  # batches per epoch
    loss: float
    accuracy: float
    elapsed: float  # seconds since training started
    eta: float | None  # seconds left, from the running batch rate; None: not yet

    @property
    def progress(self) -> float:
        """Fraction of all batches done, 0-1."""
        return ((self.epoch - 1) * self.batches + self.batch) / (
            self.epochs * self.batches
        )


@dataclass(frozen=True)
class EpochEvent:
    """After each epoch, with the test-set (validation) figures."""

    epoch: int
    epochs: int
    loss: float
    accuracy: float
    val_loss: float
    val_accuracy: float
    elapsed: float
    eta: float | None


Event = BatchEvent | EpochEvent
Listener = Callable[[Event], None]
