"""The WeChat Official Account channel adapter: customer-service replies, media, reply windows.

Life cycle: ``from_config(raw, data_dir)`` → ``webhooks()`` (the host serves them; pure) →
``start(inbox)`` → for every inbound item the hub calls ``await enrich(msg)`` (downloads media,
opens the reply window) and then ``inbox.receive`` → ``send(out)`` for agents' replies → ``stop()``.
"""
from __future__ import annotations

import asyncio
import logging
import mimetypes
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import msgspec

from edge_server.channels.base import (ChannelInbox, ChannelLimits, InboundAttachment, InboundMessage,
                                       OutboundMessage, SendError, SendResult)
from edge_server.channels.wechat.api import ApiClient, ApiError, TransportError
from edge_server.channels.wechat.inbound import CHANNEL
from edge_server.channels.wechat.settings import WeChatAccountConfig, load_account
from edge_server.channels.wechat.template import send_template
from edge_server.channels.wechat.webhook import WeChatWebhook
from edge_server.channels.wechat.window import ReplyWindows, WindowRules
from edge_server.contract.interactions import IdentityKind

log = logging.getLogger("sb.channels.wechat")

#: What the CS API can carry, and as which media type (spec §1.9: image ≤10 MB, voice ≤2 MB AMR/MP3).
_SEND_TYPES = {"image/jpeg": "image", "image/png": "image", "image/gif": "image",
               "audio/amr": "voice", "audio/mpeg": "voice", "audio/mp3": "voice"}
_DOWNLOAD_TYPES = ("image", "voice")  # video media/get answers a URL, not the bytes: not fetched
_VOICE_TYPES = {"amr": "audio/amr", "speex": "audio/speex", "mp3": "audio/mpeg"}

#: errcode → (reason for the agent, permanent). Everything here certainly was not sent.
_REFUSALS: dict[int, tuple[str, bool]] = {
    40003: ("WeChat does not know this customer (invalid openid, 40003)", True),
    43004: ("The customer no longer follows the account, WeChat refuses messages to them (43004)", True),
    48002: ("The customer has refused messages from this account (48002)", True),
    48001: ("This account is not allowed to use WeChat's customer-service API; check the account's "
            "permissions (48001)", True),
    40013: ("WeChat rejected the app_id of this account; check [[channels.wechat]] (40013)", True),
    40125: ("WeChat rejected the app_secret of this account; check [[channels.wechat]] (40125)", True),
    41001: ("WeChat says the access token is missing (41001): a bug, report it", True),
}


def send_error(e: ApiError | TransportError, *, window_s: int, done: int, total: int) -> SendError:
    """A failed CS call in words an agent understands, with what the outbox may do about it."""
    partly = f" ({done} of {total} parts were sent)" if done else ""
    if isinstance(e, TransportError):
        if e.not_sent:
            return SendError(f"WeChat could not be reached: {e}{partly}", not_sent=True)
        # No idempotency key on the CS API: a retry could deliver twice, so the outbox must not retry.
        return SendError(f"WeChat did not answer; the message may or may not have arrived: {e}{partly}",
                         not_sent=False)
    code = e.errcode
    if code == 45015:
        hours = f"{window_s // 3600} h" if window_s % 3600 == 0 else f"{window_s} s"
        return SendError(f"WeChat no longer accepts replies: the customer last wrote more than {hours} ago "
                         f"(45015){partly}", not_sent=True, permanent=True)
    if code == 45047:
        return SendError("WeChat accepts no more replies until the customer writes again: the limit of "
                         f"replies per customer message is used up (45047){partly}", not_sent=True, permanent=True)
    if code in _REFUSALS:
        reason, permanent = _REFUSALS[code]
        return SendError(reason + partly, not_sent=True, permanent=permanent)
    if code == -1:
        return SendError(f"WeChat is busy (-1){partly}", not_sent=True, retry_after_s=5.0)
    if code in (45009, 45011):
        return SendError(f"WeChat API quota reached ({code}){partly}", not_sent=True, retry_after_s=60.0)
    if code == 40164:
        # Whitelisting the edge's address takes ~5 min to apply; the message was not sent, so retrying later is safe.
        return SendError("WeChat refuses calls from this server's IP address: add it to the account's API IP "
                         f"whitelist (40164){partly}", not_sent=True, retry_after_s=300.0)
    if code in (40001, 40014, 42001):
        return SendError(f"WeChat rejected a fresh access token ({code}){partly}", not_sent=True, retry_after_s=30.0)
    # An errcode is an answer: the platform did not take the message.
    return SendError(f"WeChat refused the message: {e.errmsg} ({code}){partly}", not_sent=True)


