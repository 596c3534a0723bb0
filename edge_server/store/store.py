"""The Store: durable appends through the journal, DuckDB state for reads.

Threads: the event loop calls ``append`` and ``read``; one journal thread
writes and fsyncs (group commit) and acknowledges; one projector thread owns
the DuckDB write connection; a few reader threads own a cursor each.
Everything on the Store itself is touched from the event loop only; the
threads report back with ``call_soon_threadsafe``.
"""
from __future__ import annotations

import asyncio
import fcntl
import heapq
import itertools
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import duckdb

from edge_server.contract.events import Event
from edge_server.store import codec, segments
from edge_server.store import projections as _builtin_projections  # noqa: F401 - registers them
from edge_server.store.duckdb_compat import skip_missing_pandas_probe
from edge_server.store.errors import (
    DUCKDB_ENVIRONMENT_ERRORS,
    StoreError,
    from_duckdb_error,
    from_os_error,
)
from edge_server.store.journal import Journal, RecoveryReport
from edge_server.store.journal_writer import JournalWriter, PendingAppend
from edge_server.store.migrations import migrate
from edge_server.store.projector import (
    MAX_BATCH,
    Projector,
    ProjectorThread,
    check_registry,
    read_applied_seq,
)
from edge_server.store.readers import ReaderPool

log = logging.getLogger("sb.store")
T = TypeVar("T")

DB_FILE = "switchboard.duckdb"
JOURNAL_DIR = "journal"
LOCK_FILE = "switchboard.lock"


@dataclass(frozen=True, slots=True)
class Recovery:
    """What ``Store.open`` found and repaired."""

    journal: RecoveryReport
    replayed: int  # journaled events applied to the database at open


@dataclass(frozen=True, slots=True)
class StoreStats:
    journal_batches: int  # write + fdatasync calls
    journal_records: int
    largest_batch: int
    transactions: int  # DuckDB transactions of the projector (replay excluded)


@dataclass(slots=True)
class _Opened:
    con: duckdb.DuckDBPyConnection
    journal: Journal
    projector: Projector
    lock_fd: int
    recovery: Recovery


