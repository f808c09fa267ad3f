"""The one-cycle learning-rate schedule, set from Python before each batch.

Keras's schedule objects are traced into the training step, so each new
length or peak would mean a new trace (and ~20 MB kept; see model_pool.py).
Setting the optimizer's learning-rate variable from a callback keeps one
trace for every training.
"""

from __future__ import annotations

import math

START_FRACTION = 0.1  # warm-up starts at a tenth of the peak
END_FRACTION = 0.01  # and the cosine ends at a hundredth of it
WARMUP_SHARE = 6  # a sixth of the steps warm up


def one_cycle(step: int, total_steps: int, peak: float) -> float:
    """Linear warm-up from peak/10 to peak, then cosine decay to peak/100.

    The same curve as keras.optimizers.schedules.CosineDecay(peak / 10,
    total - warmup, alpha=0.01, warmup_target=peak, warmup_steps=warmup), which
    the exported script uses.
    """
    warmup = max(1, total_steps // WARMUP_SHARE)
    decay = max(1, total_steps - warmup)
    step = min(step, warmup + decay)
    if step < warmup:
        start = peak * START_FRACTION
        return start + (peak - start) * step / warmup
    cosine = 0.5 * (1.0 + math.cos(math.pi * (step - warmup) / decay))
    return peak * ((1 - END_FRACTION) * cosine + END_FRACTION)
