"""SUB side of the edge's fan-out streams (queue statistics, agent states for wallboards)."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from types import TracebackType

import zmq
import zmq.asyncio

from edge_server.bus.errors import BusError
from edge_server.contract.errors import SwitchboardError
from edge_server.contract.messages import Message, decode_body
from edge_server.contract.wire import PROTOCOL_VERSION, Kind, decode_frame

log = logging.getLogger("sb.bus.client")

_INCOMING_LIMIT = 64 * 1024 * 1024
_STOP_TIMEOUT_S = 5.0


class EdgeSubscriber:
    """Receives ``[topic, PUSH frame]`` messages for the given topics.

    Fan-out is lossy by design (PUB drops for slow or absent subscribers; ZeroMQ
    reconnects SUB by itself): treat each message as the latest state, and use the
    per-topic ``last_seq`` only to notice that something was missed.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        server_key: bytes | None,
        client_keys: tuple[bytes, bytes] | None,
        topics: Sequence[bytes],
        ctx: zmq.asyncio.Context | None = None,
    ) -> None:
        if (server_key is None) != (client_keys is None):
            raise ValueError("CURVE needs both the edge's public key and this desktop's key pair (or neither)")
        self.endpoint = endpoint
        self.topics = tuple(topics)
        self._server_key = server_key
        self._client_keys = client_keys
        self._given_ctx = ctx
        self._ctx: zmq.asyncio.Context | None = None
        self._sock: zmq.asyncio.Socket | None = None
        self._reader: asyncio.Task[None] | None = None
        self.on_message: Callable[[bytes, Message], None] | None = None
        self.last_seq: dict[bytes, int] = {}
        self.missed = 0  # messages known lost from seq gaps

    async def __aenter__(self) -> EdgeSubscriber:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self) -> None:
        if self._sock is not None:
            raise RuntimeError("an EdgeSubscriber is started once")
        self._ctx = self._given_ctx if self._given_ctx is not None else zmq.asyncio.Context()
        sock = self._ctx.socket(zmq.SUB)
        sock.linger = 0
        if self._server_key is not None and self._client_keys is not None:
            sock.curve_serverkey = self._server_key
            sock.curve_publickey, sock.curve_secretkey = self._client_keys
        for topic in self.topics:
            sock.subscribe(topic)
        try:
            sock.connect(self.endpoint)
        except zmq.ZMQError as e:
            sock.close(linger=0)
            await self.close()
            raise BusError(f"cannot connect to the edge's PUB at {self.endpoint}: {e}") from e
        self._sock = sock
        self._reader = asyncio.get_running_loop().create_task(self._read(sock), name="sb.bus.subscriber")

    async def close(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            await asyncio.wait([reader], timeout=_STOP_TIMEOUT_S)
        if self._sock is not None:
            self._sock.close(linger=0)
            self._sock = None
        if self._given_ctx is None and self._ctx is not None:
            self._ctx.destroy(linger=0)
        self._ctx = None

    async def _read(self, sock: zmq.asyncio.Socket) -> None:
        # Unbounded recv is right here: close() cancels this task.
        while True:
            try:
                parts = await sock.recv_multipart()
            except zmq.ZMQError as e:
                log.error("subscriber receive failed: %s", e)
                return
            try:
                self._on_parts(parts)
            except Exception:
                log.exception("bug while handling a published frame")

    def _on_parts(self, parts: list[bytes]) -> None:
        if len(parts) != 2:
            log.warning("published message with %d parts ignored", len(parts))
            return
        topic, data = parts
        if topic not in self.topics:
            return  # SUB filters by prefix; "agent" must not receive "agents"
        try:
            frame = decode_frame(data, _INCOMING_LIMIT)
            if frame.v != PROTOCOL_VERSION or frame.k is not Kind.PUSH:
                log.warning("published frame v%d %r on %r ignored", frame.v, frame.k.value, topic)
                return
            body: Message = decode_body(frame.t, frame.body)
        except SwitchboardError as e:
            log.warning("undecodable published frame on %r: %s", topic, e.message)
            return
        last = self.last_seq.get(topic)
        if last is not None and frame.seq > last + 1:
            self.missed += frame.seq - last - 1
        self.last_seq[topic] = frame.seq
        if self.on_message is not None:
            try:
                self.on_message(topic, body)
            except Exception:
                log.exception("on_message raised for %r", topic)
