"""Applies journaled events to DuckDB: one transaction per batch, one writer thread.

Runs in the store process (db_process.py). The same code applies live batches
(sent by the edge right after they are journaled) and the replay at open, so
recovery cannot drift from normal operation. Each transaction also
stores the last applied seq in ``meta``: the database and that marker can
never disagree, which is what makes replay exact.
"""
from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import cast
from pathlib import Path

import duckdb
import msgspec

from edge_server.contract.events import Event
from edge_server.store import codec
from edge_server.store.bulk import json_rows, unnest_sql
from edge_server.store.duckdb_errors import DUCKDB_ENVIRONMENT_ERRORS, from_duckdb_error
from edge_server.store.errors import StoreError
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
        raise RuntimeError(
            f"no projection registered for event kinds {missing}: import the module that "
            f"registers them before Store.open, or name it in Store.open(projection_modules=...)"
        )


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


class ProjectorThread(threading.Thread):
    """The one DuckDB writer: applies what arrives, everything queued in one transaction.

    It does not linger: the edge gathers journaled records for ``linger_s``
    before sending them (store.py), so each message is already a batch;
    every DuckDB statement costs ~0.5-3 ms of CPU, so fewer, larger
    transactions raise throughput and leave more of the machine to the
    edge's acknowledgement path.
    """

    def __init__(
        self,
        projector: Projector,
        *,
        on_applied: Callable[[int, int], None],
        on_failed: Callable[[StoreError], None],
    ) -> None:
        super().__init__(name="sb-store-projector", daemon=True)
        self._projector = projector
        # Both are called on this thread: (applied seq, transactions so far) / the failure.
        self._on_applied = on_applied
        self._on_failed = on_failed
        self._queue: queue.SimpleQueue[list[Record] | object] = queue.SimpleQueue()
        self.transactions = 0
        self.failure: StoreError | None = None

    def submit(self, records: list[Record]) -> None:
        self._queue.put(records)

    def stop(self) -> None:
        """Apply what was submitted before, then end the thread."""
        self._queue.put(_STOP)

    def run(self) -> None:
        stopping = False
        while not stopping:
            records, stopping = self._collect()
            if self.failure is None:
                for i in range(0, len(records), MAX_BATCH):
                    if not self._apply(records[i : i + MAX_BATCH]):
                        break

    def _collect(self) -> tuple[list[Record], bool]:
        """Block for work, then take whatever else is already queued."""
        records: list[Record] = []
        item: object = self._queue.get()
        while True:
            if item is _STOP:
                return records, True
            records.extend(cast(list[Record], item))
            try:
                item = self._queue.get_nowait()
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
        self._on_applied(self._projector.applied_seq, self.transactions)
        return True

    def _fail(self, failure: StoreError) -> None:
        self.failure = failure
        self._on_failed(failure)
