"""The classroom deployment in real Chromium tabs: deploy/local-cluster.sh's
nginx in front of two replicas whose trainings run on a Ray head."""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from mnist_core.constants import PROJECT_ROOT
from mnist_core.drawing.strokes import render_strokes
from tests.e2e.conftest import open_page, wait_idle
from tests.e2e.test_browser import set_slider_to_minimum
from tests.support.drawing import SEVEN, draw, prediction
from tests.support.polling import wait_until
from tests.support.servers import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCRIPT = PROJECT_ROOT / "deploy" / "local-cluster.sh"
LONG_TRAINING = "train?epochs=5&size=60000&batch=32"
QUICK_TRAINING = "train?epochs=1&size=1000"
ACCESS_LOG = PROJECT_ROOT / ".cluster" / "logs" / "access.log"
RAY_CLIENT_PORT = 10001  # as in deploy/local-cluster.sh
UPLOAD = 10 * 1024 * 1024  # the app's limit per file


def cluster(command: str, env: dict) -> str:
    done = subprocess.run(
        ["bash", str(SCRIPT), *command.split()],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


CLUSTER_ENV: dict[str, str] = {}  # what `start` ran with, for `restart`


@pytest.fixture(scope="module")
def server(mnist_path):
    """Overrides the one-server fixture: every tab of this module goes through
    nginx. `stop` must leave nothing of what `start` started."""
    env = CLUSTER_ENV
    env |= {
        **os.environ,
        "MNIST_PATH": str(mnist_path),
        "MNIST_CLUSTER_PORT": str(free_port()),
        # Every tab here comes from 127.0.0.1 through nginx, and the replicas
        # count the address nginx saw, across both: two tabs train at once.
        "MNIST_MAX_PER_ADDRESS": "2",
    }
    url = cluster("start", env).strip().splitlines()[-1]
    assert url.startswith("http://127.0.0.1:")
    pids = [int(p.read_text()) for p in (PROJECT_ROOT / ".cluster").glob("*.pid")]
    assert len(pids) == 4  # the Ray head, two replicas, nginx
    try:
        yield url
    finally:
        output = cluster("stop", env)
        assert all(not alive(pid) for pid in pids), output
        assert not list((PROJECT_ROOT / ".cluster").glob("*.pid"))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def fresh_key(url: str) -> str:
    """The routing key nginx gives a browser on its first visit."""
    with urllib.request.urlopen(url + "/", timeout=30) as reply:
        assert not replica_headers(reply.headers)
        cookie = reply.headers["Set-Cookie"]
        reply.read()
    return cookie.split("mnist_replica=")[1].split(";")[0]


def replica_headers(headers) -> list[str]:
    """Response headers that would tell a browser its replica."""
    return [
        f"{name}: {value}"
        for name, value in headers.items()
        if "replica" in name.lower() or ":850" in value
    ]


def served_by(key: str) -> set[str]:
    """Which replicas answered this key's finished requests: nginx's own
    access log says it, the browser is never told."""
    lines = ACCESS_LOG.read_text().splitlines()
    return {
        line.rsplit("replica=", 1)[1]
        for line in lines
        if f"key={key} " in line and not line.endswith("replica=-")
    }


def replica_of(key: str) -> str:
    """The one replica that served this key (nginx logs a request just after
    answering it: wait a moment for the line)."""
    wait_until(lambda: served_by(key), 5, every=0.05)
    [replica] = served_by(key)
    return replica


def keys_for_each_replica(url: str) -> dict[str, str]:
    """A key nginx issued that it routes to each replica (read in its log)."""
    keys: dict[str, str] = {}
    for _ in range(50):
        key = fresh_key(url)
        keys.setdefault(replica_of(key), key)
        if len(keys) == 2:
            return keys
    raise AssertionError(f"nginx used one replica only: {keys}")


def tab_on(make_page, url: str, key: str):
    tab = make_page(locale="en-US")
    host = url.split("//")[1].split(":")[0]
    tab.context.add_cookies(
        [{"name": "mnist_replica", "value": key, "domain": host, "path": "/"}]
    )
    return tab


def training_workers() -> list[int]:
    """Ray processes running a training (Ray titles them ray::TrainingWorker)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if (
                proc.name.isdigit()
                and b"ray::TrainingWorker" in (proc / "cmdline").read_bytes()
            ):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_tabs_on_both_replicas_draw_upload_and_train_on_ray(
    server, make_page, tmp_path
):
    keys = keys_for_each_replica(server)
    drawer, trainer = (tab_on(make_page, server, key) for key in keys.values())
    # Each tab stays on its replica: the page, its websocket and its upload.
    for tab in (drawer, trainer):
        reply = tab.goto(f"{server}/draw")
        assert not replica_headers(reply.headers)
        wait_idle(tab)
    draw(drawer, SEVEN)
    wait_idle(drawer)
    assert prediction(drawer) == "7"
    photo = tmp_path / "seven.png"
    Image.fromarray(render_strokes(SEVEN, width=16, ink=30, background=235)).save(photo)
    trainer.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(
        photo
    )
    wait_idle(trainer)
    assert prediction(trainer) == "7"  # the upload reached the session's replica
    for replica, key in keys.items():
        assert served_by(key) == {replica}
    # A training from the other replica runs on a Ray worker, live.
    open_page(trainer, QUICK_TRAINING)
    trainer.get_by_role("button", name="Start").click()
    trainer.get_by_text("Every batch").wait_for(timeout=120_000)
    accuracy = trainer.locator("[data-testid=stMetric]").filter(
        has_text="Test accuracy"
    )
    accuracy.wait_for(timeout=180_000)
    assert (
        float(accuracy.locator("[data-testid=stMetricValue]").inner_text().rstrip("%"))
        > 60
    )


def test_stop_and_a_killed_worker_reach_their_users(server, make_page):
    keys = list(keys_for_each_replica(server).values())
    stopper, victim = (tab_on(make_page, server, key) for key in keys)
    for tab in (stopper, victim):
        open_page(tab, LONG_TRAINING)
        tab.get_by_role("button", name="Start").click()
    for tab in (stopper, victim):
        tab.get_by_text("Every batch").wait_for(timeout=120_000)
    assert len(training_workers()) == 2, "each training has its own worker"
    # Stop: the stopped model's results come back.
    asked = time.monotonic()
    stopper.get_by_role("button", name="Stop").click()
    stopper.get_by_text("Stopped after").wait_for(timeout=60_000)
    assert time.monotonic() - asked < 30
    # A killed worker: its user is told, within seconds.
    wait_until(lambda: len(training_workers()) <= 1, 30, every=0.2)  # stopped one ends
    [worker] = training_workers()
    os.kill(worker, signal.SIGKILL)
    victim.get_by_text("The training was lost").wait_for(timeout=15_000)
    assert victim.get_by_role("button", name="Start").is_enabled()


def test_the_proxy_picks_the_replica_and_bounds_uploads(server):
    # A made-up key is not followed: nginx issues one of its own.
    request = urllib.request.Request(server, headers={"Cookie": "mnist_replica=key1"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        assert not replica_headers(reply.headers)
        issued = reply.headers["Set-Cookie"].split("mnist_replica=")[1].split(";")[0]
        # No other site frames the app; no browser guesses a response's type.
        assert reply.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in reply.headers["Content-Security-Policy"]
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert issued != "key1" and replica_of(issued)
    assert not served_by("key1")
    # A replica's metrics are for its operator, on its own port.
    with pytest.raises(urllib.error.HTTPError) as closed:
        urllib.request.urlopen(f"{server}/_stcore/metrics", timeout=30)
    assert closed.value.code == 404
    # Ray's client port (it runs code unauthenticated) listens on loopback only.
    assert listening_addresses(RAY_CLIENT_PORT) == {"127.0.0.1"}
    # 60 files of 10 MB in a row from one address: a burst passes, the rest not.
    key = fresh_key(server)
    statuses = [put_file(server, key, number) for number in range(60)]
    assert statuses.count(429) >= 45, statuses
    assert put_file(server, key, 60, UPLOAD + 2 * 1024 * 1024) in (413, 429)


def put_file(url: str, key: str, number: int, size: int = UPLOAD) -> int:
    """PUT one file to the upload endpoint through the proxy; its status."""
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/no-such-session/file{number}",
        data=b"0" * size,
        method="PUT",
        headers={"Cookie": f"mnist_replica={key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as refused:
        return refused.code


def listening_addresses(port: int) -> set[str]:
    """The addresses something listens on at `port` (/proc/net/tcp and tcp6;
    Ray's gRPC takes an IPv6 socket on ::ffff:127.0.0.1, which is loopback)."""
    found = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            # The kernel writes each 32-bit word of the address little-endian.
            raw = b"".join(
                bytes.fromhex(address[i : i + 8])[::-1]
                for i in range(0, len(address), 8)
            )
            ip = ipaddress.ip_address(raw)
            mapped = getattr(ip, "ipv4_mapped", None)
            found.add(str(mapped or ip))
    return found


def test_the_board_spans_replicas_and_work_survives_a_replica_restart(
    server, make_page
):
    # Kept work and classes live in the cluster's PostgreSQL, not in a replica:
    # a run trained through one replica shows on the board served by the
    # other, and a restarted replica hands a pupil their model back.
    (_, teacher_key), (pupil_replica, pupil_key) = keys_for_each_replica(server).items()
    teacher = tab_on(make_page, server, teacher_key)
    open_page(teacher, "class")
    teacher.get_by_text("Are you the teacher? Start a class").click()
    teacher.get_by_label("The class's name").fill("Replicas")
    teacher.get_by_role("button", name="Start a class").click()
    wait_idle(teacher)
    code = teacher.get_by_role("heading", name="Code:").inner_text().split(": ")[1]
    pupil = tab_on(make_page, server, pupil_key)
    open_page(pupil, f"class?class={code.strip()}")
    pupil.get_by_label("Your nickname (shown to the class)").fill("Ana")
    pupil.get_by_role("button", name="Join").click()
    wait_idle(pupil)
    pupil.get_by_role("link", name="Train").first.click()
    wait_idle(pupil)
    set_slider_to_minimum(pupil, "Epochs (passes over the data)")
    set_slider_to_minimum(pupil, "Training images")
    pupil.get_by_role("button", name="Start").click()
    pupil.locator("[data-testid=stMetric]").filter(has_text="Test accuracy").wait_for(
        timeout=180_000
    )
    wait_idle(pupil)
    expect(teacher.locator("[data-testid=stTable]")).to_contain_text(
        "Ana", timeout=30_000
    )
    cluster(f"restart {pupil_replica.rsplit(':', 1)[1]}", CLUSTER_ENV)
    pupil.reload()
    wait_idle(pupil)
    pupil.get_by_role("link", name="Draw").first.click()
    wait_idle(pupil)
    expect(pupil.get_by_role("radio", name="Your model")).to_be_checked()
