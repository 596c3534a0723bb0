"""The store process: the only process that opens the DuckDB database.

Why a process: a projector transaction costs ~7-15 ms of CPU (measured: one
of 30 agent-state events, 6.5 ms alone on an idle core), much of it holding
the GIL (parameter binding, the Python projections). In the edge's process
that work competed with the event loop and the journal thread for the GIL:
sequential appends without fsync, p99 0.95 ms with the projector in the edge,
0.33 ms with it here. Here DuckDB has its own interpreter and runs at a lower
priority (nice 19, every thread), and the edge only journals.

Started by the edge (db_client.py) as ``python -m edge_server.store.db_process
FD EDGE_PID`` with one end of a socketpair as FD; it speaks ipc.py on it:

1. Config -> import the projection modules, open and migrate the database ->
   Opened(applied_seq) or OpenFailed (and exit).
2. Optionally Replay(through_seq): apply journal records after applied_seq from
   the journal files (the edge has repaired them and writes nothing meanwhile).
3. Serve: Records go to the projector thread (one DuckDB writer connection;
   the edge has already gathered them into batches); Read runs a named
   function on a reader thread (a cursor each); Applied/ReadDone/Log go back.
4. Stop (or the edge's end closing) -> apply what was received, close, exit.

It dies with the edge (PR_SET_PDEATHSIG), so it never outlives it holding the
database; the journal, not this process, is the truth: after a crash the edge
starts a new one and sends it every record not yet applied.
"""
from __future__ import annotations

import ctypes
import importlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from edge_server.store import ipc, journal
from edge_server.store.errors import StoreError
from edge_server.store.read_functions import resolve
from edge_server.store.remote_errors import describe

# DuckDB and the modules that need it are imported once the channel is up (in
# DbServer._open), so that a broken installation reaches the edge as an error
# it can show, not as a process that exits before saying anything.
if TYPE_CHECKING:
    import duckdb

    from edge_server.store.projector import Projector
    from edge_server.store.readers import ReaderPool

log = logging.getLogger("sb.store")

#: Nice value of the store process once it serves. On 2 cores it competes with the
#: edge's event loop and journal thread; projection is catch-up work,
#: acknowledgements are not. Start-up and replay run at normal priority: the edge
#: waits for them. 19, not 10: with 200 chats opening at once (bench/chat_latency.py) the
#: projector at nice 10 still took enough CPU to put chat p99 at 50-96 ms; at 19, 27-36 ms.
#: Reads that must see the latest writes still wait for it (Store.read), hot paths do not.
STORE_PROCESS_NICE = 19
#: How long to retry opening a database that another process holds: after a crash
#: the previous store process may still be exiting (its lock goes with it).
LOCK_RETRY_S = 1.0
_PR_SET_PDEATHSIG = 1


class Channel:
    """The store process's end of the socketpair: blocking reads, locked writes."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._send_lock = threading.Lock()
        self._decoder = ipc.FrameDecoder(ipc.ToStore)
        self._pending: deque[msgspec.Struct] = deque()
        self.edge_gone = False

    def recv(self) -> msgspec.Struct | None:
        """The next message; None once the edge closed its end."""
        while not self._pending:
            try:
                data = self._sock.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                return None
            self._pending.extend(self._decoder.feed(data))
        return self._pending.popleft()

    def send(self, message: msgspec.Struct) -> None:
        data = ipc.frame(message)
        with self._send_lock:
            if self.edge_gone:
                return
            try:
                self._sock.sendall(data)
            except OSError:  # the edge is gone; recv() will say so to the main loop
                self.edge_gone = True


class _ForwardingHandler(logging.Handler):
    """Sends this process's log records to the edge, whose logging configuration applies."""

    def __init__(self, channel: Channel, level: int) -> None:
        super().__init__(level)
        self._channel = channel
        self._formatter = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            exc_text = self._formatter.formatException(record.exc_info) if record.exc_info else None
            self._channel.send(
                ipc.Log(
                    name=record.name,
                    levelno=record.levelno,
                    message=record.getMessage(),
                    created=record.created,
                    thread_name=record.threadName or "",
                    exc_text=exc_text,
                )
            )
        except Exception:
            self.handleError(record)


