"""A stand-in for the channel hub: a durable inbox and a webhook host that serves WebhookHandlers.

The inbox keeps what the hub keeps (messages de-duplicated on (channel, account, external_id),
receipts, cursors in a JSON file written before ``set_cursor`` returns) so tests can check exactly
what an adapter hands the edge. The host does what the hub's HTTP side does: request → handler →
``enrich`` → ``receive`` → answer, in that order.
"""
from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from aiohttp import web

from edge_server.channels.base import (DeliveryUpdate, InboundMessage, WebhookHandler, WebhookRequest)

Enrich = Callable[[InboundMessage], Awaitable[InboundMessage]]


class MemoryInbox:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.messages: list[InboundMessage] = []
        self.receipts: list[DeliveryUpdate] = []
        self._seen: set[tuple[str, str, str]] = set()
        self._cursor_file = root / "cursors.json"
        self._cursors: dict[str, str] = (json.loads(self._cursor_file.read_text())
                                         if self._cursor_file.exists() else {})
        self.received = asyncio.Event()

    async def receive(self, msg: InboundMessage) -> None:
        key = (msg.channel, msg.account, msg.external_id)
        if key in self._seen:
            return
        self._seen.add(key)
        self.messages.append(msg)
        self.received.set()

    async def delivery(self, update: DeliveryUpdate) -> None:
        self.receipts.append(update)

    def cursor(self, key: str) -> str:
        return self._cursors.get(key, "")

    async def set_cursor(self, key: str, value: str) -> None:
        self._cursors[key] = value
        tmp = self._cursor_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._cursors))
        os.replace(tmp, self._cursor_file)

    def attachment_dir(self) -> Path:
        return self.root / "attachments"

    async def wait_for(self, n: int, timeout: float = 5.0) -> list[InboundMessage]:
        async def until() -> None:
            while len(self.messages) < n:
                self.received.clear()
                await self.received.wait()
        await asyncio.wait_for(until(), timeout)
        return self.messages


class WebhookHost:
    """aiohttp server for handlers on 127.0.0.1:0. ``stall`` makes the first N requests hang
    ``stall_s`` before storing (a slow edge), so the platform's retries can be observed."""

    def __init__(self, handlers: Sequence[WebhookHandler], inbox: MemoryInbox, enrich: Enrich | None = None) -> None:
        self.handlers = {h.path: h for h in handlers}
        self.inbox = inbox
        self.enrich = enrich
        self.requests = 0
        self.stall = 0
        self.stall_s = 0.0
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> WebhookHost:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _serve(self, request: web.Request) -> web.Response:
        handler = self.handlers.get(request.path)
        if handler is None:
            return web.Response(status=404)
        self.requests += 1
        if self.requests <= self.stall:
            await asyncio.sleep(self.stall_s)
        req = WebhookRequest(method=request.method, path=request.path, query=dict(request.query),
                             headers={k.lower(): v for k, v in request.headers.items()},
                             body=await request.read(), remote=request.remote or "")
        resp, items = handler.handle(req)
        for item in items:
            if isinstance(item, DeliveryUpdate):
                await self.inbox.delivery(item)
            else:
                await self.inbox.receive(await self.enrich(item) if self.enrich else item)
        return web.Response(status=resp.status, body=resp.body,
                            headers={"Content-Type": resp.content_type})
