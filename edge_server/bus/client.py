"""The desktop's side of the bus: requests, pushes, heartbeats, reconnect and resume.

Plain asyncio and Qt-free: the desktop wraps an EdgeClient in a QObject, tests and
benches use it directly. Everything runs on the loop that called ``start()``;
callbacks (``on_push`` ...) are called on that loop, synchronously, in frame order.

Link lifecycle (one DEALER per link, replaced wholesale on every reconnect):
open DEALER → heartbeat until the edge answers → resume the session if logged in →
UP: re-send pending requests → heartbeat every ``heartbeat_ms`` until the edge is
silent for three beats or the TCP connection drops → RECONNECTING → backoff → again.
"""
from __future__ import annotations

import asyncio
import enum
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, cast

import zmq
import zmq.asyncio
from zmq.utils.monitor import parse_monitor_message

from edge_server.bus.backoff import Backoff
from edge_server.bus.errors import BusError
from edge_server.bus.framing import heartbeat_bytes, request_bytes
from edge_server.bus.nowait import input_waiting, send_nowait
from edge_server.bus.subscriber import EdgeSubscriber
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import (
    REQUESTS,
    Login,
    LoginOk,
    Logout,
    Message,
    RequestSpec,
    Resume,
    ResumeOk,
    Snapshot,
    decode_body,
    type_name,
)
from edge_server.contract.wire import DEFAULT_MAX_FRAME_BYTES, PROTOCOL_VERSION, Kind, decode_frame, error_from_frame

__all__ = ["EdgeClient", "EdgeSubscriber", "LinkState"]

log = logging.getLogger("sb.bus.client")

#: Heartbeats the edge may miss before the link is declared down.
_LIVENESS = 3
#: Frames from the edge are trusted; this bound only stops a garbage stream from eating memory.
_INCOMING_LIMIT = 64 * 1024 * 1024
_MONITOR_EVENTS = (zmq.EVENT_DISCONNECTED | zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_HANDSHAKE_FAILED_AUTH
                   | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL)
_STOP_TIMEOUT_S = 5.0


class LinkState(enum.StrEnum):
    CONNECTING = "connecting"  # first connection not made yet
    UP = "up"  # the edge answers and the session (if any) is resumed: requests flow
    RECONNECTING = "reconnecting"  # it was up and is being re-established
    CLOSED = "closed"  # not started, or closed


@dataclass(eq=False, slots=True)
class _Pending:
    rid: str
    data: bytes  # encoded once: a re-send after reconnect is byte-identical, same rid
    spec: RequestSpec
    future: asyncio.Future[Message]
    on_reply: Callable[[Message], None] | None  # applied in frame order, before later pushes
    resend: bool  # False for resume: each link resumes afresh
    sent_gen: int = -1  # generation of the link it was last sent on


@dataclass(eq=False)
class _Link:
    sock: zmq.asyncio.Socket
    monitor: zmq.asyncio.Socket
    gen: int
    heard: asyncio.Event = field(default_factory=asyncio.Event)  # any frame from the edge
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    # When the oldest heartbeat still unanswered was sent (None: the edge has spoken since).
    # Measuring silence from there, not from the last frame, means a desktop whose own loop
    # was blocked (a busy GUI) does not blame the edge for the beats it never sent.
    unanswered_since: float | None = None
    established: bool = False
    closed: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    resync: asyncio.Task[None] | None = None


