"""A real `streamlit run` server and a real Chromium, driven by Playwright."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.servers import (
    CHROMIUM_ARGS,
    free_port,
    start_streamlit,
    wait_healthy,
)

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Opening a deep link (e.g. /draw) makes Streamlit's front end probe
# /draw/_stcore/... before the root; those two 404s are expected. So are pictures
# a rerun replaced while the browser was still fetching them: Streamlit's media
# store drops a run's images once the next run has finished (a 404 for /media/,
# logged as "Image source error"), and the new picture takes their place.
BENIGN_404 = ("/_stcore/health", "/_stcore/host-config")
REPLACED_MEDIA = "/media/"
# Every icon and font comes from the app itself: a request to another host is a
# visitor's browser telling a third party they are here (and fails offline).
THIS_MACHINE = ("127.0.0.1", "localhost", "::1")


def off_host(url: str) -> bool:
    """An http(s) request to a host other than the app's (data: and blob: stay)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname not in THIS_MACHINE


@pytest.fixture(scope="session")
def server_log(tmp_path_factory) -> Path:
    """Where the shared server writes its output (tracebacks would land here)."""
    return tmp_path_factory.mktemp("server") / "streamlit.log"


@pytest.fixture(scope="session")
def server(mnist_path, server_log):
    port = free_port()
    with open(server_log, "w") as out:
        env = {**os.environ, "MNIST_PATH": str(mnist_path)}
        process = start_streamlit(port, out, env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def is_problem(kind: str, text: str) -> bool:
    """A console message a user would meet as breakage: any error, and any of
    Vega's chart warnings (they print "WARN ..." when a chart cannot be drawn)."""
    if kind == "error":
        return not text.startswith("Failed to load resource") and not (
            "Image source error" in text and REPLACED_MEDIA in text
        )
    return kind == "warning" and text.startswith("WARN")


@pytest.fixture
def make_page(browser, server):
    """Tabs in fresh browser contexts (a locale, a phone...); each fails the test
    on any console error, failed request, request to another host or Streamlit
    exception."""
    opened = []

    def make(**context_options):
        context_options.setdefault("viewport", {"width": 1280, "height": 1000})
        context = browser.new_context(**context_options)
        tab = context.new_page()
        tab.problems = []
        tab.on(
            "console",
            lambda m: is_problem(m.type, m.text) and tab.problems.append(m.text),
        )
        tab.on(
            "response",
            lambda r: (
                r.status >= 400
                and not r.url.endswith(BENIGN_404)
                and REPLACED_MEDIA not in r.url
                and tab.problems.append(f"{r.status} {r.url}")
            ),
        )
        tab.on(
            "request",
            lambda r: off_host(r.url) and tab.problems.append(f"off-host {r.url}"),
        )
        tab.base_url = server
        opened.append((context, tab))
        return tab

    yield make
    for context, tab in opened:
        exceptions = tab.locator("[data-testid=stException]").all_inner_texts()
        context.close()
        assert not exceptions, exceptions
        assert not tab.problems, tab.problems


@pytest.fixture
def page(make_page):
    """A fresh desktop tab in English."""
    return make_page(locale="en-US")


def open_page(tab, path: str = "") -> None:
    """Go to a page and wait until its script has finished running."""
    tab.goto(f"{tab.base_url}/{path}")
    wait_idle(tab)


def wait_idle(tab, timeout: float = 120_000) -> None:
    tab.wait_for_selector(
        "[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=timeout
    )
    tab.wait_for_timeout(300)  # let a rerun triggered by the last event begin
    tab.wait_for_selector("[data-test-script-state=notRunning]", timeout=timeout)


def screenshot(tab, name: str) -> None:
    """Saved under tests/e2e/screenshots when UPDATE_SCREENSHOTS=1 (for the README)."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
