"""A class in real browsers (issue #35): a teacher starts it, two pupils join
and train, and the teacher's board shows both runs without a reload."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_page, wait_idle
from tests.e2e.test_browser import set_slider_to_minimum

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def join(tab, code: str, nickname: str) -> None:
    open_page(tab, f"class?class={code}")  # the teacher's link
    tab.get_by_label("Your nickname (shown to the class)").fill(nickname)
    tab.get_by_role("button", name="Join").click()
    wait_idle(tab)
    expect(tab.get_by_text(f"as {nickname}")).to_be_visible()


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
    expect(teacher.locator("[data-testid=stVegaLiteChart]")).to_have_count(3)
    for pupil, accuracy in ((ana, "Test accuracy"), (bo, "Precisión en test")):
        result = pupil.locator("[data-testid=stMetric]").filter(has_text=accuracy)
        result.wait_for(timeout=60_000)
        wait_idle(pupil)
