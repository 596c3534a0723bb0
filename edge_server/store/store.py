"""The Store: durable appends through the journal, DuckDB state (in the store process) for reads.

In the edge process: the event loop calls ``append`` and ``read``; one journal
thread writes and fsyncs (group commit) and acknowledges through the loop; the
loop hands every journaled batch to the store process (db_client.py), which
owns DuckDB (db_process.py): the projector and the readers run there, so
DuckDB's CPU and GIL never delay an acknowledgement. Everything on the Store
itself is touched from the event loop only.
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
from typing import Any, TypeVar

from edge_server.contract.events import Event
from edge_server.store import codec, ipc, read_functions, registry, segments
from edge_server.store.db_client import DbClient, edge_sys_path
from edge_server.store.errors import StoreError, from_os_error
from edge_server.store.journal import Journal, RecoveryReport
from edge_server.store.journal_writer import JournalWriter, PendingAppend

log = logging.getLogger("sb.store")
T = TypeVar("T")

DB_FILE = "switchboard.duckdb"
JOURNAL_DIR = "journal"
LOCK_FILE = "switchboard.lock"
#: Modules the store process imports for their ``register_projection`` calls, besides
#: those given to Store.open and those that registered projections in the edge.
DEFAULT_PROJECTION_MODULES: tuple[str, ...] = (
    "edge_server.store.projections",
    # Higher layers named by string (the store never imports them): every event kind needs one.
    "edge_server.work.projections",
    "edge_server.interactions.projections",
    "edge_server.flows.projections",
)


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


class Store:
    """Open with ``await Store.open(data_dir)`` (or ``async with await Store.open(...)``)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        data_dir: Path,
        lock_fd: int,
        *,
        read_wait_s: float,
        linger_s: float,
    ) -> None:
        self._loop = loop
        self.data_dir = data_dir
        self._lock_fd = lock_fd
        self._read_wait_s = read_wait_s
        self._linger_s = linger_s
        self.recovery = Recovery(RecoveryReport(segments=0, next_seq=1), 0)  # set by open()
        self._journal: Journal | None = None
        self._writer: JournalWriter | None = None
        self._db: DbClient | None = None
        self._next_seq = 1
        self._durable_seq = 0
        self._applied_seq = 0
        self._transactions = 0
        self._closing = False
        self._close_done: asyncio.Task[None] | None = None
        self._write_failure: StoreError | None = None  # journal or projector: no appends
        self._read_failure: StoreError | None = None  # projector: reads would wait forever
        self._durable_cap: int | None = None  # set when the journal fails: nothing after it
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._waiter_ids = itertools.count()
        # Durable records not yet handed to the store process, and the pending hand-over.
        self._unforwarded: list[PendingAppend] = []
        self._forward_handle: asyncio.Handle | None = None
        self._forward_now = False  # the pending hand-over is immediate, not a linger timer
        self._forwarded_seq = 0
        self._flush_target = 0  # highest seq a reader waits for

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
        linger_s: float = 0.2,
        duckdb_threads: int = 1,
        projection_modules: Sequence[str] = DEFAULT_PROJECTION_MODULES,
        start_timeout_s: float = 30.0,
    ) -> Store:
        """Create or open ``data_dir``, start the store process, replay the journal.

        ``fsync=False`` skips fdatasync (tests, throwaway demos): a power cut may
        then lose acknowledged events. ``segment_bytes``: journal segment size
        (default journal.DEFAULT_SEGMENT_BYTES, 16 MiB). ``readers``: reader threads
        of the store process (one cursor each). ``read_wait_s``: how long a read may
        take, waiting for the database to catch up included, before StoreError.
        ``linger_s``: how long journaled events are gathered before they go to the
        store process as one transaction, when no reader waits (a DuckDB
        transaction costs ~7-10 ms of CPU plus ~20 µs per event here: at 0.05 s
        the store process used ~350 µs per event at the bench's command rate,
        at 0.2 s ~125 µs; readers never wait for the linger).
        ``duckdb_threads``: DuckDB's worker threads. ``projection_modules``: modules the store process imports to register
        projections; every module that registered one in this process before
        this call is imported there too. ``start_timeout_s``: how long the store
        process may take to open and migrate the database. Must run inside the
        event loop the store will serve, on that loop's thread (the store process
        is tied to it: it dies when that thread ends).
        """
        loop = asyncio.get_running_loop()
        if readers < 1:
            raise ValueError("the store needs at least one reader thread")
        data_dir = Path(data_dir)
        lock_fd = await asyncio.to_thread(_lock_data_dir, data_dir)
        store = cls(loop, data_dir, lock_fd, read_wait_s=read_wait_s, linger_s=linger_s)
        modules = list(dict.fromkeys([*projection_modules, *registry.registered_modules()]))
        config = ipc.Config(
            db_path=str(data_dir / DB_FILE),
            journal_dir=str(data_dir / JOURNAL_DIR),
            duckdb_threads=int(duckdb_threads),
            readers=readers,
            projection_modules=modules,
            sys_path=edge_sys_path(),
            log_level=logging.getLogger("sb.store").getEffectiveLevel(),
        )
        store._db = DbClient(
            loop,
            config,
            on_applied=store._on_applied,
            on_failed=store._on_projector_failed,
            start_timeout_s=start_timeout_s,
        )
        try:
            await store._start(fsync, segment_bytes)
        except BaseException:
            await store._abandon_open()
            raise
        log.info(
            "store open at %s: events up to %d, %d replayed (store process pid %s)",
            data_dir, store._durable_seq, store.recovery.replayed, store._db.pid,
        )
        return store

    async def _start(self, fsync: bool, segment_bytes: int | None) -> None:
        assert self._db is not None
        applied = await self._db.start()
        self._journal = await asyncio.to_thread(
            Journal.open,
            self.data_dir / JOURNAL_DIR,
            applied,
            fsync=fsync,
            segment_bytes=segment_bytes,
        )
        through = self._journal.next_seq - 1
        replayed = await self._db.replay(through) if through > applied else 0
        self._applied_seq = self._forwarded_seq = self._db.applied
        self._next_seq = self._journal.next_seq
        self._durable_seq = self._next_seq - 1
        self.recovery = Recovery(self._journal.report, replayed)
        await asyncio.to_thread(self._journal.release_through, self._applied_seq)
        self._writer = JournalWriter(
            self._journal, self._loop, on_durable=self._on_durable, on_failed=self._on_journal_failed
        )
        self._writer.start()
        self._db.serve()

    async def _abandon_open(self) -> None:
        """Undo a failed open: the process, the journal, the lock."""
        if self._db is not None:
            await self._db.stop(timeout_s=5.0)
        if self._journal is not None:
            self._journal.close()
        os.close(self._lock_fd)

    async def close(self, timeout_s: float = 30.0) -> None:
        """Journal and apply everything appended, stop the store process, close the files.

        Calling it again (even while the first call runs) waits for the same close.
        """
        if self._close_done is None:
            self._close_done = self._loop.create_task(self._close(timeout_s))
        await asyncio.shield(self._close_done)

    async def _close(self, timeout_s: float) -> None:
        assert self._writer is not None and self._journal is not None and self._db is not None
        self._closing = True
        self._writer.stop()
        await asyncio.to_thread(self._writer.join, timeout_s)
        if self._writer.is_alive():
            # Closing the journal under a writing thread could lose its last batch: leave
            # the files open rather than risk that, and say so.
            raise StoreError(
                f"store thread {self._writer.name} did not stop within {timeout_s} s; "
                f"the journal was left open: restart the edge server"
            )
        self._forward()  # the last batches, if their hand-over is still queued on the loop
        await self._db.stop(timeout_s)
        self._fail_waiters(StoreError("the store was closed"))
        self._journal.close()
        os.close(self._lock_fd)
        log.info("store closed at %s: events up to %d applied", self.data_dir, self._applied_seq)

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
        assert self._writer is not None
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
        self._unforwarded.extend(batch)
        self._schedule_forward(urgent=self._flush_target > self._forwarded_seq)

    def _schedule_forward(self, *, urgent: bool) -> None:
        """Hand the journaled records over after ``linger_s``, or now if a reader waits.

        Lingering here, not in the store process: one message and one DuckDB
        transaction per linger instead of a wake-up of the store process per
        acknowledged batch (~600/s at the bench's command rate), which competes
        with the edge for the same two cores. An urgent hand-over still runs
        after the acknowledgements (call_soon queues behind the wake-ups that
        set_result just scheduled).
        """
        handle = self._forward_handle
        if handle is not None:
            if self._forward_now or not urgent:
                return
            handle.cancel()
        if urgent:
            self._forward_handle = self._loop.call_soon(self._forward)
        else:
            self._forward_handle = self._loop.call_later(self._linger_s, self._forward)
        self._forward_now = urgent

    def _forward(self) -> None:
        if self._forward_handle is not None:
            self._forward_handle.cancel()
            self._forward_handle = None
        batch, self._unforwarded = self._unforwarded, []
        if not batch or self._db is None:
            return
        payloads = [pl for p in batch for pl in p.payloads]
        self._db.send_records(batch[0].first_seq, payloads)
        self._forwarded_seq = batch[-1].last_seq

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

    async def read(self, fn: Callable[..., T], *args: Any, fresh: bool = True) -> T:
        """``fn(cursor, *args)`` in the store process, once every event appended before
        this call is in the database (read-your-writes, acknowledged or not).

        ``fresh=False`` reads what the database has now, without waiting for it to catch
        up (a consistent prefix of the journal, ``applied_seq`` or later): for hot paths
        whose caller knows its own unapplied writes (see interactions/customer_claims.py).

        ``fn`` is a module-level function (see read_functions.py): the store process
        imports it by name; ``args`` and the result travel as msgpack, and the result
        is decoded against ``fn``'s return annotation. TypeError for a lambda or
        arguments that cannot be encoded. Exceptions raised by ``fn`` arrive as their
        own type when the edge knows it (StoreError, duckdb.Error, builtins).
        """
        ref = read_functions.reference(fn)
        encoded = read_functions.encode_args(args)
        if self._closing:
            raise StoreError("the store is closed")
        if self._read_failure is not None:
            raise StoreError(f"the database is not being updated: {self._read_failure}") from (
                self._read_failure
            )
        assert self._db is not None
        target = self._next_seq - 1 if fresh else 0
        try:
            async with asyncio.timeout(self._read_wait_s):
                if not self._caught_up(target):
                    waiter: asyncio.Future[None] = self._loop.create_future()
                    heapq.heappush(self._waiters, (target, next(self._waiter_ids), waiter))
                    # Stop lingering: what is durable goes now, the rest as it becomes durable.
                    self._flush_target = max(self._flush_target, target)
                    if self._unforwarded:
                        self._schedule_forward(urgent=True)
                    await waiter
                raw = await self._db.call(ref.name, encoded)
        except TimeoutError as e:
            if not self._caught_up(target):
                raise StoreError(
                    f"the database is {target - self._applied_seq} events behind the journal "
                    f"after {self._read_wait_s} s; the disk may be overloaded"
                ) from e
            raise StoreError(
                f"reading {ref.name} took more than {self._read_wait_s} s; the database may be "
                f"overloaded"
            ) from e
        return ref.decode_result(raw)  # type: ignore[no-any-return]

    def _caught_up(self, target: int) -> bool:
        if self._applied_seq >= target:
            return True
        return self._durable_cap is not None and self._applied_seq >= self._durable_cap

    def _on_applied(self, seq: int, transactions: int | None) -> None:
        if transactions is not None:
            self._transactions = transactions
        if seq <= self._applied_seq:
            return
        self._applied_seq = seq
        self._wake_waiters()
        journal = self._journal
        if journal is not None and journal.segment_count() > 1:
            # Deleting files is blocking I/O: not on the loop.
            self._loop.run_in_executor(None, journal.release_through, seq)

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
    def appended_seq(self) -> int:
        """Seq of the last event appended, durable or not (set synchronously by append())."""
        return self._next_seq - 1

    @property
    def applied_seq(self) -> int:
        """Seq of the last event the database reflects."""
        return self._applied_seq

    @property
    def failure(self) -> StoreError | None:
        """Why the store refuses appends, or None while it is healthy."""
        return self._write_failure

    @property
    def process_id(self) -> int | None:
        """Pid of the store process (DuckDB's owner), for diagnostics."""
        return self._db.pid if self._db is not None else None

    @property
    def process_restarts(self) -> int:
        """How often the store process was restarted after stopping unexpectedly."""
        return self._db.restarts if self._db is not None else 0

    def stats(self) -> StoreStats:
        assert self._writer is not None
        return StoreStats(
            journal_batches=self._writer.batches,
            journal_records=self._writer.records,
            largest_batch=self._writer.max_batch,
            transactions=self._transactions,
        )


def _lock_data_dir(data_dir: Path) -> int:
    """Exclusive lock on data_dir for this process's lifetime of the store.

    Two stores on one directory would interleave journal records; DuckDB's own
    lock only covers the database file, and only in the store process.
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
