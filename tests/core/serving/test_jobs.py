"""The training queue: one at a time, positions, stops, abandoned sessions, errors."""

import threading

import pytest

from mnist_core.serving.jobs import MAX_POINTS, JobState, TrainingJob, TrainingQueue
from mnist_core.training.config import TrainConfig
from mnist_core.training.events import BatchEvent
from tests.support.fakes import fake_training
from tests.support.polling import wait_until


def test_one_training_at_a_time_and_others_see_their_place():
    queue, gate = TrainingQueue(max_running=1), threading.Event()
    jobs = [
        queue.submit(
            TrainingJob(config=TrainConfig(seed=i)), None, fake_training(gate=gate)
        )
        for i in range(3)
    ]
    assert wait_until(lambda: jobs[0].state == JobState.RUNNING)
    assert [j.snapshot().position for j in jobs] == [0, 1, 2]
    assert jobs[1].state == JobState.QUEUED
    gate.set()
    assert wait_until(lambda: all(j.finished for j in jobs))
    assert [j.state for j in jobs] == [JobState.DONE] * 3


def test_stop_while_waiting_leaves_the_queue():
    queue, gate = TrainingQueue(max_running=1), threading.Event()
    first = queue.submit(
        TrainingJob(config=TrainConfig(seed=0)), None, fake_training(gate=gate)
    )
    second = queue.submit(
        TrainingJob(config=TrainConfig(seed=1)), None, fake_training(gate=gate)
    )
    third = queue.submit(
        TrainingJob(config=TrainConfig(seed=2)), None, fake_training(gate=gate)
    )
    assert wait_until(lambda: first.state == JobState.RUNNING)
    second.request_stop()
    assert wait_until(lambda: second.state == JobState.CANCELLED)
    assert third.snapshot().position == 1  # moved up
    gate.set()
    assert wait_until(lambda: third.state == JobState.DONE)


def test_stop_while_running_keeps_the_result_and_marks_it_stopped():
    queue, gate = TrainingQueue(), threading.Event()
    job = queue.submit(
        TrainingJob(config=TrainConfig(seed=0)), None, fake_training(gate=gate)
    )
    assert wait_until(lambda: job.state == JobState.RUNNING)
    job.request_stop()
    gate.set()
    assert wait_until(lambda: job.finished)
    assert job.state == JobState.STOPPED and job.result.stopped


def test_job_of_a_closed_session_stops_itself():
    alive = threading.Event()
    alive.set()
    gate = threading.Event()
    job = TrainingQueue().submit(
        TrainingJob(config=TrainConfig(seed=0), owner_alive=alive.is_set),
        None,
        fake_training(batches=1000, gate=gate),
    )
    gate.set()
    alive.clear()  # the tab was closed
    assert wait_until(lambda: job.finished, seconds=10)
    assert job.state == JobState.STOPPED


def test_failure_is_reported_and_the_next_job_runs():
    def broken(config, data, listener, stop):
        raise ValueError("/srv/app/secret/path.py line 3")

    queue = TrainingQueue()
    bad = queue.submit(TrainingJob(config=TrainConfig(seed=0)), None, broken)
    good = queue.submit(TrainingJob(config=TrainConfig(seed=1)), None, fake_training())
    assert wait_until(lambda: bad.finished and good.finished)
    error = bad.snapshot().error
    assert bad.state == JobState.FAILED and "unexpected problem (ValueError)" in str(
        error
    )
    assert "/srv" not in str(error)  # details go to the log, not to the user
    assert good.state == JobState.DONE


def test_a_failure_in_the_cores_words_keeps_its_template_for_translation():
    from mnist_core.errors import MnistError

    def refused(config, data, listener, stop):
        raise MnistError(
            "The {name} must be between {low} and {high}.", name="x", low=1, high=2
        )

    job = TrainingQueue().submit(TrainingJob(config=TrainConfig(seed=0)), None, refused)
    assert wait_until(lambda: job.finished)
    error = job.snapshot().error
    assert error.template == "The {name} must be between {low} and {high}."
    assert error.params == {"name": "x", "low": 1, "high": 2}


def test_curves_recover_per_batch_values_from_running_means():
    job = TrainingJob(config=TrainConfig(seed=0))
    # Batch losses 4, 2, 0 give running means 4, 3, 2.
    for b, mean in enumerate([4.0, 3.0, 2.0], start=1):
        job.listen(BatchEvent(1, 1, b, 3, mean, 0.5, 0.0, 0.0))
    losses = [p.loss for p in job.snapshot().points]
    # Bias-corrected moving average of 4, 2, 0 with weight 0.9 on the past.
    assert losses[0] == pytest.approx(4.0)
    assert losses[1] == pytest.approx((0.9 * 0.4 + 0.1 * 2) / (1 - 0.9**2))
    assert losses[2] == pytest.approx((0.9 * 0.56 + 0.1 * 0) / (1 - 0.9**3))


def test_chart_points_stay_bounded_over_a_long_run():
    job = TrainingJob(config=TrainConfig(seed=0))
    for b in range(1, 20 * MAX_POINTS):
        job.listen(BatchEvent(1, 1, b, 20 * MAX_POINTS, 1.0, 0.5, 0.0, 0.0))
    points = job.snapshot().points
    assert len(points) <= MAX_POINTS
    assert points[-1].step > 18 * MAX_POINTS  # still reaches the latest batches


def test_one_unfinished_training_per_owner():
    from mnist_core.errors import MnistError

    queue, gate = TrainingQueue(1), threading.Event()
    first = queue.submit(
        TrainingJob(TrainConfig(), owner="tab-1"), None, fake_training(gate=gate)
    )
    with pytest.raises(MnistError, match="already have a training"):
        queue.submit(TrainingJob(TrainConfig(), owner="tab-1"), None, fake_training())
    other = queue.submit(
        TrainingJob(TrainConfig(), owner="tab-2"), None, fake_training()
    )
    gate.set()
    assert wait_until(lambda: first.finished and other.finished)
    again = queue.submit(
        TrainingJob(TrainConfig(), owner="tab-1"), None, fake_training()
    )
    assert wait_until(lambda: again.state == JobState.DONE)


def test_a_stopped_job_says_the_share_of_its_batches_it_did():
    from mnist_core.serving.jobs import JobState, TrainingJob
    from mnist_core.training.events import BatchEvent
    from tests.support.configs import QUICK

    job = TrainingJob(QUICK)
    assert job.share_done() == 0.0
    job.listen(BatchEvent(2, 3, 84, 235, 0.5, 0.8, 10.0, 20.0))
    job.state = JobState.STOPPED
    assert job.share_done() == (235 + 84) / (3 * 235)
    job.state = JobState.DONE
    assert job.share_done() == 1.0
