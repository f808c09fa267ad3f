"""Short path for `python -m bench.performance.board`."""

from _launcher import launch

launch("bench.performance.board")
