"""Short path for `python -m bench.experiments.ensemble_folds`."""

from _launcher import launch

launch("bench.experiments.ensemble_folds")
