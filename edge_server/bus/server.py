"""The edge's ZeroMQ endpoint: ROUTER for requests, replies and pushes; PUB for fan-out.

All state lives on the event loop that entered the server: the receive loop, the
liveness loop and every request task run there, so nothing here needs a lock.
Sends never block: they use DONTWAIT (a full queue drops the frame and says so),
which lets ``push``/``publish`` be plain methods the app can call anywhere.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any

import zmq
import zmq.asyncio

from edge_server.bus.auth import ClientAllowList, ZapGuard
from edge_server.bus.config import BusConfig
from edge_server.bus.connection import Connection
from edge_server.bus.dedup import DedupCache, DedupEntry
from edge_server.bus.errors import BusError
from edge_server.bus.framing import error_bytes, heartbeat_bytes, push_bytes, reply_bytes
from edge_server.bus.handler import RequestHandler
from edge_server.bus.keys import ServerKeys
from edge_server.bus.nowait import input_waiting, send_nowait
from edge_server.bus.scope import RequestScope, current_request
from edge_server.bus.sessions import Session
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import REQUESTS, Message, RequestSpec, decode_body
from edge_server.contract.wire import Frame, Kind, check_version, decode_frame

__all__ = ["BusConfig", "BusServer", "Connection", "RequestHandler", "ServerKeys"]

log = logging.getLogger("sb.bus")

#: libzmq drops a peer that sends a message above ZMQ_MAXMSGSIZE; this factor over the
#: configured limit keeps the polite too_large error for moderate excess.
_HARD_LIMIT_FACTOR = 4
#: Routing ids whose session was detached for silence, remembered to tell them once.
_SILENCED_REMEMBERED = 4096
#: Upper bound for stopping tasks on exit.
_SHUTDOWN_TIMEOUT_S = 5.0
#: Outgoing queue per peer: replies and pushes beyond it are dropped (and replayable).
_SNDHWM = 10_000


def _peer(conn: Connection) -> str:
    """A connection for logs; the cid is client-supplied, so it is quoted, never trusted raw."""
    return f"{conn.routing_id.hex()} cid={conn.client_id!r}"


def _same_desktop(a: Connection, b: Connection) -> bool:
    """A reconnect of one desktop, as opposed to another desktop taking a session over."""
    return a.client_key == b.client_key and a.client_id == b.client_id


class BusServer:
    """ROUTER + PUB server; use as ``async with BusServer(...) as bus``."""

    def __init__(
        self,
        config: BusConfig,
        keys: ServerKeys | None,
        allowed_client_keys: Callable[[], set[bytes]] | Path,
        handler: RequestHandler,
        *,
        ctx: zmq.asyncio.Context | None = None,
    ) -> None:
        if config.curve and keys is None:
            raise ValueError("bus.curve is on but no server key pair was given")
        self._config = config
        self._keys = keys
        self._handler = handler
        self._allow = ClientAllowList(allowed_client_keys)
        self._given_ctx = ctx
        self._ctx: zmq.asyncio.Context | None = None
        self._zap: ZapGuard | None = None
        self._router: zmq.asyncio.Socket | None = None
        self._pub: zmq.asyncio.Socket | None = None
        self._router_address = ""
        self._pub_address = ""
        self._conns: dict[bytes, Connection] = {}
        self._sessions: dict[str, Session] = {}
        self._silenced: OrderedDict[bytes, None] = OrderedDict()
        self._dedup = DedupCache(config.dedup_entries)
        self._topic_seq: dict[bytes, int] = {}
        self._loops: list[asyncio.Task[None]] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False
        self._hard_limit = config.max_frame_bytes * _HARD_LIMIT_FACTOR

    # --- lifecycle ------------------------------------------------------------

    async def __aenter__(self) -> BusServer:
        try:
            await self._start()
        except BaseException:
            await self._stop()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._stop()

    async def _start(self) -> None:
        self._ctx = self._given_ctx if self._given_ctx is not None else zmq.asyncio.Context()
        if self._config.curve:
            self._allow.reload()
            self._zap = ZapGuard(self._ctx, self._allow)
            self._zap.start()  # before bind: see ZapGuard
        else:
            log.warning("!!! bus.curve is OFF: traffic is unencrypted and ANY client may connect. "
                        "Use this only on a developer machine. !!!")
        self._router = self._socket(zmq.ROUTER)
        self._router.router_mandatory = 1  # a send to a vanished peer raises instead of vanishing
        self._router.maxmsgsize = self._hard_limit
        self._router.sndhwm = _SNDHWM
        self._router_address = self._bind(self._router, self._config.router_endpoint)
        self._pub = self._socket(zmq.PUB)
        self._pub_address = self._bind(self._pub, self._config.pub_endpoint)
        loop = asyncio.get_running_loop()
        self._loops = [
            loop.create_task(self._receive_loop(), name="sb.bus.receive"),
            loop.create_task(self._liveness_loop(), name="sb.bus.liveness"),
        ]
        log.info("bus up: router %s, pub %s, curve %s, %d client keys",
                 self._router_address, self._pub_address, "on" if self._config.curve else "OFF",
                 len(self._allow))

    def _socket(self, kind: int) -> zmq.asyncio.Socket:
        assert self._ctx is not None
        sock = self._ctx.socket(kind)
        sock.linger = 0
        if self._config.curve:
            assert self._keys is not None
            sock.curve_server = True
            sock.curve_publickey = self._keys.public
            sock.curve_secretkey = self._keys.secret
        return sock

    @staticmethod
    def _bind(sock: zmq.asyncio.Socket, endpoint: str) -> str:
        try:
            sock.bind(endpoint)
        except zmq.ZMQError as e:
            raise BusError(f"cannot listen on {endpoint}: {e}") from e
        return sock.getsockopt_string(zmq.LAST_ENDPOINT)

    async def _stop(self) -> None:
        """Cancel and await every task, close sockets, stop ZAP; collect errors, bounded in time."""
        self._closing = True
        errors: list[BaseException] = []
        tasks = [*self._loops, *self._tasks]
        for t in tasks:
            t.cancel()
        if tasks:
            done, pending = await asyncio.wait(tasks, timeout=_SHUTDOWN_TIMEOUT_S)
            for t in done:
                exc = None if t.cancelled() else t.exception()
                if exc is not None:
                    errors.append(exc)
            if pending:
                errors.append(TimeoutError(f"{len(pending)} bus tasks did not stop within {_SHUTDOWN_TIMEOUT_S} s"))
        self._loops = []
        self._tasks.clear()
        # Sockets before ZAP: a CURVE socket must never be open without its authenticator.
        for sock in (self._router, self._pub):
            if sock is not None:
                try:
                    sock.close(linger=0)
                except zmq.ZMQError as e:
                    errors.append(e)
        self._router = self._pub = None
        if self._zap is not None:
            try:
                await self._zap.stop()
            except Exception as e:
                errors.append(e)
            self._zap = None
        if self._given_ctx is None and self._ctx is not None:
            self._ctx.destroy(linger=0)  # ours; destroy closes any straggler so term cannot hang
        self._ctx = None
        for session in self._sessions.values():
            session.conn = None
        self._conns.clear()
        if errors:
            raise BaseExceptionGroup("errors while stopping the bus", errors)
        log.info("bus stopped")

    # --- public API -------------------------------------------------------------

    @property
    def router_address(self) -> str:
        return self._router_address

    @property
    def pub_address(self) -> str:
        return self._pub_address

    @property
    def pub_port(self) -> int:
        """TCP port of the PUB socket (for LoginOk.pub_port); 0 if not TCP."""
        if not self._pub_address.startswith("tcp://"):
            return 0
        return int(self._pub_address.rsplit(":", 1)[1])

    def reload_client_keys(self) -> None:
        """Re-read the client key allow-list; the old list stays if reading fails (BusError)."""
        self._allow.reload()

    def open_session(self, conn: Connection, session_id: str, start_seq: int = 0) -> None:
        """Start (or restart) numbering pushes for ``session_id`` on ``conn`` after ``start_seq``.

        Called by the app after a successful login, or after a resume that could not be
        replayed (with the seq of the snapshot it sends). Inside a request, pushes wait
        until that request's reply has been sent.
        """
        old = self._sessions.get(session_id)
        if old is not None and old.conn is not None and old.conn is not conn:
            self._detach(old, notify=not _same_desktop(old.conn, conn))
        session = Session(session_id, start_seq, self._config.replay_buffer, time.monotonic())
        self._sessions[session_id] = session
        self._attach(conn, session, after_seq=start_seq)
        log.debug("session %s opened on %s at seq %d", session_id, conn.routing_id.hex(), start_seq)

    def resume_session(self, conn: Connection, session_id: str, last_seq: int) -> int | None:
        """Re-attach a known session to ``conn``; returns the number of pushes to be replayed
        after the current reply, or None when that is impossible (then: snapshot + open_session)."""
        session = self._sessions.get(session_id)
        if session is None:
            log.info("resume of session %s: unknown to the bus", session_id)
            return None
        if not session.can_replay_after(last_seq):
            log.info("resume of session %s: seq %d not replayable (buffer holds %d..%d)",
                     session_id, last_seq, session.floor + 1, session.seq)
            return None
        if session.conn is not None and session.conn is not conn:
            self._detach(session, notify=not _same_desktop(session.conn, conn))
        count = session.seq - last_seq
        session.ack(last_seq)
        self._attach(conn, session, after_seq=last_seq)
        log.debug("session %s resumed on %s, replaying %d", session_id, conn.routing_id.hex(), count)
        return count

    def current_seq(self, session_id: str) -> int:
        """The last push seq of a session; 0 for a session the bus does not know."""
        session = self._sessions.get(session_id)
        return session.seq if session is not None else 0

    def close_session(self, session_id: str) -> None:
        session = self._sessions.pop(session_id, None)
        if session is not None and session.conn is not None:
            session.conn.session_id = None
            session.conn = None

    def push(self, session_id: str, body: Message) -> int:
        """Number a push, keep it for replay, send it if the session is connected; returns seq."""
        session = self._sessions.get(session_id)
        if session is None:
            raise SwitchboardError(ErrorCode.SESSION_UNKNOWN, f"no session {session_id!r} on the bus")
        seq = session.seq + 1
        data = push_bytes(seq, body)
        session.add(seq, data)
        if session.conn is not None and session.hold is None:
            self._send(session.conn.routing_id, data)
        return seq

    def publish(self, topic: bytes, body: Message) -> None:
        """Fan out on PUB as [topic, PUSH frame] with a per-topic seq; never blocks."""
        if self._pub is None:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, "the bus is not running")
        seq = self._topic_seq.get(topic, 0) + 1
        self._topic_seq[topic] = seq
        exc = send_nowait(self._pub, [topic, push_bytes(seq, body)])
        if exc is not None:
            log.warning("publish on %r dropped: %s", topic, exc)

    def kick(self, session_id: str, body: Message) -> None:
        """Push ``body`` (e.g. Kicked) to the session, then end it on the bus."""
        session = self._sessions.get(session_id)
        if session is None:
            return
        session.hold = None  # a kick overrides a pending login reply: the client must see it
        self.push(session_id, body)
        self.close_session(session_id)

    def is_connected(self, session_id: str) -> bool:
        session = self._sessions.get(session_id)
        return session is not None and session.conn is not None and not session.silent_reported

    # --- sessions and connections ------------------------------------------------

    def _attach(self, conn: Connection, session: Session, after_seq: int) -> None:
        if conn.session_id is not None and conn.session_id != session.session_id:
            other = self._sessions.get(conn.session_id)
            if other is not None and other.conn is conn:
                other.conn = None  # one connection carries one session
        session.conn = conn
        conn.session_id = session.session_id
        session.last_heard = time.monotonic()
        session.silent_reported = False
        self._silenced.pop(conn.routing_id, None)
        scope = current_request.get()
        if scope is not None and not scope.done and scope.conn is conn:
            token = object()
            session.hold = token
            scope.attached = (session.session_id, after_seq)
            scope.after_reply.append(lambda: self._release(session, conn, after_seq, token))
        else:
            session.hold = None
            self._replay(session, conn, after_seq)

    def _release(self, session: Session, conn: Connection, after_seq: int, token: object) -> None:
        if session.hold is not token:
            return  # attached again since; that attach owns the replay
        session.hold = None
        if session.conn is conn and self._sessions.get(session.session_id) is session:
            self._replay(session, conn, after_seq)

    def _replay(self, session: Session, conn: Connection, after_seq: int) -> None:
        if not session.can_replay_after(after_seq):
            # Overflowed while held: the client will see a gap and resume again.
            log.warning("session %s: pushes after %d overflowed the replay buffer", session.session_id, after_seq)
            return
        for data in session.frames_after(after_seq):
            if not self._send(conn.routing_id, data):
                break

    def _detach(self, session: Session, *, notify: bool) -> None:
        conn = session.conn
        if conn is None:
            return
        conn.session_id = None
        session.conn = None
        if notify:
            cb = getattr(self._handler, "session_detached", None)
            if cb is not None:
                self._spawn(cb(session.session_id), f"session_detached({session.session_id})")

    def _connection(self, routing_id: bytes, part: zmq.Frame) -> Connection:
        now = time.monotonic()
        key = self._peer_key(part)
        conn = self._conns.get(routing_id)
        if conn is None or conn.client_key != key:
            if conn is not None:
                # Same routing id, different proven key: a new peer took a freed id. It
                # inherits nothing from the old connection.
                self._forget(conn)
            conn = Connection(routing_id=routing_id, client_key=key, last_seen=now)
            self._conns[routing_id] = conn
        conn.last_seen = now
        if conn.session_id is not None:
            session = self._sessions.get(conn.session_id)
            if session is not None and session.conn is conn:
                session.last_heard = now
        return conn

    def _peer_key(self, part: zmq.Frame) -> str:
        if not self._config.curve:
            return ""
        try:
            return str(part.get("User-Id"))  # the z85 key the ZAP handler admitted
        except zmq.ZMQError:
            return ""

    def _revoke(self, conn: Connection) -> None:
        if conn.session_id is not None:
            session = self._sessions.get(conn.session_id)
            if session is not None and session.conn is conn:
                log.warning("session %s: its desktop key was revoked; detaching", session.session_id)
        self._forget(conn)

    def _forget(self, conn: Connection) -> None:
        self._conns.pop(conn.routing_id, None)
        if conn.session_id is not None:
            session = self._sessions.get(conn.session_id)
            if session is not None and session.conn is conn:
                session.conn = None  # the session keeps aging towards silence
            conn.session_id = None

    # --- receiving --------------------------------------------------------------

    async def _receive_loop(self) -> None:
        # Waiting without a timeout is right here: this task lives as long as the server
        # and is cancelled by _stop().
        assert self._router is not None
        router = self._router
        while True:
            try:
                parts = await router.recv_multipart(copy=False)
            except zmq.ZMQError as e:
                if self._closing:
                    return
                log.error("receive failed: %s", e)
                await asyncio.sleep(0.05)  # an error storm must not spin the loop
                continue
            try:
                self._on_message(parts)
            except Exception:
                log.exception("bug while handling a frame; the bus keeps serving")

    def _on_message(self, parts: list[zmq.Frame]) -> None:
        if not parts:
            return
        routing_id = parts[0].bytes
        conn = self._connection(routing_id, parts[-1])
        if self._config.curve and not self._allow.admits(conn.client_key):
            # ZAP only runs at the handshake; a key removed from the allow-list since is
            # revoked here, frame by frame, without a byte in answer.
            self._revoke(conn)
            return
        if len(parts) != 2:
            self._send_error(conn, "", SwitchboardError(
                ErrorCode.MALFORMED, f"expected one frame per message, got {len(parts) - 1} parts"))
            return
        data = parts[1].bytes
        limit = self._config.max_frame_bytes
        if len(data) > limit:
            err = SwitchboardError(ErrorCode.TOO_LARGE,
                                   f"frame of {len(data)} bytes exceeds the limit of {limit} bytes",
                                   limit=limit, size=len(data))
            self._send_error(conn, self._salvage_rid(data), err)
            return
        try:
            frame = decode_frame(data, limit)
        except SwitchboardError as e:
            self._send_error(conn, "", e)
            return
        try:
            check_version(frame)
        except SwitchboardError as e:
            self._send_error(conn, frame.rid, e)
            return
        if frame.cid:
            conn.client_id = frame.cid
        if frame.k is Kind.HEARTBEAT:
            self._on_heartbeat(conn, frame)
        elif frame.k is Kind.REQUEST:
            self._on_request(conn, frame)
        else:
            self._send_error(conn, frame.rid, SwitchboardError(
                ErrorCode.MALFORMED, f"a client sends requests and heartbeats, not {frame.k.value!r}"))

    @staticmethod
    def _salvage_rid(data: bytes) -> str:
        """Best effort: the rid of an oversized frame, so its sender's request fails fast."""
        try:
            rid = decode_frame(data, len(data)).rid
        except SwitchboardError:
            return ""
        return rid

    def _on_heartbeat(self, conn: Connection, frame: Frame) -> None:
        seq = 0
        session = self._sessions.get(conn.session_id) if conn.session_id is not None else None
        if session is not None and session.conn is conn:
            session.ack(frame.seq)
            seq = session.seq
        elif conn.routing_id in self._silenced:
            del self._silenced[conn.routing_id]
            self._send_error(conn, "", SwitchboardError(
                ErrorCode.SESSION_UNKNOWN,
                "the edge stopped hearing from this connection and detached its session; resume it"))
        self._send(conn.routing_id, heartbeat_bytes(seq))

    def _on_request(self, conn: Connection, frame: Frame) -> None:
        spec = REQUESTS.get(frame.t)
        if spec is None:
            self._send_error(conn, frame.rid, SwitchboardError(
                ErrorCode.UNKNOWN_TYPE, f"unknown request type {frame.t!r}", type=frame.t))
            return
        if not frame.rid:
            self._send_error(conn, "", SwitchboardError(ErrorCode.MALFORMED, "a request needs a rid"))
            return
        try:
            body: Message = decode_body(frame.t, frame.body, spec.body)
        except SwitchboardError as e:
            self._send_error(conn, frame.rid, e)
            return
        if spec.role is not None and conn.session_id is None:
            self._send_error(conn, frame.rid, SwitchboardError(
                ErrorCode.NOT_LOGGED_IN, f"{spec.name!r} needs a session: log in first", type=spec.name))
            return
        entry: DedupEntry | None = None
        if not spec.idempotent:
            key = (conn.client_key, frame.cid, frame.rid)
            known = self._dedup.get(key)
            if known is not None:
                self._answer_duplicate(conn, known)
                return
            entry = self._dedup.start(key, conn)
        self._spawn(self._run_request(conn, spec, body, frame.rid, entry), f"{spec.name} {frame.rid}")

    async def _run_request(
        self, conn: Connection, spec: RequestSpec, body: Message, rid: str, entry: DedupEntry | None
    ) -> None:
        scope = RequestScope(conn)
        current_request.set(scope)  # this task's own context copy
        try:
            reply = await self._handler.handle_request(conn, spec, body)
            if not isinstance(reply, spec.reply):
                raise TypeError(f"handler answered {spec.name!r} with {type(reply).__name__}; "
                                f"the contract says {spec.reply.__name__}")
            data = reply_bytes(rid, reply)
        except SwitchboardError as e:
            data = error_bytes(rid, e)
        except asyncio.CancelledError:
            scope.done = True  # shutting down: no reply, no replay
            raise
        except Exception:
            log.exception("request %s (rid %r) from %s failed", spec.name, rid, _peer(conn))
            data = error_bytes(rid, SwitchboardError(
                ErrorCode.INTERNAL, "internal error on the edge; it has been logged", type=spec.name))
        self._send(conn.routing_id, data)
        scope.reply_sent()
        if entry is not None:
            entry.finish(data, scope.attached)

    def _answer_duplicate(self, conn: Connection, entry: DedupEntry) -> None:
        if entry.reply is not None:
            self._deliver_duplicate(conn, entry, entry.reply)
        else:  # still running: the retry gets the same answer when it comes
            entry.waiters.append(lambda data: self._deliver_duplicate(conn, entry, data))

    def _deliver_duplicate(self, conn: Connection, entry: DedupEntry, data: bytes) -> None:
        # A retried login/resume whose reply was lost with its connection: the session
        # belongs on the connection the client uses now. Move it there under the same
        # reply-then-replay ordering as the original request.
        scope = RequestScope(conn)
        token = current_request.set(scope)
        try:
            if entry.attached is not None and conn is not entry.conn:
                self._adopt(conn, entry)
            self._send(conn.routing_id, data)
        finally:
            current_request.reset(token)
        scope.reply_sent()

    def _adopt(self, conn: Connection, entry: DedupEntry) -> None:
        assert entry.attached is not None
        session_id, after_seq = entry.attached
        session = self._sessions.get(session_id)
        if session is None or (session.conn is not None and session.conn is not entry.conn):
            return  # the session moved on since (resumed elsewhere, closed): leave it
        if session.conn is not None:
            self._detach(session, notify=False)
        if not session.can_replay_after(after_seq):
            after_seq = session.seq  # the client will see a gap and resume; better than nothing
        self._attach(conn, session, after_seq=after_seq)

    # --- liveness ---------------------------------------------------------------

    async def _liveness_loop(self) -> None:
        tick = max(0.02, min(self._config.heartbeat_ms, self._config.silence_ms) / 4000)
        loop = asyncio.get_running_loop()
        deferred = False
        while True:
            expected = loop.time() + tick
            await asyncio.sleep(tick)
            late = loop.time() - expected
            # After a stall of our own loop (GC, a slow callback), heartbeats that arrived
            # meanwhile wait unread in the socket: give the receive loop one tick to read
            # them before judging anyone silent, or one edge hiccup would mark every agent
            # disconnected. Only one tick: under steady load input is always waiting.
            if not deferred and (late > tick or self._input_waiting()):
                deferred = True
                continue
            deferred = False
            try:
                self._check_liveness(time.monotonic())
            except Exception:
                log.exception("bug in the liveness check")

    def _input_waiting(self) -> bool:
        return self._router is not None and input_waiting(self._router)

    def _check_liveness(self, now: float) -> None:
        limit = self._config.silence_ms / 1000
        for session in list(self._sessions.values()):
            if session.silent_reported or now - session.last_heard <= limit:
                continue
            session.silent_reported = True
            conn = session.conn
            if conn is not None:
                conn.session_id = None
                session.conn = None
                self._silenced[conn.routing_id] = None
                while len(self._silenced) > _SILENCED_REMEMBERED:
                    self._silenced.popitem(last=False)
            log.info("session %s went silent (%.1f s without a frame)", session.session_id, now - session.last_heard)
            self._spawn(self._handler.session_silent(session.session_id), f"session_silent({session.session_id})")
        for routing_id, conn in list(self._conns.items()):
            if conn.session_id is None and now - conn.last_seen > limit:
                del self._conns[routing_id]

    # --- sending ----------------------------------------------------------------

    def _send(self, routing_id: bytes, data: bytes) -> bool:
        router = self._router
        if router is None:
            return False
        exc = send_nowait(router, [routing_id, data])
        if exc is None:
            return True
        if isinstance(exc, zmq.ZMQError) and exc.errno == zmq.EHOSTUNREACH:
            conn = self._conns.get(routing_id)
            if conn is not None:
                self._forget(conn)
        elif isinstance(exc, zmq.Again):
            log.warning("peer %s is not reading; a frame was dropped (queue of %d full)", routing_id.hex(), _SNDHWM)
        else:
            log.error("send to %s failed: %s", routing_id.hex(), exc)
        return False

    def _send_error(self, conn: Connection, rid: str, err: SwitchboardError) -> None:
        log.info("error to %s (rid %r): %s %r", _peer(conn), rid, err.code.value, err.message)
        self._send(conn.routing_id, error_bytes(rid, err))

    def _spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> None:
        if self._closing:
            coro.close()
            return
        task = asyncio.get_running_loop().create_task(coro, name=f"sb.bus {what}")
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("bus task %s failed", task.get_name(), exc_info=task.exception())
