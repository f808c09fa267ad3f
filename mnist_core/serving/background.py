"""Long computations (the t-SNE map) run once per server in a background
thread, shared by every visitor who asks while they run, and timed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

KEPT = 8  # finished results kept per server (each a small table)


class Task:
    """One computation in its own thread. `run(task)` may set `task.expected`
    (fewest, most seconds) as soon as it can tell, for a progress bar."""

    def __init__(self, run: Callable[[Task], Any]):
        self.expected: tuple[float, float] | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.seconds: float | None = None  # how long it took, once done
        self.done = threading.Event()
        self._start = time.perf_counter()
        threading.Thread(target=self._run, args=(run,), daemon=True).start()

    def _run(self, run: Callable[[Task], Any]) -> None:
        try:
            self.result = run(self)
        except Exception as exc:  # shown to whoever asks, then tried again
            self.error = exc
        finally:
            self.seconds = time.perf_counter() - self._start
            self.done.set()

    @property
    def elapsed(self) -> float:
        return self.seconds if self.done.is_set() else time.perf_counter() - self._start


class Tasks:
    """Tasks by key: asking for a running or finished one gives that one;
    a failed one is started again. Safe to share between sessions."""

    def __init__(self, kept: int = KEPT):
        self.kept = kept
        self._tasks: dict[Hashable, Task] = {}
        self._lock = threading.Lock()

    def start(self, key: Hashable, run: Callable[[Task], Any]) -> Task:
        with self._lock:
            task = self._tasks.get(key)
            if task is None or (task.done.is_set() and task.error is not None):
                task = self._tasks[key] = Task(run)
                finished = [k for k, v in self._tasks.items() if v.done.is_set()]
                for old in finished[: max(0, len(self._tasks) - self.kept)]:
                    del self._tasks[old]
            return task
