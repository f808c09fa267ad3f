"""Training: sanity accuracy, events, stop requests, seeds, configuration limits."""

import threading
from dataclasses import replace

import keras
import numpy as np
import pytest

from mnist_core.models.architectures import build_model
from mnist_core.training.config import TrainConfig
from mnist_core.training.evaluation import evaluate
from mnist_core.training.events import BatchEvent, EpochEvent
from mnist_core.training.loop import train
from tests.support.configs import TINY

pytestmark = pytest.mark.slow


def test_short_training_learns_digits(trained):
    # 2 epochs on 3,000 digits: far above chance (10 %) if training works at all.
    assert trained.test_accuracy > 0.85
    assert not trained.stopped
    assert len(trained.history) == 2


def test_events_report_every_batch_and_epoch(small_mnist):
    events = []
    result = train(TINY, small_mnist, listener=events.append)
    batches = [e for e in events if isinstance(e, BatchEvent)]
    epochs = [e for e in events if isinstance(e, EpochEvent)]
    assert len(batches) == 2 * 10 and len(epochs) == 2
    assert [b.progress for b in batches] == sorted(b.progress for b in batches)
    assert batches[-1].progress == 1.0
    assert all(0 <= e.val_accuracy <= 1 and e.val_loss > 0 for e in epochs)
    assert epochs[-1].eta == 0.0 and epochs[-1].elapsed >= epochs[0].elapsed
    assert result.history == epochs
    assert result.train_seconds > 0


def test_stop_request_keeps_weights_trained_so_far(small_mnist):
    stop = threading.Event()
    seen = []

    def stop_after_three(event):
        seen.append(event)
        if isinstance(event, BatchEvent) and event.batch == 3:
            stop.set()

    result = train(TINY, small_mnist, listener=stop_after_three, stop=stop)
    assert result.stopped
    assert sum(isinstance(e, BatchEvent) for e in seen) == 3  # stopped at next batch
    keras.utils.set_random_seed(TINY.seed)
    initial = build_model(TINY.arch).get_weights()
    changed = [
        not np.allclose(a, b)
        for a, b in zip(initial, result.model.get_weights(), strict=True)
    ]
    assert any(changed)  # the 3 batches of learning were kept, not thrown away
    # The score reported is the stopped model's own, measured after the stop.
    assert len(result.history) == 1
    assert evaluate(result.model, small_mnist)[1] == pytest.approx(
        result.test_accuracy, abs=1e-6
    )


def test_same_seed_gives_same_result(small_mnist):
    a = train(TINY, small_mnist)
    b = train(TINY, small_mnist)
    for wa, wb in zip(a.model.get_weights(), b.model.get_weights(), strict=True):
        np.testing.assert_allclose(wa, wb, atol=1e-6)
    assert a.test_accuracy == b.test_accuracy


def test_different_seed_gives_different_weights(small_mnist):
    a = train(TINY, small_mnist)
    b = train(TrainConfig(**{**TINY.__dict__, "seed": 8}), small_mnist)
    assert not np.allclose(a.model.get_weights()[0], b.model.get_weights()[0])
    # Two seeds differ from the first batch on: each run must also have trained
    # away from its own seed's initial weights, and be that seed's run again.
    for result in (a, b):
        keras.utils.set_random_seed(result.config.seed)
        initial = build_model(TINY.arch).get_weights()[0]
        assert not np.allclose(initial, result.model.get_weights()[0])
    again = train(TrainConfig(**{**TINY.__dict__, "seed": 8}), small_mnist)
    np.testing.assert_allclose(
        again.model.get_weights()[0], b.model.get_weights()[0], atol=1e-6
    )


def test_augmented_training_still_learns(small_mnist):
    config = TrainConfig(**{**TINY.__dict__, "augment": True, "train_size": 3000})
    assert train(config, small_mnist).test_accuracy > 0.7


