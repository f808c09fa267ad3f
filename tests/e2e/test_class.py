"""A class in real browsers (issue #35): a teacher starts it, two pupils join
and train, one adds a drawing to the class's handwriting, and the teacher's
board shows both runs and the drawing without a reload."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_page, wait_idle
from tests.e2e.test_browser import set_slider_to_minimum
from tests.support.drawing import draw

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def join(tab, code: str, nickname: str) -> None:
    open_page(tab, f"class?class={code}")  # the teacher's link
    tab.get_by_label("Your nickname (shown to the class)").fill(nickname)
    tab.get_by_role("button", name="Join").click()
    wait_idle(tab)
    expect(tab.get_by_text(f"as {nickname}")).to_be_visible()


ZERO = [[(140, 50), (195, 80), (205, 150), (190, 215), (140, 235), (90, 215),
         (75, 150), (85, 80), (140, 50)]]  # fmt: skip


def add_a_drawing(tab) -> None:
    """Opt in, draw the digit asked for (a 0 in an empty set), add it."""
    tab.get_by_text("Add my handwriting to the class's set").click()
    expect(tab.get_by_role("heading", name="Draw a 0")).to_be_visible()
    draw(tab, ZERO)
    wait_idle(tab)
    tab.get_by_role("button", name="Add it").click()
    wait_idle(tab)
    expect(tab.get_by_text("You added 1 of the 50 drawings")).to_be_visible()
    expect(tab.get_by_role("heading", name="Draw a 1")).to_be_visible()


def train_briefly(tab) -> None:
    tab.get_by_role("link", name="Train").first.click()
    wait_idle(tab)
    set_slider_to_minimum(tab, "Epochs (passes over the data)")
    set_slider_to_minimum(tab, "Training images")
    tab.get_by_role("button", name="Start").click()
    wait_idle(tab)


def test_two_pupils_runs_appear_on_the_teachers_board(make_page):
    teacher = make_page(locale="en-US")
    open_page(teacher)
    teacher.get_by_role("link", name="Class").first.click()
    wait_idle(teacher)
    teacher.get_by_text("Are you the teacher? Start a class").click()
    teacher.get_by_label("The class's name").fill("Room 12")
    teacher.get_by_role("button", name="Start a class").click()
    wait_idle(teacher)
    heading = teacher.get_by_role("heading", name=re.compile(r"Code: [2-9A-Z]{6}"))
    code = heading.inner_text().split(": ")[1].strip()

    ana = make_page(locale="en-US")
    join(ana, code, "Ana")
    add_a_drawing(ana)
    expect(teacher.get_by_text("1 drawings. Of each digit: 0: 1")).to_be_visible(
        timeout=15_000
    )  # no reload: the count refreshes itself
    train_briefly(ana)
    # A Spanish pupil, whose nickname looks like markup: shown as typed.
    bo = make_page(locale="es-ES")
    open_page(bo, f"class?class={code}")
    bo.get_by_label("Tu apodo (lo verá la clase)").fill("Bo <b>")
    bo.get_by_role("button", name="Unirme").click()
    wait_idle(bo)
    bo.get_by_role("link", name="Entrenar").first.click()
    wait_idle(bo)
    set_slider_to_minimum(bo, "Épocas (pasadas por los datos)")
    set_slider_to_minimum(bo, "Imágenes de entrenamiento")
    bo.get_by_role("button", name="Empezar").click()

    # No reload on the teacher's side: the board refreshes itself.
    board = teacher.locator("[data-testid=stTable]")
    expect(board).to_contain_text("Ana", timeout=240_000)
    expect(board).to_contain_text("Bo <b>", timeout=240_000)  # literally
    expect(board).to_contain_text("% of 1")  # each run read the class's drawing
    expect(teacher.locator("[data-testid=stVegaLiteChart]")).to_have_count(3)
    for pupil, accuracy in ((ana, "Test accuracy"), (bo, "Precisión en test")):
        result = pupil.locator("[data-testid=stMetric]").filter(has_text=accuracy)
        result.wait_for(timeout=60_000)
        wait_idle(pupil)
