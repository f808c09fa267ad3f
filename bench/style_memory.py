"""Short path for `python -m bench.experiments.style_memory`."""

from _launcher import launch

launch("bench.experiments.style_memory")
