"""A class's own handwriting at work: how each run's model reads it, and a
class model that learns from it.

Every model is measured the same way: its own answer (the most likely
digit, no "not a digit" check, as MNIST's test accuracy is) on the class's
drawings as the Draw page prepares them. A pupil's run is measured when it
ends, on the drawings there are then, and on all of them again when the
teacher asks, while its pupil keeps its model. The class model learns from
MNIST and the drawings that are not held out (Drawings.held_out); it and the
models it is compared with are measured on the held-out ones alone.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

import numpy as np

from mnist_core.data.pen_digits import PenDigits
from mnist_core.errors import MnistError
from mnist_core.serving.jobs import CLASS_POOL, TrainingJob
from mnist_core.store.classes import Drawings
from mnist_core.store.store import Store
from mnist_core.training.config import TrainConfig

CLASS_SHARE = 0.1  # the drawings' share of what the class model learns from
MIN_HELD_OUT = 10  # fewer would make its figure a matter of luck
MIN_DRAWINGS = 4 * MIN_HELD_OUT  # one in four is held out


def read_correct(model, x: np.ndarray, y: np.ndarray) -> int:
    """How many of the uint8 28x28 digits `x` the model reads as `y`."""
    if not len(y):
        return 0
    batch = x[..., None].astype(np.float32) / 255.0
    # A plain call, not predict(): predict() keeps a traced function per
    # model, and a board measures many models once each.
    probabilities = np.asarray(model(batch, training=False))
    return int((probabilities.argmax(axis=1) == y).sum())


def measure_run(store: Store, class_id: int, model) -> dict:
    """A new run's handwriting figure, on the drawings there are now."""
    drawings = store.classes.drawings(class_id)
    return {
        "correct": read_correct(model, drawings.x, drawings.y),
        "total": len(drawings.y),
    }


def measure_board(store: Store, class_id: int) -> int:
    """Measure every run whose model is kept on all the class's drawings;
    how many were measured."""
    from mnist_core.models.storage import load_uploaded_model

    drawings = store.classes.drawings(class_id)
    total = len(drawings.y)
    pending = store.classes.run_models(class_id, total)
    for run, data in pending:
        try:
            model = load_uploaded_model(data, "run.keras")
        except MnistError:  # a model this app wrote; nothing to measure
            continue
        store.classes.set_handwriting(
            run, read_correct(model, drawings.x, drawings.y), total
        )
        del model
        gc.collect()  # each model's tensors, before the next one is loaded
    return len(pending)


def learning_set(drawings: Drawings, train_size: int) -> PenDigits:
    """The drawings a class model learns from, repeated to be about
    CLASS_SHARE of its training images."""
    learn = ~drawings.held_out()
    x, y = drawings.x[learn], drawings.y[learn]
    copies = max(1, round(CLASS_SHARE * train_size / max(len(y), 1)))
    return PenDigits(
        np.repeat(x, copies, axis=0),
        np.repeat(y, copies),
        np.full(len(y) * copies, "class"),
        copies,
    )


def class_model_job(
    store: Store,
    class_id: int,
    teacher: int,
    config: TrainConfig,
    compared: dict[str, object],
    owner_alive: Callable[[], bool] = lambda: True,
) -> TrainingJob:
    """A training of the class model, for the normal queue: `config` on MNIST
    plus the class's drawings. When it ends it is kept as the teacher's
    model, and the class keeps how it and the `compared` models (a name for
    each) read the held-out drawings.

    Raises:
        MnistError: too few drawings to hold some out.
    """
    drawings = store.classes.drawings(class_id)
    held = drawings.held_out()
    if len(drawings.y) < MIN_DRAWINGS or held.sum() < MIN_HELD_OUT:
        raise MnistError(
            "A class model needs at least {least} drawings (one in four is kept "
            "to test it): the class has {count}.",
            least=MIN_DRAWINGS,
            count=len(drawings.y),
        )

    def keep(job: TrainingJob) -> None:
        from mnist_core.models.storage import model_bytes

        result = job.result
        x, y = drawings.x[held], drawings.y[held]
        summary = {
            "record": result.summary(),
            "learned": int((~held).sum()),
            "held_out": int(held.sum()),
            "correct": read_correct(result.model, x, y),
            "compared": {name: read_correct(m, x, y) for name, m in compared.items()},
        }
        store.work.save_model(
            teacher, model_bytes(result.model), result.metadata(), "trained"
        )
        store.classes.set_class_model(teacher, class_id, summary)

    return TrainingJob(
        config,
        owner_alive,
        owner=f"class-{class_id}",
        pool=CLASS_POOL,
        extra=learning_set(drawings, config.train_size),
        on_finish=keep,
    )
