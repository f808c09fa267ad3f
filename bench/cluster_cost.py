"""Short path for `python -m bench.performance.cluster_cost`."""

from _launcher import launch

launch("bench.performance.cluster_cost")
