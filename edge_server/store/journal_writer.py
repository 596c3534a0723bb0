"""The journal thread: group commit of everything appended since its last write.

One ``os.write`` + ``fdatasync`` per batch (~0.23 ms here) however many events
wait, then the batch goes to the event loop, which resolves the callers'
futures and hands the records to the store process. A failed write fails that
batch and every later one: nothing is acknowledged that might not be on disk.
"""
from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from edge_server.store.errors import StoreError
from edge_server.store.journal import Journal

log = logging.getLogger("sb.store")


@dataclass(slots=True)
class PendingAppend:
    """One ``Store.append`` call waiting for the disk."""

    first_seq: int
    payloads: list[bytes]
    frames: bytes  # the framed payloads, ready to write
    future: asyncio.Future[int]

    @property
    def last_seq(self) -> int:
        return self.first_seq + len(self.payloads) - 1


_STOP = object()


class JournalWriter(threading.Thread):
    def __init__(
        self,
        journal: Journal,
        loop: asyncio.AbstractEventLoop,
        *,
        on_durable: Callable[[list[PendingAppend]], None],
        on_failed: Callable[[StoreError, list[PendingAppend]], None],
    ) -> None:
        super().__init__(name="sb-store-journal", daemon=True)
        self._journal = journal
        self._loop = loop
        self._on_durable = on_durable  # called on the loop
        self._on_failed = on_failed  # called on the loop
        self._queue: queue.SimpleQueue[PendingAppend | object] = queue.SimpleQueue()
        self.failure: StoreError | None = None
        # Group-commit statistics (written by this thread only; read for benchmarks).
        self.batches = 0
        self.records = 0
        self.max_batch = 0

    def submit(self, item: PendingAppend) -> None:
        self._queue.put(item)

    def stop(self) -> None:
        """Write everything submitted before, then end the thread."""
        self._queue.put(_STOP)

    def run(self) -> None:
        stopping = False
        while not stopping:
            batch: list[PendingAppend] = []
            item = self._queue.get()
            while True:
                if item is _STOP:
                    stopping = True
                else:
                    batch.append(item)  # type: ignore[arg-type]
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._commit(batch)

    def _commit(self, batch: list[PendingAppend]) -> None:
        if self.failure is None:
            count = sum(len(p.payloads) for p in batch)
            try:
                self._journal.write(batch[0].first_seq, b"".join(p.frames for p in batch), count)
            except StoreError as e:
                log.error("journal write failed; refusing further appends: %s", e)
                self.failure = e
            except Exception as e:
                log.exception("journal write failed by a bug")
                self.failure = StoreError(f"journal write failed: {e!r}; this is a Switchboard bug")
                self.failure.__cause__ = e
            else:
                self.batches += 1
                self.records += count
                self.max_batch = max(self.max_batch, count)
                self._call(self._on_durable, batch)
                return
        self._call(self._on_failed, self.failure, batch)

    def _call(self, fn: Callable[..., None], *args: object) -> None:
        try:
            self._loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the loop closed without closing the store
            log.warning("store event loop is closed; dropping a journal notification")