def test_evaluate_works_on_an_uncompiled_model(trained, small_mnist):
    clone = keras.models.clone_model(trained.model)
    clone.set_weights(trained.model.get_weights())
    loss, accuracy = evaluate(clone, small_mnist)
    assert accuracy == pytest.approx(trained.test_accuracy, abs=1e-6)
    assert loss == pytest.approx(trained.test_loss, rel=1e-4)


def test_batch_norm_model_is_usable_after_a_very_short_run(small_mnist):
    # 20 batches at a constant rate: BatchNorm's moving averages alone would still
    # sit near their initial values and the test accuracy would be ~11 %.
    config = TrainConfig(arch="fast", epochs=2, batch_size=100, train_size=1000)
    assert train(config, small_mnist).test_accuracy > 0.6


@pytest.mark.parametrize("average_weights", [False, True], ids=["raw", "averaged"])
def test_the_last_epochs_test_score_is_the_delivered_models(
    small_mnist, average_weights
):
    # The live curve's last point must not read 11 % for a model that scores 80 %+,
    # nor measure other weights (the raw ones) than those handed back (the average).
    config = replace(TINY, average_weights=average_weights)
    result = train(config, small_mnist)
    loss, accuracy = evaluate(result.model, small_mnist)
    assert result.history[-1].val_accuracy == result.test_accuracy
    assert accuracy == pytest.approx(result.test_accuracy, abs=1e-6)
    assert loss == pytest.approx(result.test_loss, rel=1e-4)


def test_trainings_reuse_one_compiled_model(small_mnist):
    # Each compile keeps ~20 MB of traces for good: the server grew by that much
    # per training until trainings shared compiled twins (model_pool.py).
    from mnist_core.training.model_pool import COMPILED_MODELS

    train(TINY, small_mnist)
    compiled = COMPILED_MODELS.compiled
    result = train(
        TrainConfig(**{**TINY.__dict__, "epochs": 1, "seed": 3}), small_mnist
    )
    assert COMPILED_MODELS.compiled == compiled
    assert not result.model.compiled  # the user's model is not the pool's twin


def test_a_stopped_training_does_not_stop_the_next_one(small_mnist):
    stop = threading.Event()
    stop.set()
    assert train(TINY, small_mnist, stop=stop).stopped
    after = train(TINY, small_mnist)
    assert not after.stopped and len(after.history) == 2


def test_recalibration_sets_batch_norm_means_to_the_training_images_means(mnist):
    from mnist_core.data.mnist import subsample, to_model_input
    from mnist_core.training.callbacks import RECALIBRATION_SIZE, recalibrate_batch_norm

    model = build_model("fast")
    x = mnist.x_train[:2000]
    recalibrate_batch_norm(model, x, seed=0)
    sample = subsample(x, x[:, 0, 0], RECALIBRATION_SIZE, 0)[0]
    conv1 = keras.Model(model.input, model.get_layer("conv1").output)
    expected = conv1(to_model_input(sample)).numpy().mean(axis=(0, 1, 2))
    # Chunked for memory, yet the mean over all sampled images, not the last chunk's.
    moving = model.get_layer("conv1_bn").moving_mean.numpy()
    np.testing.assert_allclose(moving, expected, rtol=1e-3, atol=1e-5)


def test_a_model_trained_on_pen_digits_says_so_whoever_trains_it(small_mnist):
    # Not only the CLI: a bench or a test that trains with pen digits hands
    # back metadata that keeps its numbers on those writers from being claimed.
    from mnist_core.data.pen_digits import Sample, render_pen_digits
    from tests.support.drawing import ONE, SEVEN

    unit = lambda strokes: [[[x / 280, y / 280] for x, y in s] for s in strokes]  # noqa: E731
    samples = [Sample(7, "north", unit(SEVEN)), Sample(1, "south", unit(ONE))]
    pen = render_pen_digits(samples, copies=2, seed=0)
    config = replace(TINY, epochs=1)
    assert "pen_digits" not in train(config, small_mnist).metadata()
    learned = train(config, small_mnist, pen=pen.without("south")).metadata()
    assert learned["pen_digits"] == {
        "samples": 1,
        "copies": 2,
        "institutions": ["north"],
    }
