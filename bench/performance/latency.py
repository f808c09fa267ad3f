"""Latency and memory: one drawing's prediction, time to first page, server RSS.

    python -m bench.performance.latency [--drawings 300] [--starts 5] [--trainings 3]
                            [--settings QUERY]

1. p50/p99 of `Classifier.classify` on 280x280 canvas drawings (preprocessing +
   prediction, as the Draw page calls it), next to Keras's `model.predict` on the
   same prepared input for scale.
2. Seconds from starting `streamlit run` until Home answers and until it has
   rendered in Chromium, median of `--starts` server starts. The browser is
   launched beforehand and opens Home once the server's health check answers,
   as a visitor's would.
3. Peak RSS of a server while trainings run through the Train page (by
   default 1 epoch on 5,000 images each; `--settings ""` trains with the page's
   defaults), and its RSS after each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.data.pen_digits import draw_like_a_person, load_samples
from tests.support.servers import (
    CHROMIUM_ARGS,
    free_port,
    start_streamlit,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def percentile(values, q):
    return float(np.percentile(values, q)) * 1000


def prediction_latency(count: int) -> None:
    from mnist_core.drawing.preprocess import prepare_image
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier
    from tests.support.datasets import DEFAULT_HANDWRITING

    model = load_model(SHIPPED_MODEL_PATH).model
    classifier = Classifier(model)
    rng = np.random.default_rng(0)
    samples = load_samples(DEFAULT_HANDWRITING)[:count]
    canvases = [
        np.dstack(
            [draw_like_a_person(s, rng)] * 3 + [np.full((280, 280), 255, np.uint8)]
        )
        for s in samples
    ]  # RGBA, as the canvas sends it
    classifier.classify(canvases[0])  # trace once
    ours, predict = [], []
    for canvas in canvases:
        start = time.perf_counter()
        classifier.classify(canvas)
        ours.append(time.perf_counter() - start)
    for canvas in canvases[:50]:
        batch = prepare_image(canvas).as_batch()
        start = time.perf_counter()
        model.predict(batch, verbose=0)
        predict.append(time.perf_counter() - start)
    print(
        f"classify (preprocess + predict), {len(ours)} drawings: "
        f"p50 {percentile(ours, 50):.2f} ms, p99 {percentile(ours, 99):.2f} ms"
    )
    print(
        f"model.predict alone, {len(predict)} drawings: "
        f"p50 {percentile(predict, 50):.1f} ms"
    )


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    out = subprocess.run(
        ["ps", "-o", "rss=", "--ppid", str(pid), "-p", str(pid)],
        capture_output=True,
        text=True,
    ).stdout.split()
    return sum(int(v) for v in out) / 1024


def rss_parts_mb(pid: int | str = "self") -> tuple[float, float]:
    """RSS as anonymous memory (the process's own) and file-backed pages
    (mostly TensorFlow's shared libraries: counted in RSS, but reclaimable)."""
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    anon, file = (int(fields[k].split()[0]) / 1024 for k in ("RssAnon", "RssFile"))
    return anon, file


def memory_split(pid: int) -> str:
    anon, file = rss_parts_mb(pid)
    return f"anonymous {anon:.0f} MB + file-backed {file:.0f} MB"


@contextmanager
def streamlit_server() -> Iterator[tuple[int, int]]:
    """`streamlit run` on a free port: (port, pid), stopped on the way out."""
    port = free_port()
    server = start_streamlit(port, subprocess.DEVNULL, dict(os.environ))
    try:
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(10)


def open_home(page, port: int, start: float) -> tuple[float, float, float]:
    """Once the server answers its health check, open Home and wait for its
    heading. Seconds since `start` to: health check answered, Home's page
    loaded (HTML and scripts), Home's heading drawn."""
    wait_healthy(f"http://127.0.0.1:{port}")
    healthy = time.perf_counter() - start
    page.goto(f"http://127.0.0.1:{port}/")
    loaded = time.perf_counter() - start
    page.get_by_role("heading", name="MNIST Studio").wait_for(timeout=60000)
    return healthy, loaded, time.perf_counter() - start


def time_one_start(browser) -> tuple[float, float, float]:
    """open_home's three times, counted from `streamlit run`."""
    context = browser.new_context()  # nothing cached from an earlier start
    page = context.new_page()
    start = time.perf_counter()
    try:
        with streamlit_server() as (port, _):
            return open_home(page, port, start)
    finally:
        context.close()


def home_latency(starts: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # The browser is up before the clock starts, as a visitor's would be:
        # its launch is not the server's time, and on 2 cores it would compete.
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        times = [time_one_start(browser) for _ in range(starts)]
        browser.close()
    for label, column in zip(
        ("health check answers", "Home answers (page loaded)", "Home rendered"),
        zip(*times, strict=True),
        strict=True,
    ):
        runs = ", ".join(f"{t:.2f}" for t in column)
        print(
            f"streamlit run -> {label}: median {statistics.median(column):.2f} s "
            f"({runs})"
        )


def server_run(trainings: int, settings: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, streamlit_server() as (port, pid):
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        open_home(page, port, time.perf_counter())
        print(f"server RSS after Home: {rss_mb(pid):.0f} MB")
        peak = measure_trainings(page, port, pid, trainings, settings)
        print(
            f"server RSS peak during {trainings} trainings: {peak:.0f} MB; "
            f"after: {rss_mb(pid):.0f} MB ({memory_split(pid)})"
        )
        browser.close()


def measure_trainings(
    page, port: int, pid: int, trainings: int, settings: str
) -> float:
    """Run `trainings` one after another from the Train page; peak RSS during them.

    Prints the RSS after each, so growth over many trainings shows.
    """
    peak = 0.0
    page.goto(f"http://127.0.0.1:{port}/train?{settings}")
    start = page.get_by_role("button", name="Start")
    start.wait_for()
    for number in range(1, trainings + 1):
        # Results push the button under Streamlit's sticky header: scroll back up.
        page.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
        start.click(timeout=120_000)
        page.wait_for_timeout(1500)
        while not start.is_enabled():  # disabled while the training runs
            peak = max(peak, rss_mb(pid))
            page.wait_for_timeout(250)
        peak = max(peak, rss_mb(pid))
        print(f"  after training {number}: RSS {rss_mb(pid):.0f} MB", flush=True)
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawings", type=int, default=300)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--trainings", type=int, default=3)
    parser.add_argument(
        "--settings",
        default="epochs=1&size=5000",
        help="the Train page's link settings; '' for the defaults (fast preset)",
    )
    args = parser.parse_args()
    prediction_latency(args.drawings)
    home_latency(args.starts)
    server_run(args.trainings, args.settings)


if __name__ == "__main__":
    main()
