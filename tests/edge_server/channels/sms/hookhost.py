"""A minimal webhook host for tests: serves WebhookHandlers over real HTTP and records what they yield.

It stands in for the hub's webhooks.py: items are "stored" (appended) before the response goes out.
"""
from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiohttp import web

from edge_server.channels.base import DeliveryUpdate, InboundMessage, WebhookHandler, WebhookRequest


class HookHost:
    def __init__(self, handlers: Sequence[WebhookHandler], *, fail_first: int = 0) -> None:
        self.handlers = {h.path: h for h in handlers}
        self.items: list[InboundMessage | DeliveryUpdate] = []
        self.statuses: list[int] = []
        self.fail_first = fail_first  # answer 500 to this many requests (an edge outage)
        self.changed = asyncio.Event()
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> HookHost:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _serve(self, request: web.Request) -> web.Response:
        handler = self.handlers.get(request.path)
        if handler is None:
            return web.Response(status=404)
        if self.fail_first > 0:
            self.fail_first -= 1
            self.statuses.append(500)
            return web.Response(status=500)
        req = WebhookRequest(method=request.method, path=request.path, query=dict(request.query),
                             headers={k.lower(): v for k, v in request.headers.items()},
                             body=await request.read(), remote=request.remote or "")
        resp, items = handler.handle(req)
        self.items.extend(items)
        self.statuses.append(resp.status)
        self.changed.set()
        return web.Response(status=resp.status, body=resp.body, content_type=resp.content_type.split(";")[0])

    async def wait_items(self, n: int, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.items) < n:
                self.changed.clear()
                await self.changed.wait()
