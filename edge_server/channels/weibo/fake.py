"""A local Weibo fans-service platform for tests and the demo (channels.md §3).

Pushes signed messages to the edge (5 s timeout, retried up to 3 times until an HTTP 200), runs the URL
check, and serves ``POST /2/messages/reply.json`` with token checks and the reply window (48 h unlimited,
or N replies within 72 h) on its own clock so tests can move time.

Media: ``media_message`` stores a file and pushes an image / voice message naming it by ``vfid`` / ``tovfid``
in ``data`` (channels.md §3, unverified field names); ``GET /2/mss/msget?access_token=&fid=`` answers the
bytes. That download call is not in the spec — it follows the old fans-service wiki as remembered and is
**unverified**, like the error code for an unknown file (10008, Weibo's generic parameter error).
"""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from edge_server.channels.weibo import sign
from edge_server.channels.weibo.adapter import WINDOW_CLOSED

log = logging.getLogger("sb.channels.weibo.fake")


class FakeWeibo:
    def __init__(self, *, app_secret: str, access_token: str, our_uid: int = 5000000001, window_h: int = 48,
                 replies_per_window: int = 0, push_timeout_s: float = 5.0, push_tries: int = 3,
                 clock: Callable[[], float] = time.time) -> None:
        self.app_secret = app_secret
        self.access_token = access_token
        self.our_uid = our_uid
        self.window_s = window_h * 3600
        self.replies_per_window = replies_per_window
        self.push_timeout_s = push_timeout_s
        self.push_tries = push_tries
        self.clock = clock
        self.replies: list[dict[str, Any]] = []  # accepted replies: receiver_id, text
        self.errors: list[int] = []
        self._opened: dict[str, float] = {}
        self._count: dict[str, int] = {}
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.app = web.Application()
        self.media: dict[str, tuple[bytes, str]] = {}  # file id → (bytes, content type)
        self.media_gets: list[str] = []  # file ids asked for, in order
        self.media_fail: int = 0  # the next N downloads drop the connection (a flaky network)
        self.app.router.add_post("/2/messages/reply.json", self._reply)
        self.app.router.add_get("/2/mss/msget", self._msget)

    async def __aenter__(self) -> FakeWeibo:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        self._client = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def _signed_query(self) -> dict[str, str]:
        ts, nonce = str(int(self.clock() * 1000)), str(secrets.randbelow(10**8))  # ms timestamps [S21a]
        return {"signature": sign.signature(self.app_secret, ts, nonce), "timestamp": ts, "nonce": nonce}

    async def verify_url(self, url: str) -> bool:
        """The console's URL check: the edge must echo ``echostr``."""
        assert self._client is not None
        echostr = secrets.token_hex(8)
        async with self._client.get(url, params=self._signed_query() | {"echostr": echostr}) as resp:
            return resp.status == 200 and await resp.text() == echostr

    def message(self, sender_id: int, text: str = "", *, type: str = "text", data: dict[str, Any] | None = None,
                created: float | None = None) -> dict[str, Any]:
        t = self.clock() if created is None else created
        return {"type": type, "receiver_id": self.our_uid, "sender_id": sender_id,
                "created_at": time.strftime("%a %b %d %H:%M:%S +0800 %Y", time.gmtime(t + 8 * 3600)),
                "text": text, "data": data or {}}

    def media_message(self, sender_id: int, data: bytes, content_type: str, *, type: str = "image",
                      text: str = "") -> dict[str, Any]:
        """An image / voice private message whose file the edge downloads by ``tovfid``."""
        vfid, tovfid = str(secrets.randbelow(10**15)), str(secrets.randbelow(10**15))
        self.media[tovfid] = (data, content_type)
        self.media[vfid] = (data, content_type)
        return self.message(sender_id, text, type=type, data={"vfid": int(vfid), "tovfid": int(tovfid)})

    async def _msget(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("access_token") != self.access_token:
            self.errors.append(21332)
            return web.json_response({"error": "invalid_access_token", "error_code": 21332,
                                      "request": "/2/mss/msget"}, status=401)
        fid = request.query.get("fid", "")
        self.media_gets.append(fid)
        if self.media_fail > 0:
            self.media_fail -= 1
            assert request.transport is not None
            request.transport.close()  # the connection drops before an answer
            return web.Response(status=500)
        found = self.media.get(fid)
        if found is None:
            self.errors.append(10008)
            return web.json_response({"error": "file not found", "error_code": 10008, "request": "/2/mss/msget"},
                                     status=400)
        data, ctype = found
        return web.Response(body=data, content_type=ctype)

    async def push(self, url: str, msg: dict[str, Any], *, secret: str | None = None) -> int:
        """POST a push as Weibo does; returns the attempt that got an HTTP 200, or raises TimeoutError."""
        assert self._client is not None
        sender = str(msg["sender_id"])
        if msg["type"] != "event" or msg.get("data", {}).get("subtype") in ("follow", "subscribe", "click"):
            self._opened[sender] = self.clock()
            self._count[sender] = 0
        body = json.dumps(msg, ensure_ascii=False).encode()
        for attempt in range(1, self.push_tries + 1):
            query = self._signed_query()
            if secret is not None:  # a forger who does not know the secret
                query["signature"] = sign.signature(secret, query["timestamp"], query["nonce"])
            try:
                async with self._client.post(url, params=query, data=body,
                                             headers={"Content-Type": "application/json"},
                                             timeout=aiohttp.ClientTimeout(total=self.push_timeout_s)) as resp:
                    await resp.read()
                    if resp.status == 200:
                        return attempt
            except (aiohttp.ClientError, asyncio.TimeoutError) as e:
                log.info("weibo push attempt %d failed: %s", attempt, e)
        raise TimeoutError(f"push not acknowledged after {self.push_tries} attempts")

    async def _reply(self, request: web.Request) -> web.Response:
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}

        def error(code: int, text: str, status: int = 400) -> web.Response:
            self.errors.append(code)
            return web.json_response({"error": text, "error_code": code, "request": "/2/messages/reply.json"},
                                     status=status)

        if form.get("access_token") != self.access_token:
            return error(21332, "invalid_access_token", 401)
        uid = form.get("receiver_id", "")
        opened = self._opened.get(uid)
        if opened is None or self.clock() - opened > self.window_s:
            return error(WINDOW_CLOSED, "reply window closed")
        if self.replies_per_window and self._count.get(uid, 0) >= self.replies_per_window:
            return error(WINDOW_CLOSED, "reply count over limit")
        if form.get("type") != "text":
            return error(10008, "param type error")
        try:
            data = json.loads(urllib.parse.unquote(form.get("data", "")))
            text = str(data["text"])
        except (ValueError, KeyError, TypeError):
            return error(10008, "param data error")
        self._count[uid] = self._count.get(uid, 0) + 1
        msg_id = secrets.randbelow(10**16)
        self.replies.append({"receiver_id": uid, "text": text, "id": msg_id})
        return web.json_response({"id": msg_id, "idstr": str(msg_id), "text": text, "sender_id": self.our_uid,
                                  "recipient_id": int(uid), "created_at": time.strftime(
                                      "%a %b %d %H:%M:%S +0800 %Y", time.gmtime(self.clock() + 28800))})
