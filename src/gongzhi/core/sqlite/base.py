"""SQLite with a write queue: transactions wait on a lock, not in SQLite's sleeps.

With ``transaction_mode=IMMEDIATE`` every transaction takes SQLite's write lock
at ``BEGIN``. When another connection holds it, SQLite's busy handler sleeps in
growing steps (1, 2, 5, 10 … 100 ms) and tries again, so under concurrent writes
a transaction of a millisecond waits tens or hundreds of milliseconds, and the
server's throughput falls as writers are added.

This backend queues them instead. Before ``BEGIN`` a connection takes its
process's writer lock (threads queue on it and are woken as it is released),
then an exclusive ``flock`` on ``<database>-writer.lock`` shared by every
process (polled at short intervals: only one thread per process waits there).
Both are released at ``COMMIT``, ``ROLLBACK`` or close. Waiting longer than the
connection's ``timeout`` raises the same "database is locked" error as SQLite.

Writes outside a transaction (autocommit) still use SQLite's own busy handler,
as do in-memory databases (one process) and other programs writing the file.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import urllib.parse
from typing import Any

from django.db.backends.sqlite3 import base as sqlite_base
from django.db.utils import OperationalError

# How long a process's waiting thread sleeps between tries of the file lock.
_POLL_FIRST = 0.00005
_POLL_MAX = 0.001


class _ProcessWriter:
    """One per database file and process: the threads' lock and the file's fd.

    A single descriptor per process serves every connection (none leaks when a
    thread ends without closing its connection), and a forked child makes its
    own instead of sharing (and so unlocking) its parent's ``flock``.
    """

    def __init__(self, path: str) -> None:
        self.pid = os.getpid()
        self.path = path
        self.lock = threading.Lock()
        self.fd: int | None = None

    def descriptor(self) -> int:
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self.fd


_writers: dict[str, _ProcessWriter] = {}
_writers_guard = threading.Lock()


def _process_writer(path: str) -> _ProcessWriter:
    with _writers_guard:
        writer = _writers.get(path)
        if writer is None or writer.pid != os.getpid():
            writer = _writers[path] = _ProcessWriter(path)
        return writer


def database_file(name: str) -> str:
    """Return the file behind a NAME setting (a path or a ``file:`` URI)."""
    if name.startswith("file:"):
        name = urllib.parse.unquote(urllib.parse.urlsplit(name).path)
    return os.path.realpath(name)


class WriterQueue:
    """A connection's place in its database file's writer queue."""

    def __init__(self, database: str, timeout: float) -> None:
        self.path = f"{database_file(database)}-writer.lock"
        self.timeout = timeout
        self.writer: _ProcessWriter | None = None

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        writer = _process_writer(self.path)
        if not writer.lock.acquire(timeout=self.timeout):
            raise OperationalError("database is locked")
        try:
            fd = writer.descriptor()
            pause = _POLL_FIRST
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise OperationalError("database is locked") from None
                    time.sleep(pause)
                    pause = min(pause * 2, _POLL_MAX)
        except BaseException:
            writer.lock.release()
            raise
        self.writer = writer

    def release(self) -> None:
        writer, self.writer = self.writer, None
        if writer is None or writer.pid != os.getpid():
            return  # not held, or held by the parent this process was forked from
        try:
            if writer.fd is not None:
                fcntl.flock(writer.fd, fcntl.LOCK_UN)
        finally:
            writer.lock.release()


class DatabaseWrapper(sqlite_base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_queue: WriterQueue | None = None

    def _queue(self) -> WriterQueue | None:
        if self.is_in_memory_db():
            return None
        if self._writer_queue is None:
            timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
            self._writer_queue = WriterQueue(str(self.settings_dict["NAME"]), timeout)
        return self._writer_queue

    def _start_transaction_under_autocommit(self) -> None:
        queue = self._queue()
        if queue is None:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in the stubs
            return
        queue.acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in the stubs
        except BaseException:
            queue.release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_writer()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_writer()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_writer()

    def _release_writer(self) -> None:
        if self._writer_queue is not None:
            self._writer_queue.release()
