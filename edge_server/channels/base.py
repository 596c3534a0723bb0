"""The one interface every cloud channel adapter implements, and what the edge gives adapters.

A channel adapter (WeChat, WeCom, Weibo, email, SMS) turns the platform's protocol into
``InboundMessage`` / ``DeliveryUpdate`` values and sends ``OutboundMessage`` values. It never
touches interactions, customers or the store: the channel hub (``hub.py``) does, so every
channel gets the same lifecycle, de-duplication, outbox and customer matching.

Webhook-based platforms expose ``WebhookHandler`` objects: plain request in, plain response out,
so the same handler runs on the edge (behind a reverse proxy) and in the cloud relay.
"""
from __future__ import annotations

import enum
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import msgspec

from edge_server.contract.interactions import Attachment, Identity


class Delivery(enum.StrEnum):
    QUEUED = "queued"  # stored, not yet handed to the platform
    SENT = "sent"  # the platform accepted it
    DELIVERED = "delivered"  # the platform says the customer's device has it
    READ = "read"
    FAILED = "failed"  # will not be sent (delivery_error says why)


class InboundAttachment(msgspec.Struct, kw_only=True):
    name: str
    content_type: str
    data: bytes


class InboundMessage(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Something a customer sent on a cloud channel."""

    channel: str  # wechat | wecom | weibo | email | sms
    account: str  # the configured account it came to (app id, corp id + kf id, mailbox, sender number)
    external_id: str  # the platform's id of this message: (channel, account, external_id) de-duplicates
    identities: list[Identity]  # who wrote it: openid/unionid, weibo uid, email address, phone
    name: str = ""
    text: str = ""
    attachments: list[InboundAttachment] = []
    thread_key: str = ""  # continues a conversation (email: the thread's root Message-ID); "": by identity
    subject: str = ""
    kind: str = "message"  # message | event (subscribe, menu click...): events open no interaction
    event: str = ""  # the event's name when kind == "event"
    ts_ms: int = 0  # the platform's time, if it gives one
    meta: dict[str, str] = {}  # kept with the message: Message-ID, In-Reply-To, MsgId, media ids...


class DeliveryUpdate(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A receipt: the platform tells what became of a message we sent."""

    channel: str
    account: str
    provider_id: str  # the id the platform gave the message when it was sent
    state: Delivery
    error: str = ""


class OutboundMessage(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An agent's message to send. ``idempotency_key`` is stable across retries and restarts."""

    channel: str
    account: str
    interaction_id: str
    seq: int
    idempotency_key: str
    to: list[Identity]  # the customer's identities on this channel (the adapter picks the one it needs)
    text: str = ""
    attachments: list[tuple[Attachment, str]] = []  # (attachment, path of the file on the edge)
    subject: str = ""
    thread: dict[str, str] = {}  # email: the customer's last mail's Message-ID, References, In-Reply-To, Subject
    attempt: int = 1


class SendResult(msgspec.Struct, kw_only=True, omit_defaults=True):
    provider_id: str = ""
    state: Delivery = Delivery.SENT


class ChannelLimits(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What the composer must respect; 0 / [] means no limit."""

    max_chars: int = 0
    media_types: list[str] = []
    reply_window_s: int = 0  # after the customer's last message, replies are refused after this
    replies_per_window: int = 0  # how many replies the window allows (WeChat: 5 per 48 h)


class SendError(Exception):
    """A send failed. ``not_sent`` says whether the platform certainly did not take it.

    The outbox retries only when the message certainly was not sent, or the platform honours
    the idempotency key: a message is never delivered twice because of a retry.
    """

    def __init__(self, reason: str, *, not_sent: bool, retry_after_s: float | None = None,
                 permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.not_sent = not_sent
        self.retry_after_s = retry_after_s
        self.permanent = permanent  # retrying cannot help (window closed, blocked user, bad number)


class ChannelInbox(Protocol):
    """What the edge gives an adapter."""

    async def receive(self, msg: InboundMessage) -> None:
        """Returns once the message is durable (acknowledge the platform only then); idempotent."""

    async def delivery(self, update: DeliveryUpdate) -> None:
        """A receipt; duplicates change nothing."""

    def cursor(self, key: str) -> str:
        """A persisted cursor of the adapter's (WeCom sync_msg cursor, IMAP UIDVALIDITY/UID); "" if none."""

    async def set_cursor(self, key: str, value: str) -> None:
        """Persist a cursor (durable when it returns)."""

    def attachment_dir(self) -> Path:
        """Where the adapter may write downloaded media before receive() takes them."""


class ChannelAdapter(Protocol):
    channel: str
    account: str

    def limits(self) -> ChannelLimits: ...

    async def start(self, inbox: ChannelInbox) -> None:
        """Begin receiving (pull loops, IMAP IDLE...). Webhook adapters also expose ``webhooks()``."""

    async def stop(self) -> None: ...

    async def send(self, out: OutboundMessage) -> SendResult:
        """Send one message; raise SendError on failure (never retry inside)."""


class WebhookRequest(msgspec.Struct, kw_only=True):
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    remote: str = ""


class WebhookResponse(msgspec.Struct, kw_only=True):
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"


class WebhookHandler(Protocol):
    """A platform's push endpoint: verify, parse, answer. Runs on the edge or in the relay."""

    channel: str
    account: str
    path: str  # e.g. "/hooks/wechat/<account>"

    def handle(self, req: WebhookRequest) -> tuple[WebhookResponse, Sequence[InboundMessage | DeliveryUpdate]]:
        """Pure: no I/O. Bad signature → 401/403 response and nothing; the host stores the items durably
        before sending the response (that is the acknowledgement)."""
