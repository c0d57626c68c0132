"""One writer at a time on a SQLite store, across threads and processes, in the order they asked.

SQLite's own wait (the busy timeout) polls with growing sleeps, and a single shared ``flock`` wakes every
waiter at once: under 40 writing processes on two cores one waiter can lose round after round for seconds.
This queue is first come, first served (a CLH queue lock built from ``flock``):

1. A writer creates a node file of its own and locks it exclusively (held until its write is done).
2. Under a very short lock on ``<database>.lock`` it reads the queue's tail (the node of the writer before it)
   and writes its own node as the new tail.
3. It waits for a shared lock on its predecessor's node: exactly one waiter per node, woken the moment the
   writer before it has finished. It then removes that node file.

A writer that dies releases its locks with its process, so the next in line goes on. Where ``fcntl`` is
missing (Windows) the busy timeout alone remains.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from qmkit.config import open_private, private_folder

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

STALE_NODE_S = 3600
_numbers = itertools.count()


class WriteQueue:
    """First come, first served write lock for the store at ``database``."""

    def __init__(self, database: Path):
        self.tail_lock = database.with_name(database.name + ".lock")
        self.nodes = database.with_name(database.name + ".writers")
        self.local = threading.Lock()
        self._tail: IO[bytes] | None = None
        self._pid = os.getpid()
        self._cleaned = False

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self.local:
            if fcntl is None:
                yield
                return
            node = self._enqueue()
            try:
                yield
            finally:
                fcntl.flock(node.fileno(), fcntl.LOCK_UN)
                node.close()

    def _enqueue(self) -> IO[bytes]:
        if not self._cleaned:
            self._clean()
        name = f"{os.getpid()}-{threading.get_ident()}-{next(_numbers)}"
        node = open(self.nodes / name, "wb", opener=open_private)
        fcntl.flock(node.fileno(), fcntl.LOCK_EX)
        tail = self._tail_file()
        fcntl.flock(tail.fileno(), fcntl.LOCK_EX)
        try:
            tail.seek(0)
            before = tail.read().decode("ascii", "replace").strip()
            tail.seek(0)
            tail.truncate()
            tail.write(name.encode("ascii"))
            tail.flush()
        finally:
            fcntl.flock(tail.fileno(), fcntl.LOCK_UN)
        if before:
            self._wait_for(before)
        return node

    def _wait_for(self, before: str) -> None:
        path = self.nodes / before
        try:
            handle = open(path, "rb")
        except FileNotFoundError:
            return  # the writer before is done and its successor-to-be already cleaned up
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        with suppress(FileNotFoundError):
            path.unlink()

    def _tail_file(self) -> IO[bytes]:
        if self._tail is not None and self._pid != os.getpid():
            self._tail = None  # a forked child must not share its parent's lock (one open file, one flock)
        if self._tail is None:
            self._tail = open(self.tail_lock, "a+b", opener=open_private)
            self._pid = os.getpid()
        return self._tail

    def _clean(self) -> None:
        """Make the node folder; remove nodes that writers killed long ago left behind."""
        private_folder(self.nodes)
        limit = time.time() - STALE_NODE_S
        for path in self.nodes.iterdir():
            with suppress(OSError):
                if path.stat().st_mtime < limit:
                    path.unlink()
        self._cleaned = True

    def close(self) -> None:
        if self._tail is not None:
            self._tail.close()
            self._tail = None
