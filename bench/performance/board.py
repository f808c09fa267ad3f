"""How long the Class page takes to draw a full board, and what a server
holding many classes costs in memory.

    python -m bench.performance.board [--pupils 30] [--runs 10] [--repeats 5]

1. A teacher's Class page with `pupils` x `runs` runs on the board (a real
   SQLite file): the median time of a whole page run under AppTest (table,
   three charts, best run, teacher's controls), and of the board's query alone.
2. The RSS of this process after opening the store, before and after 200
   classes of 30 pupils x 10 runs are put in the database, and after a
   teacher's page reads one of them: the classes stay on disk, not in memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

RECORD = {
    "architecture": "fast",
    "epochs": 2,
    "batch": 128,
    "learning rate": 0.001,
    "images": 10000,
    "augment": False,
    "seconds": 30.0,
    "test accuracy": 0.98,
}


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def fill_class(store, pupils: int, runs: int):
    teacher = store.people.create()
    room = store.classes.start(teacher.person, "Bench")
    for number in range(pupils):
        member = store.classes.join(
            room.code, store.people.create().person, f"p{number}"
        )
        for run in range(runs):
            accuracy = 0.95 + 0.04 * ((number * runs + run) % 97) / 97
            store.classes.add_run(
                member.member,
                {**RECORD, "test accuracy": accuracy, "epochs": run % 5 + 1},
            )
    return teacher, room


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--classes", type=int, default=200)
    args = parser.parse_args()
    os.environ["MNIST_DATA_DIR"] = tempfile.mkdtemp(prefix="mnist-board-bench-")
    from streamlit.testing.v1 import AppTest

    from app_ui.kept import IDENTITY, get_store
    from mnist_core.constants import PROJECT_ROOT

    store = get_store()
    teacher, room = fill_class(store, args.pupils, args.runs)
    queries = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        board = store.classes.board(room.id)
        queries.append(time.perf_counter() - start)
    pages = []
    for _ in range(args.repeats + 1):
        at = AppTest.from_file(
            str(PROJECT_ROOT / "streamlit_app.py"), default_timeout=120
        )
        at.session_state[IDENTITY] = teacher
        at.run()
        at.switch_page("app_pages/class_room.py")
        start = time.perf_counter()
        at.run()
        pages.append(time.perf_counter() - start)
        assert not at.exception and len(at.table[0].value) == len(board)
    pages = pages[1:]  # the first run imports the page's modules
    print(f"board of {len(board)} runs ({args.pupils} pupils x {args.runs})")
    print(f"  query: median {statistics.median(queries) * 1000:.1f} ms")
    median, worst = statistics.median(pages), max(pages)
    print(f"  Class page run: median {median:.3f} s, max {worst:.3f} s")
    before = rss_mb()
    for _ in range(args.classes):
        fill_class(store, args.pupils, args.runs)
    filled = rss_mb()
    store.classes.board(room.id)
    print(f"RSS: {before:.0f} MB, {filled:.0f} MB after {args.classes} more classes")


if __name__ == "__main__":
    main()