class Store:
    """Open with ``await Store.open(data_dir)`` (or ``async with await Store.open(...)``)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        data_dir: Path,
        opened: _Opened,
        *,
        readers: int,
        read_wait_s: float,
        linger_s: float,
    ) -> None:
        self._loop = loop
        self.data_dir = data_dir
        self.recovery = opened.recovery
        self._con = opened.con
        self._journal = opened.journal
        self._lock_fd = opened.lock_fd
        self._read_wait_s = read_wait_s
        self._readers = ReaderPool(self._con, readers, data_dir / DB_FILE)
        applied = opened.projector.applied_seq
        self._next_seq = opened.journal.next_seq
        self._durable_seq = self._next_seq - 1
        self._applied_seq = applied
        self._closing = False
        self._close_done: asyncio.Task[None] | None = None
        self._write_failure: StoreError | None = None  # journal or projector: no appends
        self._read_failure: StoreError | None = None  # projector: reads would wait forever
        self._durable_cap: int | None = None  # set when the journal fails: nothing after it
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._waiter_ids = itertools.count()
        self._projector_thread = ProjectorThread(
            opened.projector,
            loop,
            linger_s=linger_s,
            on_applied=self._on_applied,
            on_failed=self._on_projector_failed,
            after_commit=self._journal.release_through,
        )
        self._writer = JournalWriter(
            self._journal,
            loop,
            on_durable=self._on_durable,
            on_failed=self._on_journal_failed,
            forward=self._projector_thread.submit,
            on_stopped=self._projector_thread.stop,
        )

    # --- lifecycle ----------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        data_dir: Path,
        *,
        fsync: bool = True,
        readers: int = 2,
        segment_bytes: int | None = None,
        read_wait_s: float = 30.0,
        linger_s: float = 0.05,
        duckdb_threads: int = 1,
    ) -> Store:
        """Create or open ``data_dir``, migrate, replay the journal, start the threads.

        ``fsync=False`` skips fdatasync (tests, throwaway demos): a power cut may
        then lose acknowledged events. ``segment_bytes``: journal segment size
        (default journal.DEFAULT_SEGMENT_BYTES, 16 MiB). ``readers``: reader threads (one cursor
        each). ``read_wait_s``: how long a read waits for the database to catch
        up before StoreError. ``linger_s``: how long the projector gathers events
        into one transaction when no reader waits. ``duckdb_threads``: DuckDB's
        worker threads; 1 keeps DuckDB from competing with the event loop for
        the cores (reports that need more can raise it). Must run inside the
        event loop the store will serve.
        """
        loop = asyncio.get_running_loop()
        check_registry()
        data_dir = Path(data_dir)
        opened = await asyncio.to_thread(
            _open_blocking, data_dir, fsync, segment_bytes, int(duckdb_threads)
        )
        try:
            store = cls(
                loop, data_dir, opened, readers=readers, read_wait_s=read_wait_s, linger_s=linger_s
            )
        except BaseException:
            _release(opened)
            raise
        store._writer.start()
        store._projector_thread.start()
        log.info(
            "store open at %s: events up to %d, %d replayed",
            data_dir, store._durable_seq, opened.recovery.replayed,
        )
        return store

    async def close(self, timeout_s: float = 30.0) -> None:
        """Journal and apply everything appended, stop the threads, close the files.

        Calling it again (even while the first call runs) waits for the same close.
        """
        if self._close_done is None:
            self._close_done = self._loop.create_task(self._close(timeout_s))
        await asyncio.shield(self._close_done)

    async def _close(self, timeout_s: float) -> None:
        self._closing = True
        self._writer.stop()  # the writer stops the projector after its last batch
        errors: list[BaseException] = []
        for thread in (self._writer, self._projector_thread):
            await asyncio.to_thread(thread.join, timeout_s)
            if thread.is_alive():
                # Closing DuckDB under a running writer would corrupt its state: leave
                # the files open rather than risk that, and say so.
                raise StoreError(
                    f"store thread {thread.name} did not stop within {timeout_s} s; "
                    f"the database was left open: restart the edge server"
                )
        self._fail_waiters(StoreError("the store was closed"))
        try:
            await asyncio.to_thread(self._readers.close)
        except BaseException as e:
            errors.append(e)
        try:
            self._con.close()
        except duckdb.Error as e:
            errors.append(from_duckdb_error(e, "close the database", self.data_dir / DB_FILE))
        self._journal.close()
        os.close(self._lock_fd)
        log.info("store closed at %s: events up to %d applied", self.data_dir, self._applied_seq)
        if errors:
            raise errors[0]

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- writing ------------------------------------------------------------------

    def append(self, events: Sequence[Event]) -> asyncio.Future[int]:
        """Journal ``events`` in call order; the future gets the last seq once on disk.

        Synchronous, so two calls in a row are journaled in that order. Call it
        on the store's event loop only.
        """
        if asyncio.get_running_loop() is not self._loop:  # RuntimeError off the loop too
            raise RuntimeError("Store.append must be called on the store's event loop")
        if self._closing:
            raise StoreError("the store is closed; no more events can be appended")
        if self._write_failure is not None:
            raise StoreError(
                f"the store refuses writes after an earlier failure ({self._write_failure}); "
                f"fix the cause and restart the edge server"
            ) from self._write_failure
        if not events:
            raise ValueError("append needs at least one event")
        payloads = [codec.encode_event(ev) for ev in events]
        frames = b"".join(segments.frame(p) for p in payloads)
        future: asyncio.Future[int] = self._loop.create_future()
        first = self._next_seq
        self._next_seq += len(payloads)
        self._writer.submit(PendingAppend(first, payloads, frames, future))
        return future

    def _on_durable(self, batch: list[PendingAppend]) -> None:
        for p in batch:
            if not p.future.done():  # the caller may have cancelled its wait
                p.future.set_result(p.last_seq)
        self._durable_seq = batch[-1].last_seq

    def _on_journal_failed(self, failure: StoreError, batch: list[PendingAppend]) -> None:
        if self._write_failure is None:
            self._write_failure = failure
            # Reads must not wait for events that will never be applied.
            self._durable_cap = self._durable_seq
            self._wake_waiters()
        for p in batch:
            if not p.future.done():
                err = StoreError(f"event not saved: {failure}")
                err.__cause__ = failure
                p.future.set_exception(err)

    # --- reading ------------------------------------------------------------------

    async def read(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn(cursor)`` on a reader thread once every event appended before
        this call is in the database (read-your-writes, acknowledged or not)."""
        if self._closing:
            raise StoreError("the store is closed")
        if self._read_failure is not None:
            raise StoreError(f"the database is not being updated: {self._read_failure}") from (
                self._read_failure
            )
        target = self._next_seq - 1
        if not self._caught_up(target):
            waiter: asyncio.Future[None] = self._loop.create_future()
            heapq.heappush(self._waiters, (target, next(self._waiter_ids), waiter))
            self._projector_thread.flush_to(target)
            try:
                async with asyncio.timeout(self._read_wait_s):
                    await waiter
            except TimeoutError as e:
                raise StoreError(
                    f"the database is {target - self._applied_seq} events behind the journal "
                    f"after {self._read_wait_s} s; the disk may be overloaded"
                ) from e
        return await self._readers.run(fn)

    def _caught_up(self, target: int) -> bool:
        if self._applied_seq >= target:
            return True
        return self._durable_cap is not None and self._applied_seq >= self._durable_cap

    def _on_applied(self, seq: int) -> None:
        self._applied_seq = seq
        self._wake_waiters()

    def _wake_waiters(self) -> None:
        while self._waiters and self._caught_up(self._waiters[0][0]):
            _, _, waiter = heapq.heappop(self._waiters)
            if not waiter.done():
                waiter.set_result(None)

    def _on_projector_failed(self, failure: StoreError) -> None:
        self._read_failure = failure
        if self._write_failure is None:
            self._write_failure = failure
        self._fail_waiters(failure)

    def _fail_waiters(self, failure: StoreError) -> None:
        waiters, self._waiters = self._waiters, []
        for _, _, waiter in waiters:
            if not waiter.done():
                err = StoreError(f"the database is not being updated: {failure}")
                err.__cause__ = failure
                waiter.set_exception(err)

    # --- state ----------------------------------------------------------------------

    @property
    def last_seq(self) -> int:
        """Seq of the last event acknowledged (on disk)."""
        return self._durable_seq

    @property
    def applied_seq(self) -> int:
        """Seq of the last event the database reflects."""
        return self._applied_seq

    @property
    def failure(self) -> StoreError | None:
        """Why the store refuses appends, or None while it is healthy."""
        return self._write_failure

    def stats(self) -> StoreStats:
        return StoreStats(
            journal_batches=self._writer.batches,
            journal_records=self._writer.records,
            largest_batch=self._writer.max_batch,
            transactions=self._projector_thread.transactions,
        )


