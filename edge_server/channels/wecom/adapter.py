"""The WeCom kf adapter: callback wakes a ``sync_msg`` pull; the cursor advances only after a whole
page is durable (at-least-once, the hub de-duplicates on msgid); ``send_msg`` carries a stable
``msgid`` so a send with an unknown outcome can be retried without a second delivery.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
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
from edge_server.channels.wechat.window import ReplyWindows, WindowRules
from edge_server.channels.wecom.inbound import EXTERNAL_USER_KIND, to_message
from edge_server.channels.wecom.settings import WeComAccountConfig, load_account
from edge_server.channels.wecom.webhook import CHANNEL, WeComWebhook

log = logging.getLogger("sb.channels.wecom")

_SEND_TYPES = {"image/jpeg": "image", "image/png": "image", "audio/amr": "voice", "video/mp4": "video"}
_STATES = {0: "new", 1: "handled by the smart assistant", 2: "waiting in WeCom's receptionist pool",
           3: "handled by a receptionist in the WeCom client", 4: "ended"}


def kf_msgid(idempotency_key: str, part: int) -> str:
    """≤ 32 bytes of [0-9a-zA-Z_-], the same for every attempt of the same part."""
    return f"{hashlib.blake2b(idempotency_key.encode(), digest_size=14).hexdigest()}_{part}"


class WeComAdapter:
    channel = CHANNEL
    #: send_msg honours msgid: a retry after an unknown outcome does not deliver twice.
    idempotent_sends = True

    def __init__(self, cfg: WeComAccountConfig, data_dir: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.cfg = cfg
        self.data_dir = data_dir
        self._clock = clock
        self.webhook = WeComWebhook(cfg, on_notify=self._notified)
        self.account = self.webhook.account
        self.windows = ReplyWindows(WindowRules(platform="WeCom", message_window_s=cfg.reply_window_s,
                                                message_quota=cfg.replies_per_window, window_code="",
                                                quota_code=""))
        self._inbox: ChannelInbox | None = None
        self._session: aiohttp.ClientSession | None = None
        self._api: ApiClient | None = None
        self._wake = asyncio.Event()
        self._tokens: list[str] = []
        self._task: asyncio.Task[None] | None = None
        self.pulls = 0

    @classmethod
    def from_config(cls, raw: dict[str, Any], data_dir: Path, *,
                    clock: Callable[[], float] = time.time) -> WeComAdapter:
        return cls(load_account(raw), data_dir, clock=clock)

    def limits(self) -> ChannelLimits:
        return ChannelLimits(max_chars=self.cfg.max_chars, media_types=sorted(_SEND_TYPES),
                             reply_window_s=self.cfg.reply_window_s, replies_per_window=self.cfg.replies_per_window)

    def webhooks(self) -> list[WeComWebhook]:
        return [self.webhook]

    @property
    def inbox(self) -> ChannelInbox:
        if self._inbox is None:
            raise RuntimeError("WeComAdapter is not started")
        return self._inbox

    @property
    def api(self) -> ApiClient:
        if self._api is None:
            raise RuntimeError("WeComAdapter is not started")
        return self._api

    async def start(self, inbox: ChannelInbox) -> None:
        self._inbox = inbox
        self._session = aiohttp.ClientSession()
        self._api = ApiClient(self._session, self.cfg.api_base, token_path="/cgi-bin/gettoken",
                              token_query={"corpid": self.cfg.corp_id, "corpsecret": self.cfg.secret},
                              renew_margin_s=self.cfg.token_renew_margin_s, timeout_s=self.cfg.http_timeout_s)
        self._wake.set()  # pull once at start: what arrived while we were down
        self._task = asyncio.create_task(self._pull_loop(), name=f"wecom-pull-{self.account}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._session is not None:
            await self._session.close()
        self._task = self._session = self._api = None

    def reply_state(self, external_userid: str) -> tuple[int, int]:
        return self.windows.state(self.inbox, external_userid, int(self._clock() * 1000))

    # -- inbound -----------------------------------------------------------------------------------

    def _notified(self, token: str) -> None:
        if token:
            self._tokens.append(token)
        self._wake.set()

    async def _pull_loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.cfg.poll_interval_s)
            self._wake.clear()
            token = self._tokens.pop() if self._tokens else ""
            self._tokens.clear()  # the newest callback Token covers everything before it
            try:
                await self.sync(token)
            except (ApiError, TransportError) as e:
                log.warning("kf %s: sync_msg failed (%s); retrying at the next callback or poll", self.account, e)
            except Exception:
                # A failed receive (store full...) must not end the loop: the cursor was not advanced.
                log.exception("kf %s: pull failed", self.account)
                await asyncio.sleep(1.0)

    async def sync(self, token: str = "") -> int:
        """Pull every page after the durable cursor; returns how many messages were handed over."""
        key = f"sync:{self.cfg.open_kfid}"
        handed = 0
        while True:
            self.pulls += 1
            req: dict[str, Any] = {"cursor": self.inbox.cursor(key), "limit": 1000, "open_kfid": self.cfg.open_kfid}
            if token:
                req["token"] = token
            page = await self.api.call("POST", "/cgi-bin/kf/sync_msg", json=req)
            for item in page.get("msg_list", []):
                msg = to_message(self.account, item)
                if msg is None:
                    continue
                await self.inbox.receive(await self.enrich(msg))
                handed += 1
            # Only now: every item of the page is durable (a crash before this re-pulls the page).
            nxt = str(page.get("next_cursor", ""))
            if nxt:
                await self.inbox.set_cursor(key, nxt)
            if not page.get("has_more") or not nxt:
                return handed

    async def enrich(self, msg: InboundMessage) -> InboundMessage:
        """Opens the reply window and downloads media (also called by the pull itself)."""
        user = msg.identities[0].value if msg.identities else ""
        if msg.kind == "message" and user:
            await self.windows.opened(self.inbox, user, msg.ts_ms or int(self._clock() * 1000), by_message=True,
                                      key=msg.external_id)
        media_id = msg.meta.get("media_id", "")
        if not media_id or msg.attachments:
            return msg
        try:
            data, ctype, filename = await self.api.download("/cgi-bin/media/get", {"media_id": media_id})
            if len(data) > self.cfg.max_media_bytes:
                raise OSError(f"media is {len(data)} bytes, over max_media_bytes")
        except (ApiError, TransportError, OSError) as e:
            log.warning("kf %s: media of %s not downloaded: %s", self.account, msg.external_id, e)
            return msgspec.structs.replace(msg, meta={**msg.meta, "media_error": str(e)},
                                           text=msg.text or f"[{msg.meta.get('msgtype')} could not be downloaded]")
        name = filename or f"{msg.external_id}{mimetypes.guess_extension(ctype) or '.bin'}"
        folder = self.inbox.attachment_dir()
        folder.mkdir(parents=True, exist_ok=True)
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in f"wecom-{msg.external_id}-{name}")
        tmp = folder / f".{safe}.part"
        tmp.write_bytes(data)
        os.replace(tmp, folder / safe)
        return msgspec.structs.replace(msg, attachments=[InboundAttachment(name=name, content_type=ctype, data=data)])

    # -- outbound ----------------------------------------------------------------------------------

    async def service_state(self, external_userid: str) -> tuple[int, str]:
        body = await self.api.call("POST", "/cgi-bin/kf/service_state/get",
                                   json={"open_kfid": self.cfg.open_kfid, "external_userid": external_userid})
        return int(body.get("service_state", 0)), str(body.get("servicer_userid", ""))

    async def send(self, out: OutboundMessage) -> SendResult:
        user = next((i.value for i in out.to if i.kind == EXTERNAL_USER_KIND), "")
        if not user:
            raise SendError("The customer has no WeCom external user id", not_sent=True, permanent=True)
        parts: list[tuple[str, Any]] = [("text", out.text)] if out.text else []
        if self.cfg.max_chars and len(out.text) > self.cfg.max_chars:
            raise SendError(f"WeCom messages are limited to {self.cfg.max_chars} characters", not_sent=True,
                            permanent=True)
        for att, path in out.attachments:
            kind = _SEND_TYPES.get(att.content_type, "file")
            parts.append((kind, (att, path)))
        if not parts:
            raise SendError("Nothing to send", not_sent=True, permanent=True)
        refusal = self.windows.refusal(self.inbox, user, int(self._clock() * 1000), len(parts))
        if refusal is not None and out.attempt == 1:
            # A retry (attempt > 1) may be re-sending parts WeCom already counted: let msgid decide.
            raise SendError(refusal[0], not_sent=True, permanent=True)
        ids: list[str] = []
        for i, (kind, value) in enumerate(parts):
            msgid = kf_msgid(out.idempotency_key, i)
            payload: dict[str, Any] = {"touser": user, "open_kfid": self.cfg.open_kfid, "msgid": msgid,
                                       "msgtype": kind}
            try:
                if kind == "text":
                    payload["text"] = {"content": value}
                else:
                    att, path = value
                    data = Path(path).read_bytes()
                    up = await self.api.upload("/cgi-bin/media/upload", {"type": kind}, field="media",
                                               filename=att.name, data=data, content_type=att.content_type)
                    payload[kind] = {"media_id": up["media_id"]}
                body = await self.api.call("POST", "/cgi-bin/kf/send_msg", json=payload)
            except OSError as e:
                raise SendError(f"An attachment cannot be read on the edge: {e}", not_sent=True,
                                permanent=True) from e
            except TransportError as e:
                # Unknown outcome is fine here: the retry carries the same msgid.
                raise SendError(f"WeCom did not answer: {e}", not_sent=e.not_sent) from e
            except ApiError as e:
                raise await self._refused(user, e) from e
            await self.windows.used(self.inbox, user)
            ids.append(str(body.get("msgid", msgid)))
        return SendResult(provider_id=ids[-1])

    async def _refused(self, user: str, e: ApiError) -> SendError:
        if e.errcode == -1:
            return SendError("WeCom is busy (-1)", not_sent=True, retry_after_s=5.0)
        if e.errcode in (45009, 45011):
            return SendError(f"WeCom API quota reached ({e.errcode})", not_sent=True, retry_after_s=60.0)
        # The session may have moved on (WeCom pool, receptionist in the WeCom client, ended): say so.
        with contextlib.suppress(ApiError, TransportError):
            state, servicer = await self.service_state(user)
            if state not in (0, 1):
                who = f" ({servicer})" if servicer else ""
                return SendError(f"WeCom refuses replies from here: the session is {_STATES.get(state, state)}"
                                 f"{who} ({e.errcode})", not_sent=True, permanent=True)
        return SendError(f"WeCom refused the message: {e.errmsg} ({e.errcode})", not_sent=True, permanent=True)


def from_config(raw: dict[str, Any], data_dir: Path) -> WeComAdapter:
    """The registry's entry point: one ``[[channels.wecom]]`` table → an adapter."""
    return WeComAdapter.from_config(raw, data_dir)
