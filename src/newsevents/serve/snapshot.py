"""Read a DuckDB file that other processes write: serve a private snapshot of it.

DuckDB lets one process write a file, and a writer's lock also keeps every
other process from reading it. So the server never reads the file itself:
when the file has changed (size, modification time or inode, of it or its
write-ahead log) it opens it read-only for the moment it takes to copy it,
and answers from the copy. While ``run`` or ``watch`` holds the lock, or the
file is missing or half-replaced, the last good snapshot keeps serving; the
next request after the writer lets go takes a new one. A writer that starts
during a copy waits for it (``DuckDBStore`` retries a lock for a few seconds).

Snapshots are counted in use per request, and closed and deleted once a newer
one has replaced them and no request reads them any more.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsevents.errors import Errors, NewsEventsError, ResourceError
from newsevents.store.duckdb import DuckDBStore

#: At most one look at the file's signature per this many seconds.
CHECK_INTERVAL_SECONDS = 1.0


def _signature(path: Path) -> tuple[int, ...] | None:
    """What changes when a writer commits or the file is replaced; None if it is missing."""
    parts: list[int] = []
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            stat = candidate.stat()
        except FileNotFoundError:
            if candidate == path:
                return None
            parts.extend((0, 0, 0))
            continue
        parts.extend((stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return tuple(parts)


@dataclass
class Snapshot:
    """One private copy of the database and the requests reading it."""

    store: DuckDBStore
    folder: Path
    signature: tuple[int, ...]
    taken: float
    users: int = 0
    retired: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def release(self) -> None:
        with self.lock:
            self.users -= 1
            finished = self.retired and self.users == 0
        if finished:
            self.discard()

    def discard(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class SnapshotSource:
    """Hands out the newest snapshot of ``path``, refreshing it when the file changed."""

    def __init__(self, path: str | Path, *, check_interval: float = CHECK_INTERVAL_SECONDS,
                 workdir: str | Path | None = None) -> None:
        self.path = Path(path)
        self.check_interval = check_interval
        self._workdir = Path(workdir) if workdir else Path(
            tempfile.mkdtemp(prefix="newsevents-serve-"))
        self._own_workdir = workdir is None
        self._current: Snapshot | None = None
        self._checked = float("-inf")
        self._problem: str | None = None
        self._lock = threading.Lock()

    @property
    def status(self) -> dict[str, object]:
        """Where the served data comes from and how fresh it is (for /api/stats)."""
        current = self._current
        return {
            "database": str(self.path),
            "snapshot_taken": None if current is None else time.strftime(
                "%Y-%m-%dT%H:%M:%SZ", time.gmtime(current.taken)),
            "stale_because": self._problem,
        }

    @contextlib.contextmanager
    def reading(self) -> Iterator[DuckDBStore]:
        """The store of the newest snapshot, kept open until the block ends."""
        snapshot = self._refresh()
        try:
            yield snapshot.store
        finally:
            snapshot.release()

    def _refresh(self) -> Snapshot:
        with self._lock:
            now = time.monotonic()
            if self._current is None or now - self._checked >= self.check_interval:
                self._checked = now
                self._take_if_changed()
            current = self._current
            if current is None:
                raise ResourceError(Errors.E603.format(
                    path=self.path, detail=self._problem or "no snapshot yet"))
            with current.lock:
                current.users += 1
            return current

    def _take_if_changed(self) -> None:
        signature = _signature(self.path)
        if signature is None:
            self._problem = "the file does not exist (now)"
            return
        if self._current is not None and self._current.signature == signature:
            self._problem = None
            return
        try:
            snapshot = self._copy(signature)
        except NewsEventsError as e:
            self._problem = str(e)
            return
        previous, self._current, self._problem = self._current, snapshot, None
        if previous is not None:
            with previous.lock:
                previous.retired = True
                finished = previous.users == 0
            if finished:
                previous.discard()

    def _copy(self, signature: tuple[int, ...]) -> Snapshot:
        folder = Path(tempfile.mkdtemp(prefix="snapshot-", dir=self._workdir))
        target = folder / "events.duckdb"
        try:
            # A read-only connection holds the file's shared lock: no writer commits mid-copy.
            source = DuckDBStore(self.path, read_only=True, lock_wait=0.0)
            try:
                shutil.copyfile(self.path, target)
                wal = self.path.with_name(self.path.name + ".wal")
                if wal.exists():
                    shutil.copyfile(wal, target.with_name(target.name + ".wal"))
                taken_signature = _signature(self.path) or signature
            finally:
                source.close()
            store = DuckDBStore(target, read_only=True, lock_wait=0.0)
        except (NewsEventsError, OSError) as e:
            shutil.rmtree(folder, ignore_errors=True)
            if isinstance(e, NewsEventsError):
                raise
            raise ResourceError(Errors.E603.format(path=self.path, detail=str(e))) from e
        return Snapshot(store=store, folder=folder, signature=taken_signature,
                        taken=time.time())

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.discard()
                self._current = None
        if self._own_workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)

