"""Trainings on a real Ray cluster (a head started here, on 127.0.0.1)."""

from __future__ import annotations

import os
import signal
import tempfile
import time

import pytest

from mnist_core.data.mnist import to_model_input
from mnist_core.errors import MnistError
from mnist_core.serving.cluster import (
    CLUSTER_GONE,
    UNREACHABLE,
    WORKER_DIED,
    ClusterTrainings,
)
from mnist_core.serving.jobs import JobState, TrainingJob
from mnist_core.training.config import TrainConfig
from tests.support.configs import QUICK
from tests.support.polling import finished_within, wait_until
from tests.support.servers import free_port, start_ray_head, wait_listening

pytestmark = pytest.mark.slow

LONG = TrainConfig(arch="fast", epochs=5, train_size=60000, batch_size=32, seed=3)


@pytest.fixture(scope="module")
def head(mnist_path):
    """A two-CPU Ray head; the last test of this module takes it down."""
    import ray

    port, client_port = free_port(), free_port()
    temp_dir = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: socket paths
    log = open(os.path.join(temp_dir, "head.log"), "w")
    env = {**os.environ, "MNIST_PATH": str(mnist_path)}
    process = start_ray_head(port, client_port, 2, temp_dir, log, env)
    try:
        wait_listening(client_port, process)
        yield process, f"ray://127.0.0.1:{client_port}"
    finally:
        ray.shutdown()
        if process.poll() is None:
            process.terminate()
            process.wait(60)
        log.close()


def running_within(job: TrainingJob, seconds: float) -> bool:
    """Running and already reporting batches: the worker is training."""

    def reporting() -> bool:
        if job.snapshot().latest is not None:
            return True
        assert not job.finished, job.error
        return False

    return wait_until(reporting, seconds, every=0.1)


def test_a_cluster_training_streams_its_progress_and_returns_its_model(head, mnist):
    _, address = head
    trainings = ClusterTrainings(address)
    job = trainings.submit(TrainingJob(QUICK, owner="a"), mnist)
    assert finished_within(job, 240), "the training never finished"
    assert job.state == JobState.DONE, job.error
    snapshot = job.snapshot()
    assert snapshot.latest.batch == snapshot.latest.batches == 16
    assert len(snapshot.points) == 16 and len(snapshot.epochs) == 1
    assert job.worker_pid not in (None, os.getpid())
    result = job.result
    assert 0.6 < result.test_accuracy < 1.0
    probabilities = result.model.predict(to_model_input(mnist.x_test[:5]), verbose=0)
    assert probabilities.shape == (5, 10)


def test_one_person_cannot_hold_two_cluster_trainings(head, mnist):
    _, address = head
    trainings = ClusterTrainings(address)
    first = trainings.submit(TrainingJob(LONG, owner="same"), mnist)
    try:
        with pytest.raises(MnistError, match="already have a training"):
            trainings.submit(TrainingJob(QUICK, owner="same"), mnist)
    finally:
        first.request_stop()
        assert finished_within(first, 120)


def test_one_address_gets_its_share_across_replicas(head, mnist):
    # Issue #37: each replica kept its own line, so one address got a
    # training on each. Two ClusterTrainings are two replicas' views.
    _, address = head
    replica_1, replica_2 = ClusterTrainings(address), ClusterTrainings(address)
    school = "203.0.113.7"
    first = replica_1.submit(TrainingJob(LONG, owner="a", client=school), mnist)
    try:
        with pytest.raises(MnistError, match="Your connection already has"):
            replica_2.submit(TrainingJob(QUICK, owner="b", client=school), mnist)
    finally:
        first.request_stop()
        assert finished_within(first, 120)
    again: list[TrainingJob] = []

    def given_back() -> bool:  # the first's place is released as it ends
        try:
            again.append(
                replica_2.submit(TrainingJob(QUICK, owner="b", client=school), mnist)
            )
        except MnistError:
            return False
        return True

    assert wait_until(given_back, 20, every=0.5)
    assert finished_within(again[0], 120)


def test_stop_reaches_the_worker_within_two_seconds(head, mnist):
    _, address = head
    job = ClusterTrainings(address).submit(TrainingJob(LONG, owner="b"), mnist)
    assert running_within(job, 120)
    asked = time.monotonic()
    job.request_stop()
    last, last_seen = job.snapshot().latest, asked
    while time.monotonic() - last_seen < 1.0 and not job.finished:
        time.sleep(0.05)
        if job.snapshot().latest != last:  # a batch trained after the request
            last, last_seen = job.snapshot().latest, time.monotonic()
    assert last_seen - asked < 2.0, f"batches came for {last_seen - asked:.1f} s"
    assert finished_within(job, 120)
    assert job.state == JobState.STOPPED and job.result.stopped


def test_a_killed_worker_is_explained_and_the_other_training_goes_on(head, mnist):
    _, address = head
    trainings = ClusterTrainings(address)
    doomed = trainings.submit(TrainingJob(LONG, owner="c"), mnist)
    other = trainings.submit(TrainingJob(QUICK, owner="d"), mnist)
    assert running_within(doomed, 120)
    os.kill(doomed.worker_pid, signal.SIGKILL)
    killed = time.monotonic()
    assert finished_within(doomed, 10), "the page would wait forever"
    assert time.monotonic() - killed < 10
    assert doomed.state == JobState.FAILED and doomed.error == WORKER_DIED
    assert finished_within(other, 240)
    assert other.state == JobState.DONE, other.error


def test_a_cluster_that_goes_away_is_explained_and_start_says_so(head, mnist):
    process, address = head
    trainings = ClusterTrainings(address)
    job = trainings.submit(TrainingJob(LONG, owner="e"), mnist)
    assert running_within(job, 120)
    process.terminate()
    process.wait(60)
    assert finished_within(job, 90), "the page would wait forever"
    assert job.state == JobState.FAILED and job.error in (WORKER_DIED, CLUSTER_GONE)
    started = time.monotonic()
    with pytest.raises(MnistError) as refused:
        trainings.submit(TrainingJob(QUICK, owner="f"), mnist)
    assert refused.value.message.template == UNREACHABLE.template
    assert time.monotonic() - started < 10


def test_no_cluster_at_the_address_says_so_at_once(mnist):
    started = time.monotonic()
    with pytest.raises(MnistError) as refused:
        ClusterTrainings(f"ray://127.0.0.1:{free_port()}").submit(
            TrainingJob(QUICK), mnist
        )
    assert refused.value.message.template == UNREACHABLE.template
    assert time.monotonic() - started < 10
