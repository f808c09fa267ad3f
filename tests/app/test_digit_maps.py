"""The t-SNE map is made in the background, once per server, with progress."""

import threading
import time

import numpy as np
import pytest

from app_ui.digit_maps import map_server
from mnist_core.data import stats

pytestmark = pytest.mark.slow


@pytest.fixture
def slow_tsne(monkeypatch):
    """A t-SNE that waits for the test's go; counts how often it ran."""
    go, runs = threading.Event(), []

    def tsne(reduced, seed=0):
        runs.append(len(reduced))
        assert go.wait(60)
        return np.zeros((len(reduced), 2))

    monkeypatch.setattr(stats, "tsne", tsne)
    map_server.clear()
    yield go, runs
    go.set()
    map_server.clear()


def test_the_map_shows_progress_while_it_is_made_then_the_map(page, slow_tsne):
    go, runs = slow_tsne
    at = page("dataset", query={"map": "t-SNE"})
    assert not at.exception
    bars = [p.proto.text for p in at.get("progress")]
    assert any("Placing digits on a map" in text for text in bars), bars
    other = page("dataset", query={"map": "t-SNE"})  # a second visitor, meanwhile
    assert not other.exception and any(other.get("progress"))
    go.set()
    task = next(iter(map_server().tasks._tasks.values()))
    assert task.done.wait(30)
    at.run()
    assert not at.exception and not list(at.get("progress"))
    assert runs == [2000]  # made once for both visitors


def test_the_expected_time_comes_from_this_servers_last_map(page, slow_tsne):
    go, _ = slow_tsne
    map_server().last_tsne = 37.0
    at = page("dataset", query={"map": "t-SNE"})
    task = next(iter(map_server().tasks._tasks.values()))
    for _ in range(100):  # the PCA step first, then the expectation is known
        if task.expected is None:
            time.sleep(0.1)
    assert task.expected == (37.0, 37.0)
    at.run()
    bars = " ".join(p.proto.text for p in at.get("progress"))
    assert "it should take about 35 seconds" in bars, bars
