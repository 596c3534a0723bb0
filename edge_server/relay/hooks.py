"""The platforms' push endpoints on aiohttp: verify (the handler), log durably, then answer.

The answer is the acknowledgement: a platform that gets 200 never pushes that message again, so
it is sent only after the items are on disk (``RelayLog.append`` returns after ``fdatasync``).
A handler that refuses the request (bad signature) produces no items, so nothing is logged.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from types import TracebackType

from aiohttp import web

from edge_server.channels.base import WebhookHandler, WebhookRequest
from edge_server.relay.log import RelayLog, RelayLogError

log = logging.getLogger("sb.relay")

#: Platform pushes are small (WeChat XML, JSON receipts); anything larger is not one of them.
MAX_BODY_BYTES = 1024 * 1024


class WebhookHost:
    """``async with WebhookHost(handlers, log, host, port) as host``; ``host.url`` is where it listens."""

    def __init__(self, handlers: Sequence[WebhookHandler], relay_log: RelayLog, host: str, port: int) -> None:
        self._handlers: dict[str, WebhookHandler] = {}
        for h in handlers:
            if h.path in self._handlers:
                raise ValueError(f"two webhook handlers for {h.path}: {h.channel}/{h.account} and "
                                 f"{self._handlers[h.path].channel}/{self._handlers[h.path].account}")
            self._handlers[h.path] = h
        self._log = relay_log
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> WebhookHost:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        for path, handler in self._handlers.items():
            app.router.add_route("*", path, self._endpoint(handler))
        app.router.add_get("/healthz", self._health)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        try:
            await site.start()
        except OSError as e:
            await self._runner.cleanup()
            self._runner = None
            raise OSError(f"the relay cannot listen for platform pushes on {self._host}:{self._port}: {e}") from e
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        log.info("relay accepting platform pushes on %s for %s", self.url, ", ".join(self._handlers) or "nothing")
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _health(self, request: web.Request) -> web.Response:
        s = self._log.stats()
        return web.json_response({"durable_seq": s["durable_seq"], "acked_seq": s["acked_seq"]})

    def _endpoint(self, handler: WebhookHandler):  # noqa: ANN202 - aiohttp handler
        async def serve(request: web.Request) -> web.StreamResponse:
            body = await request.read()
            req = WebhookRequest(method=request.method, path=request.path, query=dict(request.query),
                                 headers={k.lower(): v for k, v in request.headers.items()}, body=body,
                                 remote=request.remote or "")
            try:
                resp, items = handler.handle(req)
            except Exception:
                # Our bug, not the platform's: log it whole; 500 makes the platform retry later.
                log.exception("webhook handler %s/%s failed on a push", handler.channel, handler.account)
                return web.Response(status=500, text="internal error")
            if items:
                try:
                    await self._log.append(items)
                except RelayLogError as e:
                    log.error("push to %s not stored, answering 503 so the platform retries: %s", request.path, e)
                    return web.Response(status=503, text="temporarily unavailable")
            return web.Response(status=resp.status, body=resp.body, headers={"Content-Type": resp.content_type})

        return serve
