"""How fast the Draw page answers a stroke, against the plain canvas demo.

    python -m bench.performance.draw_speed [--drawings 15] [--rounds 1]

Starts the app and bench/performance/plain_canvas_demo.py on 127.0.0.1 (free ports), and
one Chromium. The same pen-written digits (the dev file's first of each kind,
placed as a person would) are drawn with the mouse on each, alternating app and
demo; for each drawing it times mouse-up to the answer on the page (the
"Prediction" metric showing a digit) and to the page at rest (every part
drawn). Prints each median, the ratio app/demo, and the time from a fresh
server's start to its first visitor's first answer against that visitor's
later ones.

The times are taken inside the page, on its own clock (CLOCK): the mouse-up
event, and the first animation frame after the answer entered the page.
Playwright's own waits poll at growing intervals (the later ones 500 ms
apart), which hid any answer between ~0.25 s and ~0.75 s after mouse-up.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from mnist_core.data.pen_digits import load_samples, place_on_canvas, sample_rng
from tests.support.datasets import DEFAULT_HANDWRITING
from tests.support.servers import (
    CHROMIUM_ARGS,
    free_port,
    start_streamlit,
    wait_healthy,
)

DEMO = "bench/performance/plain_canvas_demo.py"
IDLE = "[data-test-script-state=notRunning]"
# Installed in every page before it loads: when the last mouse-up happened,
# each time an answer showed (the next frame after a fresh one entered the
# page: an earlier stroke's answer goes stale when the next rerun starts),
# and each change of the script's state.
CLOCK = """
window.__clock = {mouseup: null, answers: [], states: []};
document.addEventListener("mouseup", () => {
  window.__clock.mouseup = performance.now();
}, true);
const fresh = (element) => {
  const box = element.closest("[data-stale]");
  return !box || box.getAttribute("data-stale") === "false";
};
const answered = () =>
  [...document.querySelectorAll("[data-testid=stMetric]")].some(
    (m) => m.textContent.includes("Prediction") && fresh(m)
      && m.querySelector("[data-testid=stMetricValue]")) ||
  [...document.querySelectorAll("[data-testid=stAlert]")].some(
    (a) => a.textContent.includes("does not look like a digit") && fresh(a));
let shown = false, state = null;
new MutationObserver(() => {
  const app = document.querySelector("[data-testid=stApp]");
  const next = app && app.getAttribute("data-test-script-state");
  if (next !== state) {
    state = next;
    window.__clock.states.push([next, performance.now()]);
  }
  const now = answered();
  if (now && !shown) {
    requestAnimationFrame(() => window.__clock.answers.push(performance.now()));
  }
  shown = now;
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


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
    and to the page at rest, on the page's clock."""
    surface = tab.locator("canvas.upper-canvas").first
    surface.wait_for()
    tab.wait_for_timeout(300)  # the canvas listens a moment after it shows
    box = surface.bounding_box()
    scale = box["width"] / 280
    for stroke in strokes:
        points = [(box["x"] + x * scale, box["y"] + y * scale) for x, y in stroke]
        tab.mouse.move(*points[0])
        tab.mouse.down()
        for point in points[1:]:
            tab.mouse.move(*point)
        tab.mouse.up()
    tab.wait_for_function(ANSWERED, timeout=60_000)
    return page_times(tab.evaluate("window.__clock"))


# The rerun the last mouse-up started has shown its answer and come to rest.
ANSWERED = """() => {
  const c = window.__clock;
  const run = c.states.find(([s, t]) => s === "running" && t > c.mouseup);
  return run !== undefined
    && c.answers.some((t) => t > run[1])
    && c.states.some(([s, t]) => s === "notRunning" && t > run[1]);
}"""


def page_times(clock: dict) -> tuple[float, float]:
    """Seconds from the last mouse-up to the answer of the rerun it started
    (the first fresh answer after that rerun began), and to the rest after it."""
    up = clock["mouseup"]
    states = [(s, t) for s, t in clock["states"] if t > up]
    started = next(t for s, t in states if s == "running")
    answer = min(t for t in clock["answers"] if t > started)
    rest = next(t for s, t in states if s == "notRunning" and t > started)
    return (answer - up) / 1000, (max(rest, answer) - up) / 1000


def fresh_tab(browser, url: str):
    tab = browser.new_page(viewport={"width": 1280, "height": 1000})
    tab.add_init_script(CLOCK)
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
