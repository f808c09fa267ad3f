"""A session's corrections: no duplicates, bounded, handed over as one batch."""

import numpy as np

from mnist_core.training.corrections import MAX_CORRECTIONS, Corrections


def test_the_same_correction_is_not_added_twice():
    seven = np.zeros((28, 28), np.float32)
    seven[5, 5] = 1.0
    corrections = Corrections()
    assert corrections.add(seven, 7)
    assert not corrections.add(seven.copy(), 7)
    assert corrections.add(seven, 1)  # the same drawing, another answer
    assert len(corrections) == 2 and corrections.labels == [7, 1]
    assert corrections.batch().shape == (2, 28, 28)


def test_corrections_stop_at_the_limit():
    corrections = Corrections()
    for i in range(MAX_CORRECTIONS + 5):
        corrections.add(np.full((28, 28), i, np.float32), i % 10)
    assert len(corrections) == MAX_CORRECTIONS and corrections.full
