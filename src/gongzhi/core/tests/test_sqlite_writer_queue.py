"""The SQLite backend queues transactions on a process lock and a file lock.

Every test opens its own connections to a database file under ``tmp_path``
(never the test database), and begins, commits and rolls back the way
``transaction.atomic`` does on SQLite.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler, OperationalError

import gongzhi
from gongzhi.core.sqlite.base import DatabaseWrapper

_aliases = itertools.count()


def settings_for(name, timeout):
    """A connection's settings, with the defaults Django fills in."""
    databases = {
        "default": {
            "ENGINE": "gongzhi.core.sqlite",
            "NAME": str(name),
            "OPTIONS": {
                "timeout": timeout,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
    return ConnectionHandler(databases).settings["default"]


def begin(wrapper):
    """Start a transaction as ``atomic`` does: BEGIN IMMEDIATE in autocommit."""
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def commit(wrapper):
    wrapper.commit()
    wrapper.set_autocommit(True)


def rollback(wrapper):
    wrapper.rollback()
    wrapper.set_autocommit(True)


def insert(wrapper, name):
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO item (name) VALUES (%s)", [name])


def names(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT name FROM item ORDER BY id")
        return [name for (name,) in cursor.fetchall()]


def lock_file_is_free(lock_path):
    """Whether nobody holds the writer's file lock (tried from a fresh descriptor)."""
    fd = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "queue.sqlite3"


@pytest.fixture
def lock_path(db_path):
    return Path(f"{db_path}-writer.lock")


@pytest.fixture
def connect(db_path, django_db_blocker):
    """Open connections (usable from any thread); all are closed at the end."""
    opened = []

    def connect(name=db_path, timeout=5.0):
        wrapper = DatabaseWrapper(
            settings_for(name, timeout), alias=f"queue-{next(_aliases)}"
        )
        wrapper.inc_thread_sharing()
        opened.append(wrapper)
        return wrapper

    with django_db_blocker.unblock():
        with connect().cursor() as cursor:
            cursor.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
        yield connect
        for wrapper in opened:
            if wrapper.is_in_memory_db() and wrapper.connection is not None:
                wrapper.connection.close()  # which Django's close() leaves open
            wrapper.close()


def test_a_second_transaction_waits_until_the_first_commits(connect):
    first, second = connect(), connect()
    begin(first)
    insert(first, "first")
    waiting, began = threading.Event(), threading.Event()
    # The statements SQLite starts for the second connection: it must wait in the
    # queue, before BEGIN, not inside BEGIN in SQLite's sleeping busy handler.
    second.ensure_connection()
    sent = []
    second.connection.set_trace_callback(sent.append)

    def second_writer():
        waiting.set()
        begin(second)
        began.set()
        insert(second, "second")
        commit(second)

    with ThreadPoolExecutor(max_workers=1) as pool:
        done = pool.submit(second_writer)
        assert waiting.wait(2)
        assert not began.wait(0.2), "began while the first transaction was open"
        assert sent == []
        commit(first)
        assert began.wait(2)
        done.result(timeout=2)  # re-raises "database is locked", if any

    assert sent[0] == "BEGIN IMMEDIATE"

    assert names(connect()) == ["first", "second"]


def test_a_waiter_gives_up_after_its_timeout_and_recovers(connect):
    holder, waiter = connect(), connect(timeout=0.3)
    begin(holder)
    insert(holder, "held")

    started = time.monotonic()
    with pytest.raises(OperationalError, match=r"^database is locked$"):
        begin(waiter)
    assert 0.25 <= time.monotonic() - started < 2
    assert waiter.get_autocommit()

    insert(holder, "still held")
    commit(holder)
    # The failed wait kept no lock: the waiter's next transaction goes through.
    begin(waiter)
    insert(waiter, "after")
    commit(waiter)
    assert names(waiter) == ["held", "still held", "after"]


def test_a_timeout_on_the_file_lock_releases_the_process_lock(connect, lock_path):
    """Another process holding the file: the waiter must not keep its thread lock."""
    commit_first = connect()
    begin(commit_first)  # creates the lock file
    commit(commit_first)
    other_process = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(other_process, fcntl.LOCK_EX)
        waiter = connect(timeout=0.3)
        with pytest.raises(OperationalError, match=r"^database is locked$"):
            begin(waiter)
        fcntl.flock(other_process, fcntl.LOCK_UN)
    finally:
        os.close(other_process)

    # Had the waiter kept the process lock, this would wait its timeout and fail.
    neighbour = connect(timeout=0.2)
    begin(neighbour)
    insert(neighbour, "neighbour")
    commit(neighbour)
    assert names(neighbour) == ["neighbour"]


def test_a_rollback_releases_the_queue(connect, lock_path):
    first, second = connect(), connect(timeout=0.2)
    begin(first)
    insert(first, "rolled back")
    rollback(first)

    assert lock_file_is_free(lock_path)
    begin(second)  # at once: a lock still held would time out here
    insert(second, "second")
    commit(second)
    assert names(second) == ["second"]


def test_closing_a_connection_in_a_transaction_releases_the_queue(connect, lock_path):
    first, second = connect(), connect(timeout=0.2)
    begin(first)
    insert(first, "lost")
    first.close()

    assert lock_file_is_free(lock_path)
    begin(second)
    insert(second, "second")
    commit(second)
    assert names(second) == ["second"]
    # The closed connection reconnects and queues as before.
    begin(first)
    insert(first, "reconnected")
    commit(first)
    assert names(first) == ["second", "reconnected"]


def test_a_failed_begin_releases_the_queue(connect, lock_path):
    """SQLite refusing BEGIN (a writer outside the queue) must not keep the lock."""
    outsider = connect()
    outsider.cursor().execute("BEGIN IMMEDIATE")  # no queue: a raw BEGIN
    try:
        queued = connect(timeout=0.2)
        with pytest.raises(OperationalError, match="database is locked"):
            begin(queued)
        assert lock_file_is_free(lock_path)
    finally:
        outsider.cursor().execute("ROLLBACK")
    begin(queued)
    insert(queued, "queued")
    commit(queued)
    assert names(queued) == ["queued"]


def test_the_lock_file_sits_next_to_the_database_and_is_held_in_transactions(
    connect, db_path, lock_path
):
    writer = connect()
    begin(writer)
    assert lock_path.exists()
    assert lock_path.parent == db_path.parent
    assert not lock_file_is_free(lock_path)
    insert(writer, "one")
    commit(writer)
    assert lock_file_is_free(lock_path)


@pytest.mark.parametrize(
    "name",
    [":memory:", "file:writer_queue_{}?mode=memory&cache=shared"],
    ids=["memory", "shared-memory-uri"],
)
def test_an_in_memory_database_creates_no_lock_file(
    connect, tmp_path, monkeypatch, name
):
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.iterdir())
    memory = connect(name=name.format(tmp_path.name))
    with memory.cursor() as cursor:
        cursor.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
    for row in ("one", "two"):
        begin(memory)
        insert(memory, row)
        commit(memory)
    begin(memory)
    insert(memory, "rolled back")
    rollback(memory)

    assert names(memory) == ["one", "two"]
    assert set(tmp_path.iterdir()) == before
    assert not list(tmp_path.rglob("*-writer.lock"))


CHILD = textwrap.dedent(
    """
    import sys, time
    import django
    from django.conf import settings
    settings.configure()
    django.setup()
    from django.db.utils import ConnectionHandler

    databases = {"default": {
        "ENGINE": "gongzhi.core.sqlite",
        "NAME": sys.argv[1],
        "OPTIONS": {"timeout": 5, "transaction_mode": "IMMEDIATE"},
    }}
    child = ConnectionHandler(databases)["default"]
    child.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    child.cursor().execute("INSERT INTO item (name) VALUES ('child')")
    print("ready", flush=True)
    time.sleep(0.5)
    child.commit()
    child.set_autocommit(True)
    child.close()
    """
)


def test_a_transaction_waits_for_another_process_to_commit(connect, db_path, lock_path):
    src = str(Path(gongzhi.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [src, os.getenv("PYTHONPATH")])),
    }
    parent = connect()
    parent.ensure_connection()
    sent = []  # when the parent's statements reach SQLite
    parent.connection.set_trace_callback(
        lambda sql: sent.append((time.monotonic(), sql))
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout.readline() == "ready\n", child.stderr.read()
        assert not lock_file_is_free(lock_path)  # the child's, across processes
        started = time.monotonic()
        begin(parent)
        waited = time.monotonic() - started
        ((sent_at, begin_sql),) = sent
        insert(parent, "parent")
        commit(parent)
        assert child.wait(timeout=5) == 0, child.stderr.read()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()

    assert 0.3 <= waited < 2
    # It waited in the queue, before BEGIN, not in SQLite's busy handler.
    assert begin_sql == "BEGIN IMMEDIATE"
    assert sent_at - started >= 0.3
    assert names(parent) == ["child", "parent"]


def test_a_file_uri_name_queues_on_the_file_it_names(connect, db_path, lock_path):
    by_uri = connect(name=f"file:{db_path}?mode=rwc")
    begin(by_uri)
    insert(by_uri, "by uri")
    assert not lock_file_is_free(lock_path)
    commit(by_uri)
    assert lock_file_is_free(lock_path)


def descriptors_of(path):
    """How many of this process's open descriptors point at ``path``."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}") == str(path)
        except OSError:
            pass
    return count


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
def test_connections_share_one_lock_descriptor_per_process(connect, lock_path):
    def one_transaction():
        wrapper = connect()
        begin(wrapper)
        insert(wrapper, "x")
        commit(wrapper)
        wrapper.connection.close()  # the SQLite handle, not the queue's lock

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: one_transaction(), range(20)))

    assert descriptors_of(lock_path.resolve()) == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_does_not_release_its_parents_lock(connect, lock_path):
    parent = connect()
    begin(parent)
    insert(parent, "parent")

    pid = os.fork()
    if pid == 0:  # the child: closing its copy must leave the parent's lock alone
        try:
            parent.close()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)

    assert not lock_file_is_free(lock_path)
    commit(parent)
    assert lock_file_is_free(lock_path)
