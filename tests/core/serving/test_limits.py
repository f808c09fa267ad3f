"""The cap on one training's work: the tutorial fits, bigger asks are cut down."""

import pytest

from mnist_core.models.catalog import ARCHITECTURES
from mnist_core.serving.limits import (
    DEFAULT_MAX_WORK,
    MAX_WORK_ENV,
    cap_training,
    max_work,
    work,
)
from mnist_core.training.config import PRESETS, TrainConfig


def test_the_tutorial_and_the_fast_preset_fit_the_default():
    for preset in PRESETS.values():
        assert cap_training(preset, DEFAULT_MAX_WORK) == (preset, None)


def test_a_long_tutorial_run_is_cut_to_fit_with_a_note():
    asked = TrainConfig(epochs=30, batch_size=16)
    capped, note = cap_training(asked, DEFAULT_MAX_WORK)
    assert capped.epochs == 10 and capped.batch_size == 16
    assert work(capped) <= DEFAULT_MAX_WORK
    assert "10 epoch(s) on 60000 images instead of 30" in str(note)


def test_when_one_epoch_is_too_much_fewer_images_are_used():
    capped, note = cap_training(TrainConfig(epochs=5), 30_000)
    assert capped.epochs == 1 and capped.train_size == 30_000
    assert note is not None


def test_cheaper_networks_may_train_longer():
    fast = TrainConfig(arch="fast", epochs=30)
    assert work(fast) < work(TrainConfig(epochs=30)) / 3
    assert cap_training(fast, DEFAULT_MAX_WORK)[0].epochs == 30


def test_the_operator_sets_the_cap(monkeypatch):
    monkeypatch.setenv(MAX_WORK_ENV, "120000")
    assert max_work() == 120_000
    assert max_work("2e6") == 2e6  # from the app's secrets, over the environment
    monkeypatch.setenv(MAX_WORK_ENV, "lots")
    assert max_work() == DEFAULT_MAX_WORK


@pytest.mark.slow
def test_the_catalog_flops_are_the_built_networks():
    from mnist_core.models.architectures import build_model, count_flops

    for name, arch in ARCHITECTURES.items():
        assert arch.flops == count_flops(build_model(name))


def test_an_untimed_server_says_a_range_and_a_timed_one_its_own_time():
    from mnist_core.serving.limits import BUSY_FACTOR, Pace

    pace = Pace()
    tutorial, fast = PRESETS["recipe"], PRESETS["fast"]
    low, high = pace.estimate(tutorial)
    assert 300 < low < 450  # ~374 s measured on an idle 2-core server
    assert high == pytest.approx(low * BUSY_FACTOR)
    pace.record(fast, 3.0)  # mostly start-up: not learned from
    assert pace.estimate(fast) == Pace().estimate(fast)
    idle = Pace().estimate(fast)[0]
    pace.record(fast, 113.0)  # a busy server: the fast preset in 113 s
    assert pace.estimate(fast) == pytest.approx((113.0, 113.0))
    # The tutorial net was never timed here: scaled by how slow this server was.
    slow = Pace().estimate(tutorial)[0] * 113.0 / idle
    assert pace.estimate(tutorial) == pytest.approx((slow, slow))
    pace.record(tutorial, 200.0)
    assert pace.estimate(tutorial) == pytest.approx((200.0, 200.0))
