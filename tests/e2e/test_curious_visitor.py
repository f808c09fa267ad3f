"""A curious visitor: a seeded random walk through the app in one session.

It moves only as a person does (the sidebar, clicks, keys, the mouse on the
canvas; a reload would start a new session and hide state bugs), and after
every step it checks what a person would notice: an exception or error box,
a traceback in the server's log, the language it chose, and — once it has
trained — that Draw and Model use its own model.

    pytest tests/e2e/test_curious_visitor.py --visitor-seed 7 --visitor-steps 200
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest
from PIL import Image

from app_ui.navigation import PAGES as NAVIGATION
from mnist_core.drawing.strokes import render_strokes
from tests.e2e.conftest import open_page, wait_idle
from tests.support.drawing import ONE, SEVEN, draw

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [page.url_path or "" for page in NAVIGATION]
LANGUAGES = {"en": "English", "es": "Español"}
# A word of the sidebar in each language: the one shown says which is in use.
DATASET_LINK = {"en": "Dataset", "es": "Datos"}
PICKER = {"en": "Model", "es": "Modelo"}
YOURS = {"en": "Your model", "es": "Tu modelo"}
SCRIBBLE = [[(40, 40), (240, 200), (60, 230), (230, 50), (140, 250), (150, 30)]]
# A tiny training: seconds on 2 cores, then "your model" exists.
TINY = "train?arch=small&epochs=1&size=1000&batch=64"


@dataclass
class Visitor:
    tab: object
    rng: random.Random
    log: object  # the server's log file
    lang: str = "en"
    page: str = "train"
    trained: bool = False
    read_to: int = 0
    steps: list = field(default_factory=list)

    # --- what a person does ---
    def go(self, name: str) -> None:
        for link in self.tab.locator("[data-testid=stSidebarNav] a").all():
            address = link.get_attribute("href").split("://", 1)[-1]
            if address.partition("/")[2].rstrip("/") == name:
                link.click()
                self.page = name
                return
        raise AssertionError(f"no sidebar link to /{name}")

    def switch_language(self) -> None:
        """Switch, and check the page's choices (its link) did not move."""
        before = self.tab.url
        self.lang = "es" if self.lang == "en" else "en"
        sidebar = self.tab.locator("[data-testid=stSidebar] [data-testid=stRadio]")
        sidebar.locator("label").filter(has_text=LANGUAGES[self.lang]).click()
        self.settle()
        if self.page in ("train", "dataset"):  # their settings live in the link
            assert self.tab.url == before, f"{before} became {self.tab.url}"

    def main_widgets(self, testid: str):
        main = self.tab.locator("[data-testid=stMain]")
        return [
            w for w in main.locator(f"[data-testid={testid}]").all() if w.is_visible()
        ]

    def pick_radio(self) -> None:
        radios = [
            r
            for r in self.main_widgets("stRadio")
            if r.locator("[data-testid=stWidgetLabel]").inner_text().strip()
            != PICKER[self.lang]
        ]
        if radios:
            options = self.rng.choice(radios).locator("label").all()
            enabled = [o for o in options if o.is_enabled()]
            if enabled:
                self.rng.choice(enabled).click()

    def flip_toggle(self) -> None:
        toggles = self.main_widgets("stCheckbox")
        if toggles:
            self.rng.choice(toggles).locator("label").first.click()

    def nudge_slider(self) -> None:
        sliders = [
            s
            for s in self.tab.locator("[data-testid=stMain] [role=slider]").all()
            if s.is_visible()
        ]
        if sliders:
            slider = self.rng.choice(sliders)
            slider.focus()
            slider.press(self.rng.choice(["ArrowLeft", "ArrowRight", "Home"]))

    def choose_in_selectbox(self) -> None:
        boxes = self.main_widgets("stSelectbox")
        if boxes:
            box = self.rng.choice(boxes)
            box.click()
            for _ in range(self.rng.randint(1, 4)):
                self.tab.keyboard.press("ArrowDown")
            self.tab.keyboard.press("Enter")

    def draw_something(self) -> None:
        if self.page != "draw":
            self.go("draw")
            self.settle()
        if self.tab.locator("canvas.upper-canvas").count():
            draw(self.tab, self.rng.choice([SEVEN, ONE, SCRIBBLE]))

    def upload_photo(self, folder) -> None:
        if self.page != "draw":
            self.go("draw")
            self.settle()
        photo = folder / "seven.png"
        Image.fromarray(render_strokes(SEVEN, width=16, ink=30, background=235)).save(
            photo
        )
        inputs = self.tab.locator("[data-testid=stFileUploader] input[type=file]")
        if inputs.count():
            inputs.first.set_input_files(photo)

    def train_tiny(self) -> None:
        self.tab.get_by_role(
            "button", name={"en": "Start", "es": "Empezar"}[self.lang]
        ).click()
        done = {"en": "Test accuracy", "es": "Precisión en test"}[self.lang]
        self.tab.locator("[data-testid=stMetric]").filter(has_text=done).wait_for(
            timeout=240_000
        )
        self.trained = True

    # --- what a person would notice ---
    def settle(self) -> None:
        wait_idle(self.tab)

    def check(self) -> None:
        where = f"after steps {self.steps[-5:]}"
        errors = self.tab.locator("[data-testid=stException]").all_inner_texts()
        assert not errors, f"{where}: {errors}"
        assert self.tab.get_by_text("This app has encountered an error").count() == 0
        text = self.log.read_text()
        assert "Traceback" not in text[self.read_to :], (
            f"{where}: {text[self.read_to :]}"
        )
        self.read_to = len(text)
        nav = self.tab.locator("[data-testid=stSidebarNav]").inner_text()
        assert DATASET_LINK[self.lang] in nav, f"{where}: not in {self.lang}: {nav}"
        if self.trained and self.page in ("draw", "model"):
            picker = [
                r
                for r in self.main_widgets("stRadio")
                if r.locator("[data-testid=stWidgetLabel]").inner_text().strip()
                == PICKER[self.lang]
            ]
            assert picker, f"{where}: no model picker after training"
            checked = picker[0].locator("label:has(input:checked)").inner_text()
            assert checked.strip() == YOURS[self.lang], f"{where}: {checked} in use"


def test_a_curious_visitor_meets_no_error_and_keeps_their_model(
    page, server_log, request, tmp_path
):
    rng = random.Random(request.config.getoption("--visitor-seed"))
    visitor = Visitor(page, rng, server_log)
    open_page(page, TINY)  # the one address typed: a teacher's link
    visitor.read_to = len(server_log.read_text())
    visitor.train_tiny()
    visitor.check()
    actions = {
        "page": lambda: visitor.go(rng.choice(PAGES)),
        "language": visitor.switch_language,
        "radio": visitor.pick_radio,
        "toggle": visitor.flip_toggle,
        "slider": visitor.nudge_slider,
        "select": visitor.choose_in_selectbox,
        "draw": visitor.draw_something,
        "photo": lambda: visitor.upload_photo(tmp_path),
    }
    weights = [5, 3, 3, 2, 2, 2, 3, 1]
    for _ in range(request.config.getoption("--visitor-steps")):
        name = rng.choices(list(actions), weights)[0]
        visitor.steps.append(f"{name}@{visitor.page or 'home'}/{visitor.lang}")
        actions[name]()
        visitor.settle()
        visitor.check()
