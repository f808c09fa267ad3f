"""The one-cycle schedule set per batch matches Keras's own schedule object."""

import keras
import numpy as np
import pytest

from mnist_core.models.architectures import build_model
from mnist_core.training.callbacks import OneCycleScheduler
from mnist_core.training.model_pool import compile_model, make_optimizer
from mnist_core.training.schedule import one_cycle

pytestmark = pytest.mark.slow  # builds Keras models


@pytest.mark.parametrize("total", [1, 7, 60, 1410])
def test_one_cycle_is_the_exported_scripts_cosine_decay(total):
    peak = 4e-3
    warmup = max(1, total // 6)
    keras_schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak / 10,
        decay_steps=max(1, total - warmup),
        alpha=0.01,
        warmup_target=peak,
        warmup_steps=warmup,
    )
    for step in sorted({0, 1, warmup - 1, warmup, total // 2, total - 1, total + 5}):
        step = max(step, 0)
        assert one_cycle(step, total, peak) == pytest.approx(
            float(keras_schedule(step)), rel=1e-5
        )


def test_the_callback_sets_the_rate_before_every_batch():
    class Record(keras.callbacks.Callback):
        rates: list = []

        def on_train_batch_end(self, batch, logs=None):
            self.rates.append(float(self.model.optimizer.learning_rate.numpy()))

    model = compile_model(build_model("fast"), make_optimizer("adam"))
    x = np.zeros((40, 28, 28, 1), np.float32)
    y = keras.utils.to_categorical(np.arange(40) % 10, 10)
    model.fit(
        x,
        y,
        batch_size=10,
        epochs=3,
        verbose=0,
        callbacks=[OneCycleScheduler(4, 3, 0.01), Record()],
    )
    expected = [one_cycle(step, 12, 0.01) for step in range(12)]
    np.testing.assert_allclose(Record.rates, expected, rtol=1e-6)
    assert max(Record.rates) == pytest.approx(0.01, rel=0.2)  # it did warm up
