"""A long computation runs once, shared by everyone who asks, and is timed."""

import threading

from mnist_core.serving.background import Tasks


def test_one_computation_for_everyone_who_asks_while_it_runs():
    go, runs = threading.Event(), []

    def run(task):
        runs.append(1)
        task.expected = (1.0, 2.0)
        go.wait(10)
        return "map"

    tasks = Tasks()
    first = tasks.start("tsne", run)
    assert tasks.start("tsne", run) is first and not first.done.is_set()
    go.set()
    assert first.done.wait(10) and first.result == "map" and runs == [1]
    assert tasks.start("tsne", run) is first  # finished: kept
    assert first.seconds is not None and first.elapsed == first.seconds


def test_a_failed_computation_is_tried_again_when_asked():
    def fail(task):
        raise ValueError("no")

    tasks = Tasks()
    failed = tasks.start("tsne", fail)
    assert failed.done.wait(10) and isinstance(failed.error, ValueError)
    again = tasks.start("tsne", lambda task: "map")
    assert again is not failed and again.done.wait(10) and again.result == "map"


def test_only_the_last_few_results_are_kept():
    tasks = Tasks(kept=2)
    for key in range(4):
        assert tasks.start(key, lambda task, key=key: key).done.wait(10)
    assert len(tasks._tasks) <= 3
