"""Short path for `python -m bench.performance.draw_speed`."""

from _launcher import launch

launch("bench.performance.draw_speed")
