"""Runs a bench module from its short path: `python bench/load.py` is
`python -m bench.performance.load`, from any directory.

The benches live in bench/performance/ (how fast, how much memory) and
bench/experiments/ (what a change to the models would give); the short paths
are the ones the docs and the issues name.
"""

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def launch(module: str, own_process: bool = True) -> None:
    """Run `module` as `python -m` would; `own_process=False` inside a
    Streamlit script, whose `sys` belongs to the server."""
    # Run as a file, a bench gets bench/ as the first place to import from;
    # its modules import from the repository's root, as `python -m` gives.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    runpy.run_module(module, run_name="__main__", alter_sys=own_process)
