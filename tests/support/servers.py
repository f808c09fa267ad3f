"""Start the app with `streamlit run` on 127.0.0.1 and wait until it answers.

Also a Ray head for the cluster tests. Test and bench tooling, kept out of the
shipped package; the app is started as Streamlit's own e2e tests start it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


def start_streamlit(
    port: int, out, env: dict, script: str = "streamlit_app.py"
) -> subprocess.Popen:
    """`streamlit run <script>` (the app by default) on 127.0.0.1:`port`, headless."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
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


# Ray binds its services to this machine's network address unless told it is
# a single-machine cluster; with this it listens on 127.0.0.1 only.
RAY_LOOPBACK_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}


def start_ray_head(
    port: int, client_port: int, cpus: int, temp_dir: str, out, env: dict
) -> subprocess.Popen:
    """A Ray head on 127.0.0.1 (`ray start --block`: ends with all it started
    when this process gets SIGTERM). Clients connect to ray://127.0.0.1:client_port."""
    ray = Path(sys.executable).with_name("ray")
    command = [
        str(ray),
        "start",
        "--head",
        "--block",
        "--node-ip-address=127.0.0.1",
        f"--port={port}",
        f"--ray-client-server-port={client_port}",
        f"--num-cpus={cpus}",
        "--include-dashboard=false",
        "--disable-usage-stats",
        f"--temp-dir={temp_dir}",
    ]
    # A token in the home folder (~/.ray/auth_token) turns token auth on for
    # every `ray start`, and Ray's client (ray://) sends none: the test head,
    # on loopback only, runs without it whatever the home folder holds.
    env = {**env, **RAY_LOOPBACK_ENV, "RAY_AUTH_MODE": "disabled"}
    return subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=out, stderr=out, env=env)


def wait_listening(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until something accepts TCP connections on 127.0.0.1:`port`.

    Raises:
        RuntimeError: `process` exited, or nothing listened within `seconds`.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listened on port {port} in time")
