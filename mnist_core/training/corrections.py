"""The digits a user said the model read wrong, with the right answers.

Plain NumPy, no TensorFlow: the Draw page keeps one per session and hands it
to `finetune.fine_tune` when the user asks to teach the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MAX_CORRECTIONS = 50  # a session's corrections are bounded, like everything shared


@dataclass
class Corrections:
    """What was drawn (the model's 28x28 inputs) and what it really is."""

    pixels: list[np.ndarray] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def full(self) -> bool:
        return len(self) >= MAX_CORRECTIONS

    def has(self, pixels: np.ndarray, label: int) -> bool:
        """True if this drawing was already corrected to this digit."""
        return any(
            known == label and np.array_equal(seen, pixels)
            for seen, known in zip(self.pixels, self.labels, strict=True)
        )

    def add(self, pixels: np.ndarray, label: int) -> bool:
        """Remember one correction; False (and nothing changes) when it is
        already there or the list is full."""
        if self.full or self.has(pixels, label):
            return False
        self.pixels.append(np.asarray(pixels, np.float32))
        self.labels.append(int(label))
        return True

    def batch(self) -> np.ndarray:
        """The corrected drawings as one (N, 28, 28) array."""
        return np.stack(self.pixels)
