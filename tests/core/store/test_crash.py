"""A server killed (SIGKILL) in the middle of saving loses nothing it had saved."""

import signal
import sqlite3
import subprocess
import sys
import textwrap

from mnist_core.constants import PROJECT_ROOT
from mnist_core.store.store import open_store

SAVER = textwrap.dedent(
    """
    import sys
    from mnist_core.store.store import open_store
    store = open_store(sys.argv[1])
    me = store.people.create().person
    print(me, flush=True)
    number = 0
    while True:
        store.work.save_model(me, bytes(300_000), {"n": number}, "trained")
        store.work.add_run(me, {"run": number})
        print(number, flush=True)  # after both commits
        number += 1
    """
)


def test_killed_mid_save_the_database_is_whole_and_every_saved_row_is_there(
    tmp_path,
):
    path = tmp_path / "studio.db"
    url = f"sqlite:///{path}"
    saver = subprocess.Popen(
        [sys.executable, "-c", SAVER, url],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    person = int(saver.stdout.readline())
    for _ in range(25):
        saved = int(saver.stdout.readline())
    saver.send_signal(signal.SIGKILL)  # somewhere in the next save
    saver.wait(10)
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = open_store(url)
    runs = [run["run"] for run in store.work.runs(person)]
    assert runs[: saved + 1][-1] == saved and runs == list(range(len(runs)))
    assert store.work.newest_model(person).card["n"] >= saved
    store.engine.dispose()
