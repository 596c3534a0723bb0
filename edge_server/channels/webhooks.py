"""The edge's webhook host: platform pushes (behind the site's reverse proxy) into the channel hub.

Each adapter's ``WebhookHandler`` verifies and parses a push; the host hands the items to the
hub and awaits them (durable), and only then answers: the answer is the platform's
acknowledgement, so a crash before it makes the platform retry, and the hub de-duplicates.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

from aiohttp import web

from edge_server.channels.base import ChannelInbox, DeliveryUpdate, InboundMessage, WebhookHandler, WebhookRequest

log = logging.getLogger("sb.channels.webhooks")

#: Platform pushes are small (WeChat XML, receipts); anything larger is not one of them.
MAX_BODY = 1 << 20


class WebhookServer:
    """``async with WebhookServer(handlers, inbox, host, port) as srv``; ``srv.port`` is the bound port."""

    def __init__(self, handlers: Sequence[WebhookHandler], inbox: ChannelInbox, host: str, port: int) -> None:
        self._handlers: dict[str, WebhookHandler] = {}
        for h in handlers:
            if h.path in self._handlers:
                raise ValueError(f"two webhook handlers for {h.path}")
            self._handlers[h.path] = h
        self._inbox = inbox
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.served = 0

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    async def __aenter__(self) -> WebhookServer:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/{tail:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        try:
            await site.start()
        except OSError as e:
            await self._runner.cleanup()
            raise OSError(f"channels.webhook_host/port {self._host}:{self._port} cannot be bound: {e}") from e
        sockets = getattr(site._server, "sockets", None) or []  # noqa: SLF001 - the port picked for port 0
        self.port = sockets[0].getsockname()[1] if sockets else self._port
        log.info("webhooks on %s: %s", self.base_url, ", ".join(sorted(self._handlers)) or "none")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        handler = self._handlers.get(request.path)
        if handler is None:
            return web.Response(status=404, text="no such hook")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            log.warning("webhook %s: body over %d bytes refused", request.path, MAX_BODY)
            return web.Response(status=413, text="too large")
        req = WebhookRequest(method=request.method, path=request.path, query=dict(request.query),
                             headers={k.lower(): v for k, v in request.headers.items()}, body=body,
                             remote=request.remote or "")
        try:
            resp, items = handler.handle(req)
            for item in items:  # durable before the platform hears "ok"
                if isinstance(item, InboundMessage):
                    await self._inbox.receive(item)
                elif isinstance(item, DeliveryUpdate):
                    await self._inbox.delivery(item)
        except Exception:
            # No answer but 500: the platform retries, and the hub de-duplicates what was stored.
            log.exception("webhook %s (%s/%s) failed", request.path, handler.channel, handler.account)
            return web.Response(status=500, text="error")
        self.served += 1
        return web.Response(status=resp.status, body=resp.body, headers={"Content-Type": resp.content_type})
