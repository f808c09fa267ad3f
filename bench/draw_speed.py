"""How fast the Draw page answers a stroke, against the plain canvas demo.

    python bench/draw_speed.py [--drawings 15] [--rounds 1]

Starts the app and bench/plain_canvas_demo.py on 127.0.0.1 (free ports), and
one Chromium. The same pen-written digits (the dev file's first of each kind,
placed as a person would) are drawn with the mouse on each, alternating app and
demo; for each drawing it times mouse-up to the answer on the page (the
"Prediction" metric showing a digit) and to the page at rest (every part
drawn). Prints each median, the ratio app/demo, and the time from a fresh
server's start to its first visitor's first answer against that visitor's
later ones.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mnist_core.data.pen_digits import load_samples, place_on_canvas, sample_rng  # noqa: E402
from tests.support.datasets import DEFAULT_HANDWRITING  # noqa: E402
from tests.support.servers import (  # noqa: E402
    CHROMIUM_ARGS,
    free_port,
    start_streamlit,
    wait_healthy,
)

DEMO = "bench/plain_canvas_demo.py"
# The answer: a digit read, or the app saying the drawing is no digit.
ANSWER = (
    "[data-testid=stMetric]:has-text('Prediction') [data-testid=stMetricValue], "
    "[data-testid=stAlert]:has-text('does not look like a digit')"
)
IDLE = "[data-test-script-state=notRunning]"


def pen_strokes(count: int) -> list[list[list[tuple[float, float]]]]:
    """`count` pen digits as canvas-pixel strokes, cycling through 0-9."""
    samples, chosen = load_samples(DEFAULT_HANDWRITING), []
    for sample in samples:
        if len(chosen) == count:
            break
        if sample.label == len(chosen) % 10:
            strokes, _ = place_on_canvas(sample, sample_rng(sample, 0), width=18)
            chosen.append([[inside_margin(p) for p in s[::2]] for s in strokes])
    return chosen


def inside_margin(point) -> tuple[float, float]:
    """A canvas point moved clear of the top 40 px, where the plain demo's
    toolbar shows on hover and would take the mouse-down."""
    x, y = point
    return 20 + x * 240 / 280, 40 + y * 220 / 280


class Server:
    def __init__(self, script: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.out = open(log, "w")  # noqa: SIM115 (closed in stop)
        self.started = time.perf_counter()
        self.process = start_streamlit(self.port, self.out, env, script)
        wait_healthy(self.url, self.process, seconds=120)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.out.close()


def settle(tab) -> None:
    tab.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]")
    tab.wait_for_timeout(200)
    tab.wait_for_selector(IDLE, timeout=120_000)


def draw_and_time(tab, strokes) -> tuple[float, float]:
    """Draw on the page's canvas; seconds from the last mouse-up to the answer
    and to the page at rest."""
    surface = tab.locator("canvas.upper-canvas").first
    surface.wait_for()
    tab.wait_for_timeout(300)  # the canvas listens a moment after it shows
    box = surface.bounding_box()
    scale = box["width"] / 280
    for i, stroke in enumerate(strokes):
        points = [(box["x"] + x * scale, box["y"] + y * scale) for x, y in stroke]
        tab.mouse.move(*points[0])
        tab.mouse.down()
        for point in points[1:]:
            tab.mouse.move(*point)
        if i == len(strokes) - 1:
            start = time.perf_counter()
        tab.mouse.up()
    tab.wait_for_selector(ANSWER, timeout=60_000)
    answered = time.perf_counter() - start
    tab.wait_for_timeout(50)
    tab.wait_for_selector(IDLE, timeout=120_000)
    return answered, time.perf_counter() - start


def fresh_tab(browser, url: str):
    tab = browser.new_page(viewport={"width": 1280, "height": 1000})
    tab.goto(url)
    settle(tab)
    return tab


def compare(browser, app: Server, demo: Server, drawings, rounds: int) -> dict:
    times = {"app": [], "app_idle": [], "demo": [], "demo_idle": []}
    for _ in range(rounds):
        for strokes in drawings:
            for name, server in (("app", app), ("demo", demo)):
                path = "/draw" if name == "app" else "/"
                tab = fresh_tab(browser, server.url + path)
                try:
                    answered, idle = draw_and_time(tab, strokes)
                except Exception:
                    tab.screenshot(path=f"/tmp/draw-speed-{name}.png", full_page=True)
                    raise
                times[name].append(answered)
                times[f"{name}_idle"].append(idle)
                tab.close()
    medians = {k: round(statistics.median(v), 3) for k, v in times.items()}
    medians["ratio"] = round(medians["app"] / medians["demo"], 3)
    medians["ratio_idle"] = round(medians["app_idle"] / medians["demo_idle"], 3)
    medians["drawings"] = len(times["app"])
    return medians


def first_visitor(browser, drawings, log: Path) -> dict:
    """A fresh app server: its first visitor opens /draw at once and draws."""
    app = Server("streamlit_app.py", log)
    try:
        healthy = time.perf_counter() - app.started
        tab = fresh_tab(browser, app.url + "/draw")
        times = [draw_and_time(tab, drawings[0])[0]]
        for strokes in drawings[1:6]:
            tab.get_by_role("button", name="Clear").click()
            settle(tab)
            times.append(draw_and_time(tab, strokes)[0])
        tab.close()
    finally:
        app.stop()
    return {
        "server_healthy_s": round(healthy, 2),
        "first_answer_s": round(times[0], 3),
        "later_answers_median_s": round(statistics.median(times[1:]), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawings", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    drawings = pen_strokes(args.drawings)
    logs = Path(tempfile.mkdtemp(prefix="draw-speed-"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        print(json.dumps(first_visitor(browser, drawings, logs / "first.log")))
        app = Server("streamlit_app.py", logs / "app.log")
        demo = Server(DEMO, logs / "demo.log")
        try:
            for server in (app, demo):  # each loads its model once, untimed
                tab = fresh_tab(
                    browser, server.url + ("/draw" if server is app else "/")
                )
                draw_and_time(tab, drawings[0])
                tab.close()
            print(json.dumps(compare(browser, app, demo, drawings, args.rounds)))
        finally:
            app.stop()
            demo.stop()
            browser.close()


if __name__ == "__main__":
    main()
