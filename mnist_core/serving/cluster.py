"""Trainings on a Ray cluster, when $MNIST_RAY_ADDRESS names one.

Each training becomes one Ray actor that asks for the CPUs a training needs;
Ray's scheduler decides where and when it runs, so there is no line of ours:
a job waits, QUEUED, until Ray has placed its actor. The actor trains with
the same `train` as the in-process queue and keeps its progress events; a
thread on the web server polls them several times a second and hands them to
the job, so the page draws the same live charts. The finished model comes
back as .keras bytes and is read through the guarded model door.

Ray is imported only here and only when a cluster is configured
(requirements-cluster.txt): the one-server setup never needs it.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mnist_core.data.mnist import MnistData
from mnist_core.errors import Message, MnistError
from mnist_core.serving.jobs import (
    CLASS_POOL,
    DEFAULT_CLASS_QUEUE,
    DEFAULT_MAX_QUEUE,
    VISITORS,
    JobState,
    TrainingJob,
    failure_message,
)
from mnist_core.serving.limits import Pace
from mnist_core.serving.line import RENEW_SECONDS, cluster_line
from mnist_core.training.config import TrainConfig

if TYPE_CHECKING:
    from mnist_core.training.loop import TrainResult

RAY_ADDRESS_ENV = "MNIST_RAY_ADDRESS"
TRAINING_CPUS_ENV = "MNIST_RAY_TRAINING_CPUS"
POLL_SECONDS = 0.25  # events reach the page, and Stop reaches the worker, this fast
CONNECT_SECONDS = 3.0
CONNECT_TRIES = 3
LOG = logging.getLogger(__name__)

UNREACHABLE = Message(
    "The computers that run trainings cannot be reached right now. Try again in "
    "a few minutes; if it keeps happening, tell whoever runs this app."
)
WORKER_DIED = Message(
    "The training was lost: the computer running it stopped. Start it again."
)
CLUSTER_GONE = Message(
    "The training was lost: the computers that run trainings stopped answering. "
    "Start it again in a few minutes."
)


class TrainingWorker:
    """Runs one training inside a Ray actor process and keeps its events."""

    def __init__(self) -> None:
        self.events: list = []
        self.stop = threading.Event()

    def pid(self) -> int:
        """Answered once Ray has started the actor: the training is placed."""
        return os.getpid()

    def run(self, config: TrainConfig, pen=None) -> dict:
        from mnist_core.data.mnist import load_mnist
        from mnist_core.models.storage import model_bytes
        from mnist_core.training.loop import train

        result = train(config, load_mnist(), self.events.append, self.stop, pen=pen)
        return {
            "model": model_bytes(result.model),
            "test_loss": result.test_loss,
            "test_accuracy": result.test_accuracy,
            "train_seconds": result.train_seconds,
            "stopped": result.stopped,
            "data_fingerprint": result.data_fingerprint,
            "history": result.history,
            "pen_digits": result.pen_digits,
        }

    def events_since(self, start: int) -> list:
        return self.events[start:]

    def request_stop(self) -> None:
        self.stop.set()


def _reachable(address: str) -> bool:
    """A quick TCP knock before Ray's own connection, which retries for long."""
    parts = urlsplit(address if "://" in address else f"ray://{address}")
    if parts.hostname is None or parts.port is None:
        return True  # e.g. "auto": let Ray resolve it
    try:
        with socket.create_connection((parts.hostname, parts.port), CONNECT_SECONDS):
            return True
    except OSError:
        return False


