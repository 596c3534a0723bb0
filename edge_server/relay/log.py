"""The relay's durable log: what platforms pushed, kept until the edge has stored it.

Built on the store's journal (segments with CRC frames, pre-allocated, ``fdatasync`` group
commit on one writer thread), so a push is acknowledged to the platform only once its record
is on disk. Records are numbered from 1 for the life of the data directory; ``log.state``
remembers the log's id and the edge's last acknowledged seq, which lets the journal delete
segments the edge has stored. A platform's retry (same channel, account and message id) while
the record is still in the dedup window returns the first record's seq instead of a new one.
"""
from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from edge_server.channels.base import DeliveryUpdate, InboundMessage
from edge_server.relay.protocol import InboundRecord, decode_item, dedup_key, encode_item
from edge_server.store import segments
from edge_server.store.errors import StoreError
from edge_server.store.journal import Journal, read_records
from edge_server.store.journal_writer import JournalWriter, PendingAppend

log = logging.getLogger("sb.relay")

Item = InboundMessage | DeliveryUpdate

#: Smaller than the store's 16 MB: a catch-up read loads one segment per batch.
DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024
#: Unacknowledged records kept in memory for streaming; older ones are read back from disk.
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024
#: Message ids remembered for de-duplication (platforms retry within ~15 s; this is days of traffic
#: on a small site, and everything still on disk is remembered after a restart too).
DEFAULT_DEDUP_ENTRIES = 200_000
#: The acknowledged seq is written to log.state at most this often (and on close).
_STATE_INTERVAL_S = 0.5


class RelayLogError(Exception):
    """The log cannot take or give records (disk full, damaged files): tell the operator."""


