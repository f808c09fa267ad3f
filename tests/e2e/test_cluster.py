"""The classroom deployment in real Chromium tabs: deploy/local-cluster.sh's
nginx in front of two replicas whose trainings run on a Ray head."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from mnist_core.constants import PROJECT_ROOT
from mnist_core.reading.strokes import render_strokes
from mnist_core.serving.local_server import free_port
from tests.conftest import SEVEN
from tests.e2e.conftest import open_page, wait_idle
from tests.e2e.test_browser import draw, prediction

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCRIPT = PROJECT_ROOT / "deploy" / "local-cluster.sh"
LONG_TRAINING = "train?epochs=5&size=60000&batch=32"
QUICK_TRAINING = "train?epochs=1&size=1000"


def cluster(command: str, env: dict) -> str:
    done = subprocess.run(
        ["bash", str(SCRIPT), command],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(mnist_path):
    """Overrides the one-server fixture: every tab of this module goes through
    nginx. `stop` must leave nothing of what `start` started."""
    env = {
        **os.environ,
        "MNIST_PATH": str(mnist_path),
        "MNIST_CLUSTER_PORT": str(free_port()),
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


def replica_of(url: str, cookie: str) -> str:
    request = urllib.request.Request(url, headers={"Cookie": f"mnist_replica={cookie}"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return reply.headers["X-Mnist-Replica"]


def keys_for_each_replica(url: str) -> dict[str, str]:
    """A cookie value that nginx routes to each replica (found by asking)."""
    keys: dict[str, str] = {}
    for number in range(50):
        keys.setdefault(replica_of(url, f"key{number}"), f"key{number}")
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
        assert reply.headers["x-mnist-replica"] in keys
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
    assert prediction(trainer) == "7"
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
    deadline = time.monotonic() + 30
    while len(training_workers()) > 1 and time.monotonic() < deadline:
        time.sleep(0.2)  # the stopped training's worker is ended
    [worker] = training_workers()
    os.kill(worker, signal.SIGKILL)
    victim.get_by_text("The training was lost").wait_for(timeout=15_000)
    assert victim.get_by_role("button", name="Start").is_enabled()
