"""Short path for `python -m bench.performance.lesson`."""

from _launcher import launch

launch("bench.performance.lesson")