class WeChatAdapter:
    channel = CHANNEL
    #: The CS API has no idempotency key: a send with an unknown outcome must not be retried.
    idempotent_sends = False

    def __init__(self, cfg: WeChatAccountConfig, data_dir: Path, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.cfg = cfg
        self._clock = clock  # wall clock, seconds: reply windows are judged against CreateTime
        self.account = cfg.app_id
        self.data_dir = data_dir
        self.webhook = WeChatWebhook(cfg)
        self.windows = ReplyWindows(WindowRules(
            platform="WeChat", message_window_s=cfg.reply_window_s, message_quota=cfg.replies_per_window,
            event_window_s=cfg.event_reply_window_s, event_quota=cfg.event_replies))
        self._inbox: ChannelInbox | None = None
        self._session: aiohttp.ClientSession | None = None
        self._api: ApiClient | None = None

    @classmethod
    def from_config(cls, raw: dict[str, Any], data_dir: Path, *,
                    clock: Callable[[], float] = time.time) -> WeChatAdapter:
        """One ``[[channels.wechat]]`` table; raises ConfigError naming the key."""
        return cls(load_account(raw), data_dir, clock=clock)

    # -- life cycle --------------------------------------------------------------------------------

    def limits(self) -> ChannelLimits:
        # With a template fallback a closed window does not stop a text reply (it goes as a template),
        # so the composer must not refuse it: no window on the interaction.
        window_s = 0 if self.cfg.template_fallback is not None else self.cfg.reply_window_s
        return ChannelLimits(max_chars=self.cfg.max_chars, media_types=sorted(_SEND_TYPES),
                             reply_window_s=window_s,
                             replies_per_window=self.cfg.replies_per_window)

    def webhooks(self) -> list[WeChatWebhook]:
        return [self.webhook]

    async def start(self, inbox: ChannelInbox) -> None:
        self._inbox = inbox
        self._session = aiohttp.ClientSession()
        self._api = ApiClient(self._session, self.cfg.api_base, token_path="/cgi-bin/token",
                              token_query={"grant_type": "client_credential", "appid": self.cfg.app_id,
                                           "secret": self.cfg.app_secret},
                              renew_margin_s=self.cfg.token_renew_margin_s, timeout_s=self.cfg.http_timeout_s)
        log.info("wechat %s started (%s mode, API %s)", self.account, self.cfg.mode, self.cfg.api_base)

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = self._api = None

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    @property
    def api(self) -> ApiClient:
        if self._api is None:
            raise RuntimeError("WeChatAdapter is not started")
        return self._api

    @property
    def inbox(self) -> ChannelInbox:
        if self._inbox is None:
            raise RuntimeError("WeChatAdapter is not started")
        return self._inbox

    def reply_state(self, openid: str) -> tuple[int, int]:
        """(reply_until_ms, replies_left) for InteractionInfo; (0, -1) when unknown."""
        return self.windows.state(self.inbox, openid, self._now_ms())

    # -- inbound -----------------------------------------------------------------------------------

    async def enrich(self, msg: InboundMessage) -> InboundMessage:
        """Called by the hub before ``inbox.receive(msg)``: opens the reply window and downloads the
        media. Never raises for media trouble: a message without its picture beats a lost message."""
        if msg.channel != CHANNEL or msg.account != self.account:
            return msg
        openid = next((i.value for i in msg.identities if i.kind == IdentityKind.WECHAT_OPENID), "")
        if openid and (msg.kind == "message" or msg.event in ("click", "subscribe", "scan", "scancode_push",
                                                              "scancode_waitmsg")):
            await self.windows.opened(self.inbox, openid, msg.ts_ms or self._now_ms(),
                                      by_message=msg.kind == "message", key=msg.external_id)
        kind, media_id = msg.meta.get("MsgType", ""), msg.meta.get("MediaId", "")
        if msg.kind != "message" or kind not in _DOWNLOAD_TYPES or not media_id or msg.attachments:
            return msg
        try:
            att = await self._fetch_media(media_id, kind, msg.meta.get("Format", ""))
        except (ApiError, TransportError, OSError) as e:
            log.warning("wechat %s: media %s of message %s not downloaded: %s", self.account, media_id,
                        msg.external_id, e)
            meta = {**msg.meta, "media_error": str(e)}
            note = f"[{kind} could not be downloaded from WeChat]"
            return msgspec.structs.replace(msg, meta=meta, text=msg.text or note)
        return msgspec.structs.replace(msg, attachments=[att])

    async def _fetch_media(self, media_id: str, kind: str, voice_format: str) -> InboundAttachment:
        # Cached by media id in attachment_dir: a message redelivered after a crash does not download
        # again (and WeChat deletes temporary media after 3 days).
        folder = self.inbox.attachment_dir()
        safe_id = "".join(c if c.isalnum() or c in "-_" else "_" for c in media_id)
        cached = sorted(folder.glob(f"wechat-{safe_id}.*"))
        if cached:
            path = cached[0]
            return InboundAttachment(name=path.name.removeprefix("wechat-"),
                                     content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                                     data=path.read_bytes())
        last: Exception | None = None
        for attempt in range(2):
            try:
                data, ctype, filename = await self.api.download("/cgi-bin/media/get", {"media_id": media_id})
                break
            except TransportError as e:
                last = e
                await asyncio.sleep(0.5 * (attempt + 1))
        else:
            assert last is not None
            raise last
        if len(data) > self.cfg.max_media_bytes:
            raise OSError(f"media is {len(data)} bytes, over max_media_bytes")
        if kind == "voice" and voice_format.lower() in _VOICE_TYPES:
            ctype = _VOICE_TYPES[voice_format.lower()]
        ext = Path(filename).suffix or mimetypes.guess_extension(ctype) or ".bin"
        if ext == ".amr" or ctype == "audio/amr":
            ext = ".amr"
        name = f"{safe_id}{ext}"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".wechat-{name}.part"
        tmp.write_bytes(data)
        os.replace(tmp, folder / f"wechat-{name}")
        return InboundAttachment(name=name, content_type=ctype, data=data)

    # -- outbound ----------------------------------------------------------------------------------

    async def send(self, out: OutboundMessage) -> SendResult:
        openid = next((i.value for i in out.to if i.kind == IdentityKind.WECHAT_OPENID), "")
        if not openid:
            raise SendError("The customer has no WeChat openid on this account", not_sent=True, permanent=True)
        parts: list[tuple[str, Any]] = []
        if out.text:
            if self.cfg.max_chars and len(out.text) > self.cfg.max_chars:
                raise SendError(f"WeChat messages are limited to {self.cfg.max_chars} characters", not_sent=True,
                                permanent=True)
            parts.append(("text", out.text))
        for att, path in out.attachments:
            kind = _SEND_TYPES.get(att.content_type)
            if kind is None:
                raise SendError(f"WeChat cannot send {att.content_type} files ({att.name}); it takes "
                                "JPEG/PNG/GIF pictures and AMR/MP3 voice", not_sent=True, permanent=True)
            parts.append((kind, (att, path)))
        if not parts:
            raise SendError("Nothing to send", not_sent=True, permanent=True)
        # Parts of one message already sent by an earlier attempt (the CS API has no idempotency key,
        # so a message of several parts remembers its progress durably and a retry sends the rest only).
        progress = f"sent:{out.idempotency_key}"
        done = int(self.inbox.cursor(progress) or 0) if len(parts) > 1 else 0
        if done >= len(parts):
            return SendResult()
        refusal = self.windows.refusal(self.inbox, openid, self._now_ms(), len(parts) - done)
        if refusal is not None:
            if refusal[1] == 45015 and self._template_fits(parts):
                return await self._as_template(openid, out)
            raise SendError(refusal[0], not_sent=True, permanent=True)
        provider_id = ""
        for i in range(done, len(parts)):
            kind, value = parts[i]
            try:
                body = await self._send_part(openid, kind, value)
            except (ApiError, TransportError) as e:
                if isinstance(e, ApiError) and e.errcode in (45015, 45047):
                    await self.windows.exhausted(self.inbox, openid, closed=e.errcode == 45015)
                if isinstance(e, ApiError) and e.errcode == 45015 and self._template_fits(parts):
                    return await self._as_template(openid, out)
                err = send_error(e, window_s=self.cfg.reply_window_s, done=i, total=len(parts))
                log.info("wechat %s: send %s part %d/%d failed: %s", self.account, out.idempotency_key,
                         i + 1, len(parts), err.reason)
                raise err from e
            await self.windows.used(self.inbox, openid)
            if len(parts) > 1:
                await self.inbox.set_cursor(progress, str(i + 1))
            provider_id = str(body.get("msgid", "") or provider_id)
        return SendResult(provider_id=provider_id)

    def _template_fits(self, parts: list[tuple[str, Any]]) -> bool:
        """A template carries text only: a reply with attachments fails with the window's reason instead."""
        return self.cfg.template_fallback is not None and [k for k, _ in parts] == ["text"]

    async def _as_template(self, openid: str, out: OutboundMessage) -> SendResult:
        tf = self.cfg.template_fallback
        assert tf is not None
        provider_id = await send_template(self.api, tf, openid, out.text, out.idempotency_key)
        log.info("wechat %s: %s sent as template message %s (reply window closed)", self.account,
                 out.idempotency_key, provider_id or "?")
        return SendResult(provider_id=provider_id)

    async def _send_part(self, openid: str, kind: str, value: Any) -> dict[str, Any]:
        if kind == "text":
            payload: dict[str, Any] = {"touser": openid, "msgtype": "text", "text": {"content": value}}
        else:
            att, path = value
            try:
                data = Path(path).read_bytes()
            except OSError as e:
                raise SendError(f"The attachment {att.name} cannot be read on the edge: {e.strerror}",
                                not_sent=True, permanent=True) from e
            up = await self.api.upload("/cgi-bin/media/upload", {"type": kind}, field="media", filename=att.name,
                                       data=data, content_type=att.content_type)
            payload = {"touser": openid, "msgtype": kind, kind: {"media_id": up["media_id"]}}
        return await self.api.call("POST", "/cgi-bin/message/custom/send", json=payload)


def from_config(raw: dict[str, Any], data_dir: Path) -> WeChatAdapter:
    """The registry's entry point: one ``[[channels.wechat]]`` table → an adapter."""
    return WeChatAdapter.from_config(raw, data_dir)
