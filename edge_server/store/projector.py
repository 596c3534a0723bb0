"""Applies journaled events to DuckDB: one transaction per batch, one writer thread.

The same code applies live batches (from the journal writer) and the replay at
open, so recovery cannot drift from normal operation. Each transaction also
stores the last applied seq in ``meta``: the database and that marker can
never disagree, which is what makes replay exact.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import cast
from pathlib import Path

import duckdb
import msgspec

from edge_server.contract.events import Event
from edge_server.store import codec
from edge_server.store.bulk import json_rows, unnest_sql
from edge_server.store.errors import (
    DUCKDB_ENVIRONMENT_ERRORS,
    StoreError,
    from_duckdb_error,
)
from edge_server.store.registry import PROJECTIONS, Projection

log = logging.getLogger("sb.store")

Record = tuple[int, bytes]  # (seq, journal payload)
#: Upper bound of events per transaction, so a long backlog is applied in steps
#: that each finish in well under a second.
MAX_BATCH = 5000


class _EventRow(msgspec.Struct):
    seq: int
    ts_ms: int
    kind: str
    subject: str
    data: msgspec.Raw


_EVENTS_INSERT = (
    "INSERT INTO events (seq, ts_ms, kind, subject, data) "
    "SELECT r.seq, r.ts_ms, r.kind, r.subject, r.data FROM "
    + unnest_sql(
        {
            "seq": "BIGINT", "ts_ms": "BIGINT", "kind": "VARCHAR", "subject": "VARCHAR",
            "data": "JSON",
        }
    )
)


def read_applied_seq(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT value FROM meta WHERE key = 'applied_seq'").fetchone()
    return int(row[0]) if row else 0


def check_registry() -> None:
    """Every known event kind needs a projection (a bug otherwise: fail at open)."""
    missing = sorted(set(codec.KINDS) - set(PROJECTIONS))
    if missing:
        raise RuntimeError(f"no projection registered for event kinds {missing}")


class Projector:
    """Applies batches of journal records on one DuckDB connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, db_path: Path, applied_seq: int) -> None:
        self._con = con
        self._db_path = db_path
        self.applied_seq = applied_seq

    def apply(self, records: Sequence[Record]) -> None:
        """Apply ``records`` (consecutive seqs after applied_seq) in one transaction."""
        if not records:
            return
        first, last = records[0][0], records[-1][0]
        if first != self.applied_seq + 1 or last - first + 1 != len(records):
            raise AssertionError(
                f"projector at {self.applied_seq} got seqs {first}..{last} ({len(records)} records)"
            )
        # Decoding first: an unknown kind (newer writer) stops us before any write.
        events = [(seq, codec.decode_event(payload, seq=seq)) for seq, payload in records]
        con = self._con
        con.execute("BEGIN")
        try:
            con.execute(_EVENTS_INSERT, [json_rows(_event_rows(events))])
            for kind, run in itertools.groupby(events, key=lambda se: codec.kind_of(se[1])):
                batch = list(run)
                try:
                    PROJECTIONS[kind].apply(con, [ev for _, ev in batch])
                except Exception as e:
                    e.add_note(f"projecting events {batch[0][0]}..{batch[-1][0]} of kind {kind!r}")
                    raise
            con.execute("UPDATE meta SET value = ? WHERE key = 'applied_seq'", [str(last)])
            con.execute("COMMIT")
        except BaseException as e:
            _rollback(con)
            if isinstance(e, DUCKDB_ENVIRONMENT_ERRORS):
                raise from_duckdb_error(e, "write the database", self._db_path) from e
            raise
        self.applied_seq = last


def _event_rows(events: Sequence[tuple[int, Event]]) -> list[_EventRow]:
    rows = []
    for seq, ev in events:
        kind = codec.kind_of(ev)
        proj: Projection = PROJECTIONS[kind]
        data = msgspec.Raw(codec.event_json(ev))
        rows.append(_EventRow(seq, ev.ts_ms, kind, proj.subject_of(ev), data))
    return rows


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error as e:  # the transaction may already be gone (fatal error)
        log.debug("rollback after a failed batch: %s", e)


_STOP = object()
_WAKE = object()  # re-check the flush target now
#: Nice value of the projector thread. On 2 cores the event loop, the journal
#: thread and DuckDB compete; projection is catch-up work, acknowledgements
#: are not. (Linux: setpriority on a thread id affects that thread only.)
PROJECTOR_NICE = 10


