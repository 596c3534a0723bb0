"""The edge's side of the relay link: dial OUT to the relay, store what it streams, acknowledge.

Each record is handed to the channel inbox (``receive``/``delivery`` return once the record is
durable on the edge, and are idempotent) in log order within its conversation (one customer on
one account; different conversations of a batch are stored concurrently so the edge's group
commit can share an fdatasync), and a batch is acknowledged by seq once all of it is stored. The cumulative ack lets the relay delete what the edge holds; the edge's own cursor
(``log_id:seq`` in the inbox's cursor store, saved at most once a second) only shortens the
replay after an edge restart, which the inbox's de-duplication makes harmless anyway.

The connection is watched by heartbeats both ways; silence, a refused key (the relay never
answers), or a protocol gap ends the session and a new one starts after a capped, jittered
backoff (``reconnect_cap_s``, default 5 s: after an outage of any length the edge is back within
the cap, where a 30 s cap could add up to 30 s to a one-minute cut).

With fixed egress (``egress``: a ``RelayEgress``) the same connection carries the adapters' HTTP
calls to the relay and their answers back (egress_client.py).
"""
from __future__ import annotations

import asyncio
import logging
import time
from types import TracebackType

import zmq
import zmq.asyncio
from zmq.utils.monitor import parse_monitor_message

from edge_server.bus.backoff import Backoff
from edge_server.bus.keys import ServerKeys, normalise_key
from edge_server.bus.nowait import send_nowait
from edge_server.channels.base import ChannelInbox
from edge_server.config import ChannelsSection
from edge_server.relay import protocol as p
from edge_server.relay.egress_client import RelayEgress

log = logging.getLogger("sb.relay")

#: Cursor under which the edge remembers how far it has stored the relay's log.
CURSOR_KEY = "relay.log"
_CURSOR_INTERVAL_S = 1.0
#: Default reconnect backoff: first retry after ~0.2 s, doubling, never more than the cap (jitter 50 %).
RECONNECT_BASE_S = 0.2
RECONNECT_CAP_S = 5.0
_SHUTDOWN_TIMEOUT_S = 5.0


class _SessionEnded(Exception):
    """This connection is over (silence, refusal, a gap); reconnect after the backoff."""


