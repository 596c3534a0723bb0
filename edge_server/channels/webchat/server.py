"""The web chat HTTP + WebSocket server (aiohttp), registered as the interactions' "chat" channel.

``async with WebchatServer(cfg, interactions, data_dir=..., site_name=...) as chat``
binds, serves the widget files, ``/widget/ws``, uploads and attachments, and on
exit closes every visitor socket and stops within a bounded time.
"""
from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from pathlib import Path


from aiohttp import WSCloseCode, WSMsgType, web

from edge_server.channels.webchat import protocol as p
from edge_server.channels.webchat.hub import Conn, Hub
from edge_server.channels.webchat.ports import InteractionsPort
from edge_server.channels.webchat.session import CHANNEL, Session
from edge_server.channels.webchat.static_files import StaticFiles
from edge_server.channels.webchat.tokens import TokenSigner, load_or_create_secret
from edge_server.channels.webchat.uploads import UploadRoutes
from edge_server.config import InteractionsSection, WebchatSection
from edge_server.contract.errors import ErrorCode

log = logging.getLogger("sb.webchat")

#: aiohttp itself refuses frames above this (close 1009 without a frame); below it, frames larger
#: than cfg.max_frame_bytes get an error frame first. Bounds the memory one socket can make us hold.
_HARD_FRAME_FACTOR = 16
_SHUTDOWN_S = 3.0
#: A visitor without a tab is kept this long, so coming back still shows the end and the rating form.
_VISITOR_IDLE_S = 3600.0


