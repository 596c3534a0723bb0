"""A local WeCom kf platform for tests and the demo (spec §2).

``/cgi-bin/gettoken`` (same token while valid, 42001 after expiry), ``/cgi-bin/kf/sync_msg`` (cursor =
opaque position, pages of ``limit``, 3-day history, callback Token valid 10 min → 95007),
``/cgi-bin/kf/send_msg`` (msgid echoed and idempotent, states 0/1 only, 5 messages per 48 h after
the customer's last message), ``/cgi-bin/kf/service_state/get|trans``, ``/cgi-bin/media/get``.
``customer_writes`` appends a message and POSTs the encrypted ``kf_msg_or_event`` callback with a
timeout and up to 3 attempts. Error codes of the fake that the spec does not fix are marked.
"""
from __future__ import annotations

import asyncio
import base64
import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from edge_server.channels.wechat.crypto import MessageCrypto
from edge_server.channels.wechat.xml import build_xml

HISTORY_S = 3 * 24 * 3600
CALLBACK_TOKEN_S = 600
#: Fake-only codes (the spec does not give WeCom's numbers for these): session state, window, quota.
ERR_STATE, ERR_WINDOW, ERR_QUOTA, ERR_MSG_TOKEN = 95018, 95019, 95020, 95007


@dataclass
class _User:
    state: int = 0
    servicer: str = ""
    last_wrote: float = 0.0
    left: int = 0


@dataclass
class FakeWeComState:
    sent: list[dict[str, Any]] = field(default_factory=list)  # delivered send_msg bodies (once per msgid)
    send_calls: int = 0
    token_fetches: int = 0
    sync_calls: list[dict[str, Any]] = field(default_factory=list)


