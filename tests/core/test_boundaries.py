"""The core never imports Streamlit, and its light modules never import TensorFlow."""

import ast
import subprocess
import sys
from pathlib import Path

import mnist_core
from mnist_core.constants import PROJECT_ROOT

CORE = Path(mnist_core.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit():
    offenders = [
        p.name for p in CORE.rglob("*.py") if "streamlit" in imported_modules(p)
    ]
    assert offenders == []


def test_light_modules_do_not_pull_in_tensorflow():
    # The Home and Dataset pages use these; TensorFlow would cost them seconds.
    code = (
        "import sys, mnist_core.data, mnist_core.preprocess, mnist_core.events, "
        "mnist_core.strokes, mnist_core.image_files, mnist_core.constants; "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    ).stdout.split()
    assert out == ["False", "False"]
