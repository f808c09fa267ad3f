"""The benches' short paths the docs name lead to a real module, and the
modules run from the repository's root with no edits to the import path."""

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.servers import PROJECT_ROOT

BENCH = PROJECT_ROOT / "bench"
LAUNCHERS = sorted(
    p for p in BENCH.glob("*.py") if p.name not in ("__init__.py", "_launcher.py")
)
MODULES = sorted((BENCH / "performance").glob("*.py")) + sorted(
    (BENCH / "experiments").glob("*.py")
)


def target(launcher: Path) -> str:
    """The module a short path launches: `launch("bench.x.y")`'s argument."""
    for node in ast.walk(ast.parse(launcher.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "launch":
            return node.args[0].value
    raise AssertionError(f"{launcher.name} launches nothing")


@pytest.mark.parametrize("launcher", LAUNCHERS, ids=lambda p: p.name)
def test_each_short_path_launches_a_bench_module(launcher):
    module = target(launcher)
    assert module.startswith(("bench.performance.", "bench.experiments."))
    assert importlib.util.find_spec(module) is not None, module
    assert module.rsplit(".", 1)[1] == launcher.stem  # the same name, one place


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_bench_modules_leave_the_import_path_alone(module):
    assert "sys.path" not in module.read_text()


def test_the_docs_short_paths_exist():
    named = {"crowd", "draw_speed", "load", "not_a_digit", "plain_canvas_demo"}
    assert named <= {p.stem for p in LAUNCHERS}


def test_a_short_path_runs_from_another_directory(tmp_path):
    done = subprocess.run(
        [sys.executable, str(BENCH / "crowd.py"), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--only" in done.stdout