class FakeWeCom:
    def __init__(self, *, corp_id: str, secret: str, open_kfid: str, token: str, encoding_aes_key: str,
                 webhook_url: str = "", token_ttl_s: float = 7200, quota: int = 5, window_s: float = 48 * 3600,
                 push_timeout_s: float = 5.0, clock: Callable[[], float] = time.time) -> None:
        self.corp_id, self.secret, self.open_kfid = corp_id, secret, open_kfid
        self.crypto = MessageCrypto(token, [encoding_aes_key], corp_id)
        self.webhook_url = webhook_url
        self.token_ttl_s, self.quota, self.window_s = token_ttl_s, quota, window_s
        self.push_timeout_s = push_timeout_s
        self.clock = clock
        self.state = FakeWeComState()
        self.users: dict[str, _User] = {}
        self.messages: list[dict[str, Any]] = []  # every customer message/event, in order
        self.media: dict[str, tuple[bytes, str, str]] = {}
        self._by_msgid: dict[str, dict[str, Any]] = {}
        self._token: tuple[str, float] | None = None
        self._cb_tokens: dict[str, float] = {}
        self._ids = itertools.count(1)
        self.inject: dict[str, list[int]] = {}
        self.delays: dict[str, float] = {}
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.url = ""
        self.app = web.Application()
        for path, handler in (("/cgi-bin/kf/sync_msg", self._sync), ("/cgi-bin/kf/send_msg", self._send),
                              ("/cgi-bin/kf/service_state/get", self._state_get),
                              ("/cgi-bin/kf/service_state/trans", self._state_trans)):
            self.app.router.add_post(path, handler)
        self.app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        self.app.router.add_get("/cgi-bin/media/get", self._media_get)

    async def __aenter__(self) -> FakeWeCom:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        self._client = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- customer side -----------------------------------------------------------------------------

    def add_message(self, external_userid: str, msgtype: str, body: dict[str, Any], *, origin: int = 3) -> str:
        msgid = f"fakemsg{next(self._ids):06d}"
        now = self.clock()
        self.messages.append({"msgid": msgid, "open_kfid": self.open_kfid, "external_userid": external_userid,
                              "send_time": int(now), "origin": origin, "msgtype": msgtype, msgtype: body})
        if origin == 3:
            u = self.users.setdefault(external_userid, _User())
            u.last_wrote, u.left = now, self.quota
            if u.state == 4:
                u.state = 0  # a new customer message after the end starts a new session
        return msgid

    def add_media(self, data: bytes, content_type: str, filename: str) -> str:
        media_id = "fm" + secrets.token_hex(8)
        self.media[media_id] = (data, content_type, filename)
        return media_id

    async def callback(self, attempts: int = 3) -> int:
        """POST the encrypted kf_msg_or_event callback; returns the attempts used (0: never answered)."""
        assert self._client is not None and self.webhook_url
        cb_token = "cbtok" + secrets.token_hex(8)
        self._cb_tokens[cb_token] = self.clock() + CALLBACK_TOKEN_S
        plain = build_xml({"ToUserName": self.corp_id, "CreateTime": int(self.clock()), "MsgType": "event",
                           "Event": "kf_msg_or_event", "Token": cb_token, "OpenKfId": self.open_kfid})
        for attempt in range(1, attempts + 1):
            ts, nonce = str(int(self.clock())), str(secrets.randbelow(10 ** 9))
            enc = self.crypto.encrypt(plain)
            q = {"msg_signature": self.crypto.signature(ts, nonce, enc), "timestamp": ts, "nonce": nonce}
            body = build_xml({"ToUserName": self.corp_id, "AgentID": "", "Encrypt": enc})
            try:
                async with self._client.post(self.webhook_url, params=q, data=body,
                                             timeout=aiohttp.ClientTimeout(total=self.push_timeout_s)) as r:
                    if r.status == 200:
                        return attempt
            except (TimeoutError, asyncio.TimeoutError, aiohttp.ClientError):
                continue
        return 0

    async def customer_writes(self, external_userid: str, text: str) -> str:
        msgid = self.add_message(external_userid, "text", {"content": text})
        await self.callback()
        return msgid

    def url_check_query(self, echo: str) -> dict[str, str]:
        ts, nonce = str(int(self.clock())), "1234"
        enc = self.crypto.encrypt(echo.encode())
        return {"msg_signature": self.crypto.signature(ts, nonce, enc), "timestamp": ts, "nonce": nonce,
                "echostr": enc}

    # -- API ---------------------------------------------------------------------------------------

    @staticmethod
    def _err(code: int, msg: str, **extra: Any) -> web.Response:
        return web.json_response({"errcode": code, "errmsg": msg, **extra})

    async def _gettoken(self, req: web.Request) -> web.Response:
        if req.query.get("corpid") != self.corp_id:
            return self._err(40013, "invalid corpid")
        if req.query.get("corpsecret") != self.secret:
            return self._err(40001, "invalid secret")
        now = self.clock()
        if self._token is None or now >= self._token[1]:  # the same token while it is valid
            self._token = (base64.urlsafe_b64encode(secrets.token_bytes(48)).decode(), now + self.token_ttl_s)
            self.state.token_fetches += 1
        return self._err(0, "ok", access_token=self._token[0], expires_in=int(self._token[1] - now))

    async def _check(self, req: web.Request) -> tuple[dict[str, Any], web.Response | None]:
        body: dict[str, Any] = json.loads(await req.read() or b"{}") if req.method == "POST" else {}
        if self.delays.get(req.path):
            await asyncio.sleep(self.delays[req.path])
        tok = req.query.get("access_token", "")
        if self._token is None or tok != self._token[0]:
            return body, self._err(40014, "invalid access_token")
        if self.clock() >= self._token[1]:
            return body, self._err(42001, "access_token expired")
        if self.inject.get(req.path):
            return body, self._err(self.inject[req.path].pop(0), "injected")
        return body, None

    async def _sync(self, req: web.Request) -> web.Response:
        body, bad = await self._check(req)
        self.state.sync_calls.append(body)
        if bad is not None:
            return bad
        cb = body.get("token", "")
        if cb and self._cb_tokens.get(cb, 0) < self.clock():
            return self._err(ERR_MSG_TOKEN, "invalid msg token")
        start = int(body["cursor"]) if body.get("cursor") else 0
        limit = min(int(body.get("limit", 1000) or 1000), 1000)
        horizon = self.clock() - HISTORY_S
        page = [m for m in self.messages[start:start + limit] if m["send_time"] >= horizon]
        end = min(start + limit, len(self.messages))
        if body.get("open_kfid"):
            page = [m for m in page if m["open_kfid"] == body["open_kfid"]]
        return self._err(0, "ok", next_cursor=str(end), has_more=int(end < len(self.messages)), msg_list=page)

    async def _send(self, req: web.Request) -> web.Response:
        body, bad = await self._check(req)
        self.state.send_calls += 1
        if bad is not None:
            return bad
        msgid = body.get("msgid") or f"auto{next(self._ids)}"
        if msgid in self._by_msgid:  # the same msgid again: already delivered, answer the same
            return self._err(0, "ok", msgid=msgid)
        u = self.users.get(body.get("touser", ""))
        if u is None or self.clock() > u.last_wrote + self.window_s:
            return self._err(ERR_WINDOW, "fake: out of the 48 h session")
        if u.state not in (0, 1):
            return self._err(ERR_STATE, "fake: not allowed in this session state")
        if u.left <= 0:
            return self._err(ERR_QUOTA, "fake: send count over limit")
        u.left -= 1
        self._by_msgid[msgid] = body
        self.state.sent.append(body)
        return self._err(0, "ok", msgid=msgid)

    async def _state_get(self, req: web.Request) -> web.Response:
        body, bad = await self._check(req)
        if bad is not None:
            return bad
        u = self.users.get(body.get("external_userid", ""), _User(state=4))
        return self._err(0, "ok", service_state=u.state, servicer_userid=u.servicer)

    async def _state_trans(self, req: web.Request) -> web.Response:
        body, bad = await self._check(req)
        if bad is not None:
            return bad
        u = self.users.setdefault(body.get("external_userid", ""), _User())
        new = int(body.get("service_state", -1))
        if new not in (0, 1, 2, 3) or (new == 3 and not body.get("servicer_userid")):
            return self._err(95016, "invalid service_state transition")
        u.state, u.servicer = new, str(body.get("servicer_userid", ""))
        return self._err(0, "ok")

    async def _media_get(self, req: web.Request) -> web.Response:
        _, bad = await self._check(req)
        if bad is not None:
            return bad
        m = self.media.get(req.query.get("media_id", ""))
        if m is None:
            return self._err(40007, "invalid media_id")
        return web.Response(body=m[0], content_type=m[1],
                            headers={"Content-Disposition": f'attachment; filename="{m[2]}"'})
