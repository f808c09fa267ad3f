"""Trainings that run off the page script, one at a time (by default) per server.

A page submits a TrainingJob to the process-wide TrainingQueue, then polls
`job.snapshot()` to draw progress; the job keeps running while its user browses
other pages, and stops when asked, or when its owner's session is gone. The
line is bounded: MNIST_MAX_QUEUE visitors' trainings waiting or running in
all, and one per browser session and per client address (sessions are free to
open). A class's pupils have places of their own, MNIST_MAX_CLASS_QUEUE in
all: a lesson of 30 pressing Start at once all get in line, behind one school
address, while the visitors' places stay theirs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from mnist_core.data.mnist import MnistData
from mnist_core.errors import Message, MnistError
from mnist_core.serving.limits import Pace
from mnist_core.serving.memory import release_free_memory
from mnist_core.training.config import TrainConfig

if TYPE_CHECKING:  # the loop imports TensorFlow; this module must not
    from mnist_core.data.pen_digits import PenDigits
    from mnist_core.training.loop import TrainResult
from mnist_core.training.events import BatchEvent, EpochEvent, Event

MAX_TRAININGS_ENV = "MNIST_MAX_TRAININGS"
MAX_QUEUE_ENV = "MNIST_MAX_QUEUE"
PER_ADDRESS_ENV = "MNIST_MAX_PER_ADDRESS"  # raise it for a class behind one NAT
# Waiting or running in all: on 2 cores five trainings of the Fast preset are
# ~10 minutes of waiting for the last one; a longer line only promises hours.
DEFAULT_MAX_QUEUE = 5
CLASS_QUEUE_ENV = "MNIST_MAX_CLASS_QUEUE"
# One full class (PUPILS_PER_CLASS) in line at once; each pupil still holds
# one place at most, and a class's own lesson limits keep the runs short.
DEFAULT_CLASS_QUEUE = 60
VISITORS, CLASS_POOL = "", "class"  # whose places a training takes
MAX_POINTS = 2000  # chart points kept per job; older ones are thinned, not dropped
SMOOTHING = 0.9  # exponential moving average of per-batch loss and accuracy
OWNER_CHECK_SECONDS = 1.0
LOG = logging.getLogger(__name__)


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"
    CANCELLED = "cancelled"
    FAILED = "failed"


FINISHED = {JobState.DONE, JobState.STOPPED, JobState.CANCELLED, JobState.FAILED}


@dataclass(frozen=True)
class CurvePoint:
    step: int  # batches done since the start
    loss: float  # smoothed per-batch values
    accuracy: float


@dataclass(frozen=True)
class JobSnapshot:
    """A consistent copy of a job's progress, safe to read on the page thread."""

    state: JobState
    position: int  # 0 while running or finished, 1.. while waiting in line
    starts_in: float | None  # about how many seconds until it starts; None: unknown
    latest: BatchEvent | None
    points: list[CurvePoint]
    epochs: list[EpochEvent]
    error: Message | None


@dataclass
class _Smoother:
    """Recovers each batch's value from Keras's running epoch mean, then smooths.

    The moving average is bias-corrected (as Adam does), so the first points
    follow the data instead of creeping up from the first batch's value.
    """

    previous_mean: float = 0.0
    average: float = 0.0
    count: int = 0

    def update(self, batch: int, running_mean: float) -> float:
        if batch == 1:
            self.previous_mean = 0.0
        raw = batch * running_mean - (batch - 1) * self.previous_mean
        self.previous_mean = running_mean
        self.count += 1
        self.average = SMOOTHING * self.average + (1 - SMOOTHING) * raw
        return self.average / (1 - SMOOTHING**self.count)


