"""A loopback cloud channel for the hub's tests: an adapter that records sends (and fails on cue), and a
webhook handler that takes JSON pushes signed with a shared header, so the hub runs end to end without
any platform. It claims the ``wechat`` channel name (the hub serves only the contract's channels).
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge_server.channels.base import (
    ChannelInbox,
    ChannelLimits,
    Delivery,
    DeliveryUpdate,
    InboundAttachment,
    InboundMessage,
    OutboundMessage,
    SendError,
    SendResult,
    WebhookRequest,
    WebhookResponse,
)
from edge_server.contract.interactions import Identity, IdentityKind

SIGNATURE = "loopback-secret"
HANG = "hang"  # a scripted step: the send never returns (the edge is killed mid-send)


@dataclass
class Loopback:
    account: str
    limits_: ChannelLimits
    channel: str = "wechat"
    # Scripted outcomes of the next sends, in order: a SendError to raise, HANG, or None (success).
    script: list[Any] = field(default_factory=list)
    calls: list[OutboundMessage] = field(default_factory=list)
    inbox: ChannelInbox | None = None
    stopped: bool = False

    def limits(self) -> ChannelLimits:
        return self.limits_

    async def start(self, inbox: ChannelInbox) -> None:
        self.inbox = inbox

    async def stop(self) -> None:
        self.stopped = True

    async def send(self, out: OutboundMessage) -> SendResult:
        self.calls.append(out)
        step = self.script.pop(0) if self.script else None
        if step == HANG:
            await asyncio.Event().wait()
        if isinstance(step, SendError):
            raise step
        return SendResult(provider_id=f"p-{out.idempotency_key}")

    def webhooks(self) -> list[LoopbackHook]:
        return [LoopbackHook(self)]


@dataclass
class LoopbackHook:
    adapter: Loopback

    @property
    def channel(self) -> str:
        return self.adapter.channel

    @property
    def account(self) -> str:
        return self.adapter.account

    @property
    def path(self) -> str:
        return f"/hooks/{self.channel}/{self.account}"

    def handle(self, req: WebhookRequest) -> tuple[WebhookResponse, Sequence[InboundMessage | DeliveryUpdate]]:
        if req.headers.get("x-signature") != SIGNATURE:
            return WebhookResponse(status=401, body=b"bad signature"), []
        doc = json.loads(req.body)
        if doc.get("boom"):
            raise RuntimeError("handler bug")
        if doc["type"] == "receipt":
            return WebhookResponse(body=b"ok"), [DeliveryUpdate(
                channel=self.channel, account=self.account, provider_id=doc["pid"], state=Delivery(doc["state"]),
                error=doc.get("error", ""))]
        atts = [InboundAttachment(name=a["name"], content_type=a["type"], data=a["data"].encode())
                for a in doc.get("attachments", [])]
        return WebhookResponse(body=b"success"), [InboundMessage(
            channel=self.channel, account=self.account, external_id=doc["id"],
            identities=[Identity(kind=IdentityKind.WECHAT_OPENID, value=doc["from"])], name=doc.get("name", ""),
            text=doc.get("text", ""), kind=doc.get("kind", "message"), event=doc.get("event", ""),
            attachments=atts)]


class Factory:
    """``from_config`` of the loopback channel; keeps the adapters it made for the test to reach."""

    def __init__(self) -> None:
        self.made: dict[str, Loopback] = {}
        self.script: list[Any] = []  # given to the next adapter made (a restart gets a fresh one)

    def __call__(self, table: dict[str, Any], data_dir: Path) -> Loopback:
        limits = ChannelLimits(max_chars=table.get("max_chars", 0), reply_window_s=table.get("window_s", 0),
                               replies_per_window=table.get("replies", 0), media_types=table.get("media", []))
        a = Loopback(account=table["account"], limits_=limits, script=self.script)
        self.script = []
        self.made[a.account] = a
        return a