class EdgeClient:
    """One desktop's session link to the edge (DEALER)."""

    def __init__(
        self,
        endpoint: str,
        *,
        server_key: bytes | None,
        client_keys: tuple[bytes, bytes] | None,
        client_id: str,
        heartbeat_ms: int = 1000,
        request_timeout_s: float = 10.0,
        ctx: zmq.asyncio.Context | None = None,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
    ) -> None:
        if (server_key is None) != (client_keys is None):
            raise ValueError("CURVE needs both the edge's public key and this desktop's key pair (or neither)")
        if heartbeat_ms <= 0 or request_timeout_s <= 0:
            raise ValueError("heartbeat_ms and request_timeout_s must be positive")
        self.endpoint = endpoint
        self.client_id = client_id
        self._server_key = server_key
        self._client_keys = client_keys
        self._heartbeat_s = heartbeat_ms / 1000
        self._request_timeout_s = request_timeout_s
        self._max_frame_bytes = max_frame_bytes
        self._given_ctx = ctx
        self._ctx: zmq.asyncio.Context | None = None

        self.on_push: Callable[[Message, int], None] | None = None
        self.on_link_state: Callable[[LinkState], None] | None = None
        self.on_session_lost: Callable[[SwitchboardError], None] | None = None
        self.on_snapshot: Callable[[Snapshot], None] | None = None

        self.last_seq = 0  # last push processed; sent in heartbeats and Resume
        self.session_token: str | None = None
        self.link_state = LinkState.CLOSED

        self._pending: dict[str, _Pending] = {}
        self._link: _Link | None = None
        self._gen = 0
        self._ready = False  # link established and session resumed: requests may go out
        self._supervisor: asyncio.Task[None] | None = None
        self._up: asyncio.Event | None = None
        self._closed = False
        self._auth_refused = False
        self._version_complained = False
        self._backoff = Backoff(base_s=0.1, cap_s=5.0)

    # --- lifecycle ------------------------------------------------------------

    async def __aenter__(self) -> EdgeClient:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Begin connecting; returns at once (requests queue until the link is UP)."""
        if self._supervisor is not None or self._closed:
            raise RuntimeError("an EdgeClient is started once")
        self._ctx = self._given_ctx if self._given_ctx is not None else zmq.asyncio.Context()
        self._up = asyncio.Event()
        self._set_state(LinkState.CONNECTING)
        try:
            first = self._open_link()  # here, so a malformed endpoint fails start() itself
        except BusError:
            await self.close()
            raise
        self._supervisor = asyncio.get_running_loop().create_task(
            self._supervise(first), name=f"sb.bus.client {self.client_id}")

    async def close(self) -> None:
        """Stop reconnecting, fail pending requests with UNAVAILABLE, close sockets."""
        if self._closed:
            return
        self._closed = True
        sup, self._supervisor = self._supervisor, None
        if sup is not None:
            sup.cancel()
            await asyncio.wait([sup], timeout=_STOP_TIMEOUT_S)
        if self._link is not None:
            await self._close_link(self._link)
        for p in list(self._pending.values()):
            if not p.future.done():
                p.future.set_exception(SwitchboardError(ErrorCode.UNAVAILABLE, "the edge client was closed"))
        self._set_state(LinkState.CLOSED)
        if self._given_ctx is None and self._ctx is not None:
            self._ctx.destroy(linger=0)
        self._ctx = None

    async def wait_up(self, timeout: float) -> None:
        """Wait until the link is UP; SwitchboardError(UNAVAILABLE) after ``timeout`` seconds."""
        if self._up is None:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, "the edge client is not started")
        try:
            await asyncio.wait_for(self._up.wait(), timeout)
        except TimeoutError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, self._unreachable_message(timeout)) from e

    # --- requests ---------------------------------------------------------------

    async def request(self, body: Message, *, timeout: float | None = None) -> Message:
        """Send one request and return its reply body; SwitchboardError for an error reply or timeout."""
        return await self._call(body, timeout=timeout)

    async def login(self, username: str, password: str, **kw: Any) -> LoginOk:
        reply = await self._call(Login(username=username, password=password, **kw), timeout=None,
                                 on_reply=self._apply_login)
        return cast(LoginOk, reply)

    async def logout(self) -> None:
        try:
            await self._call(Logout(), timeout=None)
        finally:
            self.session_token = None
            self.last_seq = 0

    async def _call(
        self,
        body: Message,
        *,
        timeout: float | None,
        on_reply: Callable[[Message], None] | None = None,
        resend: bool = True,
        urgent: bool = False,
    ) -> Message:
        if self._closed or self._supervisor is None:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, "the edge client is not running")
        try:
            name = type_name(body)
        except KeyError as e:
            raise SwitchboardError(ErrorCode.UNKNOWN_TYPE, f"{type(body).__name__} is not a registered message") from e
        spec = REQUESTS.get(name)
        if spec is None:
            raise SwitchboardError(ErrorCode.UNKNOWN_TYPE, f"{name!r} is a message, not a request", type=name)
        rid = uuid.uuid4().hex
        data = request_bytes(name, rid, self.client_id, body)
        if len(data) > self._max_frame_bytes:
            raise SwitchboardError(ErrorCode.TOO_LARGE, f"{name!r} is {len(data)} bytes, over the limit of "
                                   f"{self._max_frame_bytes}", limit=self._max_frame_bytes, size=len(data))
        p = _Pending(rid, data, spec, asyncio.get_running_loop().create_future(), on_reply, resend)
        self._pending[rid] = p
        link = self._link
        if link is not None and (self._ready or (urgent and link.established)):
            self._transmit(link, p)
        limit = self._request_timeout_s if timeout is None else timeout
        try:
            return await asyncio.wait_for(p.future, limit)
        except TimeoutError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, self._timeout_message(name, limit),
                                   type=name, timeout_s=limit) from e
        finally:
            self._pending.pop(rid, None)

    def _timeout_message(self, name: str, limit: float) -> str:
        if self.link_state is LinkState.UP:
            return f"the edge did not answer {name!r} within {limit:g} s"
        return f"{name!r} not answered: {self._unreachable_message(limit)}"

    def _unreachable_message(self, limit: float) -> str:
        if self._auth_refused:
            return (f"the edge at {self.endpoint} refused this desktop's CURVE key; "
                    "ask IT to approve this desktop")
        return f"the edge at {self.endpoint} could not be reached within {limit:g} s"

    def _apply_login(self, body: Message) -> None:
        ok = cast(LoginOk, body)
        self.session_token = ok.session_token
        self.last_seq = ok.snapshot.seq
        if ok.heartbeat_ms > 0:
            self._heartbeat_s = ok.heartbeat_ms / 1000  # the edge's pace governs its silence check

    def _apply_resume(self, body: Message) -> None:
        ok = cast(ResumeOk, body)
        if ok.snapshot is not None:
            self.last_seq = ok.snapshot.seq
            self._notify(self.on_snapshot, ok.snapshot)

    # --- the link ---------------------------------------------------------------

    async def _supervise(self, link: _Link) -> None:
        while True:
            try:
                if await self._handshake(link):
                    self._backoff.reset()
                    await self._serve(link)
                    log.warning("link to %s lost; reconnecting", self.endpoint)
                    self._set_state(LinkState.RECONNECTING)
            except Exception:
                log.exception("bug in the edge link supervisor; reconnecting")
            finally:
                self._ready = False
                await self._close_link(link)
            link = await self._reopen()

    async def _reopen(self) -> _Link:
        """A new DEALER after the backoff delay (which grows while attempts keep failing)."""
        while True:
            await asyncio.sleep(self._backoff.next())
            try:
                return self._open_link()
            except BusError:
                log.exception("cannot open a new link to the edge")

    def _open_link(self) -> _Link:
        assert self._ctx is not None
        sock = self._ctx.socket(zmq.DEALER)
        sock.linger = 0
        if self._server_key is not None and self._client_keys is not None:
            sock.curve_serverkey = self._server_key
            sock.curve_publickey, sock.curve_secretkey = self._client_keys
        monitor = sock.get_monitor_socket(_MONITOR_EVENTS)
        try:
            sock.connect(self.endpoint)
        except zmq.ZMQError as e:
            sock.disable_monitor()
            monitor.close(linger=0)
            sock.close(linger=0)
            raise BusError(f"cannot connect to the edge at {self.endpoint}: {e}") from e
        self._gen += 1
        link = _Link(sock, monitor, self._gen)
        loop = asyncio.get_running_loop()
        link.tasks = [loop.create_task(self._read(link), name="sb.bus.client read"),
                      loop.create_task(self._watch(link), name="sb.bus.client watch")]
        self._link = link
        return link

    async def _close_link(self, link: _Link) -> None:
        if link.closed:
            return
        link.closed = True
        if self._link is link:
            self._link = None
        tasks = [*link.tasks, *([link.resync] if link.resync is not None else [])]
        try:
            for t in tasks:
                t.cancel()
            if tasks:
                await asyncio.wait(tasks, timeout=_STOP_TIMEOUT_S)
        finally:
            try:
                link.sock.disable_monitor()
            except zmq.ZMQError:
                pass  # already gone with the socket
            link.monitor.close(linger=0)
            link.sock.close(linger=0)  # linger 0: queued frames die with it; pending requests are re-sent

    async def _handshake(self, link: _Link) -> bool:
        """Heartbeat until the edge answers; False if it stays silent for the attempt's time."""
        deadline = time.monotonic() + max(_LIVENESS * self._heartbeat_s, 1.0)
        while (left := deadline - time.monotonic()) > 0:
            self._send(link, heartbeat_bytes(self.last_seq, self.client_id))
            try:
                await asyncio.wait_for(link.heard.wait(), min(self._heartbeat_s, left))
                return True
            except TimeoutError:
                continue
        return False

    async def _serve(self, link: _Link) -> None:
        """Keep an answered link alive until it is lost."""
        link.established = True
        self._auth_refused = False
        if self.session_token is not None:
            self._start_resync(link)
        else:
            self._mark_ready(link)
        link.unanswered_since = None
        while True:
            try:
                await asyncio.wait_for(link.lost.wait(), self._heartbeat_s)
                return
            except TimeoutError:
                pass
            now = time.monotonic()
            if link.unanswered_since is not None and now - link.unanswered_since > _LIVENESS * self._heartbeat_s:
                if input_waiting(link.sock):
                    continue  # frames are waiting: we are slow, the edge is not silent
                log.warning("no answer from the edge for %.1f s", now - link.unanswered_since)
                return
            self._send(link, heartbeat_bytes(self.last_seq, self.client_id))
            if link.unanswered_since is None:
                link.unanswered_since = now

    def _mark_ready(self, link: _Link) -> None:
        if link is not self._link or link.closed:
            return
        self._ready = True
        self._set_state(LinkState.UP)
        for p in list(self._pending.values()):
            if p.resend and p.sent_gen != link.gen:
                self._transmit(link, p)

    def _start_resync(self, link: _Link) -> None:
        """Resume the session on this link (after reconnect, a push gap, or the edge's notice)."""
        if self.session_token is None or not link.established or link is not self._link or link.closed:
            return
        if link.resync is not None and not link.resync.done():
            return
        self._ready = False  # new requests wait until the session is back
        link.resync = asyncio.get_running_loop().create_task(self._resume(link), name="sb.bus.client resume")

    async def _resume(self, link: _Link) -> None:
        token = self.session_token
        assert token is not None
        try:
            await self._call(Resume(session_token=token, last_seq=self.last_seq), timeout=None,
                             on_reply=self._apply_resume, resend=False, urgent=True)
        except SwitchboardError as e:
            if e.code is ErrorCode.UNAVAILABLE:
                log.warning("resume failed (%s); dropping the link", e.message)
                link.lost.set()
                return
            if self.session_token == token:
                self.session_token = None
                self.last_seq = 0
            log.warning("the edge refused to resume the session: %s %s", e.code.value, e.message)
            self._mark_ready(link)
            self._notify(self.on_session_lost, e)
            return
        self._mark_ready(link)

    def _transmit(self, link: _Link, p: _Pending) -> None:
        if self._send(link, p.data):
            p.sent_gen = link.gen

    @staticmethod
    def _send(link: _Link, data: bytes) -> bool:
        # A full queue (EAGAIN) leaves the request pending for the next link rather than
        # blocking the caller.
        exc = send_nowait(link.sock, [data])
        if exc is not None:
            log.debug("send to the edge failed: %s", exc)
            return False
        return True

    # --- receiving --------------------------------------------------------------

    async def _read(self, link: _Link) -> None:
        # Unbounded recv is right here: the supervisor cancels this task with its link.
        while True:
            try:
                data = await link.sock.recv()
            except zmq.ZMQError as e:
                if not link.closed:
                    log.error("receive from the edge failed: %s", e)
                    link.lost.set()
                return
            link.unanswered_since = None
            link.heard.set()
            try:
                self._on_frame(link, data)
            except Exception:
                log.exception("bug while handling a frame from the edge")

    def _on_frame(self, link: _Link, data: bytes) -> None:
        try:
            frame = decode_frame(data, _INCOMING_LIMIT)
        except SwitchboardError as e:
            log.warning("undecodable frame from the edge: %s", e.message)
            return
        if frame.k is not Kind.ERROR and frame.v != PROTOCOL_VERSION:
            if not self._version_complained:
                self._version_complained = True
                log.error("the edge speaks protocol version %d, this desktop %d; install matching versions",
                          frame.v, PROTOCOL_VERSION)
            return
        if frame.k is Kind.HEARTBEAT:
            return
        if frame.k is Kind.PUSH:
            self._on_push_frame(link, frame.seq, frame.t, frame.body)
            return
        if frame.k not in (Kind.REPLY, Kind.ERROR):
            log.warning("unexpected %r frame from the edge", frame.k.value)
            return
        p = self._pending.get(frame.rid) if frame.rid else None
        if p is None:
            if frame.k is Kind.ERROR and not frame.rid:
                self._on_unsolicited_error(link, error_from_frame(frame))
            return  # an answer to a request that timed out, or a retry's second answer
        if p.future.done():
            return
        if frame.k is Kind.ERROR:
            p.future.set_exception(error_from_frame(frame))
            return
        try:
            body: Message = decode_body(frame.t, frame.body, p.spec.reply)
        except SwitchboardError as e:
            p.future.set_exception(e)
            return
        if p.on_reply is not None:
            try:
                p.on_reply(body)
            except Exception:
                log.exception("bug applying the reply to %s", p.spec.name)
        p.future.set_result(body)

    def _on_push_frame(self, link: _Link, seq: int, t: str, raw: Any) -> None:
        if seq <= self.last_seq:
            return  # already processed (a replay overlapping what arrived before)
        if seq != self.last_seq + 1:
            log.warning("push gap: expected %d, got %d; resuming", self.last_seq + 1, seq)
            self._start_resync(link)
            return
        try:
            body: Message | None = decode_body(t, raw)
        except SwitchboardError as e:
            log.error("push %d skipped: %s", seq, e.message)  # e.g. a type from a newer edge
            body = None
        self.last_seq = seq
        if body is not None and self.on_push is not None:
            try:
                self.on_push(body, seq)
            except Exception:
                log.exception("on_push raised for push %d (%s)", seq, t)

    def _on_unsolicited_error(self, link: _Link, err: SwitchboardError) -> None:
        if err.code in (ErrorCode.SESSION_UNKNOWN, ErrorCode.NOT_LOGGED_IN) and self.session_token is not None:
            log.info("the edge detached this session (%s); resuming", err.message)
            self._start_resync(link)
        elif err.code is ErrorCode.PROTOCOL_VERSION:
            if not self._version_complained:
                self._version_complained = True
                log.error("%s", err.message)
        else:
            log.warning("error from the edge: %s %s", err.code.value, err.message)

    async def _watch(self, link: _Link) -> None:
        while True:
            try:
                msg = await link.monitor.recv_multipart()
            except zmq.ZMQError:
                return
            try:
                event = parse_monitor_message(msg)["event"]
            except (ValueError, IndexError, KeyError) as e:
                log.warning("unreadable socket monitor event: %s", e)
                continue
            if event == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                if not self._auth_refused:
                    log.error("the edge at %s refused this desktop's CURVE key; ask IT to approve it", self.endpoint)
                self._auth_refused = True
            elif event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                self._auth_refused = False
            elif event == zmq.EVENT_DISCONNECTED and link.established:
                # The edge died or restarted: it no longer knows this connection, so waiting
                # for three missed heartbeats would only delay the resume.
                log.info("the edge closed the connection")
                link.lost.set()

    # --- helpers ----------------------------------------------------------------

    def _set_state(self, state: LinkState) -> None:
        if state is self.link_state:
            return
        self.link_state = state
        if self._up is not None:
            if state is LinkState.UP:
                self._up.set()
            else:
                self._up.clear()
        log.info("link to %s: %s", self.endpoint, state.value)
        self._notify(self.on_link_state, state)

    @staticmethod
    def _notify(cb: Callable[[Any], None] | None, arg: Any) -> None:
        if cb is None:
            return
        try:
            cb(arg)
        except Exception:
            log.exception("callback %r raised", cb)
