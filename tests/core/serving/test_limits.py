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


def test_an_untimed_server_says_one_figure_with_its_margin():
    from mnist_core.serving.limits import BUSY_FACTOR, Pace

    pace = Pace()
    tutorial = PRESETS["recipe"]
    about, margin = pace.estimate(tutorial)
    idle = about / ((1 + BUSY_FACTOR) / 2)
    assert 300 < idle < 450  # ~374 s measured on an idle 2-core server
    # The honest span of an idle and a busy server, said as one figure.
    assert about - margin == pytest.approx(idle)
    assert about + margin == pytest.approx(idle * BUSY_FACTOR)
    assert not pace.timed()


def test_a_timed_server_says_its_own_time_give_or_take_its_spread():
    from mnist_core.serving.limits import MIN_MARGIN, Pace

    pace = Pace()
    tutorial, fast = PRESETS["recipe"], PRESETS["fast"]
    pace.record(fast, 3.0)  # mostly start-up: not learned from
    assert not pace.timed()
    idle_fast = Pace().estimate(fast).seconds / 3  # (1 + 5) / 2
    pace.record(fast, 113.0)  # a busy server: the fast preset in 113 s
    assert pace.estimate(fast) == pytest.approx((113.0, MIN_MARGIN * 113.0))
    # The tutorial net was never timed here: scaled by how slow this server was.
    slow = Pace().estimate(tutorial).seconds / 3 * 113.0 / idle_fast
    assert pace.estimate(tutorial).seconds == pytest.approx(slow)
    pace.record(tutorial, 200.0)
    assert pace.estimate(tutorial).seconds == pytest.approx(200.0)
    # Two runs of very different pace: the margin is their spread, not 20 %.
    assert pace.estimate(tutorial).margin > MIN_MARGIN * 200.0


def test_a_stopped_run_teaches_the_pace_by_the_batches_it_did():
    # Issue #36: after a stopped 38-s run the page said the server had not yet
    # timed a training.
    from mnist_core.serving.limits import Pace

    pace, fast = Pace(), PRESETS["fast"]
    pace.record(fast, 38.0, done=0.5)  # half its batches in 38 s
    assert pace.timed()
    assert pace.estimate(fast).seconds == pytest.approx(76.0)


def test_a_lesson_lowers_epochs_and_images_to_its_limits_and_says_so():
    from mnist_core.serving.limits import within_lesson
    from mnist_core.training.config import TrainConfig

    asked = TrainConfig(epochs=10, train_size=60_000)
    config, note = within_lesson(asked, 2, 10_000)
    assert (config.epochs, config.train_size) == (2, 10_000)
    assert note.params == {
        "epochs": 2,
        "images": 10_000,
        "asked_epochs": 10,
        "asked_images": 60_000,
    }
    assert within_lesson(asked, None, None) == (asked, None)
    small = TrainConfig(epochs=1, train_size=1000)
    assert within_lesson(small, 2, 10_000) == (small, None)


def test_a_lines_waits_are_read_from_whole_turns_short_ones_included():
    from mnist_core.serving.limits import Pace, idle_seconds

    pace, short = Pace(), TrainConfig(arch="fast", epochs=1, train_size=5000)
    assert pace.turn(short) == pace.estimate(short).seconds  # nothing timed yet
    # A 4-second fit is too short to teach the training's pace; its whole
    # turn (loading, fitting, testing) still says how long the line waits.
    pace.record(short, 4.0)
    assert not pace.timed()
    pace.record_turn(short, 3 * idle_seconds(short))
    assert pace.turn(short) == pytest.approx(3 * idle_seconds(short))
    bigger = TrainConfig(arch="recipe", epochs=2, train_size=10000)
    assert pace.turn(bigger) == pytest.approx(3 * idle_seconds(bigger))