@dataclass
class TrainingJob:
    """One requested training: its settings, progress, and in the end its result."""

    config: TrainConfig
    owner_alive: Callable[[], bool] = lambda: True
    owner: str = ""  # who asked (a browser session); one unfinished job each
    client: str = ""  # where from (clients.client_address); one each, "" unknown
    pool: str = VISITORS  # VISITORS or CLASS_POOL: whose places it takes
    extra: PenDigits | None = None  # digits learned from besides MNIST's
    state: JobState = JobState.QUEUED
    result: TrainResult | None = None  # once finished
    error: Message | None = None
    worker_pid: int | None = None  # the process training it, when on a cluster
    # Called with the job once its model is there, on the training's thread:
    # the model is kept even when no page is open to show it.
    on_finish: Callable[[TrainingJob], None] | None = None
    stop_event: threading.Event = field(default_factory=threading.Event)
    _epochs: list[EpochEvent] = field(default_factory=list)
    _points: list[CurvePoint] = field(default_factory=list)
    _stride: int = 1
    _latest: BatchEvent | None = None
    _loss: _Smoother = field(default_factory=_Smoother)
    _accuracy: _Smoother = field(default_factory=_Smoother)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _owner_checked: float = 0.0
    queue: Trainings | None = None  # what numbers its place in line

    def request_stop(self) -> None:
        """Stop after the current batch (or leave the queue if still waiting)."""
        self.stop_event.set()

    def listen(self, event: Event) -> None:
        """The training's listener: record progress; stop if the owner left."""
        with self._lock:
            if isinstance(event, EpochEvent):
                self._epochs.append(event)
            else:
                self._record_batch(event)
        self.stop_if_owner_left()

    def _record_batch(self, event: BatchEvent) -> None:
        self._latest = event
        step = (event.epoch - 1) * event.batches + event.batch
        loss = self._loss.update(event.batch, event.loss)
        accuracy = self._accuracy.update(event.batch, event.accuracy)
        if step % self._stride == 0:
            self._points.append(CurvePoint(step, loss, accuracy))
        if len(self._points) > MAX_POINTS:
            self._points = self._points[::2]
            self._stride *= 2

    def stop_if_owner_left(self) -> None:
        """Request a stop once the owner's session is gone; asks the owner at
        most every OWNER_CHECK_SECONDS, so callers may call it in a loop."""
        now = time.monotonic()
        if now - self._owner_checked >= OWNER_CHECK_SECONDS:
            self._owner_checked = now
            if not self.owner_alive():
                self.request_stop()

    def snapshot(self) -> JobSnapshot:
        position = self.queue.position(self) if self.queue else 0
        starts_in = self.queue.starts_in(self) if position else None
        with self._lock:
            return JobSnapshot(
                self.state,
                position,
                starts_in,
                self._latest,
                list(self._points),
                list(self._epochs),
                self.error,
            )

    def finish(self, result: TrainResult, pace: Pace) -> None:
        """Hand over the trained model and teach `pace` this server's speed:
        a stopped run by the share of its batches it did."""
        self.result = result
        pace.record(self.config, result.train_seconds, self.share_done_by(result))
        if self.on_finish is not None:
            try:
                self.on_finish(self)
            except Exception:  # keeping it failed: the page still shows it
                LOG.exception("a finished training could not be kept")
        self.state = JobState.STOPPED if result.stopped else JobState.DONE

    def share_done(self) -> float:
        """The share of the training's batches done (1 once it is DONE)."""
        return 1.0 if self.state == JobState.DONE else self._share()

    def share_done_by(self, result: TrainResult) -> float:
        """The share of batches done by a training that ended with `result`."""
        return self._share() if result.stopped else 1.0

    def _share(self) -> float:
        latest = self._latest
        if latest is None:
            return 0.0
        batches = max(latest.epochs * latest.batches, 1)
        return ((latest.epoch - 1) * latest.batches + latest.batch) / batches

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


@runtime_checkable
class Trainings(Protocol):
    """Where a server's trainings run, as the pages see it: the in-process
    TrainingQueue or, with a cluster, serving.cluster.ClusterTrainings."""

    pace: Pace  # how fast this server's trainings go, for the page's estimate

    def submit(
        self, job: TrainingJob, data: MnistData, run: Callable | None = None
    ) -> TrainingJob:
        """Start `job` (`run(config, data, listener, stop)` defaults to `train`).

        Raises:
            MnistError: the job's owner or address already has one waiting or
                running, the line is full, or the trainings cannot be reached.
        """
        ...

    def position(self, job: TrainingJob) -> int:
        """1-based place in line while `job` waits, 0 otherwise."""
        ...

    def starts_in(self, job: TrainingJob) -> float | None:
        """About how many seconds until waiting `job` starts; None: unknown."""
        ...


def failure_message(exc: Exception) -> Message:
    """What the user reads when a training fails: the core's own sentence, or a
    plain one (the details go to the server's log, never to the page)."""
    if isinstance(exc, MnistError):
        return exc.message
    LOG.error("training failed", exc_info=exc)
    if isinstance(exc, MemoryError):
        return Message(
            "The server ran out of memory during the training: try fewer "
            "training images or a smaller network."
        )
    return Message(
        "The training stopped because of an unexpected problem ({kind}). Start "
        "it again; if it happens again, tell whoever runs this app.",
        {"kind": type(exc).__name__},
    )


def slot_refusal(
    holders: list[tuple[str, str, str]],
    owner: str,
    client: str,
    limit: int | None = None,
    per_client: int = 1,
    pool: str = VISITORS,
) -> Message | None:
    """Why a new training of `owner` from `client` may not join a line whose
    unfinished trainings are `holders` ((owner, client, pool)), or None.

    One training per person at a time, `per_client` per address, at most
    `limit` places of its `pool`: the same rule for one server's queue and a
    cluster's.
    """
    if owner and any(held_by == owner for held_by, *_ in holders):
        return Message(
            "You already have a training waiting or running: let it "
            "finish or stop it before starting another."
        )
    if client and sum(1 for _, held, _ in holders if held == client) >= per_client:
        return Message(
            "Your connection already has as many trainings waiting or running as "
            "this server allows ({limit}), perhaps from another tab or from "
            "someone on the same network: let one finish or stop it before "
            "starting another.",
            {"limit": per_client},
        )
    taken = sum(1 for *_, held in holders if held == pool)
    if limit is not None and taken >= limit:
        return Message(
            "The training line is full: {count} trainings are waiting or "
            "running on this server. Try again in a few minutes.",
            {"count": taken},
        )
    return None


