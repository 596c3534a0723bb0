"""The edge's handle on its store process: start it, feed it records, run reads, restart, stop.

Everything here runs on the edge's event loop: the socket is an asyncio
transport, so sending a batch of records is one non-blocking write and the
replies (Applied, read results, log records) arrive as loop callbacks, with no
extra thread in the edge.

Why the edge sends the records rather than the store process tailing the
journal files: the edge has every record in memory at the moment it is
durable, so one write hands it over; tailing would need the store process to
follow segment rotation, pre-allocated zero tails and deletions, and still a
message telling it how far the durable end is. The price is a copy of each
record over a local socket (~µs) and a buffer of records not yet applied,
which is also what makes a restart simple: a new store process reports what
its database holds and is sent the rest of the buffer.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import msgspec

from edge_server.store import ipc
from edge_server.store.errors import StoreError
from edge_server.store.remote_errors import rebuild

log = logging.getLogger("sb.store")

#: Restarts allowed within RESTART_WINDOW_S before the store gives up (a crash loop
#: must surface as a failure, not burn the CPU).
MAX_RESTARTS = 3
RESTART_WINDOW_S = 60.0
#: Replaying a long journal at open may take a while (~50-100k events/s).
REPLAY_TIMEOUT_S = 600.0
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the directory holding edge_server/

M = TypeVar("M", bound=msgspec.Struct)


def process_command() -> list[str]:
    """How to start the store process (its fd and the edge's pid are appended)."""
    if getattr(sys, "frozen", False):
        # A frozen build's executable is the app itself: its entry point must hand
        # this hidden role to edge_server.store.db_process.main(argv).
        return [sys.executable, "store-process"]
    return [sys.executable, "-m", "edge_server.store.db_process"]


class _ProcessLost(StoreError):
    """The store process went away before answering."""


@dataclass(slots=True)
class _PendingRead:
    name: str
    args: bytes
    future: asyncio.Future[msgspec.Raw]
    sent: bool = False
    attempts: int = 0  # store processes that died while running it


class _Link(asyncio.Protocol):
    """One store process's socket."""

    def __init__(self, client: DbClient) -> None:
        self._client = client
        self._decoder = ipc.FrameDecoder(ipc.FromStore)
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            messages = self._decoder.feed(data)
        except ValueError as e:  # a bug on one side or the other: treat as a crash
            log.error("undecodable message from the store process: %s", e)
            if self.transport is not None:
                self.transport.abort()
            return
        for message in messages:
            self._client._dispatch(self, message)

    def connection_lost(self, exc: Exception | None) -> None:
        self._client._on_lost(self)


class DbClient:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        config: ipc.Config,
        *,
        on_applied: Callable[[int, int | None], None],
        on_failed: Callable[[StoreError], None],
        start_timeout_s: float,
        command: Sequence[str] | None = None,
    ) -> None:
        self._loop = loop
        self._config = config
        self._on_applied = on_applied  # (seq, transactions so far or None)
        self._on_failed = on_failed
        self._start_timeout_s = start_timeout_s
        self._command = list(command) if command is not None else process_command()
        self._proc: subprocess.Popen[bytes] | None = None
        self._link: _Link | None = None
        self._ready = False  # records and reads may be sent
        self._serving = False  # opened: from now on a lost process is restarted
        self._reply: asyncio.Future[msgspec.Struct] | None = None
        # Records sent (or to send) and not yet applied, as (first seq, payloads) batches.
        self._buffer: deque[tuple[int, list[bytes]]] = deque()
        self._applied = 0  # highest seq the store process reported applied
        self._reads: dict[int, _PendingRead] = {}
        self._read_ids = itertools.count(1)
        self._stopping = False
        self._failed: StoreError | None = None
        self._restart_task: asyncio.Task[None] | None = None
        self._crashes: deque[float] = deque()
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def applied(self) -> int:
        """Highest seq the store process reported applied."""
        return self._applied

    # --- start -------------------------------------------------------------------------

    async def start(self) -> int:
        """Start the store process and open the database; returns its applied seq.

        Raises what opening raised there (StoreError, StoreTooNewError...).
        """
        try:
            opened = await self._spawn()
        except BaseException:
            await self._discard_process()
            raise
        self._applied = opened.applied_seq
        self._ready = True
        return opened.applied_seq

    async def replay(self, through_seq: int) -> int:
        """Have the store process apply the journal files up to ``through_seq``; the count."""
        reply = self._expect_reply()
        self._send(ipc.Replay(through_seq))
        done = await self._await_reply(reply, ipc.Replayed, REPLAY_TIMEOUT_S, "replay the journal")
        self._applied = done.applied_seq
        return done.count

    def serve(self) -> None:
        """The store is open: a store process that dies from now on is replaced."""
        self._serving = True

    async def _spawn(self) -> ipc.Opened:
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        cmd = [*self._command, str(child_end.fileno()), str(os.getpid())]
        try:
            # Spawned from the loop's thread on purpose: PR_SET_PDEATHSIG in the child
            # fires when the thread that forked it ends, and this one lives as long as the store.
            self._proc = subprocess.Popen(
                cmd, pass_fds=(child_end.fileno(),), stdin=subprocess.DEVNULL, env=_child_env()
            )
        except OSError as e:
            parent_end.close()
            raise StoreError(f"cannot start the store process ({' '.join(cmd)}): {e}") from e
        finally:
            child_end.close()
        link = _Link(self)
        self._link = link
        # Expected before the socket is watched: a process dying at once must fail this
        # start, not look like a crash of a serving process.
        reply = self._expect_reply()
        await self._loop.create_unix_connection(lambda: link, sock=parent_end)
        self._send(self._config)
        return await self._await_reply(reply, ipc.Opened, self._start_timeout_s, "open the database")

    def _expect_reply(self) -> asyncio.Future[msgspec.Struct]:
        self._reply = self._loop.create_future()
        return self._reply

    async def _await_reply(
        self, reply: asyncio.Future[msgspec.Struct], kind: type[M], timeout_s: float, what: str
    ) -> M:
        try:
            async with asyncio.timeout(timeout_s):
                message = await reply
        except TimeoutError as e:
            raise StoreError(
                f"the store process did not {what} within {timeout_s:g} s; the disk may be "
                f"overloaded or the database very large"
            ) from e
        finally:
            self._reply = None
        if not isinstance(message, kind):
            raise StoreError(f"store process answered {type(message).__name__}, not {kind.__name__}")
        return message

    # --- the edge's requests -------------------------------------------------------------------

    def send_records(self, first_seq: int, payloads: list[bytes]) -> None:
        """Hand journaled records over (they are resent to a restarted process until applied)."""
        self._buffer.append((first_seq, payloads))
        if self._ready:
            self._send(ipc.Records(first_seq, payloads))

    async def call(self, name: str, args: bytes) -> msgspec.Raw:
        """Run the read function ``name`` in the store process; its msgpack result.

        A store process dying mid-read makes the read run again in the next one
        (reads change nothing); a second death fails it with StoreError.
        """
        if self._failed is not None:
            raise StoreError(f"the database is not available: {self._failed}") from self._failed
        if self._stopping:
            raise StoreError("the store is closed")
        read_id = next(self._read_ids)
        pending = _PendingRead(name, args, self._loop.create_future())
        self._reads[read_id] = pending
        if self._ready:
            self._send_read(read_id, pending)
        try:
            return await pending.future
        finally:
            self._reads.pop(read_id, None)

    def _send_read(self, read_id: int, pending: _PendingRead) -> None:
        self._send(ipc.Read(read_id, pending.name, msgspec.Raw(pending.args)))
        pending.sent = True

    def _send(self, message: msgspec.Struct) -> None:
        link = self._link
        if link is not None and link.transport is not None and not link.transport.is_closing():
            link.transport.write(ipc.frame(message))

    # --- messages from the store process --------------------------------------------------------

    def _dispatch(self, link: _Link, message: msgspec.Struct) -> None:
        if link is not self._link:
            return  # a late message from a process already replaced
        if isinstance(message, ipc.Applied):
            self._note_applied(message.seq)
            self._on_applied(message.seq, message.transactions)
        elif isinstance(message, ipc.ReadDone):
            pending = self._reads.pop(message.id, None)
            if pending is not None and not pending.future.done():
                pending.future.set_result(message.result)
        elif isinstance(message, ipc.ReadFailed):
            pending = self._reads.pop(message.id, None)
            if pending is not None and not pending.future.done():
                pending.future.set_exception(rebuild(message.error))
        elif isinstance(message, ipc.Log):
            _emit(message, self.pid)
        elif isinstance(message, ipc.Failed):
            failure = rebuild(message.error)
            if not isinstance(failure, StoreError):
                wrapped = StoreError(str(failure))
                wrapped.__cause__ = failure
                failure = wrapped
            self._on_failed(failure)
        elif isinstance(message, ipc.OpenFailed):
            if self._reply is not None and not self._reply.done():
                self._reply.set_exception(rebuild(message.error))
        elif self._reply is not None and not self._reply.done():  # Opened, Replayed, Closed
            self._reply.set_result(message)
        else:
            log.error("unexpected %s from the store process ignored", type(message).__name__)

    def _note_applied(self, seq: int) -> None:
        self._applied = max(self._applied, seq)
        buf = self._buffer
        while buf and buf[0][0] + len(buf[0][1]) - 1 <= seq:
            buf.popleft()
        if buf and buf[0][0] <= seq:  # partly applied: keep only the rest
            first, payloads = buf[0]
            buf[0] = (seq + 1, payloads[seq + 1 - first :])

    def _on_lost(self, link: _Link) -> None:
        if link is not self._link:
            return
        self._link = None
        self._ready = False
        if self._reply is not None and not self._reply.done():
            # Starting, replaying or closing: the waiting coroutine decides.
            code = self._proc.poll() if self._proc is not None else None
            self._reply.set_exception(
                _ProcessLost(
                    f"the store process stopped{_exit_text(code)} before answering; "
                    f"the log above says why"
                )
            )
            return
        if self._stopping or self._failed is not None or not self._serving:
            return  # not serving yet: Store.open fails (and stops us) on its own
        log.error("the store process (pid %s) stopped unexpectedly; starting a new one", self.pid)
        for read_id, pending in list(self._reads.items()):
            if not pending.sent:
                continue
            pending.sent = False
            pending.attempts += 1
            if pending.attempts > 1:
                del self._reads[read_id]
                if not pending.future.done():
                    pending.future.set_exception(
                        StoreError("the store process stopped twice while running this read")
                    )
        self._restart_task = self._loop.create_task(self._restart(), name="sb-store-restart")

    # --- restart --------------------------------------------------------------------------------

    async def _restart(self) -> None:
        while True:
            code = await self._reap()
            log.error("the store process exited%s", _exit_text(code))
            now = time.monotonic()
            self._crashes.append(now)
            while self._crashes and self._crashes[0] < now - RESTART_WINDOW_S:
                self._crashes.popleft()
            if len(self._crashes) > MAX_RESTARTS:
                self._give_up(
                    StoreError(
                        f"the store process stopped {len(self._crashes)} times within "
                        f"{RESTART_WINDOW_S:g} s (see the log); every acknowledged event is in "
                        f"the journal: fix the cause and restart the edge server"
                    )
                )
                return
            try:
                opened = await self._spawn()
            except _ProcessLost:
                continue  # died while starting: counts as another crash
            except Exception as e:
                failure = StoreError(f"cannot restart the store process: {e}")
                failure.__cause__ = e
                self._give_up(failure)
                return
            break
        applied = opened.applied_seq
        if applied < self._applied:
            self._give_up(
                StoreError(
                    f"the restarted store process's database holds events up to {applied}, but "
                    f"{self._applied} had been applied: the disk lost committed data; restore "
                    f"data_dir from a backup"
                )
            )
            return
        self._note_applied(applied)
        self._ready = True
        self.restarts += 1
        resent = 0
        for first, payloads in self._buffer:
            self._send(ipc.Records(first, payloads))
            resent += len(payloads)
        for read_id, pending in self._reads.items():
            if not pending.sent:
                self._send_read(read_id, pending)
        self._on_applied(applied, None)
        log.warning(
            "store process restarted (pid %s): database at event %d, %d journaled events resent",
            self.pid, applied, resent,
        )

    def _give_up(self, failure: StoreError) -> None:
        log.error("%s", failure)
        self._failed = failure
        self._ready = False
        self._fail_reads(failure)
        self._on_failed(failure)
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()

    def _fail_reads(self, failure: StoreError) -> None:
        reads, self._reads = self._reads, {}
        for pending in reads.values():
            if not pending.future.done():
                err = StoreError(f"the database is not available: {failure}")
                err.__cause__ = failure
                pending.future.set_exception(err)

    async def _reap(self, timeout_s: float = 5.0) -> int | None:
        """Wait for the current process to exit (killing it after ``timeout_s``); its code."""
        proc = self._proc
        if proc is None:
            return None
        try:
            return await asyncio.to_thread(proc.wait, timeout_s)
        except subprocess.TimeoutExpired:
            log.warning("store process pid %d did not exit within %g s; killing it", proc.pid, timeout_s)
            proc.kill()
            return await asyncio.to_thread(proc.wait, timeout_s)

    async def _discard_process(self) -> None:
        link, self._link, self._ready = self._link, None, False
        if link is not None and link.transport is not None:
            link.transport.close()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        await self._reap()

    # --- stop -------------------------------------------------------------------------------------

    async def stop(self, timeout_s: float) -> None:
        """Let the store process apply what it was sent, close the database, and exit."""
        self._stopping = True
        if self._restart_task is not None and not self._restart_task.done():
            self._restart_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._restart_task
        try:
            if self._ready:
                reply = self._expect_reply()
                self._send(ipc.Stop())
                closed = await self._await_reply(reply, ipc.Closed, timeout_s, "close the database")
                self._note_applied(closed.applied_seq)
                self._on_applied(closed.applied_seq, None)
            elif self._buffer:
                log.warning(
                    "the store process was not running at close: %d journaled events will be "
                    "applied at the next start", sum(len(p) for _, p in self._buffer),
                )
        except StoreError as e:
            log.error("closing the store process: %s", e)
        finally:
            await self._discard_process()
            self._fail_reads(StoreError("the store was closed"))


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The store process imports edge_server before it learns the edge's sys.path.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), env.get("PYTHONPATH")]))
    return env


def edge_sys_path() -> list[str]:
    """The edge's import path, so the store process finds the same modules."""
    return [os.getcwd() if entry == "" else entry for entry in sys.path]


def _exit_text(code: int | None) -> str:
    if code is None:
        return ""
    if code < 0:
        return f" (killed by signal {-code})"
    return f" (exit code {code})"


def _emit(message: ipc.Log, pid: int | None) -> None:
    logger = logging.getLogger(message.name)
    if not logger.isEnabledFor(message.levelno):
        return
    record = logging.LogRecord(
        message.name, message.levelno, "(store process)", 0, message.message, None, None
    )
    record.created = message.created
    record.msecs = (message.created - int(message.created)) * 1000
    record.exc_text = message.exc_text
    record.threadName = message.thread_name
    record.processName = "sb-store"
    record.process = pid
    logger.handle(record)
