"""Load test on loopback: many people drawing while a few ask to train.

    python bench/load.py [--users 20] [--trainers 3] [--predictions 200]

Starts `streamlit run`, opens `--users` Chromium tabs on Draw and `--trainers`
tabs on Train (1 epoch, 1,000 digits each, so they queue behind one another).
The drawing tabs draw a seven at the same time, over and over, until
`--predictions` answers have come back. Reports errors, the p50/p95 time from
the mouse-up to the Prediction shown, the largest queue position a trainer saw,
and the server's RSS before the first drawing and after the last.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import rss_mb  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    start_streamlit,
    wait_healthy,
)

SEVEN = [(70, 60), (130, 58), (205, 60), (180, 120), (150, 180), (125, 235)]
IDLE = "[data-test-script-state=notRunning]"


async def open_tab(browser, url: str):
    page = await (await browser.new_context()).new_page()
    await page.goto(url)
    await page.wait_for_selector(IDLE, timeout=120_000)
    return page


async def draw_once(page) -> float:
    """Draw a seven; seconds from mouse-up until a Prediction is shown."""
    surface = page.locator("canvas.upper-canvas").first
    box = await surface.bounding_box()
    await page.mouse.move(box["x"] + SEVEN[0][0], box["y"] + SEVEN[0][1])
    await page.mouse.down()
    for x, y in SEVEN[1:]:
        await page.mouse.move(box["x"] + x, box["y"] + y, steps=3)
    await page.mouse.up()
    start = time.perf_counter()
    await (
        page.locator("[data-testid=stMetric]")
        .filter(has_text="Prediction")
        .wait_for(timeout=60_000)
    )
    elapsed = time.perf_counter() - start
    old = await surface.element_handle()
    await page.get_by_role("button", name="Clear").click()
    # Clear mounts a new canvas: drawing before the old one is gone loses strokes.
    await page.wait_for_function("old => !old.isConnected", arg=old, timeout=60_000)
    await page.get_by_text("Draw a digit on the canvas.").wait_for(timeout=60_000)
    await surface.wait_for(timeout=60_000)
    return elapsed


async def drawer(page, times: list[float], errors: list[str], goal: int) -> None:
    while len(times) < goal:
        try:
            times.append(await draw_once(page))
        except Exception as exc:  # any failure is counted, the run goes on
            errors.append(str(exc).splitlines()[0][:120])
            try:
                await page.reload(timeout=120_000)
                await page.wait_for_selector(IDLE, timeout=120_000)
            except Exception as again:  # the tab is lost; the others go on
                errors.append(str(again).splitlines()[0][:120])
                return


async def trainer(page, positions: list[int]) -> None:
    for label in ("Epochs (passes over the data)", "Training images"):
        slider = page.get_by_role("slider", name=label)
        await slider.focus()
        await slider.press("Home")
        await page.wait_for_timeout(500)
    await page.get_by_role("button", name="Start").click()
    waiting = page.get_by_text("You are number")
    done = page.locator("[data-testid=stMetric]").filter(has_text="Test accuracy")
    while not await done.count():
        if await waiting.count():
            text = await waiting.first.inner_text()
            positions.append(int(text.split("number")[1].split()[0]))
        await page.wait_for_timeout(500)


async def run(args) -> None:
    from playwright.async_api import async_playwright

    port = free_port()
    server = start_streamlit(port, subprocess.DEVNULL, dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server)
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            drawers = [
                await open_tab(browser, f"{url}/draw") for _ in range(args.users)
            ]
            trainers = [
                await open_tab(browser, f"{url}/train") for _ in range(args.trainers)
            ]
            await draw_once(drawers[0])  # the model is loaded and traced once
            before = rss_mb(server.pid)
            times, errors, positions = [], [], []
            start = time.perf_counter()
            await asyncio.gather(
                *(drawer(page, times, errors, args.predictions) for page in drawers),
                *(trainer(page, positions) for page in trainers),
            )
            wall = time.perf_counter() - start
            after = rss_mb(server.pid)
            await browser.close()
    finally:
        server.terminate()
        server.wait(10)
    ordered = sorted(times)
    print(f"users: {args.users} drawing, {args.trainers} training; {wall:.0f} s")
    print(f"predictions: {len(times)}, errors: {len(errors)} {sorted(set(errors))}")
    print(
        f"round trip: p50 {statistics.median(ordered):.2f} s, "
        f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.2f} s"
    )
    print(f"largest queue position seen by a trainer: {max(positions, default=0)}")
    print(f"server RSS: {before:.0f} MB before, {after:.0f} MB after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--trainers", type=int, default=3)
    parser.add_argument("--predictions", type=int, default=200)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
