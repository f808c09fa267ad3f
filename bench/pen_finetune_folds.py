"""Short path for `python -m bench.experiments.pen_finetune_folds`."""

from _launcher import launch

launch("bench.experiments.pen_finetune_folds")
