"""An asyncio web chat visitor over a real WebSocket (aiohttp): tests, the demo simulator and the bench.

It speaks the widget's protocol: hello, start, send with client_msg_id (kept
until acked and resent after a reconnect), resume after the last seq, typing,
read, rate, leave, offline. Received frames are kept in order; ``wait_for``
waits on a predicate with a timeout. With ``auto_reconnect`` it behaves like the
widget when the network or the edge goes away: it reconnects by itself (capped,
jittered backoff), resumes after its last seq and resends every unacked send.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

import aiohttp

from edge_server.bus.backoff import Backoff
from edge_server.channels.webchat import protocol as p

log = logging.getLogger("sb.webchat.visitor")

F = TypeVar("F", bound=p.Frame)


class VisitorError(Exception):
    """The edge answered with an error frame, or did not answer in time."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class Visitor:
    def __init__(self, base_url: str, *, token: str = "", client: p.ClientInfo | None = None,
                 session: aiohttp.ClientSession | None = None, origin: str = "",
                 auto_reconnect: bool = False) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.client = client or p.ClientInfo()
        self.origin = origin
        self.visitor_id = ""
        self.welcome: p.Welcome | None = None
        self.frames: list[p.Frame] = []  # everything received, in order (pings excluded)
        self.messages: dict[int, p.MessageOut] = {}  # by seq: the transcript as this visitor sees it
        self.duplicates = 0  # the same client_msg_id seen with two different seqs
        self.interaction: p.InteractionView | None = None
        self.pending: dict[str, p.Start | p.Send] = {}  # client_msg_id -> frame, until acked
        self.on_message: Callable[[p.MessageOut], None] | None = None
        self._own_session = session is None
        self._session = session
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._cmid_seq: dict[str, int] = {}
        self.auto_reconnect = auto_reconnect
        self.reconnects = 0  # successful automatic reconnects
        self._closing = False  # close()/drop() in progress: the socket's end is ours, not a failure
        self._redial: asyncio.Task[None] | None = None
        self._backoff = Backoff(base_s=0.1, cap_s=2.0)

    # --- connection ----------------------------------------------------------------------

    async def __aenter__(self) -> Visitor:
        try:
            await self.connect()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self, timeout: float = 10.0) -> p.Welcome:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {"Origin": self.origin} if self.origin else None
        try:
            self._ws = await self._session.ws_connect(f"{self.base_url}/widget/ws", headers=headers,
                                                      timeout=aiohttp.ClientWSTimeout(ws_close=2.0),
                                                      max_msg_size=8 << 20)
        except aiohttp.ClientError as e:
            raise VisitorError(f"cannot connect to {self.base_url}: {e}") from e
        start = len(self.frames)
        self._reader = asyncio.create_task(self._read(self._ws), name="visitor-reader")
        await self.send_frame(p.Hello(token=self.token, client=self.client))
        w = await self.wait_frame(p.Welcome, timeout=timeout, since=start)
        self.welcome = w
        self.token, self.visitor_id = w.token, w.visitor_id
        if w.interaction is not None:
            self.interaction = w.interaction
        return w

    async def close(self) -> None:
        self._closing = True
        await self._stop_redial()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def drop(self) -> None:
        """Close the socket as a network failure would (the session and pending sends are kept).

        An explicit drop never triggers the automatic reconnect: the caller reconnects.
        """
        self._closing = True
        try:
            await self._stop_redial()
            if self._ws is not None:
                await self._ws.close()
            if self._reader is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await self._reader
        finally:
            self._closing = False

    async def _stop_redial(self) -> None:
        task, self._redial = self._redial, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def reconnect(self, timeout: float = 10.0) -> p.Welcome:
        """Drop, connect again with the same token, resume after the last seq, resend unacked sends."""
        await self.drop()
        return await self._reconnected(timeout)

    async def _reconnected(self, timeout: float) -> p.Welcome:
        w = await self.connect(timeout)
        await self.send_frame(p.Resume(after_seq=self.last_seq))
        for frame in list(self.pending.values()):
            await self.send_frame(frame)
        return w

    def _socket_ended(self) -> None:
        """The reader saw the socket end: if nobody asked for it, redial (``auto_reconnect``)."""
        if self.auto_reconnect and not self._closing and self._redial is None:
            self._redial = asyncio.get_running_loop().create_task(self._redial_loop(), name="visitor-redial")

    async def _redial_loop(self) -> None:
        try:
            while not self._closing:
                await asyncio.sleep(self._backoff.next())
                if self._ws is not None and not self._ws.closed:
                    await self._ws.close()  # a half-open socket from a failed attempt
                try:
                    await self._reconnected(timeout=5.0)
                except (VisitorError, aiohttp.ClientError, ConnectionError) as e:
                    log.debug("visitor %s: reconnect failed (%s); retrying", self.visitor_id, e)
                    continue
                if not self.connected:  # it ended again while resending: its end was ignored (we redial)
                    continue
                self._backoff.reset()
                self.reconnects += 1
                log.info("visitor %s reconnected (%d)", self.visitor_id, self.reconnects)
                return
        finally:
            if self._redial is asyncio.current_task():
                self._redial = None

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    @property
    def last_seq(self) -> int:
        return max(self.messages, default=0)

    async def send_frame(self, frame: p.Frame) -> None:
        if self._ws is None or self._ws.closed:
            raise VisitorError("not connected")
        await self._ws.send_str(p.encode(frame))

    async def send_raw(self, data: str | bytes) -> None:
        assert self._ws is not None
        if isinstance(data, bytes):
            await self._ws.send_bytes(data)
        else:
            await self._ws.send_str(data)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            try:
                f = p.decode_server(msg.data)
            except p.ProtocolError:
                log.warning("visitor %s: undecodable frame %r", self.visitor_id, msg.data[:200])
                continue
            if isinstance(f, p.Ping):
                with contextlib.suppress(ConnectionError):
                    await ws.send_str(p.encode(p.Pong()))
                continue
            self._take(f)
        self._changed.set()
        if ws is self._ws:
            self._socket_ended()

    def _take(self, f: p.Frame) -> None:
        self.frames.append(f)
        if isinstance(f, p.MessageOut):
            if f.seq not in self.messages:
                if f.client_msg_id and self._cmid_seq.setdefault(f.client_msg_id, f.seq) != f.seq:
                    self.duplicates += 1
                self.messages[f.seq] = f
                if self.on_message is not None:
                    self.on_message(f)
        elif isinstance(f, p.Ack):
            self.pending.pop(f.client_msg_id, None)
        elif isinstance(f, p.InteractionView):
            self.interaction = f
        self._changed.set()

    # --- waiting ---------------------------------------------------------------------------

    async def wait_for(self, pred: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not pred():
            left = deadline - time.monotonic()
            if left <= 0:
                raise VisitorError(f"timed out waiting for {what}")
            self._changed.clear()
            if pred():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
            if self._reader is not None and self._reader.done() and not pred():
                if self._reader.exception() is not None:
                    raise VisitorError("socket failed") from self._reader.exception()

    async def wait_frame(self, kind: type[F], timeout: float = 10.0, since: int = 0,
                         pred: Callable[[F], bool] | None = None) -> F:
        found: list[F] = []

        def check() -> bool:
            for f in self.frames[since:]:
                if isinstance(f, kind) and (pred is None or pred(f)):
                    found.append(f)
                    return True
                if isinstance(f, p.ErrorOut) and kind is not p.ErrorOut and f.code in ("too_large",):
                    raise VisitorError(f.message, f.code)
            return False

        await self.wait_for(check, timeout, kind.__name__)
        return found[0]

    async def wait_message(self, pred: Callable[[p.MessageOut], bool], timeout: float = 10.0) -> p.MessageOut:
        hit: list[p.MessageOut] = []

        def check() -> bool:
            for m in self.messages.values():
                if pred(m):
                    hit.append(m)
                    return True
            return False

        await self.wait_for(check, timeout, "message")
        return hit[0]

    async def _command(self, frame: p.Start | p.Send, timeout: float) -> p.Ack:
        start = len(self.frames)
        self.pending[frame.client_msg_id] = frame
        await self.send_frame(frame)
        cmid = frame.client_msg_id

        def done(f: p.Frame) -> bool:
            return getattr(f, "client_msg_id", None) == cmid

        f = await self.wait_frame(p.Frame, timeout, since=start, pred=lambda x: isinstance(x, (p.Ack, p.ErrorOut))
                                  and done(x))
        if isinstance(f, p.ErrorOut):
            self.pending.pop(cmid, None)
            raise VisitorError(f.message, f.code)
        assert isinstance(f, p.Ack)
        return f

    # --- the conversation --------------------------------------------------------------------

    async def start(self, text: str, *, name: str = "", email: str = "", phone: str = "",
                    client_msg_id: str = "", timeout: float = 10.0) -> p.Ack:
        frame = p.Start(client_msg_id=client_msg_id or uuid.uuid4().hex, text=text, name=name, email=email,
                        phone=phone)
        return await self._command(frame, timeout)

    async def send(self, text: str, *, client_msg_id: str = "", attachment_ids: list[str] | None = None,
                   timeout: float = 10.0) -> p.Ack:
        frame = p.Send(client_msg_id=client_msg_id or uuid.uuid4().hex, text=text,
                       attachment_ids=attachment_ids or [])
        return await self._command(frame, timeout)

    async def send_nowait(self, text: str, client_msg_id: str = "") -> str:
        """Send without waiting for the ack (kept pending until it comes); returns the client_msg_id.

        With ``auto_reconnect`` a send while the socket is down only queues: the redial resends it.
        """
        frame = p.Send(client_msg_id=client_msg_id or uuid.uuid4().hex, text=text)
        self.pending[frame.client_msg_id] = frame
        if self.connected:
            try:
                await self.send_frame(frame)
            except ConnectionError:
                if not self.auto_reconnect:
                    raise
        elif not self.auto_reconnect:
            raise VisitorError("not connected")
        return frame.client_msg_id

    async def typing(self, on: bool) -> None:
        await self.send_frame(p.Typing(on=on))

    async def read(self, seq: int) -> None:
        await self.send_frame(p.Read(seq=seq))

    async def resume(self, after_seq: int | None = None) -> None:
        await self.send_frame(p.Resume(after_seq=self.last_seq if after_seq is None else after_seq))

    async def _oneoff(self, frame: p.Frame, what: str, timeout: float) -> None:
        start = len(self.frames)
        await self.send_frame(frame)
        f = await self.wait_frame(p.Frame, timeout, since=start,
                                  pred=lambda x: isinstance(x, p.ErrorOut) or (isinstance(x, p.Done)
                                                                               and x.what == what))
        if isinstance(f, p.ErrorOut):
            raise VisitorError(f.message, f.code)

    async def rate(self, score: int, comment: str = "", timeout: float = 10.0) -> None:
        await self._oneoff(p.Rate(score=score, comment=comment), "rate", timeout)

    async def leave(self, timeout: float = 10.0) -> None:
        await self._oneoff(p.Leave(), "leave", timeout)

    async def offline(self, text: str, *, name: str = "", email: str = "", timeout: float = 10.0) -> None:
        await self._oneoff(p.Offline(text=text, name=name, email=email), "offline", timeout)

    async def upload(self, name: str, content_type: str, data: bytes) -> dict[str, object]:
        assert self._session is not None
        form = aiohttp.FormData()
        form.add_field("file", data, filename=name, content_type=content_type)
        async with self._session.post(f"{self.base_url}/widget/upload", data=form,
                                      headers={"X-Visitor-Token": self.token}) as r:
            body = await r.json()
            if r.status != 200:
                raise VisitorError(body.get("message", str(r.status)), body.get("error", str(r.status)))
            return dict(body)

    def errors(self) -> list[p.ErrorOut]:
        return [f for f in self.frames if isinstance(f, p.ErrorOut)]
