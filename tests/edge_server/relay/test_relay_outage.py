"""The relay's feed cut for 10 s under load (bench/relay_outage.py does a full minute): nothing lost,
nothing handed over twice, order kept, and the edge back within its reconnect cap + 2 s."""
from __future__ import annotations

from pathlib import Path

import pytest

from edge_server.bus.backoff import Backoff
from edge_server.config import ChannelsSection
from edge_server.relay.drill import outage_drill
from edge_server.relay.link import RECONNECT_CAP_S, RelayLink
from edge_server.relay.loopback import MemoryInbox


@pytest.mark.asyncio
async def test_a_ten_second_cut_loses_nothing_and_resumes_within_the_cap(tmp_path: Path) -> None:
    cap = 2.0
    r = await outage_drill(tmp_path, outage_s=10.0, reconnect_cap_s=cap, heartbeat_s=0.5, settle_s=0.5)
    assert r.backlog > 100, "the platforms kept pushing to the relay during the cut"
    assert r.pushed > r.backlog
    assert (r.lost, r.dup, r.out_of_order) == (0, 0, 0)
    assert r.resume_s <= cap + 2.0, r.line()


@pytest.mark.asyncio
async def test_a_short_cut_resumes_without_waiting_for_the_heartbeats(tmp_path: Path) -> None:
    # Heartbeats of 5 s would find the dead session only after 15 s; the closed connection says it at once.
    r = await outage_drill(tmp_path, outage_s=1.0, reconnect_cap_s=2.0, heartbeat_s=5.0, settle_s=0.5)
    assert (r.lost, r.dup, r.out_of_order) == (0, 0, 0) and r.backlog > 0
    assert r.resume_s <= 2.0 + 2.0, r.line()


@pytest.mark.asyncio
async def test_the_reconnect_backoff_is_capped_and_jittered(tmp_path: Path) -> None:
    inbox = MemoryInbox(tmp_path)
    assert RECONNECT_CAP_S == 5.0  # the default (was 30 s: a one-minute cut could cost 30 s more)
    link = RelayLink(ChannelsSection(relay="tcp://127.0.0.1:9"), inbox, keys=None, reconnect_cap_s=1.5)
    backoff: Backoff = link._backoff  # noqa: SLF001 - the policy is what this test is about
    delays = [backoff.next() for _ in range(40)]
    assert max(delays) <= 1.5
    assert len({round(d, 6) for d in delays[10:]}) > 20, "capped delays must still be spread (jitter)"
    assert min(delays[10:]) >= 0.75  # jitter takes at most half
    default = RelayLink(ChannelsSection(relay="tcp://127.0.0.1:9"), inbox, keys=None)
    assert max(default._backoff.next() for _ in range(40)) <= 5.0  # noqa: SLF001
    with pytest.raises(ValueError, match="reconnect_cap_s"):
        RelayLink(ChannelsSection(relay="tcp://127.0.0.1:9"), inbox, keys=None, reconnect_cap_s=0)
