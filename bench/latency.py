"""Short path for `python -m bench.performance.latency`."""

from _launcher import launch

launch("bench.performance.latency")
