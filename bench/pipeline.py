"""Short path for `python -m bench.performance.pipeline`."""

from _launcher import launch

launch("bench.performance.pipeline")
