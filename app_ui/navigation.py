"""The app's pages, in the tutorial's order: look, prepare, train, use.

The router builds the navigation from this list and Home links to the pages
with the same icons, so a page's name, icon and address live here only.
"""

from __future__ import annotations

from dataclasses import dataclass

from app_ui.i18n import mark


@dataclass(frozen=True)
class PageEntry:
    script: str  # in app_pages/
    title: str  # English; shown through t()
    icon: str  # a Material Symbols name
    url_path: str | None  # None: the default page at "/"

    @property
    def path(self) -> str:
        return f"app_pages/{self.script}"

    @property
    def material_icon(self) -> str:
        return f":material/{self.icon}:"


PAGES = [
    PageEntry("home.py", mark("Home"), "home", None),
    PageEntry("dataset.py", mark("Dataset"), "grid_view", "dataset"),
    PageEntry("prepare.py", mark("Prepare"), "tune", "prepare"),
    PageEntry("train.py", mark("Train"), "model_training", "train"),
    PageEntry("draw.py", mark("Draw"), "draw", "draw"),
    PageEntry("model.py", mark("Model"), "biotech", "model"),
]
BY_SCRIPT = {page.script: page for page in PAGES}
