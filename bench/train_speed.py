"""Short path for `python -m bench.performance.train_speed`."""

from _launcher import launch

launch("bench.performance.train_speed")
