"""The local spool: every event is appended to a file and fsync'd before the
response that it records is sent, so that it survives the web process being
killed and PostgreSQL being unreachable. The shipper moves spooled events into
PostgreSQL.

Each process appends to its own file, ``<host>-<pid>-<random>.jsonl``. A file
is renamed ``.closed`` when its process rotates it or exits; the file of a
process that died is recognised by its pid. The shipper records how far it has
shipped each file in a ``.offset`` file beside it.
"""
from __future__ import annotations

import atexit
import json
import os
import socket
import threading
import time
import uuid
from typing import Any, Iterator

HOST = socket.gethostname().replace("-", "_")
ROTATE_BYTES = 64 * 1024 * 1024


class SpoolWriter:
    """Appends events to this process's spool file, durably, with group commit.

    ``write`` returns once the event is on disk. Concurrent writers of one
    process (the threads of a gthread worker) share fsyncs: each appends its
    line at once (``O_APPEND``, under a short lock), then waits until an fsync
    that started after its append has finished. The first waiter with no
    fsync in flight runs one for everything appended so far; the others wait
    for it, or for the next one. One request, one fsync, as before; fifty
    requests at once, a few fsyncs between them.

    ``write_line(text, durable=False)`` appends without waiting: the line is
    in the kernel's page cache at once (it survives the process being
    killed), and on disk at the next fsync, which a thread of the writer runs
    at most ``flush_interval`` seconds later (or an earlier durable write
    does). The capture uses it for anonymous reads of the public catalogue
    only; a machine that loses power can lose that last fraction of a second
    of them, never an event of a logged-in person, a write or a share.
    """

    def __init__(self, directory: str, flush_interval: float = 0.2):
        self.directory = directory
        self.flush_interval = flush_interval
        self._flusher_pid: int | None = None
        self._cond = threading.Condition(threading.Lock())
        self._fd: int | None = None
        self._pid: int | None = None
        self._path: str | None = None
        self._size = 0
        self._appended = 0      # lines appended by this process (to this file)
        self._synced = 0        # of which known to be on disk
        self._syncing = False   # an fsync is in flight
        self.fsyncs = 0         # how many fsyncs (for the tests and bench/)
        self.events = 0
        atexit.register(self.close)

    def _open(self) -> None:
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        self._pid = os.getpid()
        name = f"{HOST}-{self._pid}-{uuid.uuid4().hex[:8]}.jsonl"
        self._path = os.path.join(self.directory, name)
        self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._size = 0
        self._appended = self._synced = 0
        self._syncing = False
        _fsync_dir(self.directory)

    def write(self, event: dict[str, Any]) -> None:
        self.write_line(json.dumps(event, ensure_ascii=False, separators=(",", ":"), default=str))

    def write_line(self, text: str, durable: bool = True) -> None:
        """Append one event's JSON text (no newline in it); ``durable``: wait
        until it is on disk."""
        line = (text + "\n").encode("utf-8")
        with self._cond:
            if self._fd is None or self._pid != os.getpid():
                # first event, or a forked worker inheriting its parent's file
                self._open()
            os.write(self._fd, line)
            self._size += len(line)
            self._appended += 1
            self.events += 1
            if not durable and self.flush_interval > 0:
                self._start_flusher()
                return
            mine = self._appended
            while self._synced < mine:
                if self._syncing:
                    self._cond.wait()
                    continue
                self._sync()
            self._rotate_if_full()

    def _sync(self) -> None:
        """(Under the lock, no fsync in flight.) The lead: fsync everything
        appended so far, outside the lock."""
        self._syncing = True
        target, fd = self._appended, self._fd
        self._cond.release()
        try:
            os.fdatasync(fd)
        finally:
            self._cond.acquire()
            self._syncing = False
            self._cond.notify_all()
        self.fsyncs += 1
        self._synced = max(self._synced, target)

    def _rotate_if_full(self) -> None:
        if self._size >= ROTATE_BYTES and self._synced == self._appended \
                and not self._syncing:
            self._close_file()

    def _start_flusher(self) -> None:
        """(Under the lock.) This process's flushing thread, started once."""
        if self._flusher_pid == os.getpid():
            return
        self._flusher_pid = os.getpid()
        threading.Thread(target=self._flush_loop, name="molisa-audit-spool-flush",
                         daemon=True).start()

    def _flush_loop(self) -> None:
        pid = os.getpid()
        while True:
            time.sleep(self.flush_interval)
            with self._cond:
                if self._pid != pid or self._flusher_pid != pid:
                    return
                if self._fd is None or self._syncing or self._synced >= self._appended:
                    continue
                self._sync()
                self._rotate_if_full()

    def _close_file(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
            os.replace(self._path, self._path[: -len(".jsonl")] + ".closed")
            offset = self._path + ".offset"
            if os.path.exists(offset):
                os.replace(offset, self._path[: -len(".jsonl")] + ".closed.offset")
        self._fd = None

    def close(self) -> None:
        with self._cond:
            while self._syncing:
                self._cond.wait()
            if self._fd is not None and self._pid == os.getpid() \
                    and self._synced < self._appended:
                self._sync()
            self._close_file()


def _fsync_dir(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _owner_alive(filename: str) -> bool:
    host, pid, _ = filename.rsplit(".", 1)[0].split("-", 2)
    if host != HOST:
        return True  # another machine's file: only that machine knows
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SpoolFile:
    """One spool file as the shipper sees it."""

    def __init__(self, directory: str, name: str):
        self.path = os.path.join(directory, name)
        self.closed = name.endswith(".closed") or not _owner_alive(name)

    @property
    def offset_path(self) -> str:
        return self.path + ".offset"

    def offset(self) -> int:
        try:
            with open(self.offset_path) as f:
                return int(f.read().strip() or 0)
        except FileNotFoundError:
            return 0

    def set_offset(self, offset: int) -> None:
        tmp = self.offset_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(offset))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.offset_path)

    def read(self, start: int, limit: int) -> tuple[list[dict[str, Any]], int, int]:
        """Up to ``limit`` complete events from ``start``: (events, end offset,
        bytes of a torn last line left behind)."""
        events: list[dict[str, Any]] = []
        with open(self.path, "rb") as f:
            f.seek(start)
            position = start
            torn = 0
            while len(events) < limit:
                line = f.readline()
                if not line:
                    break
                if not line.endswith(b"\n"):
                    torn = len(line)  # being written, or cut short by a crash
                    break
                position += len(line)
                events.append(json.loads(line))
        return events, position, torn

    def remove(self) -> None:
        for path in (self.path, self.offset_path):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


def spool_files(directory: str) -> Iterator[SpoolFile]:
    if not os.path.isdir(directory):
        return
    for name in sorted(os.listdir(directory)):
        if name.endswith(".jsonl") or name.endswith(".closed"):
            yield SpoolFile(directory, name)


def pending_events(directory: str) -> int:
    """How many complete events wait in the spool (for monitoring and tests)."""
    total = 0
    for spool_file in spool_files(directory):
        with open(spool_file.path, "rb") as f:
            f.seek(spool_file.offset())
            total += sum(1 for line in f if line.endswith(b"\n"))
    return total


def remove_stray_offsets(directory: str) -> None:
    """Offsets left for a file its writer renamed meanwhile (the renamed file
    carries its own; at worst events are read again and recognised)."""
    if not os.path.isdir(directory):
        return
    names = set(os.listdir(directory))
    for name in names:
        if name.endswith(".offset") and name[: -len(".offset")] not in names:
            try:
                os.unlink(os.path.join(directory, name))
            except FileNotFoundError:
                pass