def _lower_thread_priority() -> None:
    try:
        tid = threading.get_native_id()
        nice = max(os.getpriority(os.PRIO_PROCESS, tid), PROJECTOR_NICE)
        os.setpriority(os.PRIO_PROCESS, tid, nice)
    except OSError as e:  # not permitted or not supported: run at normal priority
        log.debug("could not lower the projector thread's priority: %s", e)


class ProjectorThread(threading.Thread):
    """The one DuckDB writer: applies what was journaled, in few large transactions.

    After the first batch arrives it lingers up to ``linger_s`` collecting more,
    unless a reader waits (``flush_to``): every DuckDB statement costs ~0.5-3 ms
    and briefly takes the GIL, so fewer, larger transactions both raise
    throughput and disturb the acknowledgement path (journal thread, event loop)
    less often.
    """

    def __init__(
        self,
        projector: Projector,
        loop: asyncio.AbstractEventLoop,
        *,
        linger_s: float,
        on_applied: Callable[[int], None],
        on_failed: Callable[[StoreError], None],
        after_commit: Callable[[int], None],
    ) -> None:
        super().__init__(name="sb-store-projector", daemon=True)
        self._projector = projector
        self._loop = loop
        self._linger_s = linger_s
        self._on_applied = on_applied  # called on the loop
        self._on_failed = on_failed  # called on the loop
        self._after_commit = after_commit  # called on this thread (segment deletion)
        self._queue: queue.SimpleQueue[list[Record] | object] = queue.SimpleQueue()
        # Highest seq a reader waits for; written by the loop, read here. A plain
        # int attribute is enough: the wake-up token orders the two threads.
        self._flush_target = 0
        self.transactions = 0
        self.failure: StoreError | None = None

    def submit(self, records: list[Record]) -> None:
        self._queue.put(records)

    def flush_to(self, seq: int) -> None:
        """A reader waits for ``seq``: apply without lingering until it is applied."""
        if seq > self._flush_target:
            self._flush_target = seq
            self._queue.put(_WAKE)

    def stop(self) -> None:
        """Apply what was submitted before, then end the thread."""
        self._queue.put(_STOP)

    def run(self) -> None:
        _lower_thread_priority()
        stopping = False
        while not stopping:
            records, stopping = self._collect()
            if self.failure is None:
                for i in range(0, len(records), MAX_BATCH):
                    if not self._apply(records[i : i + MAX_BATCH]):
                        break

    def _collect(self) -> tuple[list[Record], bool]:
        """Block for work, then gather more until the linger ends, a reader waits, or stop."""
        records: list[Record] = []
        item: object = self._queue.get()
        deadline = time.monotonic() + self._linger_s
        while True:
            if item is _STOP:
                return records, True
            if item is not _WAKE:
                records.extend(cast(list[Record], item))
            try:
                item = self._queue.get_nowait()
                continue
            except queue.Empty:
                pass
            if not records:
                item = self._queue.get()  # only wake-ups so far: nothing to apply yet
                deadline = time.monotonic() + self._linger_s
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._flush_target > self._projector.applied_seq:
                return records, False
            try:
                item = self._queue.get(timeout=remaining)
            except queue.Empty:
                return records, False

    def _apply(self, records: list[Record]) -> bool:
        try:
            self._projector.apply(records)
        except StoreError as e:
            log.error("projector stopped: %s", e)
            self._fail(e)
            return False
        except Exception as e:
            log.exception("projector stopped by a bug")
            failure = StoreError(
                f"applying events to the database failed: {e!r}; this is a Switchboard bug: "
                f"report it with the log; events stay in the journal and are applied at restart"
            )
            failure.__cause__ = e
            self._fail(failure)
            return False
        self.transactions += 1
        seq = self._projector.applied_seq
        self._call(self._on_applied, seq)
        self._after_commit(seq)
        return True

    def _fail(self, failure: StoreError) -> None:
        self.failure = failure
        self._call(self._on_failed, failure)

    def _call(self, fn: Callable[..., None], *args: object) -> None:
        try:
            self._loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the loop closed without closing the store
            log.warning("store event loop is closed; dropping a projector notification")
