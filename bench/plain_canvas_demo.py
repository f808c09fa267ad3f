"""`streamlit run bench/plain_canvas_demo.py`: the demo kept in
bench/performance/plain_canvas_demo.py."""

from _launcher import launch

launch("bench.performance.plain_canvas_demo", own_process=False)
