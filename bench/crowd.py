"""Short path for `python -m bench.performance.crowd`."""

from _launcher import launch

launch("bench.performance.crowd")