class RelayLog:
    """Use as ``async with RelayLog(dir) as log``; all methods run on the entering event loop."""

    def __init__(self, directory: Path, *, fsync: bool = True, segment_bytes: int = DEFAULT_SEGMENT_BYTES,
                 cache_bytes: int = DEFAULT_CACHE_BYTES, dedup_entries: int = DEFAULT_DEDUP_ENTRIES) -> None:
        self.directory = Path(directory)
        self._seg_dir = self.directory / "log"
        self._state_path = self.directory / "log.state"
        self._fsync = fsync
        self._segment_bytes = segment_bytes
        self._cache_cap = cache_bytes
        self._dedup_cap = dedup_entries
        self._journal: Journal | None = None
        self._writer: JournalWriter | None = None
        self.log_id = ""
        self._next_seq = 1  # the seq the next new record gets
        self._durable_seq = 0
        self._acked_seq = 0
        self._first_kept = 1
        self._persisted_acked = 0
        # The state loop's worker thread may still be writing when close() persists the last ack.
        self._state_lock = threading.Lock()
        self._cache: dict[int, bytes] = {}  # seq -> payload, contiguous, all > acked
        self._cache_bytes = 0
        # key -> the record's seq, or the future that gives it once the record is durable
        self._dedup: collections.OrderedDict[tuple[str, ...], asyncio.Future[int] | int] = collections.OrderedDict()
        self._listeners: list[Callable[[], None]] = []
        self._state_task: asyncio.Task[None] | None = None
        self._state_dirty = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    # --- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> RelayLog:
        self._loop = asyncio.get_running_loop()
        await asyncio.to_thread(self._open)
        self._writer = JournalWriter(self._journal_or_fail(), self._loop, on_durable=self._on_durable,
                                     on_failed=self._on_failed)
        self._writer.start()
        self._state_task = self._loop.create_task(self._state_loop(), name="sb.relay.log-state")
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        errors: list[BaseException] = []
        if self._writer is not None:
            self._writer.stop()  # writes everything submitted first
            await asyncio.to_thread(self._writer.join, 10.0)
            if self._writer.is_alive():
                errors.append(TimeoutError("the relay log writer did not stop within 10 s"))
            self._writer = None
        if self._state_task is not None:
            self._state_task.cancel()
            await asyncio.wait([self._state_task], timeout=5.0)
            self._state_task = None
        try:
            await asyncio.to_thread(self._persist_and_trim, self._acked_seq)
        except RelayLogError as e:
            errors.append(e)
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if errors:
            raise BaseExceptionGroup("errors while closing the relay log", errors)

    def _open(self) -> None:
        self.log_id, self._acked_seq = self._read_state()
        self._persisted_acked = self._acked_seq
        try:
            self._journal = Journal.open(self._seg_dir, self._acked_seq, fsync=self._fsync,
                                         segment_bytes=self._segment_bytes)
        except StoreError as e:
            raise RelayLogError(f"cannot open the relay log in {self._seg_dir}: {e}") from e
        self._next_seq = self._journal.next_seq
        self._durable_seq = self._next_seq - 1
        found = segments.list_segments(self._seg_dir)
        self._first_kept = found[0][0] if found else self._next_seq
        if self._acked_seq > self._durable_seq:
            log.warning("relay log state says the edge acknowledged %d but the log ends at %d",
                        self._acked_seq, self._durable_seq)
            self._acked_seq = self._durable_seq
        # Remember what is still on disk: retries of those pushes must not become new records.
        try:
            for seq, payload in read_records(self._seg_dir, self._first_kept - 1, self._durable_seq):
                item = decode_item(payload)
                self._remember(dedup_key(item.msg if isinstance(item, InboundRecord) else item.update), seq)
                if seq > self._acked_seq:
                    self._cache_put(seq, payload)
        except StoreError as e:
            raise RelayLogError(f"cannot read the relay log in {self._seg_dir}: {e}") from e
        log.info("relay log %s opened in %s: records %d..%d on disk, edge acknowledged %d, %d unacknowledged",
                 self.log_id, self._seg_dir, self._first_kept, self._durable_seq, self._acked_seq,
                 self._durable_seq - self._acked_seq)

    def _read_state(self) -> tuple[str, int]:
        try:
            raw = self._state_path.read_text("utf-8")
        except FileNotFoundError:
            if segments_exist(self._seg_dir):
                raise RelayLogError(f"{self._state_path} is missing but {self._seg_dir} holds records; "
                                    f"restore the relay data directory as a whole") from None
            log_id = secrets.token_hex(8)
            self._write_state(log_id, 0)
            return log_id, 0
        except OSError as e:
            raise RelayLogError(f"cannot read {self._state_path}: {e}") from e
        try:
            data = json.loads(raw)
            return str(data["log_id"]), int(data["acked_seq"])
        except (ValueError, KeyError, TypeError) as e:
            raise RelayLogError(f"{self._state_path} is damaged ({e}); restore it from a backup") from e

    def _write_state(self, log_id: str, acked: int) -> None:
        tmp = self._state_path.with_name("log.state.tmp")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump({"log_id": log_id, "acked_seq": acked}, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._state_path)
            segments.fsync_dir(self.directory)
        except OSError as e:
            raise RelayLogError(f"cannot write {self._state_path}: {e}") from e

    def _journal_or_fail(self) -> Journal:
        if self._journal is None:
            raise RelayLogError("the relay log is not open")
        return self._journal

    # --- appending (webhook host) -----------------------------------------------------------

    async def append(self, items: Sequence[Item]) -> list[int]:
        """Log ``items`` (a platform's retry maps to the first record); returns once all are durable."""
        if self._writer is None or self._loop is None:
            raise RelayLogError("the relay log is not open")
        if self._writer.failure is not None:
            raise RelayLogError(f"the relay log cannot write: {self._writer.failure}")
        waits: list[asyncio.Future[int] | int] = []
        payloads: list[bytes] = []
        now_ms = int(time.time() * 1000)
        first_seq = self._next_seq
        fut: asyncio.Future[int] = self._loop.create_future()
        for item in items:
            key = dedup_key(item)
            earlier = self._dedup.get(key)
            if earlier is not None:
                self._dedup.move_to_end(key)
                waits.append(earlier)
                continue
            payloads.append(encode_item(item, now_ms))
            self._remember(key, fut)
            waits.append(fut)
        if payloads:
            self._next_seq += len(payloads)
            frames = b"".join(segments.frame(p) for p in payloads)
            self._writer.submit(PendingAppend(first_seq, payloads, frames, fut))
        try:
            # shield: a platform hanging up must not cancel a record other retries wait on.
            return [w if isinstance(w, int) else await asyncio.shield(w) for w in waits]
        except StoreError as e:
            raise RelayLogError(f"the relay log cannot write: {e}") from e

    def _remember(self, key: tuple[str, ...], fut: asyncio.Future[int] | int) -> None:
        self._dedup[key] = fut
        while len(self._dedup) > self._dedup_cap:
            oldest = next(iter(self._dedup.values()))
            if not isinstance(oldest, int) and not oldest.done():  # never forget a record still on its way to disk
                break
            self._dedup.popitem(last=False)

    def _on_durable(self, batch: list[PendingAppend]) -> None:
        for pending in batch:
            for k, payload in enumerate(pending.payloads):
                self._cache_put(pending.first_seq + k, payload)
            self._durable_seq = pending.last_seq
            if not pending.future.done():
                pending.future.set_result(pending.last_seq)
        for listener in list(self._listeners):
            listener()

    def _on_failed(self, error: StoreError, batch: list[PendingAppend]) -> None:
        log.error("relay log write failed, refusing pushes until restarted: %s", error)
        doomed = {id(p.future) for p in batch}
        for key in [k for k, f in self._dedup.items() if not isinstance(f, int) and id(f) in doomed]:
            del self._dedup[key]  # the platform's retry must be able to log it again
        for pending in batch:
            if not pending.future.done():
                pending.future.set_exception(error)
                pending.future.exception()  # retrieved: callers see it through their own await

    def _cache_put(self, seq: int, payload: bytes) -> None:
        if seq <= self._acked_seq:
            return
        if not self._cache or self._cache_bytes + len(payload) <= self._cache_cap:
            self._cache[seq] = payload
            self._cache_bytes += len(payload)
        # Beyond the cap the record stays on disk only; streaming reads it back from there.

    # --- reading and acknowledging (edge feed) ---------------------------------------------

    @property
    def durable_seq(self) -> int:
        return self._durable_seq

    @property
    def acked_seq(self) -> int:
        return self._acked_seq

    @property
    def first_kept_seq(self) -> int:
        """The oldest record still on disk (records before it were stored by the edge and deleted)."""
        return self._first_kept

    def on_durable(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (on the loop) whenever new records became durable."""
        self._listeners.append(listener)

    async def read(self, after_seq: int, limit: int) -> list[bytes]:
        """Up to ``limit`` durable payloads after ``after_seq`` (which is >= first_kept_seq - 1)."""
        through = min(self._durable_seq, after_seq + limit)
        if through <= after_seq:
            return []
        start = after_seq + 1
        cached: list[bytes] = []
        for s in range(start, through + 1):
            payload = self._cache.get(s)
            if payload is None:
                break
            cached.append(payload)
        if cached:
            return cached  # possibly fewer than asked (the cache has a gap): the caller asks again
        if start < self._first_kept:
            raise ValueError(f"record {start} was deleted (the log starts at {self._first_kept})")
        try:
            return await asyncio.to_thread(
                lambda: [bytes(p) for _, p in read_records(self._seg_dir, after_seq, through)])
        except StoreError as e:
            raise RelayLogError(f"cannot read the relay log: {e}") from e

    def ack(self, seq: int) -> None:
        """The edge has stored everything up to ``seq``: forget it (segments go in the background)."""
        seq = min(seq, self._durable_seq)
        if seq <= self._acked_seq:
            return
        for s in range(self._acked_seq + 1, seq + 1):
            payload = self._cache.pop(s, None)
            if payload is not None:
                self._cache_bytes -= len(payload)
        self._acked_seq = seq
        self._state_dirty.set()

    async def _state_loop(self) -> None:
        while True:
            await self._state_dirty.wait()
            self._state_dirty.clear()
            acked = self._acked_seq
            try:
                first = await asyncio.to_thread(self._persist_and_trim, acked)
                if first:
                    self._first_kept = first
            except RelayLogError as e:
                log.error("%s; acknowledged segments are kept until it works", e)
            await asyncio.sleep(_STATE_INTERVAL_S)

    def _persist_and_trim(self, acked: int) -> int:
        """(worker thread) Save ``acked``, delete stored segments; returns the first seq kept (0: same)."""
        with self._state_lock:
            return self._persist_and_trim_locked(acked)

    def _persist_and_trim_locked(self, acked: int) -> int:
        if self._journal is None or acked <= self._persisted_acked:
            return 0
        # The state first: a restart must never find a log that starts after its acked seq + 1.
        self._write_state(self.log_id, acked)
        self._persisted_acked = acked
        self._journal.release_through(acked)
        try:
            found = segments.list_segments(self._seg_dir, warn=False)
        except OSError as e:
            raise RelayLogError(f"cannot list {self._seg_dir}: {e}") from e
        return found[0][0] if found else 0

    def stats(self) -> dict[str, int]:
        return {"durable_seq": self._durable_seq, "acked_seq": self._acked_seq,
                "first_kept_seq": self._first_kept, "cached": len(self._cache),
                "segments": self._journal.segment_count() if self._journal else 0}


def segments_exist(directory: Path) -> bool:
    try:
        return any(p.name.endswith(segments.SUFFIX) for p in directory.iterdir())
    except FileNotFoundError:
        return False
