"""Turns for "Teach the model": a fine-tune costs ~45 s of both cores and ~300 MB,
so a server teaches a few at a time (one by default) and one per client.

It runs beside the training line, not in it: a teach is short and asked for
on the Draw page, where nobody waits for a place in a line. A busy server
says so at once instead of queueing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from mnist_core.errors import MnistError

MAX_TEACHINGS_ENV = "MNIST_MAX_TEACHINGS"


class TeachingTurns:
    """Thread-safe: at most `max_running` teaches at once, one per client."""

    def __init__(self, max_running: int = 1):
        self.max_running = max(1, max_running)
        self._clients: list[str] = []  # one entry per teach running ("" unknown)
        self._lock = threading.Lock()

    @contextmanager
    def turn(self, client: str = "") -> Iterator[None]:
        """Hold a turn while the block runs; give it back however it ends.

        Raises:
            MnistError: `client` is already teaching, or the server is busy.
        """
        with self._lock:
            if client and client in self._clients:
                raise MnistError(
                    "Your model is already being taught (perhaps in another tab "
                    "or window): wait for it to finish, then try again."
                )
            if len(self._clients) >= self.max_running:
                raise MnistError(
                    "Someone else's model is being taught right now, and this "
                    "server has no room for another. Try again in a minute."
                )
            self._clients.append(client)
        try:
            yield
        finally:
            with self._lock:
                self._clients.remove(client)

    @property
    def running(self) -> int:
        with self._lock:
            return len(self._clients)
