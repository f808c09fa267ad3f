"""Tiny trainings: seconds on two CPU cores, enough to produce every result."""

from mnist_core.training.config import TrainConfig

# Two epochs on 1,000 digits with the one-cycle schedule: learns, quickly.
TINY = TrainConfig(
    arch="fast",
    epochs=2,
    batch_size=100,
    train_size=1000,
    learning_rate=3e-3,
    schedule="onecycle",
    seed=7,
)
# One epoch on 1,000 digits: the quickest training that still finishes.
QUICK = TrainConfig(arch="fast", epochs=1, train_size=1000, batch_size=64, seed=3)
# The `trained` fixture's model: two epochs on the whole of `small_mnist`.
BRIEF = TrainConfig(
    arch="fast",
    epochs=2,
    batch_size=64,
    learning_rate=3e-3,
    schedule="onecycle",
    seed=1,
)
# The Train page's widgets set for one epoch on 1,000 digits (AppTest state).
TINY_UI = dict(
    tr_arch="fast",
    tr_epochs=1,
    tr_size=1000,
    tr_batch=64,
    tr_lr=4e-3,
    tr_opt="adam",
    tr_schedule=True,
    tr_aug=False,
)
