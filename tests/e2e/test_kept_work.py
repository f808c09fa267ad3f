"""Your work is kept (issue #35): a reload, a server restart and another
device all find the model this browser trained."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_page, wait_idle
from tests.e2e.test_browser import set_slider_to_minimum
from tests.support.servers import free_port, start_streamlit, wait_healthy

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def own_server(mnist_path, tmp_path):
    """A server of this test alone, with its own data folder, that the test
    can restart: `start()` gives its URL, `stop()` ends it."""
    port, processes = free_port(), []
    env = {**os.environ, "MNIST_PATH": str(mnist_path), "MNIST_DATA_DIR": str(tmp_path)}

    def start() -> str:
        out = open(tmp_path / f"streamlit-{len(processes)}.log", "w")
        processes.append(start_streamlit(port, out, env))
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, processes[-1])
        return url

    def stop() -> None:
        processes[-1].terminate()
        processes[-1].wait(10)

    yield start, stop
    if processes and processes[-1].poll() is None:
        stop()


def your_model_is_in_use(tab) -> None:
    tab.get_by_role("link", name="Draw").first.click()
    wait_idle(tab)
    expect(tab.get_by_role("radio", name="Your model")).to_be_checked()


def the_code(tab) -> str:
    tab.get_by_text("Your work on other devices").click()
    shown = tab.get_by_text(re.compile(r"Your code: [2-9A-Z]{5}-[2-9A-Z]{5}"))
    return shown.inner_text().split(": ")[1]


def test_a_trained_model_survives_a_reload_a_restart_and_another_device(
    make_page, own_server
):
    start, stop = own_server
    tab = make_page(locale="en-US")
    tab.base_url = start()
    open_page(tab, "train")
    set_slider_to_minimum(tab, "Epochs (passes over the data)")
    set_slider_to_minimum(tab, "Training images")
    tab.get_by_role("button", name="Start").click()
    accuracy = tab.locator("[data-testid=stMetric]").filter(has_text="Test accuracy")
    accuracy.wait_for(timeout=180_000)
    wait_idle(tab)

    tab.reload()
    wait_idle(tab)
    your_model_is_in_use(tab)
    tab.get_by_role("link", name="Train").first.click()
    wait_idle(tab)
    expect(tab.get_by_text("Your last run")).to_be_visible()
    code = the_code(tab)

    stop()
    start()
    tab.reload()
    wait_idle(tab)
    your_model_is_in_use(tab)

    # Another device: nothing until the code is typed there.
    other = make_page(locale="en-US")
    other.base_url = tab.base_url
    open_page(other, "draw")
    expect(other.get_by_role("radio", name="Your model")).to_have_count(0)
    other.get_by_text("Your work on other devices").click()
    other.get_by_label("A code from another device").fill(code.lower())
    other.get_by_role("button", name="Get my work here").click()
    wait_idle(other)
    your_model_is_in_use(other)
    assert the_code(other) == code
