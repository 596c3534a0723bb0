"""A small pool of reader threads in the store process, each with its own DuckDB cursor.

A DuckDB connection must not be shared between threads; a cursor is a separate
connection to the same database, so each reader thread owns one and sees every
transaction the projector has committed.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

from edge_server.store.duckdb_errors import DUCKDB_ENVIRONMENT_ERRORS, from_duckdb_error

ReadCall = Callable[[duckdb.DuckDBPyConnection], Any]


class ReaderPool:
    def __init__(self, con: duckdb.DuckDBPyConnection, size: int, db_path: Path) -> None:
        if size < 1:
            raise ValueError("the store needs at least one reader thread")
        self._db_path = db_path
        # Cursors are made here, on the thread that owns ``con``, before the projector
        # thread takes it over; each reader thread picks one when it starts.
        self._cursors = [con.cursor() for _ in range(size)]
        self._free: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        for cur in self._cursors:
            self._free.put(cur)
        self._local = threading.local()
        self._executor = ThreadPoolExecutor(
            max_workers=size, thread_name_prefix="sb-store-read", initializer=self._take_cursor
        )

    def _take_cursor(self) -> None:
        self._local.cursor = self._free.get_nowait()

    def _run(self, call: ReadCall) -> Any:
        try:
            return call(self._local.cursor)
        except DUCKDB_ENVIRONMENT_ERRORS as e:
            raise from_duckdb_error(e, "read the database", self._db_path) from e

    def submit(self, call: ReadCall) -> Future[Any]:
        """Run ``call(cursor)`` on a reader thread."""
        return self._executor.submit(self._run, call)

    def close(self) -> None:
        """Wait for running reads, then close the cursors."""
        self._executor.shutdown(wait=True)  # queued reads still run: they were accepted
        for cur in self._cursors:
            cur.close()
