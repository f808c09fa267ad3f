"""Stop Streamlit from clearing Keras's session after every script run.

Streamlit calls `keras.backend.clear_session()` when any script run ends (a
workaround from TensorFlow 1's global graph). With Keras 3 that is a full
`gc.collect()`, a reset of TensorFlow's kernel cache (the next prediction
rebuilds its kernels) and a reset of Keras's global state for every thread,
a training's included. Profiled with py-spy under `python bench/load.py
--users 1 --trainers 0`, it took ~40 % of the server's time. Our models live in
st.cache_resource and session state, and nothing here uses TensorFlow 1's
graph, so there is nothing to clear.
"""

from __future__ import annotations

import sys

from streamlit.runtime.scriptrunner import script_runner

STREAMLITS_CLEANUP = script_runner._clean_problem_modules  # before any change


def _clean_problem_modules_but_keras() -> None:
    """What Streamlit's cleanup does for the other module it tidies."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def keep_keras_session() -> None:
    """Install the cleanup that leaves Keras alone (idempotent)."""
    script_runner._clean_problem_modules = _clean_problem_modules_but_keras
