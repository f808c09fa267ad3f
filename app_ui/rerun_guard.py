"""Each run of a page or fragment waits for its turn (serving/throttle.py).

The wait happens in the session's own script thread, just before Streamlit
executes the run: while it waits, the reruns its client asks for are merged
by Streamlit into the next run (which starts by seeing them), so a flood of
reruns costs the server sleeping threads, not the pages' work. Fragments
(Draw's canvas and photo rerun only theirs) wait the same way, which is why
this wraps Streamlit's executor rather than the router's first line.
"""

from __future__ import annotations

import threading
import time

from streamlit import runtime
from streamlit.runtime.scriptrunner import script_runner

from app_ui.common import session_address, setting
from mnist_core.serving import throttle

_THROTTLE: list[throttle.RunThrottle] = []
_LOCK = threading.Lock()


def install() -> None:
    """Make every script and fragment run of this server wait for its turn."""
    script_runner.exec_func_with_error_handling = _turn_taking(
        script_runner.exec_func_with_error_handling
    )


def run_throttle() -> throttle.RunThrottle:
    """The one throttle of this server process (MNIST_RUNS_PER_SESSION and
    MNIST_RUNS_PER_ADDRESS set its rates)."""
    with _LOCK:
        if not _THROTTLE:
            session = setting(throttle.RUNS_PER_SESSION_ENV, "")
            address = setting(throttle.RUNS_PER_ADDRESS_ENV, "")
            _THROTTLE.append(
                throttle.RunThrottle(
                    throttle.rate_from(session, throttle.SESSION_RATE),
                    throttle.rate_from(address, throttle.ADDRESS_RATE),
                )
            )
        return _THROTTLE[0]


def on_a_real_server() -> bool:
    """False under AppTest, whose stand-in runtime runs pages as fast as a
    test asks."""
    return runtime.exists() and type(runtime.get_instance()) is runtime.Runtime


def _turn_taking(execute):
    def taking_turns(func, ctx):
        session = getattr(ctx, "session_id", "")
        if session and on_a_real_server():
            delay = run_throttle().wait(session, session_address(session))
            if delay > 0:
                time.sleep(delay)
        return execute(func, ctx)

    return taking_turns
