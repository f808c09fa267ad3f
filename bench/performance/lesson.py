"""A lesson of 30 on one server: every pupil presses Start within a minute.

    python -m bench.performance.lesson [--pupils 30] [--spread 60]
        [--epochs 2] [--images 10000] [--arch mixed]

Each simulated pupil is a training of the class's places (`CLASS_POOL`), all
from one school address (class members count as "" there, as the Train page
makes them), with settings a pupil might pick within the lesson's limits:
the lesson's epochs and images, the architecture (Fast, Small and Tutorial
CNN in turn, or `--arch` for all) and the batch size (64, 128, 256) varied;
or, with `--arch first-try`, the Train page's first settings within them.
They press Start at random moments of the first `spread` seconds, on the
TrainingQueue `streamlit run` makes (one training at a time; `--running`
for MNIST_MAX_TRAININGS), and train for real on MNIST. One pupil presses
Start again while theirs waits.

Reports: how many were refused (none should be), the second press's
answer, when the last run finished (seconds after the first press), and for
each pupil the start the page told them when they pressed against the
moment it really started.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace

from mnist_core.data.mnist import load_mnist
from mnist_core.errors import MnistError
from mnist_core.serving.jobs import CLASS_POOL, TrainingJob, TrainingQueue
from mnist_core.serving.limits import within_lesson
from mnist_core.training.config import PRESETS, TrainConfig
from mnist_core.training.loop import train

ARCHS = ("fast", "small", "recipe")
BATCHES = (64, 128, 256)


def pupil_config(number: int, args) -> TrainConfig:
    """What pupil `number` trains, within the lesson's limits."""
    if args.arch == "first-try":  # the Train page's own first settings
        start = PRESETS["fast"]
        return within_lesson(replace(start, seed=number), args.epochs, args.images)[0]
    arch = ARCHS[number % len(ARCHS)] if args.arch == "mixed" else args.arch
    return TrainConfig(
        arch=arch,
        epochs=args.epochs,
        train_size=args.images,
        batch_size=BATCHES[number // len(ARCHS) % len(BATCHES)],
        seed=number,
    ).validate()


class Lesson:
    """The queue, the pupils' jobs, and the moments each was pressed,
    told, started and ended."""

    def __init__(self, args) -> None:
        self.args, self.data = args, load_mnist()
        self.queue = TrainingQueue(max_running=args.running, class_queue=60)
        self.jobs, self.told, self.refused = {}, {}, []
        self.started, self.ended = {}, {}
        self.second = "not tried"

    def job(self, number: int) -> TrainingJob:
        return TrainingJob(
            pupil_config(number, self.args),
            owner=f"person-{number}",
            pool=CLASS_POOL,
            on_finish=lambda _, n=number: self.ended.__setitem__(
                n, time.perf_counter()
            ),
        )

    def run_for(self, number: int):
        def run(config, data, listener, stop):
            self.started[number] = time.perf_counter()
            return train(config, data, listener, stop)

        return run

    def press(self, number: int) -> None:
        try:
            job = self.queue.submit(self.job(number), self.data, self.run_for(number))
        except MnistError as exc:
            self.refused.append((number, str(exc)))
            return
        self.jobs[number] = job
        self.told[number] = (time.perf_counter(), job.snapshot().starts_in)
        if number == self.args.pupils // 2:  # Start again while theirs waits
            try:
                self.queue.submit(self.job(number), self.data)
                self.second = "accepted (a bug: one pupil, one place)"
            except MnistError as exc:
                self.second = f"refused: {exc}"

    def run(self) -> float:
        """Press every Start, wait for every run; the first press's moment."""
        presses = sorted(
            random.Random(0).uniform(0, self.args.spread)
            for _ in range(self.args.pupils)
        )
        t0 = time.perf_counter()
        for number, at in enumerate(presses):
            time.sleep(max(0.0, t0 + at - time.perf_counter()))
            self.press(number)
        deadline = t0 + self.args.limit
        while time.perf_counter() < deadline and not all(
            j.finished for j in self.jobs.values()
        ):
            time.sleep(1.0)
        for job in self.jobs.values():
            job.request_stop()
        return t0 + presses[0]


def report(lesson: Lesson, first: float) -> None:
    args = lesson.args
    finished = [j for j in lesson.jobs.values() if j.finished and j.result]
    print(
        f"{args.pupils} pupils, Start pressed within {args.spread:.0f} s; lesson "
        f"limits {args.epochs} epoch(s) x {args.images:,} images, arch {args.arch}, "
        f"{args.running} training(s) at a time"
    )
    print(f"refused: {len(lesson.refused)} {lesson.refused[:2]}")
    print(f"a pupil pressing Start again: {lesson.second}")
    last = max(lesson.ended.values(), default=float("nan"))
    print(
        f"finished: {len(finished)} of {len(lesson.jobs)}; the last run finished "
        f"{last - first:.0f} s after the first press"
    )
    seconds = [j.result.train_seconds for j in finished]
    if seconds:
        print(
            f"training seconds per run: median {statistics.median(seconds):.1f}, "
            f"max {max(seconds):.1f}"
        )
    late = [
        lesson.started[n] - pressed - told
        for n, (pressed, told) in lesson.told.items()
        if told is not None and n in lesson.started
    ]
    if late:
        print(
            "start told on pressing vs real start (real - told, seconds): "
            f"median {statistics.median(late):+.0f}, min {min(late):+.0f}, "
            f"max {max(late):+.0f} ({len(late)} pupils who waited)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--spread", type=float, default=60.0)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--images", type=int, default=10_000)
    parser.add_argument(
        "--arch", default="mixed", choices=("mixed", "first-try", *ARCHS)
    )
    parser.add_argument("--running", type=int, default=1, help="trainings at once")
    parser.add_argument("--limit", type=float, default=900.0, help="give up after")
    args = parser.parse_args()
    lesson = Lesson(args)
    first = lesson.run()
    report(lesson, first)


if __name__ == "__main__":
    main()
