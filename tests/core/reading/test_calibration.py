"""Temperature scaling: finds the temperature that was applied, and the
calibration error sees over-confidence."""

import numpy as np
import pytest

from mnist_core.reading.calibration import (
    expected_calibration_error,
    fit_temperature,
    with_temperature,
)


def honest_readings(n: int = 4000, seed: int = 0):
    """Probabilities that are right exactly as often as they say."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 2.5, (n, 10))
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(10, p=p) for p in probabilities])
    return probabilities, labels


def test_honest_probabilities_have_a_small_calibration_error():
    probabilities, labels = honest_readings()
    assert expected_calibration_error(probabilities, labels) < 0.03


def test_over_confidence_is_measured_and_undone():
    probabilities, labels = honest_readings()
    sharpened = with_temperature(probabilities, 0.5)  # claims more than it knows
    assert expected_calibration_error(sharpened, labels) > 0.1
    temperature = fit_temperature(sharpened, labels)
    assert temperature == pytest.approx(2.0, rel=0.15)
    fixed = with_temperature(sharpened, temperature)
    assert expected_calibration_error(fixed, labels) < 0.03
    # Scaling never changes which digit is read.
    np.testing.assert_array_equal(fixed.argmax(axis=1), sharpened.argmax(axis=1))