# --- opening (runs on a worker thread) ---------------------------------------------------


def _open_blocking(
    data_dir: Path, fsync: bool, segment_bytes: int | None, threads: int
) -> _Opened:
    skip_missing_pandas_probe()
    lock_fd = _lock_data_dir(data_dir)
    db_path = data_dir / DB_FILE
    con: duckdb.DuckDBPyConnection | None = None
    journal: Journal | None = None
    try:
        try:
            con = duckdb.connect(str(db_path))
        except DUCKDB_ENVIRONMENT_ERRORS as e:
            raise from_duckdb_error(e, "open the database", db_path) from e
        except duckdb.Error as e:  # e.g. not a DuckDB file, or a newer DuckDB's storage
            raise StoreError(
                f"cannot open the database {db_path}: {e}; it is damaged or was written by "
                f"another program or a newer Switchboard"
            ) from e
        if threads < 1:
            raise ValueError(f"duckdb_threads must be >= 1, got {threads}")
        con.execute(f"SET threads TO {threads}")  # SET takes no parameters; an int we checked
        migrate(con, db_path)
        applied = read_applied_seq(con)
        journal = Journal.open(
            data_dir / JOURNAL_DIR, applied, fsync=fsync, segment_bytes=segment_bytes
        )
        projector = Projector(con, db_path, applied)
        replayed = 0
        chunk: list[tuple[int, bytes]] = []
        for record in journal.replay(applied):
            chunk.append(record)
            if len(chunk) >= MAX_BATCH:
                projector.apply(chunk)
                replayed += len(chunk)
                chunk = []
        if chunk:
            projector.apply(chunk)
            replayed += len(chunk)
        if replayed:
            log.warning(
                "replayed %d journaled events into %s after an unclean stop", replayed, db_path
            )
        journal.release_through(projector.applied_seq)
        return _Opened(con, journal, projector, lock_fd, Recovery(journal.report, replayed))
    except BaseException:
        if journal is not None:
            journal.close()
        if con is not None:
            con.close()
        os.close(lock_fd)
        raise


def _lock_data_dir(data_dir: Path) -> int:
    """Exclusive lock on data_dir for this process's lifetime of the store.

    DuckDB's own file lock does not stop a second Store in the same process
    (duckdb shares one instance per file), and two journal writers would
    interleave records: this lock does.
    """
    path = data_dir / LOCK_FILE
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise from_os_error(e, "create the data directory", data_dir) from e
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as e:
        holder = _read_holder(fd)
        os.close(fd)
        raise StoreError(
            f"{data_dir} is in use by another Switchboard edge server{holder}; "
            f"stop it or configure another data_dir"
        ) from e
    except OSError as e:
        os.close(fd)
        raise from_os_error(e, "lock", path) from e
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    except OSError as e:
        os.close(fd)
        raise from_os_error(e, "write", path) from e
    return fd


def _read_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


def _release(opened: _Opened) -> None:
    opened.journal.close()
    opened.con.close()
    os.close(opened.lock_fd)
