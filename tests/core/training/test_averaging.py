"""Weight averaging: tests see the moving average, training goes on from the raw
weights, and the model handed back is the average."""

import keras
import numpy as np
import pytest

from mnist_core.training.averaging import EMA_MOMENTUM, WARMUP
from mnist_core.training.callbacks import AverageEvaluator
from mnist_core.training.model_pool import compile_model, make_optimizer

pytestmark = pytest.mark.slow  # builds Keras models


class Recorder(keras.callbacks.Callback):
    """Weights after every training step, and as the test and its end see them."""

    def __init__(self):
        super().__init__()
        self.steps, self.tested, self.after_test = [], [], []

    def _weights(self):
        return [v.numpy().copy() for v in self.model.trainable_variables]

    def on_train_batch_end(self, batch, logs=None):
        self.steps.append(self._weights())

    def on_test_batch_begin(self, batch, logs=None):
        self.tested.append(self._weights())

    def on_test_end(self, logs=None):
        self.after_test.append(self._weights())


def _moving_average(steps):
    average = steps[0]  # the first step copies the weights
    for t, weights in enumerate(steps[1:], start=1):
        momentum = min(EMA_MOMENTUM, t / (t + WARMUP))
        average = [
            momentum * a + (1 - momentum) * w
            for a, w in zip(average, weights, strict=True)
        ]
    return average


def _assert_same(a, b):
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "batch_size, epochs",
    [(8, 2), (1, 4)],
    ids=["warming-up", "past-the-warm-up"],  # 16 and 256 steps: momentum capped
)
def test_the_test_sees_the_average_and_training_resumes_from_raw_weights(
    batch_size, epochs
):
    rng = np.random.default_rng(0)
    x = rng.random((64, 6), dtype=np.float32)
    y = keras.utils.to_categorical(np.arange(64) % 3, 3)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, "softmax")])
    compile_model(model, make_optimizer("adam", 0.05, average_weights=True))
    recorder = Recorder()  # after AverageEvaluator, as in training.loop
    model.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(x[:8], y[:8]),
        callbacks=[AverageEvaluator(), recorder],
        verbose=0,
    )
    first_epoch = recorder.steps[: 64 // batch_size]
    _assert_same(recorder.tested[0], _moving_average(first_epoch))
    # A high rate moves the weights far: the average really differs from them.
    assert not np.allclose(recorder.tested[0][0], first_epoch[-1][0], atol=1e-3)
    _assert_same(recorder.after_test[0], first_epoch[-1])  # raw weights restored
    # Later epochs go on from the raw weights, and fit ends on the average.
    _assert_same(model.get_weights(), _moving_average(recorder.steps))
    _assert_same(model.get_weights(), recorder.tested[-1])
