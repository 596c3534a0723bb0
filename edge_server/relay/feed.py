"""The relay's side of the link: a CURVE ROUTER that streams the log to the edge that dialled in.

One edge consumes the log at a time (a site's edge, or its standby taking over): the newest
``Hello`` wins. Records go out in seq order, at most ``window`` beyond the edge's cumulative ack
(credit-based flow control, so a slow edge never makes the relay queue the whole backlog in
ZeroMQ). Everything unacknowledged stays in the log; a new Hello restarts the stream after the
seq the edge names, so an outage costs a replay, never a record.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import zmq
import zmq.asyncio

from edge_server.bus.auth import ClientAllowList, ZapGuard
from edge_server.bus.errors import BusError
from edge_server.bus.keys import ServerKeys
from edge_server.bus.nowait import send_nowait
from edge_server.relay import protocol as p
from edge_server.relay.egress import EgressPerformer
from edge_server.relay.log import RelayLog, RelayLogError

log = logging.getLogger("sb.relay")

#: Records per Batch frame: large enough to amortise framing, small enough to keep acks flowing.
BATCH_RECORDS = 256
#: Frames queued per peer in ZeroMQ; the credit window keeps far fewer in flight.
_SNDHWM = 10_000
_MAX_FRAME = 64 * 1024 * 1024
_SHUTDOWN_TIMEOUT_S = 5.0


@dataclass(slots=True)
class _Peer:
    routing_id: bytes
    name: str
    sent: int  # the last seq sent on this connection
    acked: int
    window: int
    last_heard: float
    last_sent: float


class EdgeFeed:
    """``async with EdgeFeed(log, endpoint, keys, allowed) as feed``; ``feed.address`` is the bound endpoint."""

    def __init__(self, relay_log: RelayLog, endpoint: str, keys: ServerKeys | None,
                 allowed_edge_keys: Path | Callable[[], set[bytes]], *, heartbeat_s: float = 5.0,
                 ctx: zmq.asyncio.Context | None = None, egress: EgressPerformer | None = None) -> None:
        self._log = relay_log
        self._endpoint = endpoint
        self._keys = keys  # None: no CURVE (developer machines and some tests only)
        self._allow = ClientAllowList(allowed_edge_keys)
        self._heartbeat_s = heartbeat_s
        self._given_ctx = ctx
        self._ctx: zmq.asyncio.Context | None = None
        self._zap: ZapGuard | None = None
        self._router: zmq.asyncio.Socket | None = None
        self._peer: _Peer | None = None
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._egress = egress  # None: this relay performs no HTTP calls for the edge
        self._calls: set[asyncio.Task[None]] = set()
        self.address = ""

    async def __aenter__(self) -> EdgeFeed:
        try:
            self._start()
        except BaseException:
            await self._stop()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._stop()

    def _start(self) -> None:
        self._ctx = self._given_ctx if self._given_ctx is not None else zmq.asyncio.Context()
        if self._keys is not None:
            self._allow.reload()
            self._zap = ZapGuard(self._ctx, self._allow)
            self._zap.start()  # before bind: libzmq admits every CURVE client without ZAP
        else:
            log.warning("!!! relay link without CURVE: unencrypted, any edge may connect; tests only !!!")
        sock = self._ctx.socket(zmq.ROUTER)
        sock.linger = 0
        sock.router_mandatory = 1  # a send to a vanished edge raises instead of vanishing
        sock.sndhwm = _SNDHWM
        sock.maxmsgsize = _MAX_FRAME
        if self._keys is not None:
            sock.curve_server = True
            sock.curve_publickey = self._keys.public
            sock.curve_secretkey = self._keys.secret
        self._router = sock
        try:
            sock.bind(self._endpoint)
        except zmq.ZMQError as e:
            raise BusError(f"the relay cannot listen for edges on {self._endpoint}: {e}") from e
        self.address = sock.getsockopt_string(zmq.LAST_ENDPOINT)
        self._log.on_durable(self._wake.set)
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._receive_loop(), name="sb.relay.feed-receive"),
                       loop.create_task(self._pump_loop(), name="sb.relay.feed-pump"),
                       loop.create_task(self._heartbeat_loop(), name="sb.relay.feed-heartbeat")]
        log.info("relay link listening on %s (curve %s, %d edge keys)", self.address,
                 "on" if self._keys is not None else "OFF", len(self._allow))

    async def _stop(self) -> None:
        errors: list[BaseException] = []
        calls = list(self._calls)
        for t in calls:
            t.cancel()
        if calls:
            await asyncio.wait(calls, timeout=_SHUTDOWN_TIMEOUT_S)
        for t in self._tasks:
            t.cancel()
        if self._tasks:
            done, pending = await asyncio.wait(self._tasks, timeout=_SHUTDOWN_TIMEOUT_S)
            errors += [e for t in done if not t.cancelled() and (e := t.exception()) is not None]
            if pending:
                errors.append(TimeoutError(f"{len(pending)} relay feed tasks did not stop"))
        self._tasks = []
        if self._router is not None:
            self._router.close(linger=0)
            self._router = None
        if self._zap is not None:
            await self._zap.stop()
            self._zap = None
        if self._given_ctx is None and self._ctx is not None:
            self._ctx.destroy(linger=0)
        self._ctx = None
        if errors:
            raise BaseExceptionGroup("errors while stopping the relay feed", errors)

    # --- state for health checks and tests ----------------------------------------------

    @property
    def edge_connected(self) -> bool:
        return self._peer is not None

    def reload_edge_keys(self) -> int:
        return self._allow.reload()

    # --- loops -------------------------------------------------------------------------------

    async def _receive_loop(self) -> None:
        assert self._router is not None
        while True:
            parts = await self._router.recv_multipart()
            if len(parts) != 2:
                log.warning("relay link: dropped a frame with %d parts", len(parts))
                continue
            rid, data = parts
            try:
                frame = p.decode(data)
            except p.ProtocolError as e:
                log.warning("relay link: %s (from %s)", e, rid.hex())
                continue
            if frame.v != p.VERSION:
                self._send(rid, p.Refused(v=p.VERSION, reason=f"relay speaks link version {p.VERSION}, "
                                                               f"the edge {frame.v}: upgrade one of them"))
                continue
            if isinstance(frame, p.Hello):
                self._on_hello(rid, frame)
            elif isinstance(frame, p.Call):
                # Any admitted edge connection may call (CURVE + ZAP vouch for it), even one the
                # newest Hello superseded: its answer goes back to the connection that asked.
                self._on_call(rid, frame)
                continue
            peer = self._peer
            if peer is None or peer.routing_id != rid:
                continue  # a superseded connection's late acks mean nothing now
            peer.last_heard = time.monotonic()
            if isinstance(frame, p.Ack):
                if frame.seq > peer.sent:
                    log.warning("relay link: edge acknowledged %d but only %d was sent", frame.seq, peer.sent)
                    continue
                if frame.seq > peer.acked:
                    peer.acked = frame.seq
                    self._log.ack(frame.seq)
                    self._wake.set()

    def _on_hello(self, rid: bytes, hello: p.Hello) -> None:
        durable = self._log.durable_seq
        if hello.log_id != self._log.log_id:
            if hello.log_id:
                log.warning("edge %r knows relay log %s, this relay holds %s: sending everything it holds",
                            hello.edge, hello.log_id, self._log.log_id)
            after = 0
        elif hello.last_acked_seq > durable:
            log.error("edge %r has stored up to %d but this relay log ends at %d: was the relay's data "
                      "restored from an old backup? continuing after %d", hello.edge, hello.last_acked_seq,
                      durable, durable)
            after = durable
        else:
            after = hello.last_acked_seq
            self._log.ack(after)
        after = max(after, self._log.first_kept_seq - 1)
        old = self._peer
        if old is not None and old.routing_id != rid:
            log.info("relay link: edge %r replaces the previous connection", hello.edge)
        now = time.monotonic()
        self._peer = _Peer(rid, hello.edge, after, after, max(1, hello.window), now, now)
        self._send(rid, p.Welcome(v=p.VERSION, log_id=self._log.log_id, after_seq=after, last_seq=durable,
                                  heartbeat_s=self._heartbeat_s, egress=self._egress is not None,
                                  egress_id=self._egress.instance if self._egress is not None else ""))
        log.info("relay link: edge %r connected, streaming after %d (log holds %d..%d)",
                 hello.edge, after, self._log.first_kept_seq, durable)
        self._wake.set()

    def _on_call(self, rid: bytes, call: p.Call) -> None:
        task = asyncio.get_running_loop().create_task(self._answer(rid, call), name="sb.relay.egress-call")
        self._calls.add(task)
        task.add_done_callback(self._calls.discard)

    async def _answer(self, rid: bytes, call: p.Call) -> None:
        if self._egress is None:
            answer = p.Answer(v=p.VERSION, id=call.id, outcome=p.NOT_SENT,
                              error="this relay sends nothing for edges (relay.egress_allow is empty)")
        else:
            try:
                answer = await self._egress.perform(call)
            except Exception as e:  # our bug: the request may have gone out
                log.exception("relay egress call %s failed", call.id)
                answer = p.Answer(v=p.VERSION, id=call.id, outcome=p.UNKNOWN, error=f"relay error: {e!r}")
        # A vanished connection misses it; the edge resends the call on its next one and gets it again.
        self._send(rid, answer)

    async def _pump_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while (peer := self._peer) is not None:
                credit = peer.window - (peer.sent - peer.acked)
                if credit <= 0 or peer.sent >= self._log.durable_seq:
                    break
                try:
                    records = await self._log.read(peer.sent, min(credit, BATCH_RECORDS))
                except RelayLogError as e:
                    log.error("relay link: %s; retrying in 1 s", e)
                    await asyncio.sleep(1.0)
                    continue
                if self._peer is not peer or not records:
                    continue
                if not self._send(peer.routing_id, p.Batch(v=p.VERSION, first_seq=peer.sent + 1, records=records)):
                    break
                peer.sent += len(records)

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_s / 2)
            peer = self._peer
            if peer is None:
                continue
            now = time.monotonic()
            if now - peer.last_heard > self._heartbeat_s * p.SILENCE_BEATS:
                log.warning("relay link: edge %r silent for %.1f s; dropping the link (%d records unacknowledged)",
                            peer.name, now - peer.last_heard, self._log.durable_seq - peer.acked)
                self._peer = None
            elif now - peer.last_sent >= self._heartbeat_s:
                self._send(peer.routing_id, p.Ping(v=p.VERSION))

    def _send(self, rid: bytes, frame: p.Frame) -> bool:
        if self._router is None:
            return False
        err = send_nowait(self._router, [rid, p.encode(frame)])
        peer = self._peer
        if err is None:
            if peer is not None and peer.routing_id == rid:
                peer.last_sent = time.monotonic()
            return True
        if peer is not None and peer.routing_id == rid:
            # Gone (EHOSTUNREACH) or hopelessly behind: it will say Hello again.
            log.warning("relay link: cannot send to edge %r (%s); dropping the link", peer.name, err)
            self._peer = None
        return False
