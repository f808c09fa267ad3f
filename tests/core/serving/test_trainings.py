"""The in-process queue and the Ray trainings offer the pages one face."""

import inspect

import pytest

from mnist_core.serving.cluster import ClusterTrainings
from mnist_core.serving.jobs import TrainingQueue, Trainings

FACE = ["submit", "position", "starts_in"]


@pytest.mark.parametrize(
    "trainings",
    [TrainingQueue(), ClusterTrainings("ray://127.0.0.1:1")],
    ids=["queue", "cluster"],
)
def test_queue_and_cluster_are_trainings_with_the_same_calls(trainings):
    # Making a ClusterTrainings connects to nothing: Ray is reached on submit.
    assert isinstance(trainings, Trainings)
    for name in FACE:
        expected = inspect.signature(getattr(Trainings, name))
        assert inspect.signature(getattr(type(trainings), name)) == expected, name


def test_the_face_is_what_the_protocol_declares():
    declared = {
        name
        for name, value in vars(Trainings).items()
        if not name.startswith("_") and callable(value)
    }
    assert declared == set(FACE)
