"""Building blocks for relay tests: a CURVE-keyed relay in tmp_path and a link from an 'edge'."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from edge_server.bus import keys as bus_keys
from edge_server.bus.backoff import Backoff
from edge_server.bus.keys import ServerKeys
from edge_server.channels.base import ChannelInbox
from edge_server.config import ChannelsSection
from edge_server.relay.egress_client import RelayEgress
from edge_server.relay.config import RelayConfig, RelaySection
from edge_server.relay.link import RelayLink
from edge_server.relay.paths import RelayPaths
from edge_server.relay.server import RelayServer
from edge_server.relay.loopback import LoopbackHandler, MemoryInbox, push_body, sign

HEARTBEAT_S = 0.5


@dataclass
class Site:
    relay_dir: Path
    relay_public: bytes
    edge_keys: ServerKeys


def make_site(tmp: Path) -> Site:
    """Relay key pair, and one edge key pair approved on the relay's allow-list."""
    paths = RelayPaths(tmp / "relay")
    paths.ensure()
    bus_keys.generate_keypair(paths.keys_dir, "relay")
    edge_dir = tmp / "edge-keys"
    _, secret = bus_keys.generate_keypair(edge_dir, "server")
    (paths.edges_dir / "site1.key").write_bytes((edge_dir / "server.key").read_bytes())
    return Site(paths.root, bus_keys.load_public(paths.server_public), bus_keys.load_keypair(secret))


def relay_config(site: Site, *, http_port: int = 0, link: str = "tcp://127.0.0.1:0",
                 egress_allow: list[str] | None = None, egress_source: str = "") -> RelayConfig:
    return RelayConfig(relay=RelaySection(data_dir=str(site.relay_dir), http_port=http_port,
                                          link_endpoint=link, heartbeat_s=HEARTBEAT_S,
                                          segment_bytes=64 * 1024, egress_allow=egress_allow or [],
                                          egress_source=egress_source))


@contextlib.asynccontextmanager
async def running_relay(site: Site, **kw: object) -> AsyncIterator[RelayServer]:
    async with RelayServer(relay_config(site, **kw), [LoopbackHandler()]) as relay:  # type: ignore[arg-type]
        yield relay


def link_for(site: Site, address: str, inbox: ChannelInbox, *, keys: ServerKeys | None = None,
             window: int = 256, egress: RelayEgress | None = None) -> RelayLink:
    channels = ChannelsSection(relay=address, relay_server_key=site.relay_public.decode())
    return RelayLink(channels, inbox, keys=keys or site.edge_keys, window=window, heartbeat_s=HEARTBEAT_S,
                     backoff=Backoff(base_s=0.05, cap_s=0.3), egress=egress)


async def push(session: aiohttp.ClientSession, url: str, msg_id: str, sender: str = "+8613800000001",
               text: str = "hi", *, good_signature: bool = True) -> int:
    body = push_body(msg_id, sender, text)
    sig = sign(body) if good_signature else sign(body, b"wrong")
    async with session.post(f"{url}/hooks/loop/loop", data=body, headers={"x-signature": sig}) as r:
        await r.read()
        return r.status


async def wait_until(cond, timeout: float = 10.0) -> None:  # noqa: ANN001
    async with asyncio.timeout(timeout):
        while not cond():
            await asyncio.sleep(0.02)
