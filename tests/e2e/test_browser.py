"""The app in a real Chromium: every page, drawing on the canvas, a real training."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from app_ui.navigation import PAGES as NAVIGATION
from mnist_core.drawing.strokes import render_strokes
from tests.e2e.conftest import open_page, screenshot, wait_idle
from tests.support.drawing import ONE, SEVEN, draw, prediction

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {page.title: page.heading for page in NAVIGATION}  # sidebar link: heading


def test_every_page_opens_from_the_sidebar(page):
    open_page(page)
    for link, title in PAGES.items():
        page.get_by_role("link", name=link).first.click()
        # A busy server may begin the page's run after wait_idle's pause.
        expect(page.locator("h1").first).to_have_text(title, timeout=60_000)
        wait_idle(page)
        screenshot(page, link.lower())
    # The Model page draws the network as a diagram (Graphviz, rendered as SVG).
    page.get_by_role("link", name="Model").first.click()
    wait_idle(page)
    page.locator("[data-testid=stGraphVizChart] svg").first.wait_for()
    assert page.locator("[data-testid=stGraphVizChart] svg g.node").count() >= 10


def test_drawing_a_seven_is_read_as_seven(page):
    open_page(page, "draw")
    assert page.get_by_text("Draw a digit on the canvas.").count() == 1
    draw(page, SEVEN)
    wait_idle(page)
    assert prediction(page) == "7"
    page.get_by_text("Why 7: red parts made the model say it").wait_for()
    wait_idle(page)
    screenshot(page, "draw-seven")


def test_a_photo_of_a_seven_is_read_as_seven(page, tmp_path):
    # Dark ink on light paper, as a phone photo or a scan is.
    photo = tmp_path / "seven.png"
    ink = render_strokes(SEVEN, width=16, ink=30, background=235)
    Image.fromarray(ink).save(photo)
    open_page(page, "draw")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(photo)
    wait_idle(page)
    assert prediction(page) == "7"


def test_clear_empties_the_canvas_and_asks_again(page):
    open_page(page, "draw")
    draw(page, SEVEN)
    wait_idle(page)
    prediction(page)
    page.get_by_role("button", name=re.compile("Clear")).click()
    wait_idle(page)
    page.get_by_text("Draw a digit on the canvas.").wait_for()


def test_the_canvas_toolbar_offers_only_undo_redo_and_start_again(page):
    open_page(page, "draw")
    toolbar = page.locator(".dc-toolbar-card")
    toolbar.wait_for()
    shown = [
        button.get_attribute("title")
        for button in toolbar.locator(".dc-icon-button").all()
        if button.is_visible()
    ]
    assert shown == ["Undo", "Redo", "Reset canvas & history"]
    draw(page, ONE)
    wait_idle(page)
    assert prediction(page) == "1"
    toolbar.get_by_role("button", name="Undo").click()
    wait_idle(page)
    answer = page.locator("[data-testid=stMetric]").filter(has_text="Prediction")
    expect(answer).to_have_count(0)
    toolbar.get_by_role("button", name="Redo").click()
    wait_idle(page)
    assert prediction(page) == "1"


def set_slider_to_minimum(page, label: str) -> None:
    slider = page.get_by_role("slider", name=label)
    slider.focus()
    slider.press("Home")
    wait_idle(page)


def test_one_epoch_training_shows_live_charts_and_accuracy(page):
    open_page(page, "train")
    set_slider_to_minimum(page, "Epochs (passes over the data)")
    set_slider_to_minimum(page, "Training images")
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Every batch").wait_for(timeout=60_000)  # live chart is up
    # Visiting another page does not lose the training; its charts come back.
    page.get_by_role("link", name="Draw").first.click()
    wait_idle(page)
    page.get_by_role("link", name="Train").first.click()
    page.get_by_text("Every batch").wait_for(timeout=60_000)
    accuracy = page.locator("[data-testid=stMetric]").filter(has_text="Test accuracy")
    accuracy.wait_for(timeout=180_000)
    value = accuracy.locator("[data-testid=stMetricValue]").inner_text()
    assert float(value.rstrip("%")) > 70
    assert page.locator("[data-testid=stVegaLiteChart]").count() >= 3
    page.get_by_text("Download your model (.keras)").wait_for()
    screenshot(page, "train-done")


def test_a_closed_tab_gives_up_its_training(browser, server, page):
    # Tab A starts a long training, then is closed mid-way.
    leaver = browser.new_context()
    tab = leaver.new_page()
    tab.base_url = server
    open_page(tab, "train")
    tab.get_by_role("button", name="Start").click()  # 6 epochs of 60,000: minutes
    tab.get_by_text("Every batch").wait_for(timeout=60_000)
    leaver.close()
    # Tab B asks for a short one: it must start once A's stops (<= 10 s),
    # not after A's whole run.
    open_page(page, "train")
    set_slider_to_minimum(page, "Epochs (passes over the data)")
    set_slider_to_minimum(page, "Training images")
    page.get_by_role("button", name="Start").click()
    accuracy = page.locator("[data-testid=stMetric]").filter(has_text="Test accuracy")
    # 7 s here when idle; A's whole run would take minutes.
    accuracy.wait_for(timeout=120_000)


def test_a_whole_number_is_split_and_read(page):
    open_page(page, "draw")
    page.get_by_text("Whole number").click()
    wait_idle(page)
    # Draw only once the narrow canvas has been replaced by the wide one (the
    # canvas lives in a shadow root: Playwright's locators see it, JS queries don't).
    surfaces = page.locator("canvas.upper-canvas")
    for _ in range(100):
        if surfaces.count() == 1 and surfaces.first.bounding_box()["width"] > 600:
            break
        page.wait_for_timeout(100)
    one = [[(110, 40), (110, 240)]]
    seven = [[(x + 220, y) for x, y in SEVEN[0]]]
    draw(page, one + seven, width=700)
    wait_idle(page)
    number = page.locator("[data-testid=stMetric]").filter(has_text="Number")
    # Each stroke triggers a rerun: the answer after the first ("1") may still be
    # on screen when the one after the second arrives, so wait for the last one.
    expect(number.locator("[data-testid=stMetricValue]")).to_have_text(
        "17", timeout=30_000
    )


def choose(page, label: str, option: str) -> None:
    """Pick an option of a select box, brought to the middle of the screen first
    (at the bottom edge its list has no room to open)."""
    box = page.locator("[data-testid=stSelectbox]").filter(has_text=label)
    box.evaluate("element => element.scrollIntoView({block: 'center'})")
    box.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_a_correction_teaches_a_copy_of_the_model(page):
    open_page(page, "draw")
    draw(page, SEVEN)
    wait_idle(page)
    assert prediction(page) == "7"
    choose(page, "That's wrong", "1")
    wait_idle(page)
    page.get_by_role("button", name="Add correction").click()
    wait_idle(page)
    page.get_by_role("button", name="Teach the model").click()
    learned = page.locator("[data-testid=stMetric]").filter(
        has_text="Corrections it now gets right"
    )
    learned.wait_for(timeout=120_000)
    assert learned.locator("[data-testid=stMetricValue]").inner_text() == "1 of 1"
    # Draw now uses the taught copy, and the answer on the canvas follows it.
    wait_idle(page)
    expect(page.get_by_role("radio", name="Your model")).to_be_checked()
    expect(
        page.locator("[data-testid=stMetric]")
        .filter(has_text="Prediction")
        .locator("[data-testid=stMetricValue]")
    ).to_have_text("1", timeout=30_000)


def test_a_visitor_walks_every_page_draws_and_trains(page):
    # One visit as a teacher would make it; the page fixture fails the test on
    # any console error, Vega warning, failed request or exception element.
    open_page(page)
    for link in PAGES:
        page.get_by_role("link", name=link).first.click()
        wait_idle(page)
        if link == "Draw":
            draw(page, SEVEN)
            wait_idle(page)
            assert prediction(page) == "7"
        if link == "Train":
            set_slider_to_minimum(page, "Epochs (passes over the data)")
            set_slider_to_minimum(page, "Training images")
            page.get_by_role("button", name="Start").click()
            accuracy = page.locator("[data-testid=stMetric]").filter(
                has_text="Test accuracy"
            )
            accuracy.wait_for(timeout=180_000)
            wait_idle(page)


def test_the_drawing_is_kept_across_a_visit_to_another_page(page):
    # Issue #36: Draw -> Model -> Draw emptied the canvas.
    open_page(page, "draw")
    draw(page, SEVEN)
    wait_idle(page)
    assert prediction(page) == "7"
    page.get_by_role("link", name="Model").first.click()
    wait_idle(page)
    page.get_by_role("link", name="Draw").first.click()
    wait_idle(page)
    assert prediction(page) == "7"  # read again, before any new stroke
    canvas = page.locator("canvas.dc-canvas.lower-canvas").first  # the strokes
    drawn = canvas.evaluate(
        """c => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let lit = 0;
            for (let i = 0; i < d.length; i += 4) lit += d[i] > 128;
            return lit;
        }"""
    )
    assert drawn > 500, "the strokes are on the canvas again"
    page.get_by_role("button", name=re.compile("Clear")).click()
    wait_idle(page)
    page.get_by_text("Draw a digit on the canvas.").wait_for()
