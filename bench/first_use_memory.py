"""Short path for `python -m bench.performance.first_use_memory`."""

from _launcher import launch

launch("bench.performance.first_use_memory")