class ClusterTrainings:
    """`Trainings` (submit, position, pace) over a Ray cluster, with the
    TrainingQueue's bounds: `max_queue` visitors' and `class_queue` pupils'
    trainings in all, one per session, `per_client` per address, counted
    across every replica by the cluster's one line (serving/line.py)."""

    def __init__(
        self,
        address: str,
        cpus: int = 1,
        max_queue: int = DEFAULT_MAX_QUEUE,
        per_client: int = 1,
        class_queue: int = DEFAULT_CLASS_QUEUE,
    ):
        self.address, self.cpus = address, max(1, cpus)
        self.limits = {VISITORS: max(1, max_queue), CLASS_POOL: max(1, class_queue)}
        self.per_client = max(1, per_client)
        self.pace = Pace()
        self._lock = threading.Lock()

    def submit(
        self, job: TrainingJob, data: MnistData, run: Callable | None = None
    ) -> TrainingJob:
        """Hand `job` to the cluster (`data` and `run` are the queue's; the
        worker reads MNIST and trains on its own).

        Raises:
            MnistError: the cluster cannot be reached, the job's owner or
                address already has a training waiting or running, or the
                line is full.
        """
        place = secrets.token_hex(8)
        with self._lock:
            line = self._claim(place, job)
            try:
                actor = self._start_actor()
            except MnistError:
                line.release.remote(place)
                raise
        threading.Thread(
            target=self._drive,
            args=(job, actor, _Lease(line, place)),
            daemon=True,
            name="ray-training",
        ).start()
        return job

    def position(self, job: TrainingJob) -> int:
        return 0  # Ray keeps no line we could number

    def starts_in(self, job: TrainingJob) -> float | None:
        return None

    def _claim(self, place: str, job: TrainingJob):
        """A place in the cluster's line for `job`, or the line's refusal."""
        for _ in range(2):  # a connection lost since the last call: once more
            ray = self._connect()
            try:
                line = cluster_line(ray)
                refusal = ray.get(
                    line.claim.remote(
                        place,
                        job.owner,
                        job.client,
                        self.limits[job.pool],
                        self.per_client,
                        job.pool,
                    )
                )
                break
            except Exception as exc:
                LOG.warning("cannot reach the training line", exc_info=exc)
                ray.shutdown()
        else:
            raise MnistError(UNREACHABLE.template)
        if refusal is not None:
            raise MnistError(refusal.template, **refusal.params)
        return line

    def _connect(self):
        try:
            import ray
        except ImportError as exc:  # an operator set the address, not the package
            LOG.error(
                "%s is set but Ray is not installed: pip install -r "
                "requirements-cluster.txt",
                RAY_ADDRESS_ENV,
            )
            raise MnistError(UNREACHABLE.template) from exc
        if not _reachable(self.address):
            ray.shutdown()  # a connection to a cluster that went away is dead
            raise MnistError(UNREACHABLE.template)
        if ray.is_initialized():
            return ray
        # Ray's client server sometimes loses the process it starts for a new
        # connection (ray-project/ray#63202); a second try gets a fresh one.
        for attempt in range(1, CONNECT_TRIES + 1):
            try:
                ray.init(self.address, runtime_env=self._runtime_env())
                return ray
            except Exception as exc:  # Ray raises many kinds for a bad address
                LOG.warning("connecting to Ray, try %d: %s", attempt, exc)
                ray.shutdown()
        raise MnistError(UNREACHABLE.template)

    def _runtime_env(self) -> dict:
        # The workers run this server's own mnist_core, sent along by Ray; a
        # training uses as many threads as the CPUs it asked for.
        import mnist_core

        threads = str(self.cpus)
        return {
            "py_modules": [os.path.dirname(mnist_core.__file__)],
            "env_vars": {"TF_NUM_INTRAOP_THREADS": threads, "OMP_NUM_THREADS": threads},
        }

    def _start_actor(self):
        # A connection lost since the last training fails here once; the
        # second try connects afresh.
        for _ in range(2):
            ray = self._connect()
            try:
                # Four threads: the training, and the polls and Stop beside it.
                return (
                    ray.remote(TrainingWorker)
                    .options(num_cpus=self.cpus, max_concurrency=4, max_restarts=0)
                    .remote()
                )
            except Exception as exc:
                LOG.warning("cannot start a training on Ray", exc_info=exc)
                ray.shutdown()
        raise MnistError(UNREACHABLE.template)

    def _drive(self, job: TrainingJob, actor, lease: _Lease) -> None:
        import ray

        try:
            if not self._wait_for_placement(job, actor, lease):
                job.state = JobState.CANCELLED
                return
            job.state = JobState.RUNNING
            payload = self._follow(job, actor, lease)
            job.finish(_result(job.config, payload), self.pace)
        except Exception as exc:  # shown to the user; the server keeps serving
            job.error = _cluster_failure(exc)
            job.state = JobState.FAILED
        finally:
            lease.release()
            try:
                ray.kill(actor)
            except Exception:  # already gone with its process or the cluster
                pass

    def _wait_for_placement(self, job: TrainingJob, actor, lease: _Lease) -> bool:
        import ray

        placed = actor.pid.remote()
        while not ray.wait([placed], timeout=POLL_SECONDS)[0]:
            lease.renew()
            job.stop_if_owner_left()
            if job.stop_event.is_set():
                return False
        job.worker_pid = ray.get(placed)
        return True

    def _follow(self, job: TrainingJob, actor, lease: _Lease) -> dict:
        import ray

        finished, seen, stop_sent = actor.run.remote(job.config, job.extra), 0, False
        while True:
            done = ray.wait([finished], timeout=POLL_SECONDS)[0]
            lease.renew()
            for event in ray.get(actor.events_since.remote(seen)):
                job.listen(event)
                seen += 1
            if job.stop_event.is_set() and not stop_sent:
                actor.request_stop.remote()
                stop_sent = True
            if done:
                return ray.get(finished)


class _Lease:
    """A training's place in the cluster's line, renewed while it lives."""

    def __init__(self, line, place: str) -> None:
        self.line, self.place = line, place
        self._renewed = time.monotonic()

    def renew(self) -> None:
        if time.monotonic() - self._renewed >= RENEW_SECONDS:
            self._renewed = time.monotonic()
            try:
                self.line.renew.remote([self.place])
            except Exception:  # the cluster went away: the training says so
                pass

    def release(self) -> None:
        try:
            self.line.release.remote(self.place)
        except Exception:  # gone with the cluster; the place lapses there
            pass


def _result(config: TrainConfig, payload: dict) -> TrainResult:
    from mnist_core.models.storage import load_uploaded_model
    from mnist_core.training.loop import TrainResult

    model = load_uploaded_model(payload.pop("model"), "trained.keras")
    return TrainResult(model=model, config=config, **payload)


def _cluster_failure(exc: Exception) -> Message:
    """The user's sentence for what went wrong on or with the cluster."""
    from ray import exceptions

    if isinstance(exc, exceptions.RayTaskError):
        cause = exc.cause if isinstance(exc.cause, Exception) else exc
        return failure_message(cause)
    if isinstance(exc, exceptions.RayActorError | exceptions.WorkerCrashedError):
        LOG.warning("a training's worker died", exc_info=exc)
        return WORKER_DIED
    if isinstance(exc, ConnectionError | exceptions.RaySystemError):
        LOG.warning("the Ray cluster went away", exc_info=exc)
        return CLUSTER_GONE
    return failure_message(exc)
