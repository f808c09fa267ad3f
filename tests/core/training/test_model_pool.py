"""The pool of compiled models: reuse, fresh state per borrower, exclusivity."""

import keras
import numpy as np
import pytest

from mnist_core.models.architectures import build_model
from mnist_core.training.model_pool import CompiledModels, make_optimizer

pytestmark = pytest.mark.slow  # builds Keras models


def _fit_once(model):
    x = np.random.default_rng(0).random((32, 28, 28, 1), dtype=np.float32)
    y = keras.utils.to_categorical(np.arange(32) % 10, 10)
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)


def test_a_returned_model_is_reused_not_compiled_again():
    pool = CompiledModels()
    blueprint = build_model("fast")
    with pool.borrow(blueprint, "adam") as first:
        _fit_once(first)
    with pool.borrow(blueprint, "adam") as second:
        pass
    assert second is first
    assert pool.compiled == 1


def test_a_borrowed_model_starts_from_the_blueprint_with_a_new_optimizer():
    pool = CompiledModels()
    with pool.borrow(build_model("fast"), "adam") as model:
        _fit_once(model)  # leaves trained weights and Adam moments behind
    blueprint = build_model("fast")
    with pool.borrow(blueprint, "adam", learning_rate=0.01) as model:
        for mine, theirs in zip(model.variables, blueprint.variables, strict=True):
            np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
        assert int(model.optimizer.iterations.numpy()) == 0
        moments = [v for v in model.optimizer.variables if "momentum" in v.path]
        assert moments and not any(np.any(v.numpy()) for v in moments)
        assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
        _fit_once(model)
    # Training the twin never touches the blueprint the caller keeps.
    fresh_kernel = blueprint.get_layer("conv1").kernel.numpy()
    assert not np.allclose(fresh_kernel, model.get_layer("conv1").kernel.numpy())


def test_two_borrowers_at_once_get_two_models():
    pool = CompiledModels()
    blueprint = build_model("recipe")
    with pool.borrow(blueprint, "sgd") as a, pool.borrow(blueprint, "sgd") as b:
        assert a is not b
    assert pool.compiled == 2


def test_other_architecture_or_optimizer_gets_its_own_model():
    pool = CompiledModels()
    with pool.borrow(build_model("fast"), "adam") as a:
        pass
    with pool.borrow(build_model("fast"), "rmsprop") as b:
        assert b is not a and isinstance(b.optimizer, keras.optimizers.RMSprop)
    with pool.borrow(build_model("recipe"), "adam") as c:
        assert c.name == "recipe"
    # Averaging is traced into the training step: its own model, both ways.
    with pool.borrow(build_model("fast"), "adam", average_weights=True) as d:
        assert d is not a and d.optimizer.use_ema
    with pool.borrow(build_model("fast"), "adam") as e:
        assert e is a and not e.optimizer.use_ema


def test_the_pool_keeps_a_bounded_number_of_idle_models():
    pool = CompiledModels(max_idle=2)
    for optimizer in ("adam", "adamw", "sgd"):
        with pool.borrow(build_model("fast"), optimizer):
            pass
    with pool.borrow(build_model("fast"), "adam"):  # the oldest was let go
        pass
    assert pool.compiled == 4


def test_unknown_optimizer_is_refused():
    with pytest.raises(ValueError, match="lion"):
        make_optimizer("lion")