class RelayLink:
    """``async with RelayLink(cfg.channels, inbox, keys=edge_keys)``: receive from the relay until exit."""

    def __init__(self, channels: ChannelsSection, inbox: ChannelInbox, *, keys: ServerKeys | None,
                 name: str = "edge", window: int = 1024, heartbeat_s: float = 5.0,
                 backoff: Backoff | None = None, reconnect_cap_s: float | None = None,
                 egress: RelayEgress | None = None, ctx: zmq.asyncio.Context | None = None) -> None:
        if not channels.relay:
            raise ValueError("channels.relay is empty: there is no relay to connect to")
        self._endpoint = channels.relay
        self._server_key: bytes | None = None
        if channels.relay_server_key:
            try:
                self._server_key = normalise_key(channels.relay_server_key)
            except ValueError as e:
                raise ValueError(f"channels.relay_server_key: {e}") from e
            if keys is None:
                raise ValueError("channels.relay_server_key is set but the edge has no key pair to present")
        self._keys = keys
        self._inbox = inbox
        self._name = name
        self._window = window
        self._heartbeat_s = heartbeat_s
        if backoff is None:
            cap = reconnect_cap_s if reconnect_cap_s is not None else float(channels.relay_reconnect_cap_s)
            if cap <= 0:
                raise ValueError("channels.relay_reconnect_cap_s must be > 0")
            backoff = Backoff(base_s=min(RECONNECT_BASE_S, cap), cap_s=cap, jitter=0.5)
        self._backoff = backoff
        self._egress = egress
        self._given_ctx = ctx
        self._ctx: zmq.asyncio.Context | None = None
        self._task: asyncio.Task[None] | None = None
        self._log_id = ""
        self._stored_seq = 0  # every record up to it is durable on the edge
        self._cursor_saved = (0.0, "")
        self.connected = asyncio.Event()  # set while a session is established (health, tests)
        self.records_stored = 0  # records handed to the inbox by this link since start

    async def __aenter__(self) -> RelayLink:
        self._ctx = self._given_ctx if self._given_ctx is not None else zmq.asyncio.Context()
        log_id, _, seq = self._inbox.cursor(CURSOR_KEY).partition(":")
        self._log_id, self._stored_seq = log_id, int(seq) if seq.isdigit() else 0
        if self._server_key is None:
            log.warning("!!! channels.relay_server_key is empty: the relay link is NOT encrypted !!!")
        self._task = asyncio.get_running_loop().create_task(self._run(), name="sb.relay.link")
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        errors: list[BaseException] = []
        if self._task is not None:
            self._task.cancel()
            done, _ = await asyncio.wait([self._task], timeout=_SHUTDOWN_TIMEOUT_S)
            if not done:
                errors.append(TimeoutError("the relay link did not stop in time"))
            elif not self._task.cancelled() and (e := self._task.exception()) is not None:
                errors.append(e)
            self._task = None
        try:
            await self._save_cursor(force=True)
        except Exception as e:
            errors.append(e)
        if self._given_ctx is None and self._ctx is not None:
            self._ctx.destroy(linger=0)
        self._ctx = None
        if errors:
            raise BaseExceptionGroup("errors while stopping the relay link", errors)

    @property
    def stored_seq(self) -> int:
        return self._stored_seq

    # --- sessions ----------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            try:
                await self._session()
            except _SessionEnded as e:
                log.warning("relay link to %s: %s", self._endpoint, e)
            except zmq.ZMQError as e:
                log.error("relay link to %s: ZeroMQ error %s", self._endpoint, e)
            except Exception as e:
                # The inbox could not store a record (store down, disk full): nothing was acknowledged,
                # so the relay keeps it; try again after the backoff.
                log.error("relay link: storing a record failed, it stays on the relay: %r", e)
            finally:
                self.connected.clear()
            delay = self._backoff.next()
            log.info("relay link: reconnecting in %.1f s", delay)
            await asyncio.sleep(delay)

    def _socket(self) -> zmq.asyncio.Socket:
        assert self._ctx is not None
        sock = self._ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.sndhwm = 10_000
        sock.setsockopt(zmq.IMMEDIATE, 1)  # queue nothing for a connection not yet made
        if self._server_key is not None and self._keys is not None:
            sock.curve_serverkey = self._server_key
            sock.curve_publickey = self._keys.public
            sock.curve_secretkey = self._keys.secret
        return sock

    async def _session(self) -> None:
        sock = self._socket()
        tasks: list[asyncio.Task[None]] = []
        monitor: zmq.asyncio.Socket | None = None
        try:
            sock.connect(self._endpoint)
            welcome = await self._handshake(sock)
            if welcome.log_id != self._log_id:
                if self._log_id:
                    log.warning("the relay's log is %s, the edge had stored from %s: taking all it holds",
                                welcome.log_id, self._log_id)
                self._log_id = welcome.log_id
            self._stored_seq = welcome.after_seq
            self.connected.set()
            self._backoff.reset()
            if self._egress is not None:
                if not welcome.egress:
                    log.error("this edge sends through the relay but the relay performs no calls "
                              "(set relay.egress_allow on the relay): platform calls fail as not sent")
                self._egress.bind(lambda call: send_nowait(sock, [p.encode(call)]) is None,
                                  supported=welcome.egress, instance=welcome.egress_id)
            log.info("relay link up (%s): after %d, relay holds up to %d", self._endpoint, welcome.after_seq,
                     welcome.last_seq)
            heard = [time.monotonic()]
            queue: asyncio.Queue[p.Batch] = asyncio.Queue()
            loop = asyncio.get_running_loop()
            monitor = sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)
            tasks = [loop.create_task(self._watch(monitor), name="sb.relay.link-watch"),
                     loop.create_task(self._reader(sock, queue, heard), name="sb.relay.link-read"),
                     loop.create_task(self._worker(sock, queue), name="sb.relay.link-store"),
                     loop.create_task(self._ticker(sock, heard, welcome.heartbeat_s), name="sb.relay.link-beat")]
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for t in done:
                t.result()  # raises why the session ended
        finally:
            if self._egress is not None:
                self._egress.unbind()
            for t in tasks:
                t.cancel()
            if tasks:
                await asyncio.wait(tasks, timeout=_SHUTDOWN_TIMEOUT_S)
            if monitor is not None:
                sock.disable_monitor()
                monitor.close(linger=0)
            sock.close(linger=0)

    async def _handshake(self, sock: zmq.asyncio.Socket) -> p.Welcome:
        hello = p.Hello(v=p.VERSION, log_id=self._log_id, last_acked_seq=self._stored_seq,
                        window=self._window, edge=self._name)
        deadline = time.monotonic() + self._heartbeat_s * p.SILENCE_BEATS
        while True:
            # IMMEDIATE: a send before the (CURVE) connection is up fails; retry until the deadline.
            if send_nowait(sock, [p.encode(hello)]) is None:
                break
            if time.monotonic() > deadline:
                raise _SessionEnded("cannot reach the relay (is it running, and is this edge's key on its allow-list?)")
            await asyncio.sleep(0.05)
        remaining = max(0.1, deadline - time.monotonic())
        if not await sock.poll(timeout=int(remaining * 1000)):
            raise _SessionEnded("the relay did not answer Hello (a refused CURVE key looks like this)")
        frame = self._decode(await sock.recv())
        if isinstance(frame, p.Refused):
            raise _SessionEnded(f"the relay refused the link: {frame.reason}")
        if not isinstance(frame, p.Welcome):
            raise _SessionEnded(f"expected Welcome, got {type(frame).__name__}")
        return frame

    @staticmethod
    def _decode(data: bytes) -> p.Frame:
        try:
            frame = p.decode(data)
        except p.ProtocolError as e:
            raise _SessionEnded(str(e)) from e
        if frame.v != p.VERSION:
            raise _SessionEnded(f"the relay speaks link version {frame.v}, this edge {p.VERSION}")
        return frame

    @staticmethod
    async def _watch(monitor: zmq.asyncio.Socket) -> None:
        """End the session as soon as the relay's end closes (relay restarted, its feed stopped).

        ZeroMQ would reconnect underneath by itself, to a relay that knows no session for us: we
        would only notice by its silence (3 heartbeats). A new session says Hello at once instead,
        so delivery resumes within the reconnect backoff of the relay being back. A cut that drops
        packets without closing anything is still found by the heartbeats.
        """
        while True:
            event = parse_monitor_message(await monitor.recv_multipart())
            if event["event"] == zmq.EVENT_DISCONNECTED:
                raise _SessionEnded("the relay closed the connection")

    async def _reader(self, sock: zmq.asyncio.Socket, queue: asyncio.Queue[p.Batch], heard: list[float]) -> None:
        while True:
            frame = self._decode(await sock.recv())
            heard[0] = time.monotonic()
            if isinstance(frame, p.Batch):
                queue.put_nowait(frame)  # bounded by the credit window, not by this queue
            elif isinstance(frame, p.Answer):
                if self._egress is not None:
                    self._egress.on_answer(frame)
            elif isinstance(frame, p.Refused):
                raise _SessionEnded(f"the relay ended the link: {frame.reason}")

    async def _worker(self, sock: zmq.asyncio.Socket, queue: asyncio.Queue[p.Batch]) -> None:
        while True:
            batch = await queue.get()
            if batch.first_seq > self._stored_seq + 1:
                raise _SessionEnded(f"gap in the stream: expected {self._stored_seq + 1}, got {batch.first_seq}")
            skip = self._stored_seq + 1 - batch.first_seq  # a replay of what is already stored
            fresh = batch.records[skip:] if skip > 0 else batch.records
            if not fresh:
                continue
            first = max(batch.first_seq, self._stored_seq + 1)
            groups: dict[tuple[str, ...], list[tuple[int, p.LogItem]]] = {}
            for k, payload in enumerate(fresh):
                try:
                    item = p.decode_item(payload)
                except p.ProtocolError as e:
                    # Skipping would lose a customer's message; stop here, loudly, and retry later.
                    raise _SessionEnded(f"record {first + k}: {e}") from e
                groups.setdefault(_conversation(item), []).append((first + k, item))
            # Conversations are stored concurrently (so the edge's group commit shares one fdatasync
            # among them); inside one conversation strictly in log order. The ack waits for all.
            await asyncio.gather(*(self._store(records) for records in groups.values()))
            self._stored_seq = first + len(fresh) - 1
            self.records_stored += len(fresh)
            self._ack(sock)
            await self._save_cursor()

    async def _store(self, records: list[tuple[int, p.LogItem]]) -> None:
        for _seq, item in records:
            if isinstance(item, p.InboundRecord):
                await self._inbox.receive(item.msg)
            else:
                await self._inbox.delivery(item.update)

    def _ack(self, sock: zmq.asyncio.Socket) -> None:
        # A lost ack is covered by the next one (cumulative) and by the ticker's repeat.
        send_nowait(sock, [p.encode(p.Ack(v=p.VERSION, seq=self._stored_seq))])

    async def _ticker(self, sock: zmq.asyncio.Socket, heard: list[float], heartbeat_s: float) -> None:
        beat = min(self._heartbeat_s, heartbeat_s)
        while True:
            await asyncio.sleep(beat)
            silent = time.monotonic() - heard[0]
            if silent > heartbeat_s * p.SILENCE_BEATS:
                raise _SessionEnded(f"the relay has been silent for {silent:.1f} s")
            self._ack(sock)  # doubles as the edge's heartbeat

    async def _save_cursor(self, *, force: bool = False) -> None:
        if not self._log_id:
            return
        value = f"{self._log_id}:{self._stored_seq}"
        saved_at, saved = self._cursor_saved
        if value == saved or (not force and time.monotonic() - saved_at < _CURSOR_INTERVAL_S):
            return
        await self._inbox.set_cursor(CURSOR_KEY, value)
        self._cursor_saved = (time.monotonic(), value)


def _conversation(item: p.LogItem) -> tuple[str, ...]:
    """What must stay in order: one customer's messages on one account (or one sent message's receipts)."""
    if isinstance(item, p.InboundRecord):
        m = item.msg
        who = m.thread_key or (f"{m.identities[0].kind}:{m.identities[0].value}" if m.identities else "")
        return ("in", m.channel, m.account, who)
    u = item.update
    return ("dr", u.channel, u.account, u.provider_id)
