"""Short path for `python -m bench.experiments.not_a_digit`."""

from _launcher import launch

launch("bench.experiments.not_a_digit")
