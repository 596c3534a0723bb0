"""Composition root of the edge server: builds every service in order and tears down in reverse."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from edge_server.agents.directory import Directory
from edge_server.agents.service import AgentService
from edge_server.bus import keys as bus_keys
from edge_server.bus.keys import ServerKeys
from edge_server.bus.server import BusServer
from edge_server.channels.hub import ChannelHub
from edge_server.channels.registry import CHANNELS, ChannelConfigError, Factory
from edge_server.channels.webchat import WebchatServer
from edge_server.config import EdgeConfig
from edge_server.flows.designs import DesignService
from edge_server.flows.host import FlowHost
from edge_server.interactions.customers import CustomerService
from edge_server.interactions.service import InteractionService
from edge_server.site_paths import SitePaths
from edge_server.store import Store
from edge_server.work import projections as _work_projections  # noqa: F401 - registers routing_input
from edge_server.work.service import WorkService
from edge_server.agents.loading import load_directory

log = logging.getLogger("sb.edge")

#: Printed on stdout once the edge serves; tests and the demo launcher wait for it.
READY_MARKER = "switchboard-edge ready"


class EdgeApp:
    """Holds the running services; use as ``async with EdgeApp(cfg) as app``."""

    def __init__(self, cfg: EdgeConfig, *, channel_factories: Mapping[str, Factory] | None = None) -> None:
        self.cfg = cfg
        self._channel_factories = channel_factories  # tests: adapters without importing by name
        self.paths = SitePaths(cfg.data_path)
        self.store: Store | None = None
        self.directory: Directory | None = None
        self.service: AgentService | None = None
        self.work: WorkService | None = None
        self.customers: CustomerService | None = None
        self.interactions: InteractionService | None = None
        self.designs: DesignService | None = None
        self.flows: FlowHost | None = None
        self.bus: BusServer | None = None
        self.webchat: WebchatServer | None = None
        self.channels: ChannelHub | None = None
        self._stack = contextlib.AsyncExitStack()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> EdgeApp:
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        log.info("shutting down")
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        await self._stack.aclose()  # reverse order: bus, then store
        log.info("stopped")

    async def _start(self) -> None:
        cfg = self.cfg
        log.info("1/4 data directory %s", self.paths.root)
        self.paths.ensure()
        keys: ServerKeys | None = None
        if cfg.bus.curve:
            if not self.paths.server_secret.exists():
                raise SystemExit(
                    f"no server keys in {self.paths.keys_dir}: run `python main.py keys init` first"
                )
            keys = bus_keys.load_keypair(self.paths.server_secret)
        else:
            log.warning("CURVE is OFF (bus.curve = false): desktop traffic is unencrypted and unauthenticated")

        log.info("2/4 store")
        self.store = await Store.open(self.paths.store_dir, fsync=cfg.store.fsync)
        self._stack.push_async_callback(self.store.close)
        self.directory = await load_directory(self.store)
        log.info(
            "loaded %d users, %d queues, %d open sessions",
            len(self.directory.users),
            len(self.directory.queues),
            len(self.directory.sessions),
        )

        log.info("3/4 routing, customers, interactions and agent services")
        self.work = WorkService(self.directory, self.store)
        self.customers = CustomerService(self.store, self.directory, default_region=cfg.interactions.default_region)
        self._stack.push_async_callback(self.customers.close)
        self.interactions = InteractionService(self.directory, self.store, self.work, self.customers,
                                               cfg.interactions, self.paths.root)
        opened = await self.interactions.recover()
        replayed = await self.work.recover()
        log.info("routing recovered from %d journaled inputs", replayed)
        fixed = await self.interactions.reconcile()
        log.info("%d open interactions recovered (%d reconciled with routing)", opened, fixed)
        self._stack.callback(self.work.close)
        self.designs = DesignService(self.store, self.directory, self.work, self.customers, self.interactions)
        await self.designs.load()
        # Conversations whose entry point is bound to a published flow go through it before a queue.
        self.flows = FlowHost(self.interactions, self.designs, self.customers, self.work, self.store)
        await self.flows.start()
        self._stack.push_async_callback(self.flows.close)
        providers = [self.interactions, self.customers, self.designs]
        self.service = AgentService(self.directory, self.store, cfg.auth, heartbeat_ms=cfg.bus.heartbeat_ms,
                                    work=self.work, route_providers=providers)

        log.info("4/4 bus")
        self.bus = BusServer(cfg.bus, keys, self.paths.clients_dir, self.service)
        await self._stack.enter_async_context(self.bus)
        self.service.attach_bus(self.bus, self.bus.pub_port)
        self.work.attach(self.bus, self.service)
        self.customers.attach(self.bus, self.interactions)
        self.interactions.attach(self.bus)
        self.designs.attach(self.bus)
        await self.work.start()
        if cfg.webchat.enabled:
            log.info("web chat")
            self.webchat = await self._stack.enter_async_context(WebchatServer(
                cfg.webchat, self.interactions, data_dir=self.paths.root, site_name=cfg.edge.site_name,
                limits=cfg.interactions, queue=cfg.webchat.queue or self._first_chat_queue()))
        if any(getattr(cfg.channels, ch) for ch in CHANNELS):
            log.info("cloud channels")
            try:
                self.channels = await self._stack.enter_async_context(ChannelHub(
                    self.interactions, self.store, cfg.channels, self.paths.root, factories=self._channel_factories,
                    relay_keys=keys))
            except ChannelConfigError as e:
                raise SystemExit(f"configuration: {e}") from e
            self.designs.add_entries(self.channels.accounts)  # their accounts are entry points flows bind to
        stuck = await self.flows.recover_interrupted()
        if stuck:
            log.info("%d conversations left in a flow by the last run were handed to their queues", stuck)
        # Long-lived configuration and recovered state: keep them out of every future GC pass.
        gc.freeze()
        self._tasks.append(asyncio.create_task(self._expire_unresumed(), name="expire-unresumed"))
        self._tasks.append(asyncio.create_task(self._watch_client_keys(), name="client-keys"))
        log.info("serving on %s (pub %s)", self.bus.router_address, self.bus.pub_address)

    def _first_chat_queue(self) -> str:
        """The queue web chats go to when [webchat] queue is not set: the first chat queue by name."""
        assert self.work is not None and self.directory is not None
        for name in sorted(self.directory.queues):
            config = self.work.queue_config(name)
            if config is not None and config.channel == "chat":
                return name
        return ""

    async def _expire_unresumed(self) -> None:
        # Desktops connected before a restart get one silence window to resume.
        await asyncio.sleep(self.cfg.bus.silence_ms / 1000)
        assert self.service is not None
        await self.service.expire_unresumed()

    async def _watch_client_keys(self) -> None:
        # IT approves or revokes desktops by adding/removing key files; pick that up without a restart.
        seen: float = 0.0
        while True:
            await asyncio.sleep(2.0)
            try:
                mtime = self.paths.clients_dir.stat().st_mtime
            except OSError:
                continue
            if mtime != seen:
                if seen:
                    log.info("client key allow-list changed; reloading")
                    assert self.bus is not None
                    self.bus.reload_client_keys()
                seen = mtime


async def serve(cfg: EdgeConfig, *, on_ready: Callable[[EdgeApp], None] | None = None) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with EdgeApp(cfg) as app:
        assert app.bus is not None
        web = f" webchat={app.webchat.base_url}" if app.webchat is not None else ""
        if app.channels is not None and app.channels.webhooks is not None:
            web += f" webhooks={app.channels.webhooks.base_url}"
        print(f"{READY_MARKER} router={app.bus.router_address} pub={app.bus.pub_address}{web} pid={os.getpid()}",
              flush=True)
        if on_ready:
            on_ready(app)
        await stop.wait()
    return 0


def main(cfg: EdgeConfig) -> int:
    try:
        return asyncio.run(serve(cfg))
    except KeyboardInterrupt:
        return 130
    except SystemExit as e:
        if isinstance(e.code, str):
            print(f"switchboard edge: {e.code}", file=sys.stderr)
            return 2
        raise


__all__ = ["EdgeApp", "READY_MARKER", "main", "serve", "Path"]
