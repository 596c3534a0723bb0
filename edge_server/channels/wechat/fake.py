"""A local WeChat Official Account platform for tests and the demo (spec §1.12).

Serves ``/cgi-bin/token`` and ``/cgi-bin/stable_token`` (expiry, re-fetch invalidates the previous
token after a 5-minute grace → 40001; expired → 42001), ``/cgi-bin/message/custom/send`` (48 h
window → 45015, quota per customer message → 45047), ``/cgi-bin/media/upload`` and
``/cgi-bin/media/get`` (3-day expiry → 40007), ``/cgi-bin/message/template/send`` (§1.11: unknown
template_id → 40037, unfollowed customer → 43004, client_msg_id sends once per openid within 10 min,
then a ``TEMPLATESENDJOBFINISH`` push with the result), and pushes signed (and in safe / compatible mode
encrypted) XML to the edge's webhook with a per-attempt timeout and up to 3 attempts, as WeChat does.
Errors can be injected per path. The clock is injectable (``FakeClock``).
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from edge_server.channels.wechat.crypto import MessageCrypto, sha1_signature
from edge_server.channels.wechat.xml import build_xml

log = logging.getLogger("sb.channels.wechat.fake")

MEDIA_TTL_S = 3 * 24 * 3600
CLIENT_MSG_ID_TTL_S = 600  # template client_msg_id de-duplicates for 10 minutes [S12b]
TOKEN_GRACE_S = 300


class FakeClock:
    """Wall-clock seconds plus an offset tests move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class PushResult:
    attempts: int
    status: int  # of the last attempt (0: no answer)
    body: bytes
    acknowledged: bool


@dataclass
class _Window:
    opened: float
    until: float
    left: int  # -1 unlimited


@dataclass
class _Media:
    data: bytes
    content_type: str
    filename: str
    created: float


@dataclass
class _Token:
    expires: float
    invalidated: bool = False


@dataclass
class FakeWeChatState:
    sent: list[dict[str, Any]] = field(default_factory=list)  # accepted CS messages, in order
    token_fetches: int = 0
    calls: list[tuple[str, int]] = field(default_factory=list)  # (path, errcode answered)
    templates: list[dict[str, Any]] = field(default_factory=list)  # accepted template messages (+ "msgid")
    finish_pushes: list[PushResult] = field(default_factory=list)  # TEMPLATESENDJOBFINISH pushes made


