"""A fault drill: the relay's feed to the edge is cut for a while under load, then restored.

Platforms keep pushing to the relay during the cut (it keeps acknowledging them, durably); when the
feed is back the edge reconnects within its backoff cap and drains the backlog. Used by
``bench/relay_outage.py`` (a full minute) and the tests (a short cut). Everything is real: CURVE
keys, the durable relay log with fdatasync, HTTP pushes with retries, the RelayLink.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from edge_server.bus import keys as bus_keys
from edge_server.channels.base import InboundMessage
from edge_server.config import ChannelsSection
from edge_server.relay.feed import EdgeFeed
from edge_server.relay.hooks import WebhookHost
from edge_server.relay.link import RelayLink
from edge_server.relay.log import RelayLog
from edge_server.relay.loopback import LoopbackHandler, MemoryInbox, push_body, push_until_ok
from edge_server.relay.paths import RelayPaths


@dataclass(frozen=True, slots=True)
class OutageResult:
    outage_s: float  # how long the feed was down
    pushed: int  # pushes the relay acknowledged (200) to the platforms
    lost: int  # acknowledged but never stored on the edge
    dup: int  # records handed to the edge more than once
    out_of_order: int  # senders whose messages arrived in another order than pushed
    resume_s: float  # feed back -> first record stored on the edge
    backlog: int  # records pushed during the cut

    def line(self) -> str:
        return (f"outage_s={self.outage_s:.1f} lost={self.lost} dup={self.dup} resume_s={self.resume_s:.2f} "
                f"pushed={self.pushed} backlog={self.backlog} out_of_order={self.out_of_order}")


class _TimedInbox(MemoryInbox):
    """Records every hand-over (duplicates included) with the time it was stored."""

    def __init__(self, attachment_dir: Path) -> None:
        super().__init__(attachment_dir)
        self.handed: list[tuple[float, str]] = []

    async def receive(self, msg: InboundMessage) -> None:
        self.handed.append((time.monotonic(), msg.external_id))
        await super().receive(msg)


async def outage_drill(root: Path, *, outage_s: float, reconnect_cap_s: float = 5.0, heartbeat_s: float = 1.0,
                       senders: int = 4, push_interval_s: float = 0.04, settle_s: float = 1.0) -> OutageResult:
    """Push steadily, cut the relay's feed for ``outage_s``, restore it, drain; measure."""
    paths = RelayPaths(root / "relay")
    paths.ensure()
    bus_keys.generate_keypair(paths.keys_dir, "relay")
    _, edge_secret = bus_keys.generate_keypair(root / "edge-keys", "server")
    (paths.edges_dir / "edge.key").write_bytes((root / "edge-keys" / "server.key").read_bytes())
    relay_keys = bus_keys.load_keypair(paths.server_secret)
    inbox = _TimedInbox(root / "attachments")
    who = [f"+8613{i:09d}" for i in range(senders)]
    acked: dict[str, list[str]] = {w: [] for w in who}
    stop = asyncio.Event()

    async def platform(http: aiohttp.ClientSession, url: str, sender: str) -> None:
        i = 0
        while not stop.is_set():
            mid = f"{sender}-{i}"
            body = push_body(mid, sender, f"message {i}")
            await push_until_ok(http, url, body)  # as WeChat does: no 200 -> the same push again
            acked[sender].append(mid)
            i += 1
            await asyncio.sleep(push_interval_s)

    async with RelayLog(paths.root, fsync=True, segment_bytes=1024 * 1024) as relay_log, \
            WebhookHost([LoopbackHandler()], relay_log, "127.0.0.1", 0) as hooks:
        feed = EdgeFeed(relay_log, "tcp://127.0.0.1:0", relay_keys, paths.edges_dir, heartbeat_s=heartbeat_s)
        await feed.__aenter__()
        endpoint = feed.address
        channels = ChannelsSection(relay=endpoint, relay_server_key=bus_keys.load_public(paths.server_public).decode())
        link = RelayLink(channels, inbox, keys=bus_keys.load_keypair(edge_secret), heartbeat_s=heartbeat_s,
                         reconnect_cap_s=reconnect_cap_s, window=256)
        url = f"{hooks.url}/hooks/loop/loop"
        try:
            async with link, aiohttp.ClientSession() as http:
                load = [asyncio.create_task(platform(http, url, w)) for w in who]
                try:
                    await asyncio.wait_for(link.connected.wait(), 10)
                    await asyncio.sleep(settle_s)  # flowing
                    await feed.__aexit__(None, None, None)  # the cut: the edge hears nothing more
                    cut_at = relay_log.durable_seq
                    await asyncio.sleep(outage_s)
                    backlog = relay_log.durable_seq - cut_at
                    feed = EdgeFeed(relay_log, endpoint, relay_keys, paths.edges_dir, heartbeat_s=heartbeat_s)
                    await feed.__aenter__()
                    back = time.monotonic()
                    handed_before = len(inbox.handed)
                    async with asyncio.timeout(reconnect_cap_s + 3 * heartbeat_s + 30):
                        while len(inbox.handed) == handed_before:
                            await asyncio.sleep(0.01)
                    resume_s = inbox.handed[handed_before][0] - back
                    await asyncio.sleep(settle_s)
                finally:
                    stop.set()
                    await asyncio.gather(*load)
                total = sum(len(v) for v in acked.values())
                async with asyncio.timeout(30):
                    while relay_log.acked_seq < relay_log.durable_seq or len(inbox.messages) < total:
                        await asyncio.sleep(0.02)
        finally:
            await feed.__aexit__(None, None, None)
    ids = [mid for _, mid in inbox.handed]
    wanted = {m for ms in acked.values() for m in ms}
    out_of_order = sum(1 for w in who if [m.external_id for m in inbox.messages if m.identities[0].value == w]
                       != acked[w])
    return OutageResult(outage_s=outage_s, pushed=len(wanted), lost=len(wanted - set(ids)),
                        dup=len(ids) - len(set(ids)), out_of_order=out_of_order, resume_s=resume_s,
                        backlog=backlog)
