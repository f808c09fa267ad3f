"""Short path for `python -m bench.performance.load`."""

from _launcher import launch

launch("bench.performance.load")
