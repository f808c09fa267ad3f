"""Correcting a reading and teaching the model, in a real Chromium."""

import pytest

from tests.e2e.conftest import open_page, wait_idle
from tests.support.drawing import SEVEN, draw, prediction

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INK_ON_CANVAS = """(canvas) => {
  const pixels = canvas.getContext("2d")
    .getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] > 128) ink++;
  return ink;
}"""


def test_teaching_keeps_the_answer_and_the_canvas_in_agreement(page):
    open_page(page, "draw")
    draw(page, SEVEN)
    wait_idle(page)
    read = prediction(page)
    canvas = page.locator("canvas.dc-canvas.lower-canvas").first  # in a shadow root
    assert canvas.evaluate(INK_ON_CANVAS) > 100  # the drawing, as drawn
    page.locator("[data-testid=stSelectbox]").filter(
        has_text="That's wrong, it's"
    ).click()
    offered = page.get_by_role("option").all_inner_texts()
    assert read not in offered and len(offered) == 9  # only the other nine digits
    page.get_by_role("option", name="1", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Add correction").click()
    wait_idle(page)
    page.get_by_role("button", name="Teach the model").click()
    page.get_by_text("Corrections it now gets right").wait_for(timeout=240_000)
    wait_idle(page)
    answers = page.locator("[data-testid=stMetric]").filter(has_text="Prediction")
    if answers.count():  # an answer is shown only for what the canvas shows
        assert canvas.evaluate(INK_ON_CANVAS) > 100
