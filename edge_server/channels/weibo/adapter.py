"""The Weibo ChannelAdapter: pushes through WeiboHook, replies through /2/messages/reply.json [S21e]."""
from __future__ import annotations

import asyncio
import json
import logging
import urllib.parse
from pathlib import Path
from typing import Any

import aiohttp

from edge_server.channels.base import (ChannelInbox, ChannelLimits, Delivery, InboundMessage, OutboundMessage,
                                       SendError, SendResult)
from edge_server.channels.weibo.config import WeiboConfig, parse_weibo_config
from edge_server.channels.weibo.hook import WeiboHook
from edge_server.channels.weibo.media import DEFAULT_TYPES, WeiboMedia
from edge_server.channels.weibo.window import ReplyWindow
from edge_server.contract.interactions import IdentityKind

log = logging.getLogger("sb.channels.weibo")

# Weibo API error codes (open.weibo.com error code table; the window code is our fake's, unverified).
WINDOW_CLOSED = 21602
_TOKEN = {21327: "the access token expired", 21332: "the access token is not valid",
          21314: "the access token was revoked", 21315: "the access token expired", 21301: "authorisation failed"}
_RATE = {10022: "too many requests from this address", 10023: "too many requests for this account",
         10024: "too many requests for this API"}


class WeiboAdapter:
    channel = "weibo"

    def __init__(self, cfg: WeiboConfig) -> None:
        self.cfg = cfg
        self.account = cfg.account
        self.window = ReplyWindow(cfg.reply_window_h * 3600, cfg.replies_per_window)
        self._hook = WeiboHook(cfg.account, cfg.app_secret, self.window)
        self._session: aiohttp.ClientSession | None = None
        self._inbox: ChannelInbox | None = None
        self.media = WeiboMedia(base_url=cfg.media_api_base, access_token=cfg.access_token,
                                max_bytes=cfg.max_media_bytes, types=tuple(cfg.media_types) or DEFAULT_TYPES,
                                timeout_s=cfg.media_timeout_s)

    def limits(self) -> ChannelLimits:
        return ChannelLimits(max_chars=self.cfg.max_chars, reply_window_s=self.cfg.reply_window_h * 3600,
                             replies_per_window=self.cfg.replies_per_window)

    def webhooks(self) -> list[WeiboHook]:
        return [self._hook]

    async def start(self, inbox: ChannelInbox) -> None:
        """Weibo pushes; nothing to pull. The inbox gives the folder for downloaded media."""
        self._inbox = inbox

    async def enrich(self, msg: InboundMessage) -> InboundMessage:
        """Called by the hub before ``inbox.receive(msg)``: image / voice messages get their file.
        Never raises for media trouble: the message arrives with a note instead (media.py)."""
        if msg.channel != self.channel or msg.account != self.account or self._inbox is None:
            return msg
        return await self.media.attach(msg, self._inbox.attachment_dir())

    async def stop(self) -> None:
        await self.media.close()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, out: OutboundMessage) -> SendResult:
        uid = next((i.value for i in out.to if i.kind == IdentityKind.WEIBO_UID), "")
        if not uid:
            raise SendError("Weibo reply not sent: the customer has no Weibo uid", not_sent=True, permanent=True)
        if out.attachments:
            raise SendError("Weibo replies carry text only here", not_sent=True, permanent=True)
        if self.cfg.max_chars and len(out.text) > self.cfg.max_chars:
            raise SendError(f"Weibo reply not sent: longer than {self.cfg.max_chars} characters", not_sent=True,
                            permanent=True)
        if reason := self.window.refusal(uid):
            raise SendError(reason, not_sent=True, permanent=True)
        form = {"access_token": self.cfg.access_token, "type": "text", "receiver_id": uid, "save_sender_box": "1",
                "data": urllib.parse.quote(json.dumps({"text": out.text}, ensure_ascii=False))}
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        url = self.cfg.api_base.rstrip("/") + "/2/messages/reply.json"
        try:
            async with self._session.post(url, data=form,
                                          timeout=aiohttp.ClientTimeout(total=self.cfg.request_timeout_s)) as r:
                status, raw = r.status, await r.read()
        except aiohttp.ClientConnectorError as e:
            raise SendError(f"Weibo: cannot connect: {e}", not_sent=True) from e
        except (TimeoutError, asyncio.TimeoutError, aiohttp.ClientError) as e:
            # The reply API has no idempotency key: a lost answer is an unknown outcome, never retried.
            raise SendError(f"Weibo: no answer ({type(e).__name__}); outcome unknown", not_sent=False) from e
        try:
            doc: dict[str, Any] = json.loads(raw)
        except ValueError:
            doc = {}
        if status == 200 and "error_code" not in doc:
            self.window.replied(uid)
            return SendResult(provider_id=str(doc.get("id") or out.idempotency_key), state=Delivery.SENT)
        if status >= 500:
            raise SendError(f"Weibo: server error {status}; outcome unknown", not_sent=False)
        code = int(doc.get("error_code") or 0)
        if code == WINDOW_CLOSED:
            raise SendError(f"Weibo no longer accepts replies: the customer last wrote more than "
                            f"{self.cfg.reply_window_h} h ago ({code})", not_sent=True, permanent=True)
        if code in _RATE:
            raise SendError(f"Weibo rate limit: {_RATE[code]}", not_sent=True, retry_after_s=60.0)
        reason = _TOKEN.get(code, str(doc.get("error", f"HTTP {status}")))
        raise SendError(f"Weibo reply not sent: {reason} ({code})", not_sent=True, permanent=True)


def from_config(raw: dict[str, Any], data_dir: Path) -> WeiboAdapter:
    """Build one ``[[channels.weibo]]`` account; raises edge_server.config.ConfigError naming the key."""
    return WeiboAdapter(parse_weibo_config(raw))
