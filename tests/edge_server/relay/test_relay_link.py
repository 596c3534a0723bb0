"""Relay + RelayLink in one process over real CURVE sockets and real HTTP: delivery, faults, refusals."""
from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from edge_server.bus import keys as bus_keys
from edge_server.relay.link import CURSOR_KEY
from edge_server.relay.loopback import MemoryInbox
from tests.edge_server.relay.relay_helpers import link_for, make_site, push, running_relay, wait_until


def ids(inbox: MemoryInbox) -> list[str]:
    return [m.external_id for m in inbox.messages]


@pytest.mark.asyncio
async def test_pushes_reach_the_edge_in_order_and_are_acknowledged(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    inbox = MemoryInbox(tmp_path)
    async with running_relay(site) as relay, aiohttp.ClientSession() as http:
        assert relay.hooks and relay.feed and relay.log
        url = relay.hooks.url
        for i in range(20):  # before the edge connects: kept
            assert await push(http, url, f"a{i}") == 200
        async with link_for(site, relay.feed.address, inbox) as link:
            await inbox.wait_for(20, timeout=10)
            for i in range(20, 40):
                assert await push(http, url, f"a{i}") == 200
            await inbox.wait_for(40, timeout=10)
            await wait_until(lambda: relay.log.acked_seq == 40)
            assert link.stored_seq == 40
        assert ids(inbox) == [f"a{i}" for i in range(40)]
        assert inbox.calls == 40  # nothing handed over twice
        assert inbox.cursor(CURSOR_KEY) == f"{relay.log.log_id}:40"


@pytest.mark.asyncio
async def test_platform_retries_make_one_record_and_bad_signatures_none(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    inbox = MemoryInbox(tmp_path)
    async with running_relay(site) as relay, aiohttp.ClientSession() as http:
        assert relay.hooks and relay.feed and relay.log
        url = relay.hooks.url
        # The platform did not see our answer in time and pushes the same message 3 more times.
        statuses = await asyncio.gather(*(push(http, url, "dup-1") for _ in range(3)))
        assert statuses == [200, 200, 200]
        assert await push(http, url, "dup-1") == 200
        assert await push(http, url, "forged", good_signature=False) == 401
        assert relay.log.durable_seq == 1  # one record; the forged one was never logged
        async with link_for(site, relay.feed.address, inbox):
            await inbox.wait_for(1, timeout=10)
            assert await push(http, url, "dup-1") == 200  # still in the window after delivery
            assert await push(http, url, "b") == 200
            await inbox.wait_for(2, timeout=10)
        assert ids(inbox) == ["dup-1", "b"] and inbox.calls == 2
        assert relay.log.durable_seq == 2


@pytest.mark.asyncio
async def test_cut_link_under_load_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    inbox = MemoryInbox(tmp_path, delay_s=0.001)
    senders = [f"+86139{i:08d}" for i in range(4)]
    sent: dict[str, list[str]] = {s: [] for s in senders}

    async def sender(http: aiohttp.ClientSession, url: str, who: str, n: int, start: int) -> None:
        for i in range(start, start + n):
            mid = f"{who}-{i}"
            assert await push(http, url, mid, who) == 200
            sent[who].append(mid)

    async with running_relay(site) as relay, aiohttp.ClientSession() as http:
        assert relay.hooks and relay.feed and relay.log
        url = relay.hooks.url
        async with link_for(site, relay.feed.address, inbox, window=32):
            load = asyncio.gather(*(sender(http, url, s, 150, 0) for s in senders))
            await wait_until(lambda: len(inbox.messages) >= 100)
        # Link cut (the edge side stopped) while pushes continue: the relay keeps taking them.
        cut_at = len(inbox.messages)
        await asyncio.gather(load, *(sender(http, url, s, 50, 150) for s in senders))
        await asyncio.sleep(0.3)
        assert len(inbox.messages) == cut_at
        async with link_for(site, relay.feed.address, inbox, window=32):
            await inbox.wait_for(800, timeout=20)
            await wait_until(lambda: relay.log.acked_seq == 800)
    assert len(inbox.messages) == 800 and len(set(ids(inbox))) == 800
    for who in senders:  # each sender's messages arrive in the order the platform pushed them
        assert [m.external_id for m in inbox.messages if m.identities[0].value == who] == sent[who]
    # Only the records in flight when the link was cut may have been handed over again (idempotent).
    assert inbox.calls - 800 <= 32


@pytest.mark.asyncio
async def test_an_edge_key_not_on_the_allow_list_gets_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    _, secret = bus_keys.generate_keypair(tmp_path / "stranger", "server")
    inbox = MemoryInbox(tmp_path)
    async with running_relay(site) as relay, aiohttp.ClientSession() as http:
        assert relay.hooks and relay.feed and relay.log
        assert await push(http, relay.hooks.url, "secret-1") == 200
        async with link_for(site, relay.feed.address, inbox, keys=bus_keys.load_keypair(secret)) as link:
            await asyncio.sleep(1.0)
            assert not link.connected.is_set()
        assert inbox.messages == [] and relay.log.acked_seq == 0 and not relay.feed.edge_connected


@pytest.mark.asyncio
async def test_relay_restart_resumes_after_what_the_edge_stored(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    inbox = MemoryInbox(tmp_path)
    async with running_relay(site) as relay, aiohttp.ClientSession() as http:
        assert relay.hooks and relay.feed
        url, link_addr = relay.hooks.url, relay.feed.address
        for i in range(10):
            await push(http, url, f"r{i}")
    port = int(url.rsplit(":", 1)[1])
    async with link_for(site, link_addr, inbox) as link:
        async with running_relay(site, http_port=port, link=link_addr) as relay:
            await inbox.wait_for(10, timeout=10)
        # The relay is gone: the link notices the silence and keeps trying.
        await wait_until(lambda: not link.connected.is_set(), timeout=10)
        async with running_relay(site, http_port=port, link=link_addr) as relay, aiohttp.ClientSession() as http:
            assert relay.hooks
            await link.connected.wait()
            for i in range(10, 15):
                await push(http, relay.hooks.url, f"r{i}")
            await inbox.wait_for(15, timeout=10)
    assert ids(inbox) == [f"r{i}" for i in range(15)] and inbox.calls == 15
