"""The architecture as tests: imports point one way, and light pages stay light."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import mnist_core
from mnist_core.constants import PROJECT_ROOT

CORE = Path(mnist_core.__file__).parent
# The rooms of the core, lowest first; each may import only the rooms below it.
# Drawing (strokes, photos, the 28x28 pipeline) sits under both the data and the
# reading, the data knows no networks, reading a digit needs no training
# machinery, nothing serves from inside training, the store keeps what
# training makes without serving it, and nothing but `python -m` reaches the CLI.
ROOMS = [
    "constants",
    "errors",
    "drawing",
    "data",
    "models",
    "reading",
    "training",
    "store",
    "serving",
    "cli",
    "__main__",
]


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, as dotted names."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def room_of(path: Path) -> str:
    """The room a file of the core lives in: its subpackage or top-level module."""
    return path.relative_to(CORE).parts[0].removesuffix(".py")


def rooms_imported(path: Path) -> set[str]:
    """The rooms of the core that `path` imports (its own and the package aside)."""
    rooms = {
        module.split(".")[1]
        for module in imported_modules(path)
        if module.startswith("mnist_core.")
    }
    return rooms - {room_of(path)}


def import_graph() -> dict[str, set[str]]:
    """Room -> the rooms its files import, for every room of the core."""
    graph: dict[str, set[str]] = {}
    for path in CORE.rglob("*.py"):
        if path.parent == CORE and path.name == "__init__.py":
            continue
        graph.setdefault(room_of(path), set()).update(rooms_imported(path))
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A path of rooms that leads back to its start, or None when there is none."""
    done: set[str] = set()

    def visit(room: str, trail: list[str]) -> list[str] | None:
        if room in trail:
            return trail[trail.index(room) :] + [room]
        if room in done:
            return None
        for target in sorted(graph.get(room, ())):
            cycle = visit(target, [*trail, room])
            if cycle:
                return cycle
        done.add(room)
        return None

    for room in sorted(graph):
        cycle = visit(room, [])
        if cycle:
            return cycle
    return None


def test_core_never_imports_streamlit():
    offenders = [
        str(p.relative_to(CORE))
        for p in CORE.rglob("*.py")
        if any(m.split(".")[0] == "streamlit" for m in imported_modules(p))
    ]
    assert offenders == []


def test_every_room_of_the_core_has_its_place_in_the_order():
    assert set(import_graph()) <= set(ROOMS)


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_imports_only_what_lies_below_it(room):
    below = set(ROOMS[: ROOMS.index(room)])
    files = [CORE / f"{room}.py"] if (CORE / f"{room}.py").exists() else []
    files += sorted((CORE / room).rglob("*.py"))
    offenders = [
        f"{path.relative_to(CORE)} imports mnist_core.{target}"
        for path in files
        for target in sorted(rooms_imported(path) - below)
    ]
    assert offenders == []


def test_no_room_imports_itself_back_through_others():
    cycle = find_cycle(import_graph())
    assert cycle is None, "the core's rooms import in a cycle: " + " -> ".join(cycle)


def test_a_cycle_is_named_from_start_back_to_start():
    graph = {"data": {"reading"}, "reading": {"models", "data"}, "models": set()}
    assert find_cycle(graph) == ["data", "reading", "data"]
    assert find_cycle({"data": {"drawing"}, "reading": {"data", "drawing"}}) is None


def test_pages_folder_holds_only_pages():
    # Each script there is a page of the navigation's registry, and each page
    # of the registry has its script.
    from app_ui.navigation import PAGES

    scripts = {p.stem for p in (PROJECT_ROOT / "app_pages").glob("*.py")}
    assert scripts == {"__init__"} | {Path(page.script).stem for page in PAGES}


def test_the_core_never_imports_the_app():
    offenders = [
        str(p.relative_to(CORE))
        for p in CORE.rglob("*.py")
        if any(m.split(".")[0] in ("app_pages", "app_ui") for m in imported_modules(p))
    ]
    assert offenders == []


LIGHT_PAGE = """
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("streamlit_app.py", default_timeout=120)
at.run()
if "{page}" != "home":
    at.switch_page("app_pages/{page}.py").run()
assert not at.exception, at.exception
print("tensorflow" in sys.modules, "keras" in sys.modules)
"""


@pytest.mark.slow
@pytest.mark.parametrize("page", ["home", "dataset", "prepare"])
def test_light_pages_render_without_tensorflow(page, mnist_path):
    # Each in a fresh process: any import TensorFlow rides in on would show.
    out = subprocess.run(
        [sys.executable, "-c", LIGHT_PAGE.format(page=page)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={"MNIST_PATH": str(mnist_path), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["False", "False"]


def test_settings_links_and_cli_do_not_pull_in_tensorflow_or_ray():
    code = (
        "import sys, mnist_core.training.config, mnist_core.serving.links, "
        "mnist_core.serving.jobs, mnist_core.models.card, mnist_core.cli, "
        "mnist_core.drawing.strokes, mnist_core.reading.image_files, "
        "mnist_core.drawing.preprocess, mnist_core.models.model_files, "
        "mnist_core.serving.cluster, mnist_core.serving.limits, "
        "mnist_core.models.catalog; "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules, "
        "'ray' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    ).stdout.split()
    assert out == ["False", "False", "False"]
