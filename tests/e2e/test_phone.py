"""Draw on a phone: touch strokes in Chromium's mobile emulation."""

import pytest

from mnist_core.drawing.strokes import CANVAS_SIZE
from tests.e2e.conftest import open_page, screenshot, wait_idle
from tests.support.drawing import SEVEN, prediction

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A common phone: 390 x 844 CSS pixels, touch only, 3 device pixels per CSS pixel.
PHONE = dict(
    viewport={"width": 390, "height": 844},
    device_scale_factor=3,
    is_mobile=True,
    has_touch=True,
    locale="en-US",
    user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36",
)


def touch_draw(tab, strokes, steps: int = 4, origin=None) -> None:
    """Replay strokes as a finger would, through the DevTools protocol: Chromium
    runs these touches through its gesture handling, scrolling included.

    Strokes are in canvas pixels, placed on the drawing surface (or at `origin`).
    """
    surface = tab.locator("canvas.upper-canvas").first
    box = surface.bounding_box()
    left, top = origin or (box["x"], box["y"])
    scale = box["width"] / CANVAS_SIZE
    cdp = tab.context.new_cdp_session(tab)

    def touch(kind: str, points) -> None:
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [{"x": x, "y": y} for x, y in points]},
        )

    for stroke in strokes:
        points = [(left + x * scale, top + y * scale) for x, y in stroke]
        touch("touchStart", points[:1])
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            for i in range(1, steps + 1):
                f = i / steps
                touch("touchMove", [(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)])
        touch("touchEnd", [])
    tab.wait_for_timeout(500)  # let any scroll the gesture started settle


def scrolled(tab) -> int:
    """How far the page is scrolled: Streamlit scrolls its main area, not the window."""
    return tab.evaluate(
        "document.querySelector('[data-testid=stMain]').scrollTop + window.scrollY"
    )


def test_a_finger_draws_a_seven_and_the_page_stays_put(make_page):
    tab = make_page(**PHONE)
    open_page(tab, "draw")
    tab.locator("canvas.upper-canvas").first.wait_for()
    before = scrolled(tab)
    touch_draw(tab, SEVEN)
    assert scrolled(tab) == before  # drawing did not drag the page along
    wait_idle(tab)
    assert prediction(tab) == "7"
    # The answer is on screen without scrolling away from the canvas.
    answer = tab.get_by_text("It reads 7")
    box = answer.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["viewport"]["height"]
    screenshot(tab, "phone-draw")


def test_the_same_swipe_beside_the_canvas_scrolls(make_page):
    # The control for the test above: the measurement does see a finger scroll.
    tab = make_page(**PHONE)
    open_page(tab, "draw")
    tab.locator("canvas.upper-canvas").first.wait_for()
    before = scrolled(tab)
    # In the page's left margin, above the canvas (whose row takes every touch).
    canvas_top = tab.locator("canvas.upper-canvas").first.bounding_box()["y"]
    swipe_up = [[(0, 0), (0, -250)]]
    touch_draw(tab, swipe_up, origin=(8, canvas_top - 20))
    assert scrolled(tab) > before + 50


def test_the_whole_number_canvas_fits_a_phone(make_page):
    tab = make_page(**PHONE)
    open_page(tab, "draw")
    tab.get_by_text("Whole number").click()
    wait_idle(tab)
    surface = tab.locator("canvas.upper-canvas").first
    surface.wait_for()
    box = surface.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
