"""The relay's composition root: durable log, then the edge feed, then the platforms' endpoints.

Started in that order so no push is acknowledged before the log can take it, and stopped in
reverse so the last acknowledged pushes are on disk before the log closes.
"""
from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from edge_server.bus import keys as bus_keys
from edge_server.bus.keys import ServerKeys
from edge_server.channels.base import WebhookHandler
from edge_server.config import ChannelsSection
from edge_server.relay.config import RelayConfig
from edge_server.relay.egress import EgressPerformer
from edge_server.relay.feed import EdgeFeed
from edge_server.relay.hooks import WebhookHost
from edge_server.relay.log import RelayLog
from edge_server.relay.paths import RelayPaths

log = logging.getLogger("sb.relay")

#: Printed (with the addresses) once the relay takes pushes; tests and supervisors wait for it.
READY_MARKER = "switchboard relay ready"

HandlerFactory = Callable[[ChannelsSection, Path], Sequence[WebhookHandler]]


def load_handler_factory(spec: str) -> HandlerFactory:
    """``package.module:function`` -> the function that builds the webhook handlers."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ValueError(f"relay.handlers must be 'module:function', got {spec!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise ValueError(f"relay.handlers: cannot import {module_name!r}: {e}") from e
    try:
        factory: HandlerFactory = getattr(module, attr)
    except AttributeError as e:
        raise ValueError(f"relay.handlers: {module_name} has no {attr!r}") from e
    return factory


class RelayServer:
    """``async with RelayServer(cfg, handlers) as relay``: takes pushes and feeds the edge until exit."""

    def __init__(self, cfg: RelayConfig, handlers: Sequence[WebhookHandler], *, keys: ServerKeys | None = None) -> None:
        self.cfg = cfg
        self.paths = RelayPaths(cfg.data_path)
        self._handlers = list(handlers)
        self._keys = keys
        self._stack = contextlib.AsyncExitStack()
        self.log: RelayLog | None = None
        self.feed: EdgeFeed | None = None
        self.hooks: WebhookHost | None = None
        self.egress: EgressPerformer | None = None

    async def __aenter__(self) -> RelayServer:
        r = self.cfg.relay
        await self._stack.__aenter__()
        try:
            self.paths.ensure()
            keys = self._keys
            if r.curve and keys is None:
                keys = bus_keys.load_keypair(self.paths.server_secret)
            log.info("relay starting: data %s", self.paths.root)
            self.log = await self._stack.enter_async_context(
                RelayLog(self.paths.root, fsync=r.fsync, segment_bytes=r.segment_bytes))
            if r.egress_allow:
                self.egress = await self._stack.enter_async_context(
                    EgressPerformer(r.egress_allow, source_address=r.egress_source))
            self.feed = await self._stack.enter_async_context(
                EdgeFeed(self.log, r.link_endpoint, keys if r.curve else None, self.paths.edges_dir,
                         heartbeat_s=r.heartbeat_s, egress=self.egress))
            self.hooks = await self._stack.enter_async_context(
                WebhookHost(self._handlers, self.log, r.http_host, r.http_port))
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._stack.aclose()
        log.info("relay stopped")

    def ready_line(self) -> str:
        assert self.hooks is not None and self.feed is not None
        return f"{READY_MARKER} http={self.hooks.url} link={self.feed.address}"
