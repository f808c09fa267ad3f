"""Start the app with `streamlit run` on 127.0.0.1 and wait until it answers.

Shared by the browser tests and the benchmarks, started as Streamlit's own e2e
tests start it. (The core never imports Streamlit; this only runs it.)
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

from mnist_core.constants import PROJECT_ROOT

# Chromium as root in a closed network: no sandbox and no background traffic
# (without the last flags it floods the network with refused connections).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(port: int, out, env: dict) -> subprocess.Popen:
    """`streamlit run streamlit_app.py` on 127.0.0.1:`port`, headless."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=out, stderr=out, env=env)


def wait_healthy(
    url: str, process: subprocess.Popen | None = None, seconds: float = 60
) -> None:
    """Poll `url`/_stcore/health until it says ok (over plain HTTP: polling
    with a browser would cost a failed navigation per try).

    Raises:
        RuntimeError: the server exited or did not answer within `seconds`.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("streamlit did not answer /_stcore/health in time")
