"""The class's handwriting at work: each model measured the same way on it,
and a class model trained through the normal queue on MNIST plus the
drawings, tested on the held-out ones beside the models it is compared with."""

import numpy as np
import pytest

from mnist_core.errors import MnistError
from mnist_core.serving.class_handwriting import (
    CLASS_SHARE,
    MIN_DRAWINGS,
    class_model_job,
    learning_set,
    measure_run,
    read_correct,
)
from mnist_core.serving.jobs import CLASS_POOL, JobState, TrainingQueue
from mnist_core.store.store import open_store
from tests.support.configs import QUICK
from tests.support.polling import wait_until


class Threshold:
    """A model's stand-in: reads an image as 1 when it is bright, else 0."""

    def __call__(self, batch, training=False):
        ones = batch.mean(axis=(1, 2, 3)) > 0.5
        return np.eye(10)[ones.astype(int)]


@pytest.fixture
def store(tmp_path):
    opened = open_store(f"sqlite:///{tmp_path / 'studio.db'}")
    yield opened
    opened.engine.dispose()


def class_with_drawings(store, images, labels):
    teacher = store.people.create().person
    room = store.classes.start(teacher, "Year 6")
    member = store.classes.join(room.code, store.people.create().person, "Ana")
    for image, label in zip(images, labels, strict=True):
        store.classes.add_drawing(member.member, int(label), image)
    return teacher, room


def test_a_model_is_read_by_its_own_answer_on_every_drawing(store):
    bright, dark = np.full((28, 28), 255, np.uint8), np.zeros((28, 28), np.uint8)
    _, room = class_with_drawings(store, [bright, dark, dark], [1, 0, 1])
    assert measure_run(store, room.id, Threshold()) == {"correct": 2, "total": 3}
    assert read_correct(Threshold(), np.zeros((0, 28, 28), np.uint8), []) == 0


def test_the_class_model_learns_only_from_drawings_not_held_out(store, small_mnist):
    _, room = class_with_drawings(
        store, small_mnist.x_test[:40], small_mnist.y_test[:40]
    )
    drawings = store.classes.drawings(room.id)
    learned = learning_set(drawings, 6000)
    held = drawings.x[drawings.held_out()]
    assert not any((held == x).all(axis=(1, 2)).any() for x in learned.x)
    assert len(learned.y) == pytest.approx(CLASS_SHARE * 6000, rel=0.1)


def test_a_class_model_needs_enough_drawings_to_hold_some_out(store, small_mnist):
    teacher, room = class_with_drawings(
        store, small_mnist.x_test[:10], small_mnist.y_test[:10]
    )
    with pytest.raises(MnistError, match=f"at least {MIN_DRAWINGS} drawings"):
        class_model_job(store, room.id, teacher, QUICK, {})


def test_a_class_model_trains_in_line_and_is_compared_on_held_out_drawings(
    store, small_mnist
):
    teacher, room = class_with_drawings(
        store, small_mnist.x_test[:48], small_mnist.y_test[:48]
    )
    job = class_model_job(store, room.id, teacher, QUICK, {"shipped": Threshold()})
    assert job.pool == CLASS_POOL and job.owner == f"class-{room.id}"
    TrainingQueue().submit(job, small_mnist)
    assert wait_until(lambda: job.finished, 120)
    assert job.state == JobState.DONE, job.error
    summary = store.classes.find(room.code).class_model
    held = int(store.classes.drawings(room.id).held_out().sum())
    assert summary["held_out"] == held and summary["learned"] == 48 - held
    assert 0 <= summary["correct"] <= held
    assert summary["compared"]["shipped"] == read_correct(
        Threshold(),
        *(lambda d: (d.x[d.held_out()], d.y[d.held_out()]))(
            store.classes.drawings(room.id)
        ),
    )
    kept = store.work.newest_model(teacher)
    assert kept.card["pen_digits"]["institutions"] == ["class"]
