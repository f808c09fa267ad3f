"""Models cheap to describe and costly to run are refused before they run."""

import keras
import numpy as np
import pytest
from keras import layers

from mnist_core.errors import MnistError
from mnist_core.models.architectures import build_model
from mnist_core.models.catalog import ARCHITECTURES
from mnist_core.models.cost import MAX_RESULT, MAX_WORK, measure_cost
from mnist_core.models.storage import load_uploaded_model, model_bytes
from mnist_core.training.evaluation import EVAL_BATCH, eval_batch


def upload(body) -> bytes:
    """A model file of `body` (a function of the input tensor) with a softmax head."""
    inputs = keras.Input((28, 28, 1))
    x = layers.GlobalAveragePooling2D()(body(inputs))
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
    return model_bytes(model)


def never_run(monkeypatch):
    """Fail the test if the door gets as far as the model's first prediction."""
    from mnist_core.models import storage

    def probe(model, name):
        raise AssertionError("a refused model was run")

    monkeypatch.setattr(storage, "check_probabilities", probe)


def test_a_tiny_upsampling_model_with_huge_results_is_refused(monkeypatch):
    # 650 parameters, 25 KB: 1.6 million numbers per digit after the convolution.
    data = upload(lambda x: layers.Conv2D(32, 3)(layers.UpSampling2D(8)(x)))
    never_run(monkeypatch)
    with pytest.raises(MnistError, match="intermediate result of 1,577,088 numbers"):
        load_uploaded_model(data, "big.keras")


def test_a_deep_stack_of_convolutions_is_refused_for_its_work(monkeypatch):
    def body(x):
        for _ in range(20):  # small results (25 k numbers), 276 MFLOP per digit
            x = layers.Conv2D(32, 3, padding="same")(x)
        return x

    never_run(monkeypatch)
    with pytest.raises(MnistError, match="needs 276 million operations for each"):
        load_uploaded_model(upload(body), "deep.keras")


def test_the_reported_upsampled_stack_is_refused(monkeypatch):
    def body(x):  # issue #30: 703 k parameters, held both cores for 7 minutes
        x = layers.UpSampling2D(2)(x)
        for _ in range(20):
            x = layers.Conv2D(64, 3)(x)
        return x

    never_run(monkeypatch)
    with pytest.raises(MnistError, match="It was not run"):
        load_uploaded_model(upload(body), "deep.keras")


def test_a_layer_called_many_times_counts_each_call(monkeypatch):
    def body(x):
        x = layers.Conv2D(64, 3, padding="same")(x)
        shared = layers.Conv2D(64, 3, padding="same")  # 37 k weights, used 30 times
        for _ in range(30):
            x = shared(x)
        return x

    never_run(monkeypatch)
    with pytest.raises(MnistError, match="million operations"):
        load_uploaded_model(upload(body), "shared.keras")


def test_a_nested_model_counts_once_per_call():
    inner = keras.Sequential(
        [keras.Input((28, 28, 8)), layers.Conv2D(8, 3, padding="same")]
    )
    inputs = keras.Input((28, 28, 1))
    x = layers.Conv2D(8, 1)(inputs)
    once = measure_cost(keras.Model(inputs, inner(x))).flops
    twice = measure_cost(keras.Model(inputs, inner(inner(x)))).flops
    assert twice - once == measure_cost(inner).flops > 0


def test_attention_scores_count_as_an_intermediate_result(monkeypatch):
    def body(x):
        x = layers.Dense(8)(layers.Reshape((784, 1))(x))
        return layers.Reshape((28, 28, 8))(layers.MultiHeadAttention(4, 8)(x, x))

    inputs = keras.Input((28, 28, 1))
    x = layers.GlobalAveragePooling2D()(body(inputs))
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
    # 784 x 784 scores per head, for 6 k weights.
    assert measure_cost(model).largest == 2_458_624
    never_run(monkeypatch)
    # The door refuses the kind before Keras builds it (its weights are not
    # counted from config.json), so the scores are never made.
    with pytest.raises(MnistError, match="uses a MultiHeadAttention layer"):
        load_uploaded_model(model_bytes(model), "attention.keras")


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_every_shipped_architecture_passes_the_door(arch):
    model = build_model(arch)
    cost = measure_cost(model)
    assert cost.flops == ARCHITECTURES[arch].flops
    assert cost.work <= MAX_WORK and cost.largest <= MAX_RESULT
    loaded = load_uploaded_model(model_bytes(model), f"{arch}.keras")
    x = np.zeros((2, 28, 28, 1), np.float32)
    np.testing.assert_allclose(loaded(x), model(x), atol=1e-6)
    assert eval_batch(loaded) == EVAL_BATCH


def test_large_results_get_smaller_evaluation_batches():
    inputs = keras.Input((28, 28, 1))
    x = layers.Conv2D(180, 1)(inputs)  # 141,120 numbers per digit, under the bound
    x = layers.Dense(10, activation="softmax")(layers.GlobalMaxPooling2D()(x))
    assert 1 <= eval_batch(keras.Model(inputs, x)) < EVAL_BATCH // 2
