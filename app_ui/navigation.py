"""The app's pages, in the tutorial's order: look, prepare, train, use.

The router builds the navigation from this list, each page takes its heading
from it, Home links to the pages it describes and the tests walk it, so a
page's name, heading, icon, address and Home's words on it live here only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app_ui.i18n import mark


@dataclass(frozen=True)
class PageEntry:
    script: str  # in app_pages/
    title: str  # English, in the sidebar; shown through t()
    icon: str  # a Material Symbols name
    url_path: str | None  # None: the default page at "/"
    heading: str  # English, the page's own title
    link: str | None = None  # Home's link to it (None: Home does not link it)
    blurb: str | None = None  # Home's sentence under that link

    @property
    def path(self) -> str:
        return f"app_pages/{self.script}"

    @property
    def material_icon(self) -> str:
        return f":material/{self.icon}:"


PAGES = [
    PageEntry("home.py", mark("Home"), "home", None, "MNIST Studio"),
    PageEntry(
        "dataset.py",
        mark("Dataset"),
        "grid_view",
        "dataset",
        mark("Dataset"),
        mark("**Dataset** — browse the digits"),
        mark("Filter by digit, see the average of each digit and a map of them all."),
    ),
    PageEntry(
        "prepare.py", mark("Prepare"), "tune", "prepare", mark("Preparing the data")
    ),
    PageEntry(
        "train.py",
        mark("Train"),
        "model_training",
        "train",
        mark("Train"),
        mark("**Train** — teach a network"),
        mark("Pick the settings with sliders, press Start and watch it learn."),
    ),
    PageEntry(
        "draw.py",
        mark("Draw"),
        "draw",
        "draw",
        mark("Draw"),
        mark("**Draw** — test it yourself"),
        mark("Draw a digit with a mouse or a finger and see what the network thinks."),
    ),
    PageEntry(
        "model.py",
        mark("Model"),
        "biotech",
        "model",
        mark("Inside the model"),
        mark("**Model** — look inside"),
        mark("The layers, the filters it learned and what it sees in your digit."),
    ),
    PageEntry(
        "class_room.py",
        mark("Class"),
        "groups",
        "class",
        mark("Class"),
        mark("**Class** — learn together"),
        mark(
            "A teacher starts a class; pupils join with its code, train, and see "
            "everyone's runs on the class board."
        ),
    ),
]
BY_SCRIPT = {page.script: page for page in PAGES}


def heading(page_file: str) -> str:
    """The English heading of the page whose script is `page_file` (__file__)."""
    return BY_SCRIPT[Path(page_file).name].heading


def unknown_address(url: str | None, base_path: str = "") -> str | None:
    """The page a browser asked for when it names none of PAGES (Streamlit
    then shows the default page without a word), else None."""
    from urllib.parse import urlsplit

    if not url:
        return None
    path = urlsplit(url).path.strip("/")
    base = base_path.strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :].strip("/")
    known = {page.url_path for page in PAGES if page.url_path}
    return None if not path or path in known else path
