"""The architecture as tests: imports point one way, and light pages stay light."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import mnist_core
from mnist_core.constants import PROJECT_ROOT

CORE = Path(mnist_core.__file__).parent
# Rooms of the core and the rooms each must never import: reading a digit
# needs no training machinery, the data knows no networks, nothing serves
# from inside training, and nothing but `python -m` reaches the CLI.
FORBIDDEN = {
    "data": {"models", "training", "serving", "cli"},
    "models": {"training", "serving", "cli"},
    "reading": {"training", "serving", "cli"},
    "training": {"serving", "cli"},
    "serving": {"cli"},
}


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


def test_core_never_imports_streamlit():
    offenders = [
        str(p.relative_to(CORE))
        for p in CORE.rglob("*.py")
        if any(m.split(".")[0] == "streamlit" for m in imported_modules(p))
    ]
    assert offenders == []


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_each_room_imports_only_what_lies_below_it(room):
    offenders = []
    for path in (CORE / room).rglob("*.py"):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "mnist_core" and len(parts) > 1:
                if parts[1] in FORBIDDEN[room]:
                    offenders.append(f"{path.name} imports {module}")
    assert offenders == []


def test_pages_folder_holds_only_pages():
    scripts = {p.stem for p in (PROJECT_ROOT / "app_pages").glob("*.py")}
    assert scripts == {
        "__init__",
        "home",
        "dataset",
        "prepare",
        "train",
        "draw",
        "model",
    }


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
        "mnist_core.reading.strokes, mnist_core.reading.image_files, "
        "mnist_core.reading.preprocess, mnist_core.models.model_files, "
        "mnist_core.serving.cluster; "
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
