"""Spanish from the browser's language, the sidebar switch, and shareable links:
the Dataset's filters and the Train page's settings restored from the address,
and two runs from such a link compared side by side."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_page, screenshot, wait_idle
from tests.support.drawing import SEVEN, draw

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def metric(tab, label: str) -> str:
    found = tab.locator("[data-testid=stMetric]").filter(has_text=label)
    found.wait_for(timeout=60_000)
    return found.locator("[data-testid=stMetricValue]").inner_text().strip()


def test_a_spanish_browser_gets_spanish_and_can_switch(make_page):
    tab = make_page(locale="es-ES")
    open_page(tab, "draw")
    assert tab.locator("h1").first.inner_text().strip() == "Dibujar"
    tab.get_by_text("Dibuja un dígito en el lienzo.").wait_for()
    draw(tab, SEVEN)
    wait_idle(tab)
    assert metric(tab, "Predicción") == "7"
    tab.get_by_text("Por qué 7: las partes rojas").wait_for()
    screenshot(tab, "draw-spanish")
    # The sidebar's switch turns the whole app to English, navigation included.
    tab.get_by_text("English", exact=True).click()
    wait_idle(tab)
    assert tab.locator("h1").first.inner_text().strip() == "Draw"
    tab.get_by_role("link", name="Train").first.click()
    wait_idle(tab)
    assert tab.locator("h1").first.inner_text().strip() == "Train"


def test_a_dataset_link_opens_the_same_view(page):
    open_page(page, "dataset?split=test&digit=3&page=2&index=18&map=PCA")
    # The widgets take the link's values as the page settles (on a busy
    # machine the first frame may still show their defaults).
    expect(page.get_by_role("combobox", name="Show digit")).to_have_value(
        "3", timeout=15_000
    )
    page_box = page.get_by_label(re.compile("Page"))
    expect(page_box).to_have_value("2", timeout=15_000)
    expect(page.get_by_label("Index")).to_have_value("18")  # test digit 18 is a 3
    assert page.get_by_role("radio", name="test (10,000 digits)").is_checked()
    # Changing a filter changes the address, so the link can be shared again.
    page_box.fill("3")
    page_box.press("Enter")
    wait_idle(page)
    # The rerun may start later than wait_idle's pause on a busy machine.
    page.wait_for_function("() => location.search.includes('page=3')", timeout=15_000)
    assert "page=3" in page.url and "digit=3" in page.url


def test_a_train_link_sets_the_sliders_and_two_runs_are_compared(page):
    open_page(page, "train?arch=fast&epochs=1&size=1000&batch=64&epochs_typo=1")
    epochs = page.get_by_role("slider", name="Epochs (passes over the data)")
    assert epochs.input_value() == "1"
    download = page.get_by_text("Download your model (.keras)")
    for _ in range(2):
        page.get_by_role("button", name="Start").click()
        download.wait_for(state="hidden", timeout=30_000)  # the last run's results go
        download.wait_for(timeout=120_000)  # ... and this run's come
        wait_idle(page)
    compared = page.get_by_text("Your runs, side by side")
    compared.wait_for()
    compared.scroll_into_view_if_needed()
    table = page.locator("[data-testid=stTable]").last
    rows = table.locator("tbody tr").all_inner_texts()
    assert len(rows) == 2 and all("Fast CNN" in row and "1,000" in row for row in rows)
    assert "epochs=1" in page.url and "size=1000" in page.url
    screenshot(page, "compare-runs")
