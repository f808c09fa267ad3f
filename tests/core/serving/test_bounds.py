"""Fair shares of a shared server: a bounded line, one training per address,
few teaches at a time; the same bounds on a Ray cluster."""

import threading
from types import SimpleNamespace

import pytest

from mnist_core.errors import MnistError
from mnist_core.serving.clients import client_address, trusts_proxy
from mnist_core.serving.cluster import ClusterTrainings
from mnist_core.serving.jobs import (
    CLASS_POOL,
    JobState,
    TrainingJob,
    TrainingQueue,
)
from mnist_core.serving.teaching import TeachingTurns
from mnist_core.training.config import TrainConfig
from tests.support.fakes import fake_training
from tests.support.polling import wait_until

FULL = "The training line is full: 2 trainings"
SAME_ADDRESS = r"Your connection already has as many trainings .* allows \(1\)"


def job(owner: str, client: str = "") -> TrainingJob:
    return TrainingJob(TrainConfig(), owner=owner, client=client)


def test_a_full_line_refuses_the_next_training_in_plain_words():
    queue, gate = TrainingQueue(max_running=1, max_queue=2), threading.Event()
    first = queue.submit(job("tab-1"), None, fake_training(gate=gate))
    second = queue.submit(job("tab-2"), None, fake_training(gate=gate))
    with pytest.raises(MnistError, match=FULL) as refused:
        queue.submit(job("tab-3"), None, fake_training())
    assert "Try again in a few minutes" in str(refused.value)
    gate.set()
    assert wait_until(lambda: first.finished and second.finished)
    again = queue.submit(job("tab-3"), None, fake_training())  # room again
    assert wait_until(lambda: again.state == JobState.DONE)


def test_a_stopped_waiting_training_gives_its_place_back():
    queue, gate = TrainingQueue(max_running=1, max_queue=2), threading.Event()
    queue.submit(job("tab-1"), None, fake_training(gate=gate))
    waiting = queue.submit(job("tab-2"), None, fake_training(gate=gate))
    waiting.request_stop()
    assert wait_until(lambda: waiting.state == JobState.CANCELLED)
    queue.submit(job("tab-3"), None, fake_training(gate=gate))
    gate.set()


def test_many_sessions_from_one_address_hold_one_training():
    queue, gate = TrainingQueue(max_running=1, max_queue=5), threading.Event()
    first = queue.submit(job("tab-1", "203.0.113.7"), None, fake_training(gate=gate))
    for tab in ("tab-2", "tab-3"):  # new sessions, same person
        with pytest.raises(MnistError, match=SAME_ADDRESS):
            queue.submit(job(tab, "203.0.113.7"), None, fake_training())
    other = queue.submit(job("tab-9", "198.51.100.2"), None, fake_training(gate=gate))
    assert other.state in (JobState.QUEUED, JobState.RUNNING)
    gate.set()
    assert wait_until(lambda: first.finished and other.finished)
    again = queue.submit(job("tab-2", "203.0.113.7"), None, fake_training())
    assert wait_until(lambda: again.state == JobState.DONE)


def test_an_operator_can_give_one_address_more_trainings():
    # A class behind one school address: the operator allows two each.
    queue, gate = TrainingQueue(max_queue=5, per_client=2), threading.Event()
    for tab in ("tab-1", "tab-2"):
        queue.submit(job(tab, "203.0.113.7"), None, fake_training(gate=gate))
    with pytest.raises(MnistError, match=r"as this server allows \(2\)"):
        queue.submit(job("tab-3", "203.0.113.7"), None, fake_training())
    gate.set()


def test_unknown_addresses_are_bounded_by_the_line_alone():
    queue, gate = TrainingQueue(max_running=1, max_queue=2), threading.Event()
    queue.submit(job("tab-1"), None, fake_training(gate=gate))
    queue.submit(job("tab-2"), None, fake_training(gate=gate))  # "" is not shared
    with pytest.raises(MnistError, match=FULL):
        queue.submit(job("tab-3"), None, fake_training())
    gate.set()


def pupil(n: int) -> TrainingJob:
    # Behind one school address: a pupil's place counts as theirs, not the address's.
    return TrainingJob(TrainConfig(), owner=f"person-{n}", pool=CLASS_POOL)


def test_a_class_of_30_gets_in_line_while_the_visitors_line_is_full():
    queue = TrainingQueue(max_running=1, max_queue=2, class_queue=30)
    gate = threading.Event()
    for tab in ("tab-1", "tab-2"):
        queue.submit(job(tab), None, fake_training(gate=gate))
    with pytest.raises(MnistError, match=FULL):
        queue.submit(job("tab-3"), None, fake_training())
    pupils = [queue.submit(pupil(n), None, fake_training(gate=gate)) for n in range(30)]
    assert [queue.position(p) for p in pupils] == list(range(2, 32))
    with pytest.raises(MnistError, match="already have a training"):
        queue.submit(pupil(7), None, fake_training())  # one pupil, one place
    with pytest.raises(MnistError, match="The training line is full: 30"):
        queue.submit(pupil(99), None, fake_training())  # the class places are bounded
    gate.set()
    assert wait_until(lambda: all(p.state == JobState.DONE for p in pupils), 30)