class DbServer:
    def __init__(self, channel: Channel, config: ipc.Config) -> None:
        self._chan = channel
        self._cfg = config
        self._db_path = Path(config.db_path)

    def run(self) -> int:
        try:
            con, projector = self._open()
        except BaseException as e:
            self._chan.send(ipc.OpenFailed(describe(e)))
            return 1
        from edge_server.store.projector import ProjectorThread
        from edge_server.store.readers import ReaderPool

        self._chan.send(ipc.Opened(projector.applied_seq))
        first = self._chan.recv()
        if isinstance(first, ipc.Replay):
            try:
                count = self._replay(projector, first.through_seq)
            except BaseException as e:
                self._chan.send(ipc.OpenFailed(describe(e)))
                con.close()
                return 1
            self._chan.send(ipc.Replayed(count, projector.applied_seq))
            first = self._chan.recv()
        _lower_priority()

        readers = ReaderPool(con, self._cfg.readers, self._db_path)
        thread = ProjectorThread(
            projector,
            on_applied=lambda seq, n: self._chan.send(ipc.Applied(seq, n)),
            on_failed=lambda failure: self._chan.send(ipc.Failed(describe(failure))),
        )
        thread.start()
        try:
            message = first
            while message is not None and not isinstance(message, ipc.Stop):
                if isinstance(message, ipc.Records):
                    thread.submit(
                        [(message.first_seq + i, p) for i, p in enumerate(message.payloads)]
                    )
                elif isinstance(message, ipc.Read):
                    self._read(readers, message)
                else:
                    log.error("store process: unexpected %s message ignored", type(message).__name__)
                message = self._chan.recv()
        except BaseException:
            # A bug here: say so through the edge's log; the edge restarts this process.
            log.exception("store process stopped by a bug")
            raise
        # Stop, or the edge went away: apply what arrived, then close cleanly either way.
        thread.stop()
        thread.join()
        readers.close()
        con.close()
        self._chan.send(ipc.Closed(projector.applied_seq))
        return 0

    # --- opening -------------------------------------------------------------------------

    def _open(self) -> tuple[duckdb.DuckDBPyConnection, Projector]:
        from edge_server.store.duckdb_compat import skip_missing_pandas_probe
        from edge_server.store.migrations import migrate
        from edge_server.store.projector import Projector, check_registry, read_applied_seq

        for name in self._cfg.projection_modules:
            importlib.import_module(name)
        check_registry()
        skip_missing_pandas_probe()
        con = _connect(self._db_path)
        try:
            threads = self._cfg.duckdb_threads
            if threads < 1:
                raise ValueError(f"duckdb_threads must be >= 1, got {threads}")
            con.execute(f"SET threads TO {int(threads)}")  # SET takes no parameters; an int
            migrate(con, self._db_path)
            return con, Projector(con, self._db_path, read_applied_seq(con))
        except BaseException:
            con.close()
            raise

    def _replay(self, projector: Projector, through_seq: int) -> int:
        from edge_server.store.projector import MAX_BATCH

        replayed = 0
        chunk: list[tuple[int, bytes]] = []
        records = journal.read_records(Path(self._cfg.journal_dir), projector.applied_seq, through_seq)
        for record in records:
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
                "replayed %d journaled events into %s after an unclean stop", replayed, self._db_path
            )
        return replayed

    # --- reading -------------------------------------------------------------------------

    def _read(self, readers: ReaderPool, message: ipc.Read) -> None:
        def call(cur: duckdb.DuckDBPyConnection) -> bytes:
            target = resolve(message.fn)
            result = target.fn(cur, *target.decode_args(message.args))
            return msgspec.msgpack.encode(result)

        def done(future: Future[bytes]) -> None:
            error = future.exception()
            if error is None:
                self._chan.send(ipc.ReadDone(message.id, msgspec.Raw(future.result())))
                return
            # Not logged here: the caller gets it, as its own type, with this traceback attached.
            self._chan.send(ipc.ReadFailed(message.id, describe(error)))

        readers.submit(call).add_done_callback(done)


def _connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    import duckdb

    from edge_server.store.duckdb_errors import DUCKDB_ENVIRONMENT_ERRORS, from_duckdb_error

    deadline = time.monotonic() + LOCK_RETRY_S
    while True:
        try:
            return duckdb.connect(str(db_path))
        except DUCKDB_ENVIRONMENT_ERRORS as e:
            if "lock" in str(e).lower() and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            raise from_duckdb_error(e, "open the database", db_path) from e
        except duckdb.Error as e:  # e.g. not a DuckDB file, or a newer DuckDB's storage
            raise StoreError(
                f"cannot open the database {db_path}: {e}; it is damaged or was written by "
                f"another program or a newer Switchboard"
            ) from e


def _lower_priority() -> None:
    """Nice every thread of this process, DuckDB's own included.

    Linux keeps a nice value per thread: DuckDB's threads, started when the
    database opened, would stay at normal priority; threads started later
    (projector, readers) inherit the main thread's.
    """
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:  # not Linux: the process-wide call is all there is
        tids = [0]
    for tid in tids:
        try:
            nice = max(os.getpriority(os.PRIO_PROCESS, tid), STORE_PROCESS_NICE)
            os.setpriority(os.PRIO_PROCESS, tid, nice)
        except OSError as e:  # gone meanwhile, not permitted: leave it
            log.debug("could not lower the priority of thread %d: %s", tid, e)


def _die_with(edge_pid: int) -> None:
    """Be killed when the edge dies, even by SIGKILL (Linux); exit now if it is already gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError) as e:
            log.debug("PR_SET_PDEATHSIG unavailable: %s", e)
    if os.getppid() != edge_pid:  # the edge died before prctl took effect
        raise SystemExit(1)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m edge_server.store.db_process FD EDGE_PID (started by the edge)",
              file=sys.stderr)
        return 2
    fd, edge_pid = int(args[0]), int(args[1])
    _die_with(edge_pid)
    # Ctrl-C in a terminal reaches the whole process group: the edge shuts down on it
    # and stops this process in order; dying on it here would only skip the drain.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = Channel(socket.socket(fileno=fd))
    config = channel.recv()
    if not isinstance(config, ipc.Config):
        return 1  # the edge went away before configuring us
    for entry in reversed(config.sys_path):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    root = logging.getLogger()
    root.addHandler(_ForwardingHandler(channel, config.log_level))
    root.setLevel(config.log_level)
    return DbServer(channel, config).run()


if __name__ == "__main__":
    sys.exit(main())