def claim_owner_slot(
    unfinished: list[TrainingJob],
    job: TrainingJob,
    limit: int | None = None,
    per_client: int = 1,
) -> None:
    """Add `job` to `unfinished` (pruned of finished jobs in place) unless
    `slot_refusal` says no.

    Raises:
        MnistError: the owner or the address already has a training waiting
            or running, or the line is full.
    """
    unfinished[:] = [j for j in unfinished if not j.finished]
    holders = [(j.owner, j.client, j.pool) for j in unfinished]
    refusal = slot_refusal(holders, job.owner, job.client, limit, per_client, job.pool)
    if refusal is not None:
        raise MnistError(refusal.template, **refusal.params)
    unfinished.append(job)


class TrainingQueue:
    """Runs submitted jobs on worker threads, at most `max_running` at a time,
    `max_queue` visitors' and `class_queue` pupils' waiting or running,
    `per_client` of them from one address."""

    def __init__(
        self,
        max_running: int = 1,
        max_queue: int = DEFAULT_MAX_QUEUE,
        per_client: int = 1,
        class_queue: int = DEFAULT_CLASS_QUEUE,
    ):
        self.max_running = max(1, max_running)
        self.limits = {VISITORS: max(1, max_queue), CLASS_POOL: max(1, class_queue)}
        self.per_client = max(1, per_client)
        self._running: list[TrainingJob] = []
        self._waiting: list[TrainingJob] = []
        self._unfinished: list[TrainingJob] = []
        self.pace = Pace()  # how fast this server trains, from its own trainings
        self._turn = threading.Condition()

    def submit(
        self,
        job: TrainingJob,
        data: MnistData,
        run: Callable | None = None,
    ) -> TrainingJob:
        """Queue `job`; `run(config, data, listener, stop)` defaults to `train`.

        Raises:
            MnistError: the job's owner or address already has one waiting or
                running, or the line is full.
        """
        with self._turn:
            limit = self.limits[job.pool]
            claim_owner_slot(self._unfinished, job, limit, self.per_client)
            job.queue = self
            self._waiting.append(job)
        threading.Thread(
            target=self._work, args=(job, data, run), daemon=True, name="training-job"
        ).start()
        return job

    def position(self, job: TrainingJob) -> int:
        """1-based place in line while waiting, 0 otherwise."""
        with self._turn:
            return self._waiting.index(job) + 1 if job in self._waiting else 0

    def starts_in(self, job: TrainingJob) -> float | None:
        """About how many seconds until waiting `job` starts: what the running
        trainings have left and the estimates of those ahead of it, shared
        among the workers; None once it is not waiting."""
        with self._turn:
            if job not in self._waiting:
                return None
            ahead = self._waiting[: self._waiting.index(job)]
            running = list(self._running)
        left = sum(self.pace.turn(j.config) * (1 - j.share_done()) for j in running)
        left += sum(self.pace.turn(j.config) for j in ahead)
        return left / self.max_running

    def _wait_for_turn(self, job: TrainingJob) -> bool:
        with self._turn:
            while not job.stop_event.is_set():
                if len(self._running) < self.max_running and self._waiting[0] is job:
                    self._waiting.remove(job)
                    self._running.append(job)
                    job.state = JobState.RUNNING  # never out of line yet QUEUED
                    return True
                self._turn.wait(timeout=OWNER_CHECK_SECONDS)
                job.stop_if_owner_left()
            self._waiting.remove(job)
            self._turn.notify_all()
            return False

    def _work(self, job: TrainingJob, data: MnistData, run: Callable | None) -> None:
        if not self._wait_for_turn(job):
            job.state = JobState.CANCELLED
            return
        started = time.monotonic()
        try:
            if run is None:
                from mnist_core.training.loop import train

                run = partial(train, pen=job.extra)
            job.finish(run(job.config, data, job.listen, job.stop_event), self.pace)
            if job.state == JobState.DONE:
                self.pace.record_turn(job.config, time.monotonic() - started)
        except Exception as exc:  # shown to the user; the server must keep serving
            job.error = failure_message(exc)
            job.state = JobState.FAILED
        finally:
            release_free_memory()  # a training's peak need not stay resident
            with self._turn:
                self._running.remove(job)
                self._turn.notify_all()
