"""Weight averaging: the model tested and handed back holds a moving average
of its recent weights, not the last step's.

At a high learning rate each step's weights jump around a good region; their
average sits nearer its middle, so early epochs score higher
(docs/log/2026-11-28-performance.md has the measurements).

The average is Keras's optimizer EMA (`use_ema`), traced into the training
step, with one change: its momentum grows with the step count. With Keras's
fixed momentum the first step's weights, nearly untrained, keep a weight of
0.98**t, which ruins very short runs.
"""

from __future__ import annotations

from keras import ops

# At most, each step's weights enter the average with weight 1 - EMA_MOMENTUM:
# it remembers about the last 50 steps.
EMA_MOMENTUM = 0.98
# Before that, the average covers about the last quarter of the steps so far:
# momentum t / (t + WARMUP) at step t (0 at the first step, which copies).
WARMUP = 4.0


class WarmingAverage:
    """Mixed into a Keras optimizer class: its EMA's momentum is
    min(EMA_MOMENTUM, t / (t + WARMUP)) at step t.

    Overrides a private method of Keras 3.15 (pinned in requirements.txt);
    tests/core/training/test_averaging.py checks the average against this formula.
    """

    def _update_model_variables_moving_average(self, trainable_variables):
        steps = ops.cast(self.iterations, "float32")
        momentum = ops.minimum(self.ema_momentum, steps / (steps + WARMUP))
        for variable, average in zip(
            trainable_variables, self._model_variables_moving_average, strict=True
        ):
            if average is not None:
                rate = ops.cast(momentum, variable.dtype)
                average.assign(rate * average + (1 - rate) * variable)


def averaging(optimizer_class: type) -> type:
    """`optimizer_class` with WarmingAverage's moving average of the weights."""
    return type(
        f"Averaging{optimizer_class.__name__}", (WarmingAverage, optimizer_class), {}
    )
