"""A loopback platform for the relay's tests, benches and demos: HMAC-signed JSON pushes, edge-side inboxes.

Lives in the package (not tests/) so bench/relay_throughput.py and bench/relay_outage.py, and
``relay.handlers = "edge_server.relay.loopback:webhook_handlers"`` in a relay.toml, can use it.

Push: POST /hooks/loop/<account>, body {"id": ..., "from": ..., "text": ...}, header
``x-signature: hex(hmac_sha256(secret, body))``. Bad signature -> 401 and no items.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import msgspec

from edge_server.channels.base import (DeliveryUpdate, InboundMessage, WebhookRequest, WebhookResponse)
from edge_server.config import ChannelsSection
from edge_server.contract.interactions import Identity, IdentityKind
from edge_server.store import segments
from edge_server.store.journal import Journal, read_records
from edge_server.store.journal_writer import JournalWriter, PendingAppend

SECRET = os.environ.get("SB_RELAY_LOOPBACK_SECRET", "loop-secret").encode()


def sign(body: bytes, secret: bytes = SECRET) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def push_body(msg_id: str, sender: str, text: str) -> bytes:
    return json.dumps({"id": msg_id, "from": sender, "text": text}).encode()


class LoopbackHandler:
    channel = "sms"

    def __init__(self, account: str = "loop", secret: bytes = SECRET) -> None:
        self.account = account
        self.path = f"/hooks/loop/{account}"
        self._secret = secret

    def handle(self, req: WebhookRequest) -> tuple[WebhookResponse, Sequence[InboundMessage | DeliveryUpdate]]:
        if req.method != "POST":
            return WebhookResponse(status=405), []
        if not hmac.compare_digest(req.headers.get("x-signature", ""), sign(req.body, self._secret)):
            return WebhookResponse(status=401, body=b"bad signature"), []
        data = json.loads(req.body)
        msg = InboundMessage(channel=self.channel, account=self.account, external_id=data["id"],
                             identities=[Identity(kind=IdentityKind.PHONE, value=data["from"])], text=data["text"])
        return WebhookResponse(body=b"success"), [msg]


async def push_until_ok(http: aiohttp.ClientSession, url: str, body: bytes, *, retry_s: float = 0.05) -> None:
    """Push one signed message the way a platform does: no 200 within 5 s (or no answer) -> the same push again."""
    while True:
        try:
            async with http.post(url, data=body, headers={"x-signature": sign(body)},
                                 timeout=aiohttp.ClientTimeout(total=5)) as r:
                await r.read()
                if r.status == 200:
                    return
        except (aiohttp.ClientError, TimeoutError):
            pass
        await asyncio.sleep(retry_s)


def webhook_handlers(channels: ChannelsSection, data_dir: Path) -> list[LoopbackHandler]:
    """The relay.handlers factory for `main.py relay` in tests."""
    return [LoopbackHandler()]


class MemoryInbox:
    """Keeps what the link stores, in order; ``receive`` is idempotent like the real hub's."""

    def __init__(self, attachment_dir: Path, *, delay_s: float = 0.0) -> None:
        self.messages: list[InboundMessage] = []
        self.calls = 0
        self._seen: set[tuple[str, str, str]] = set()
        self._cursors: dict[str, str] = {}
        self._dir = attachment_dir
        self.delay_s = delay_s
        self.changed = asyncio.Event()

    async def receive(self, msg: InboundMessage) -> None:
        self.calls += 1
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        key = (msg.channel, msg.account, msg.external_id)
        if key not in self._seen:
            self._seen.add(key)
            self.messages.append(msg)
        self.changed.set()

    async def delivery(self, update: DeliveryUpdate) -> None:
        self.changed.set()

    def cursor(self, key: str) -> str:
        return self._cursors.get(key, "")

    async def set_cursor(self, key: str, value: str) -> None:
        self._cursors[key] = value

    def attachment_dir(self) -> Path:
        return self._dir

    async def wait_for(self, n: int, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while len(self.messages) < n:
                self.changed.clear()
                await self.changed.wait()


class JournalInbox(MemoryInbox):
    """Durable like the edge's store: every receive is an fdatasync'd journal record (group commit).

    It records every call (not only first ones), so a reader can count duplicates the link caused.
    """

    def __init__(self, directory: Path, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(directory)
        self.directory = directory
        self._journal = Journal.open(directory / "journal", 0)
        self._next = self._journal.next_seq
        self._writer = JournalWriter(self._journal, loop, on_durable=self._durable, on_failed=self._failed)
        self._writer.start()

    def _durable(self, batch: list[PendingAppend]) -> None:
        for p in batch:
            p.future.set_result(p.last_seq)

    def _failed(self, err: Exception, batch: list[PendingAppend]) -> None:
        for p in batch:
            p.future.set_exception(err)

    async def receive(self, msg: InboundMessage) -> None:
        payload = msgspec.msgpack.encode(msg)
        fut = asyncio.get_running_loop().create_future()
        self._writer.submit(PendingAppend(self._next, [payload], segments.frame(payload), fut))
        self._next += 1
        await fut
        await super().receive(msg)

    def close(self) -> None:
        self._writer.stop()
        self._writer.join(10)
        self._journal.close()

    @staticmethod
    def read_all(directory: Path) -> list[InboundMessage]:
        d = directory / "journal"
        last = max((first for first, _ in segments.list_segments(d, warn=False)), default=1)
        data = (d / segments.segment_name(last)).read_bytes()
        total = last - 1 + segments.scan(data).count
        return [msgspec.msgpack.decode(p, type=InboundMessage) for _, p in read_records(d, 0, total)]