def test_a_waiting_training_is_told_about_when_it_starts():
    queue, gate = TrainingQueue(max_running=1, class_queue=5), threading.Event()
    running = queue.submit(pupil(0), None, fake_training(batches=4, gate=gate))
    waiting = [queue.submit(pupil(n), None, fake_training(gate=gate)) for n in (1, 2)]
    assert wait_until(lambda: running.state == JobState.RUNNING)
    each = queue.pace.estimate(TrainConfig()).seconds
    first, second = (queue.starts_in(w) for w in waiting)
    assert first == pytest.approx(each)  # none of the running one's batches done
    assert second == pytest.approx(2 * each)
    assert waiting[1].snapshot().starts_in == pytest.approx(2 * each)
    gate.set()
    assert wait_until(lambda: all(w.finished for w in waiting))
    assert queue.starts_in(waiting[0]) is None and running.snapshot().starts_in is None


class Remote:
    """A Ray actor handle's stand-in: `handle.method.remote(...)` calls it."""

    def __init__(self, target) -> None:
        self.target = target

    def __getattr__(self, name):
        return SimpleNamespace(remote=getattr(self.target, name))


def test_the_cluster_keeps_the_same_bounds(monkeypatch):
    # No Ray here: the line is the real one, called in place of its actor;
    # nothing drives the jobs, so they stay unfinished, as trainings waiting
    # on the cluster do.
    from mnist_core.serving import cluster as cluster_module
    from mnist_core.serving.line import TrainingLine

    line = Remote(TrainingLine())
    fake_ray = SimpleNamespace(get=lambda value: value)
    monkeypatch.setattr(ClusterTrainings, "_connect", lambda self: fake_ray)
    monkeypatch.setattr(cluster_module, "cluster_line", lambda ray: line)
    monkeypatch.setattr(ClusterTrainings, "_start_actor", lambda self: object())
    monkeypatch.setattr(ClusterTrainings, "_drive", lambda self, *args: None)
    cluster = ClusterTrainings("ray://127.0.0.1:1", max_queue=2)
    cluster.submit(job("tab-1", "203.0.113.7"), None)
    with pytest.raises(MnistError, match=SAME_ADDRESS):
        cluster.submit(job("tab-2", "203.0.113.7"), None)
    cluster.submit(job("tab-3", "198.51.100.2"), None)
    with pytest.raises(MnistError, match=FULL):
        cluster.submit(job("tab-4", "192.0.2.1"), None)


def test_one_teach_at_a_time_and_the_busy_server_says_so():
    turns, inside, release = TeachingTurns(1), threading.Event(), threading.Event()

    def teach():
        with turns.turn("203.0.113.7"):
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=teach)
    worker.start()
    assert inside.wait(5)
    with pytest.raises(MnistError, match="Someone else's model is being taught"):
        with turns.turn("198.51.100.2"):
            pytest.fail("a second teach ran beside the first")
    release.set()
    worker.join(5)
    with turns.turn("198.51.100.2"):  # free again once the first is done
        assert turns.running == 1
    assert turns.running == 0


def test_one_teach_per_client_even_with_room_on_the_server():
    turns = TeachingTurns(2)
    with turns.turn("203.0.113.7"):
        with pytest.raises(MnistError, match="Your model is already being taught"):
            with turns.turn("203.0.113.7"):
                pass
        with turns.turn("198.51.100.2"):
            assert turns.running == 2


def test_a_failed_teach_gives_its_turn_back():
    turns = TeachingTurns(1)
    with pytest.raises(ValueError):
        with turns.turn("203.0.113.7"):
            raise ValueError("the fine-tune broke")
    assert turns.running == 0


def test_the_proxy_is_believed_only_when_the_operator_trusts_it():
    spoofed = {"X-Forwarded-For": "1.2.3.4, 203.0.113.7"}
    assert client_address("10.0.0.5", spoofed, trusted_proxy=False) == "10.0.0.5"
    # The proxy appends what it saw; what the client wrote before is ignored.
    assert client_address(None, spoofed, trusted_proxy=True) == "203.0.113.7"
    assert client_address(None, {}, trusted_proxy=True) == ""  # local: unknown
    assert client_address(None, {}, trusted_proxy=False) == ""
    assert trusts_proxy(" True ") and not trusts_proxy("") and not trusts_proxy("0")


def test_one_ipv6_home_counts_as_one_client():
    a = client_address("2001:db8:1:2::10", {}, trusted_proxy=False)
    b = client_address("2001:db8:1:2:ffff::1", {}, trusted_proxy=False)
    assert a == b == "2001:db8:1:2::/64"
    assert client_address("::ffff:203.0.113.7", {}, False) == "203.0.113.7"