class FakeWeChat:
    def __init__(self, *, app_id: str, app_secret: str, token: str, encoding_aes_key: str = "",
                 mode: str = "plain", original_id: str = "gh_fakeaccount", webhook_url: str = "",
                 token_ttl_s: float = 7200, quota: int = 5, window_s: float = 48 * 3600,
                 event_quota: int = 3, event_window_s: float = 60, push_timeout_s: float = 5.0,
                 push_attempts: int = 3, clock: Callable[[], float] = time.time) -> None:
        self.app_id, self.app_secret, self.token = app_id, app_secret, token
        self.mode = mode
        self.original_id = original_id
        self.webhook_url = webhook_url
        self.token_ttl_s = token_ttl_s
        self.quota, self.window_s = quota, window_s
        self.event_quota, self.event_window_s = event_quota, event_window_s
        self.push_timeout_s, self.push_attempts = push_timeout_s, push_attempts
        self.clock = clock
        self.crypto = MessageCrypto(token, [encoding_aes_key], app_id) if encoding_aes_key else None
        self.state = FakeWeChatState()
        self._tokens: dict[str, _Token] = {}
        self._windows: dict[str, _Window] = {}
        self._media: dict[str, _Media] = {}
        self._inject: dict[str, list[int]] = {}
        #: Approved templates of the account: template_id → its keyword fields (a send must fill them).
        self.template_ids: dict[str, tuple[str, ...]] = {}
        self.unsubscribed: set[str] = set()  # openids that unfollowed: CS → 45015, template → 43004
        self.blocking: set[str] = set()  # openids that block notifications: TEMPLATESENDJOBFINISH failed
        self._client_msg_ids: dict[tuple[str, str], tuple[int, float]] = {}  # (openid, id) → (msgid, when)
        self._finish_tasks: set[asyncio.Task[None]] = set()
        self.delays: dict[str, float] = {}  # path → seconds to wait before answering (timeouts)
        self._msg_ids = itertools.count(int(time.time()) * 1000)
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.url = ""
        self.app = web.Application()
        self.app.router.add_get("/cgi-bin/token", self._token)
        self.app.router.add_post("/cgi-bin/stable_token", self._stable_token)
        self.app.router.add_post("/cgi-bin/message/custom/send", self._custom_send)
        self.app.router.add_post("/cgi-bin/media/upload", self._media_upload)
        self.app.router.add_get("/cgi-bin/media/get", self._media_get)
        self.app.router.add_post("/cgi-bin/message/template/send", self._template_send)

    # -- serving -----------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.url = f"http://{host}:{self._runner.addresses[0][1]}"
        self._client = aiohttp.ClientSession()
        return self.url

    async def close(self) -> None:
        for t in list(self._finish_tasks):
            t.cancel()
        for t in list(self._finish_tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await t
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self._client = self._runner = None

    async def __aenter__(self) -> FakeWeChat:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- test controls -----------------------------------------------------------------------------

    def inject(self, path: str, errcode: int, times: int = 1) -> None:
        """The next ``times`` calls of ``path`` answer ``errcode`` (after the token check)."""
        self._inject.setdefault(path, []).extend([errcode] * times)

    def invalidate_tokens(self) -> None:
        """As if another process fetched a token and the grace passed: every token is stale (40001)."""
        for t in self._tokens.values():
            t.invalidated = True

    def set_key(self, encoding_aes_key: str) -> None:
        """Rotate the EncodingAESKey on the 'console': later pushes use the new key."""
        self.crypto = MessageCrypto(self.token, [encoding_aes_key], self.app_id)

    def add_media(self, data: bytes, content_type: str, filename: str) -> str:
        media_id = secrets.token_urlsafe(24)
        self._media[media_id] = _Media(data, content_type, filename, self.clock())
        return media_id

    def media(self, media_id: str) -> bytes:
        return self._media[media_id].data

    # -- API ---------------------------------------------------------------------------------------

    @staticmethod
    def _err(code: int, msg: str) -> web.Response:
        return web.json_response({"errcode": code, "errmsg": msg})

    def _issue(self) -> dict[str, Any]:
        now = self.clock()
        for t in self._tokens.values():  # the previous token stays valid 5 more minutes
            t.expires = min(t.expires, now + TOKEN_GRACE_S)
        tok = secrets.token_urlsafe(96)
        self._tokens[tok] = _Token(now + self.token_ttl_s)
        self.state.token_fetches += 1
        return {"access_token": tok, "expires_in": int(self.token_ttl_s)}

    async def _token(self, req: web.Request) -> web.Response:
        q = req.query
        if q.get("grant_type") != "client_credential":
            return self._err(40002, "invalid grant_type")
        if q.get("appid") != self.app_id:
            return self._err(40013, "invalid appid")
        if q.get("secret") != self.app_secret:
            return self._err(40125, "invalid appsecret")
        return web.json_response(self._issue())

    async def _stable_token(self, req: web.Request) -> web.Response:
        body = await req.json()
        if body.get("appid") != self.app_id:
            return self._err(40013, "invalid appid")
        if body.get("secret") != self.app_secret:
            return self._err(40125, "invalid appsecret")
        now = self.clock()
        live = [(k, t) for k, t in self._tokens.items() if not t.invalidated and t.expires > now]
        if live and not body.get("force_refresh"):
            k, t = live[-1]
            return web.json_response({"access_token": k, "expires_in": int(t.expires - now)})
        return web.json_response(self._issue())

    async def _check(self, req: web.Request) -> web.Response | None:
        """Token check, then injected errors; None: go on."""
        tok = req.query.get("access_token", "")
        path = req.path
        if self.delays.get(path):
            await req.read()  # the request has fully arrived (and will be acted on): then we are slow
            await asyncio.sleep(self.delays[path])
        if not tok:
            return self._answer(path, 41001, "access_token missing")
        t = self._tokens.get(tok)
        if t is None or t.invalidated:
            return self._answer(path, 40001, "invalid credential, access_token is invalid or not latest")
        if self.clock() >= t.expires:
            return self._answer(path, 42001, "access_token expired")
        queued = self._inject.get(path)
        if queued:
            return self._answer(path, queued.pop(0), "injected")
        return None

    def _answer(self, path: str, code: int, msg: str) -> web.Response:
        self.state.calls.append((path, code))
        return self._err(code, msg)

    async def _custom_send(self, req: web.Request) -> web.Response:
        if (bad := await self._check(req)) is not None:
            return bad
        try:
            body = json.loads(await req.read())
        except ValueError:
            return self._answer(req.path, 47001, "data format error")
        touser, msgtype = body.get("touser", ""), body.get("msgtype", "")
        if msgtype not in ("text", "image", "voice", "video") or not isinstance(body.get(msgtype), dict):
            return self._answer(req.path, 40008, "invalid message type")
        if msgtype == "text" and not body["text"].get("content"):
            return self._answer(req.path, 44003, "empty content")
        if msgtype != "text" and not self._media_alive(body[msgtype].get("media_id", "")):
            return self._answer(req.path, 40007, "invalid media_id")
        w = self._windows.get(touser)
        now = self.clock()
        if w is None or now > w.until or touser in self.unsubscribed:
            return self._answer(req.path, 45015, "response out of time limit or subscription is canceled")
        if w.left == 0:
            return self._answer(req.path, 45047, "out of response count limit")
        if w.left > 0:
            w.left -= 1
        self.state.sent.append(body)
        self.state.calls.append((req.path, 0))
        return self._err(0, "ok")

    async def _template_send(self, req: web.Request) -> web.Response:
        """§1.11: {touser, template_id, url?, miniprogram?, client_msg_id?, data{key:{value}}} → msgid."""
        if (bad := await self._check(req)) is not None:
            return bad
        try:
            body = json.loads(await req.read())
        except ValueError:
            return self._answer(req.path, 47001, "data format error")
        if not isinstance(body, dict):
            return self._answer(req.path, 47001, "data format error")
        touser, template_id, data = body.get("touser", ""), body.get("template_id", ""), body.get("data")
        if not touser:
            return self._answer(req.path, 40003, "invalid openid")
        if template_id not in self.template_ids:
            return self._answer(req.path, 40037, "invalid template_id")
        if not isinstance(data, dict) or not all(isinstance(v, dict) and isinstance(v.get("value"), str)
                                                 for v in data.values()):
            return self._answer(req.path, 47001, "data format error")
        if any(k not in data for k in self.template_ids[template_id]):
            return self._answer(req.path, 47003, "argument invalid! data.keyword is empty")
        if touser in self.unsubscribed:
            return self._answer(req.path, 43004, "require subscribe")
        now = self.clock()
        cmid = str(body.get("client_msg_id", ""))
        if cmid:
            seen = self._client_msg_ids.get((touser, cmid))
            if seen is not None and now - seen[1] < CLIENT_MSG_ID_TTL_S:
                self.state.calls.append((req.path, 0))  # the same send again: same msgid, nothing new
                return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": seen[0]})
        msgid = next(self._msg_ids)
        if cmid:
            self._client_msg_ids[(touser, cmid)] = (msgid, now)
        self.state.templates.append({**body, "msgid": msgid})
        self.state.calls.append((req.path, 0))
        status = "failed:user block" if touser in self.blocking else "success"
        if self.webhook_url and self._client is not None:
            task = asyncio.get_running_loop().create_task(self._finish(touser, msgid, status))
            self._finish_tasks.add(task)
            task.add_done_callback(self._finish_tasks.discard)
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": msgid})

    async def _finish(self, openid: str, msgid: int, status: str) -> None:
        # Like WeChat, the result comes later as an event push (with its own retries).
        await asyncio.sleep(0.05)
        result = await self.push(self.event(openid, "TEMPLATESENDJOBFINISH", MsgID=msgid, Status=status))
        self.state.finish_pushes.append(result)

    def _media_alive(self, media_id: str) -> bool:
        m = self._media.get(media_id)
        return m is not None and self.clock() - m.created < MEDIA_TTL_S

    async def _media_upload(self, req: web.Request) -> web.Response:
        if (bad := await self._check(req)) is not None:
            return bad
        kind = req.query.get("type", "")
        if kind not in ("image", "voice", "video", "thumb"):
            return self._answer(req.path, 40004, "invalid media type")
        post = await req.post()
        part = post.get("media")
        if not isinstance(part, web.FileField):
            return self._answer(req.path, 41005, "media data missing")
        data = part.file.read()
        media_id = self.add_media(data, part.content_type, part.filename)
        self.state.calls.append((req.path, 0))
        return web.json_response({"type": kind, "media_id": media_id, "created_at": int(self.clock())})

    async def _media_get(self, req: web.Request) -> web.StreamResponse:
        if (bad := await self._check(req)) is not None:
            return bad
        media_id = req.query.get("media_id", "")
        if not self._media_alive(media_id):
            return self._answer(req.path, 40007, "invalid media_id")
        m = self._media[media_id]
        self.state.calls.append((req.path, 0))
        return web.Response(body=m.data, content_type=m.content_type,
                            headers={"Content-Disposition": f'attachment; filename="{m.filename}"'})

    # -- pushes ------------------------------------------------------------------------------------

    def _open_window(self, openid: str, *, by_message: bool) -> None:
        now = self.clock()
        if by_message:
            self._windows[openid] = _Window(now, now + self.window_s, self.quota or -1)
            return
        cur = self._windows.get(openid)
        if cur is None or cur.until < now + self.event_window_s or cur.left == 0:
            self._windows[openid] = _Window(now, now + self.event_window_s, self.event_quota or -1)

    def message(self, openid: str, msg_type: str, **extra: str | int) -> dict[str, str | int]:
        """The fields of a customer message (a fresh MsgId), ready for ``push``."""
        return {"ToUserName": self.original_id, "FromUserName": openid, "CreateTime": int(self.clock()),
                "MsgType": msg_type, **extra, "MsgId": next(self._msg_ids)}

    def event(self, openid: str, event: str, **extra: str | int) -> dict[str, str | int]:
        return {"ToUserName": self.original_id, "FromUserName": openid, "CreateTime": int(self.clock()),
                "MsgType": "event", "Event": event, **extra}

    def signed_request(self, fields: dict[str, str | int]) -> tuple[dict[str, str], bytes]:
        """Query and body of one push attempt, signed (and encrypted) for the configured mode."""
        ts, nonce = str(int(self.clock())), str(secrets.randbelow(10 ** 9))
        query = {"signature": sha1_signature(self.token, ts, nonce), "timestamp": ts, "nonce": nonce,
                 "openid": str(fields.get("FromUserName", ""))}
        plain = build_xml(fields)
        if self.mode == "plain":
            return query, plain
        assert self.crypto is not None, "compatible/safe mode needs encoding_aes_key"
        encrypt = self.crypto.encrypt(plain)
        query |= {"encrypt_type": "aes", "msg_signature": self.crypto.signature(ts, nonce, encrypt)}
        envelope: dict[str, str | int] = {"ToUserName": self.original_id}
        if self.mode == "compatible":  # the plaintext fields travel alongside (~3x the size)
            envelope = dict(fields)
        envelope["Encrypt"] = encrypt
        return query, build_xml(envelope)

    async def push(self, fields: dict[str, str | int]) -> PushResult:
        """POST a push like WeChat: wait ``push_timeout_s`` for an answer, retry up to 3 attempts."""
        assert self._client is not None and self.webhook_url, "start() the fake and set webhook_url"
        if fields.get("MsgType") != "event":
            self._open_window(str(fields["FromUserName"]), by_message=True)
        elif str(fields.get("Event", "")).lower() in ("click", "subscribe", "scan"):
            self._open_window(str(fields["FromUserName"]), by_message=False)
        status, body = 0, b""
        for attempt in range(1, self.push_attempts + 1):
            query, data = self.signed_request(fields)
            try:
                async with self._client.post(self.webhook_url, params=query, data=data,
                                             headers={"Content-Type": "text/xml"},
                                             timeout=aiohttp.ClientTimeout(total=self.push_timeout_s)) as resp:
                    status, body = resp.status, await resp.read()
            except (TimeoutError, asyncio.TimeoutError, aiohttp.ClientError) as e:
                log.info("push attempt %d to %s: no answer (%s)", attempt, self.webhook_url, type(e).__name__)
                status, body = 0, b""
                continue
            if status == 200:
                return PushResult(attempt, status, body, True)
        return PushResult(self.push_attempts, status, body, False)
