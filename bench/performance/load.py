"""Load test on loopback: many people drawing while a few ask to train.

    python -m bench.performance.load [--users 20] [--trainers 3] [--predictions 200]
        [--think 2]
    python -m bench.performance.load --url http://127.0.0.1:8080 --users 40 --trainers 6

Starts `streamlit run` (or, with `--url`, drives a deployment already running
there, e.g. deploy/local-cluster.sh), connects `--users` simulated people to Draw and
`--trainers` to Train (1 epoch of 1,000 digits each, so they queue behind one
another). Each simulated person is a websocket client speaking Streamlit's own
protocol (bench/performance/ws_user.py): a browser tab each would load this
2-core machine more than the server. The drawers send real pen-written digits
(UNIPEN, drawn as on the 280x280 canvas) until `--predictions` answers have
come back, and each answer is checked against the offline pipeline's. Before
each drawing a user spends `--think` seconds on average (0.5x to 1.5x, at
random), the time a person takes to draw a digit; `--think 0` sends the next
drawing the moment the answer arrives, a stress test rather than people.

Reports errors (tracebacks shown, missing answers, failures), answers that
differ from the offline pipeline's, the p50/p95 time from sending a drawing to
the page showing its Prediction, how the trainings were served, how many
sessions each replica held at once (its own /_stcore/metrics), and memory: the
server's RSS before the first drawing and after the last, or with `--url` the
peak RSS of every replica, Ray process and nginx on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import time
import urllib.request
from collections import Counter
from pathlib import Path

import numpy as np

from bench.performance.latency import rss_mb
from bench.performance.ws_user import StreamlitUser, canvas_state, click
from mnist_core.reading.digit_check import NOT_A_DIGIT
from tests.support.servers import (
    free_port,
    start_streamlit,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parents[2]

TRAINING = "epochs=1&size=1000"
TRAINING_DEADLINE = 600  # seconds: a training not done by then counts as an error
# A replica's own count of its sessions (only that family: sizing the caches,
# the default answer's other part, costs the server more).
SESSIONS = "{}/_stcore/metrics?families=active_sessions"


def drawings(count: int) -> tuple[list[np.ndarray], list[int | None]]:
    """RGBA canvases of real handwriting and the offline pipeline's answers
    (None: the shipped model's digit check finds no digit, as the page will)."""
    from mnist_core.constants import SHIPPED_MODEL_PATH
    from mnist_core.data.pen_digits import draw_like_a_person, load_samples
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier
    from mnist_core.reading.digit_check import load_check_for
    from tests.support.datasets import DEFAULT_HANDWRITING

    classifier = Classifier(
        load_model(SHIPPED_MODEL_PATH).model,
        digit_check=load_check_for(SHIPPED_MODEL_PATH),
    )
    rng = np.random.default_rng(0)
    opaque = np.full((280, 280), 255, np.uint8)
    canvases = [
        np.dstack([draw_like_a_person(sample, rng)] * 3 + [opaque])
        for sample in load_samples(DEFAULT_HANDWRITING)[:count]
    ]
    return canvases, [classifier.classify(c).digit for c in canvases]


class Tally:
    """What all simulated users saw, shared by their tasks."""

    def __init__(self, goal: int, canvases, answers):
        self.goal, self.canvases, self.answers = goal, canvases, answers
        self.times: list[float] = []
        self.errors: list[str] = []
        self.mismatches = 0
        self.sent = 0
        self.positions: list[int] = []
        self.waited_for_worker = 0  # trainings that waited for a Ray worker
        self.finished = 0  # trainings that showed their test accuracy
        # (first, last) time each training was seen running: inside the real
        # span, so two of these overlapping means two ran at once.
        self.served: list[tuple[float, float]] = []

    def next_drawing(self) -> int | None:
        if self.sent >= self.goal:
            return None
        self.sent += 1
        return (self.sent - 1) % len(self.canvases)


async def drawer(url: str, tally: Tally, think: float = 0.0, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    try:
        async with StreamlitUser(url, "draw") as user:
            canvas = (await user.run()).widget_id("bidi_component", "canvas")
            while (index := tally.next_drawing()) is not None:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
                start = time.perf_counter()
                state = canvas_state(canvas, tally.canvases[index])
                screen = await asyncio.wait_for(user.run([state]), 60)
                shown = screen.metric("Prediction")
                if shown is None and str(NOT_A_DIGIT) in screen.texts():
                    shown = "None"  # the page says it is no digit
                if screen.exceptions or shown is None:
                    tally.errors.append(f"no Prediction; {screen.exceptions[:1]}")
                    continue
                tally.times.append(time.perf_counter() - start)
                tally.mismatches += shown != str(tally.answers[index])
    except Exception as exc:  # counted; the other users go on
        tally.errors.append(f"{type(exc).__name__}: {exc}"[:120])


async def trainer(url: str, tally: Tally, query: str = TRAINING) -> None:
    try:
        async with StreamlitUser(url, "train", query) as user:
            start = (await user.run()).widget_id("button", "Start")
            screen = await user.run([click(start)])
            running: list[float] = []  # when the page showed it training
            waited = False
            deadline = time.monotonic() + TRAINING_DEADLINE
            while screen.metric("Test accuracy") is None:
                if screen.exceptions or screen.errors():
                    problem = (screen.exceptions + screen.errors())[0]
                    tally.errors.append(f"training: {problem}"[:120])
                    return
                if time.monotonic() > deadline:
                    tally.errors.append("training: no result in time")
                    return
                for text in screen.texts():
                    if "You are number" in text:
                        tally.positions.append(int(text.split("number")[1].split()[0]))
                    waited = waited or text.startswith("Waiting for a free worker")
                    if text.startswith("Epoch"):
                        running.append(time.perf_counter())
                fragment, interval = user.fragment or ("", 1.0)
                await asyncio.sleep(interval)
                screen = await asyncio.wait_for(user.run(fragment_id=fragment), 120)
            tally.finished += 1
            tally.waited_for_worker += waited
            if running:
                tally.served.append((running[0], running[-1]))
    except Exception as exc:
        tally.errors.append(f"training: {type(exc).__name__}: {exc}"[:120])


def most_at_once(served: list[tuple[float, float]]) -> int:
    """The most trainings seen running at the same moment."""
    edges = [(first, 1) for first, _ in served] + [(last, -1) for _, last in served]
    running = most = 0
    for _, change in sorted(edges, key=lambda edge: (edge[0], -edge[1])):
        running += change
        most = max(most, running)
    return most


async def run(args) -> None:
    canvases, answers = drawings(min(args.predictions, 500))
    server = None
    url = args.url
    if url is None:
        port = free_port()
        server = start_streamlit(port, subprocess.DEVNULL, dict(os.environ))
        url = f"http://127.0.0.1:{port}"
    watch = ProcessWatch()
    try:
        wait_healthy(url, server)
        warmup = Tally(1, canvases, answers)
        await drawer(url, warmup)  # the model is loaded and traced once
        before = rss_mb(server.pid) if server else 0.0
        tally = Tally(args.predictions, canvases, answers)
        start = time.perf_counter()
        watching = asyncio.create_task(watch.run())
        await asyncio.gather(
            *(drawer(url, tally, args.think, seed) for seed in range(args.users)),
            *(trainer(url, tally) for _ in range(args.trainers)),
        )
        watching.cancel()
        wall = time.perf_counter() - start
        after = rss_mb(server.pid) if server else 0.0
    finally:
        if server:
            server.terminate()
            server.wait(10)
    report(args, tally, wall)
    if server:
        print(f"server RSS: {before:.0f} MB before, {after:.0f} MB after")
    else:
        watch.report()


class ProcessWatch:
    """Peak RSS of this machine's replicas, Ray processes and nginx, and the
    most sessions each replica held, sampled every second (Ray's training
    workers live only as long as a training). The proxy never says which
    replica a browser got: each replica's own /_stcore/metrics, on its
    127.0.0.1 port, says how many sessions it holds."""

    def __init__(self) -> None:
        self.peak: dict[int, float] = {}
        self.kind: dict[int, str] = {}
        self.sessions: Counter[int] = Counter()  # most at once, by replica port

    @staticmethod
    def kind_of(command: str) -> str | None:
        if "streamlit run" in command:
            return "replica"
        if "ray::TrainingWorker" in command:
            return "training worker"
        if "nginx" in command:
            return "nginx"
        if "/ray/" in command or command.startswith("ray::"):
            return "Ray's own"
        return None

    def sample(self) -> None:
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                rss = int((proc / "statm").read_text().split()[1]) * 4096 / 2**20
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
            kind, pid = self.kind_of(command), int(proc.name)
            if kind is None:
                continue
            # A Ray worker process becomes a training worker when it gets one.
            if self.kind.get(pid) != "training worker":
                self.kind[pid] = kind
            self.peak[pid] = max(self.peak.get(pid, 0.0), rss)
            if kind == "replica" and "--server.port" in command:
                port = int(command.split("--server.port")[1].split()[0])
                held = active_sessions(f"http://127.0.0.1:{port}")
                self.sessions[port] = max(self.sessions[port], held)

    async def run(self) -> None:
        while True:
            await asyncio.to_thread(self.sample)
            await asyncio.sleep(1.0)

    def report(self) -> None:
        print("peak RSS (MB):")
        for kind in ("replica", "training worker", "Ray's own", "nginx"):
            peaks = sorted(self.peak[p] for p, k in self.kind.items() if k == kind)
            if peaks:
                each = ", ".join(f"{p:.0f}" for p in peaks)
                print(f"  {kind} ({len(peaks)}): {each}; total {sum(peaks):.0f}")
        held = ", ".join(f"{port}: {n}" for port, n in sorted(self.sessions.items()))
        print(f"most sessions each replica held at once: {held}")


def active_sessions(url: str) -> int:
    """How many sessions the Streamlit server at `url` holds now (its own
    /_stcore/metrics; 0 if it does not answer)."""
    try:
        with urllib.request.urlopen(SESSIONS.format(url), timeout=2) as reply:
            text = reply.read().decode()
    except OSError:
        return 0
    return sum(
        int(float(line.rsplit(maxsplit=1)[1]))
        for line in text.splitlines()
        if line.startswith("active_sessions")
    )


def report(args, tally: Tally, wall: float) -> None:
    ordered = sorted(tally.times) or [float("nan")]
    print(
        f"users: {args.users} drawing (think {args.think:g} s), "
        f"{args.trainers} training; {wall:.0f} s"
    )
    print(
        f"predictions: {len(tally.times)}, errors: {len(tally.errors)} "
        f"{sorted(set(tally.errors))[:5]}"
    )
    print(f"answers different from the offline pipeline: {tally.mismatches}")
    print(
        f"round trip: p50 {statistics.median(ordered):.2f} s, "
        f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.2f} s"
    )
    print(
        f"trainings finished: {tally.finished} of {args.trainers}; most running "
        f"at once: {most_at_once(tally.served)} ({len(tally.served)} seen running); "
        f"largest queue position seen: {max(tally.positions, default=0)}; "
        f"waited for a Ray worker: {tally.waited_for_worker}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--trainers", type=int, default=3)
    parser.add_argument("--predictions", type=int, default=200)
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument(
        "--url", help="a running deployment to drive (default: start a server)"
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