class WebchatServer:
    def __init__(self, cfg: WebchatSection, interactions: InteractionsPort, *, data_dir: Path, site_name: str,
                 limits: InteractionsSection | None = None, queue: str = "") -> None:
        """``queue``: where chats go when ``cfg.queue`` is empty (app.py passes the first "chat" queue)."""
        self.cfg = cfg
        self.interactions = interactions
        self.data_dir = data_dir
        self.site_name = site_name
        self.limits = limits or InteractionsSection()
        self.queue = cfg.queue or queue
        self.entry = "default"  # the entry point a flow binding names (EntryKind.WEBCHAT, "default")
        if not self.queue:
            raise ValueError("[webchat] queue is empty and no chat queue was given")
        self.prechat = p.PrechatFields(name=cfg.prechat_name, email=cfg.prechat_email, phone=cfg.prechat_phone)
        for key in ("name", "email", "phone"):
            if getattr(self.prechat, key) not in ("required", "optional", "hidden"):
                raise ValueError(f"[webchat] prechat_{key} must be required, optional or hidden")
        self.limits_frame = p.Limits(max_attachment_bytes=self.limits.max_attachment_bytes,
                                     attachment_types=list(self.limits.attachment_types),
                                     max_message_chars=self.limits.max_message_chars)
        self.hub = Hub(on_presence=self._presence)
        self.signer: TokenSigner = TokenSigner(b"")
        self.base_url = ""
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._conns: set[Conn] = set()
        self._static = StaticFiles()
        self._sweeper: asyncio.Task[None] | None = None

    def title(self, lang: str) -> str:
        return self.cfg.title_zh if lang.lower().startswith("zh") else self.cfg.title

    def _presence(self, interaction_id: str, online: bool) -> None:
        self.interactions.customer_presence(interaction_id, online)

    # --- lifecycle ---------------------------------------------------------------------

    async def __aenter__(self) -> WebchatServer:
        self.signer = TokenSigner(load_or_create_secret(self.data_dir / "keys"))
        self.interactions.register_channel(CHANNEL, self.hub)
        app = web.Application(client_max_size=self.limits.max_attachment_bytes + 64 * 1024)
        uploads = UploadRoutes(self)
        app.router.add_get("/widget/ws", self._ws)
        app.router.add_get("/widget/test.html", self._test_page)
        app.router.add_post("/widget/upload", uploads.upload)
        app.router.add_get("/widget/attachment/{attachment_id}", uploads.download)
        app.router.add_get("/widget/{name}", self._static_file)
        app.router.add_get("/", self._root)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=_SHUTDOWN_S)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.cfg.host, self.cfg.port)
            await site.start()
        except OSError as e:
            await runner.cleanup()
            raise OSError(e.errno, f"web chat cannot listen on {self.cfg.host}:{self.cfg.port}: {e.strerror}") from e
        self._runner = runner
        self._sweeper = asyncio.create_task(self._sweep(), name="webchat-sweep")
        self.port = runner.addresses[0][1]
        host = self.cfg.host if self.cfg.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
        self.base_url = f"http://{host}:{self.port}"
        log.info("web chat serving %s (queue %s)", self.base_url, self.queue)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for conn in list(self._conns):
            conn.close(WSCloseCode.GOING_AWAY, "server shutting down")
        if self._runner is not None:
            try:
                await asyncio.wait_for(self._runner.cleanup(), _SHUTDOWN_S * 2)
            except TimeoutError:
                log.warning("web chat did not stop within %.0f s", _SHUTDOWN_S * 2)
            self._runner = None
        log.info("web chat stopped")

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(60)
            if n := self.hub.sweep(_VISITOR_IDLE_S):
                log.debug("forgot %d idle visitors", n)

    @property
    def test_page_url(self) -> str:
        return f"{self.base_url}/widget/test.html"

    # --- HTTP ----------------------------------------------------------------------------

    async def _root(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/widget/test.html")

    async def _static_file(self, request: web.Request) -> web.StreamResponse:
        found = self._static.get(request.match_info["name"])
        if found is None:
            raise web.HTTPNotFound()
        body, ctype = found
        headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
                   "Referrer-Policy": "no-referrer"}
        if request.match_info["name"] == "frame.html":
            ancestors = " ".join(self.cfg.allowed_origins) if self.cfg.allowed_origins else "*"
            headers["Content-Security-Policy"] = (
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                f"connect-src 'self' ws: wss:; frame-ancestors {ancestors}")
        return web.Response(body=body, content_type=ctype, charset="utf-8", headers=headers)

    async def _test_page(self, request: web.Request) -> web.StreamResponse:
        # Query keys become data-* attributes of the embed tag (tests: ?lang=zh&user_id=..&user_hash=..).
        attrs = "".join(f' data-{k.replace("_", "-")}="{html.escape(request.query[k])}"'
                        for k in ("user_id", "user_hash", "name", "email", "lang") if request.query.get(k))
        page = self._static.test_page(html.escape(self.site_name), attrs)
        return web.Response(text=page, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "no-cache"})

    # --- WebSocket -----------------------------------------------------------------------

    def _origin_allowed(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin", "")
        if not origin or not self.cfg.allowed_origins:
            return True
        if origin.split("://", 1)[-1] == request.host:
            return True  # the widget's own frame: same origin as the edge
        return origin in self.cfg.allowed_origins

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        if not self._origin_allowed(request):
            log.warning("web chat socket refused for origin %r", request.headers.get("Origin"))
            raise web.HTTPForbidden(text="origin not allowed")
        max_frame = self.cfg.max_frame_bytes
        ws = web.WebSocketResponse(max_msg_size=max(max_frame * _HARD_FRAME_FACTOR, 1 << 20), compress=False,
                                   autoping=True)
        await ws.prepare(request)
        conn = Conn(request.remote or "?")
        session = Session(self, conn)
        self._conns.add(conn)
        writer = asyncio.create_task(self._writer(ws, conn), name="webchat-writer")
        beat = asyncio.create_task(self._heartbeat(conn), name="webchat-heartbeat")
        try:
            async for msg in ws:
                conn.last_rx = time.monotonic()
                if msg.type == WSMsgType.TEXT:
                    data: str = msg.data
                    if len(data) > max_frame or len(data.encode("utf-8")) > max_frame:
                        conn.push(p.ErrorOut(code=ErrorCode.TOO_LARGE.value,
                                             message=f"frame larger than {max_frame} bytes"))
                        conn.close(WSCloseCode.MESSAGE_TOO_BIG, "frame too large")
                        break
                    await session.handle_text(data)
                elif msg.type == WSMsgType.BINARY:
                    conn.push(p.ErrorOut(code=ErrorCode.MALFORMED.value, message="JSON text frames only"))
                elif msg.type == WSMsgType.ERROR:
                    log.info("visitor socket %s error: %s", conn.remote, ws.exception() or msg.data)
                    break
        finally:
            self.hub.detach(conn)
            conn.close()
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            try:
                await asyncio.wait_for(writer, _SHUTDOWN_S)
            except TimeoutError:
                log.warning("visitor socket %s writer did not finish", conn.remote)
            self._conns.discard(conn)
        return ws

    async def _writer(self, ws: web.WebSocketResponse, conn: Conn) -> None:
        try:
            while True:
                item = await conn.out.get()
                if item is None:
                    break
                await ws.send_str(item)
        except ConnectionError as e:
            log.debug("visitor socket %s gone while writing: %s", conn.remote, e)
        finally:
            conn.closing = True
            if not ws.closed:
                with contextlib.suppress(ConnectionError):
                    await ws.close(code=conn.close_code, message=conn.close_reason.encode("utf-8"))

    async def _heartbeat(self, conn: Conn) -> None:
        hb = self.cfg.heartbeat_s
        ping = p.encode(p.Ping())
        while True:
            await asyncio.sleep(hb)
            if time.monotonic() - conn.last_rx > 2 * hb:
                v = conn.visitor
                log.info("visitor socket %s (%s) silent for 2 heartbeats: closing", conn.remote,
                         v.visitor_id if v else "no hello")
                # Detach now so the visitor is marked offline even if the socket never finishes closing.
                self.hub.detach(conn)
                conn.close(WSCloseCode.GOING_AWAY, "heartbeat timeout")
                return
            conn.push(ping)


