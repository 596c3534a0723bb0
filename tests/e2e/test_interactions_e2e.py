"""Interactions over the wire: an EdgeApp in the test's loop, agents as real EdgeClients (ZeroMQ, loopback)."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from edge_server.contract.errors import ErrorCode, SwitchboardError
from tests.edge_server.interactions.interactions_helpers import (
    Sink,
    agent,
    import_site,
    running_edge,
    visitor,
    wait_for,
)

pytestmark = [pytest.mark.e2e]


@pytest.mark.asyncio
async def test_chat_over_the_wire_with_pushes_and_forbidden(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await import_site(data)
    async with running_edge(data, fsync=True) as app:
        svc = app.interactions
        sink = Sink()
        svc.register_channel("chat", sink)
        async with agent(app, "alice") as alice, agent(app, "bob", ready=False) as bob, \
                agent(app, "sup", ready=False) as sup:
            iid = (await svc.open_interaction(channel="chat", queue="support", identities=visitor("e"),
                                              name="Wang")).interaction_id
            offer = await alice.wait(m.OfferMade)
            assert (offer.task.interaction_id, offer.task.customer_name) == (iid, "Wang")
            await alice.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
            await alice.wait(ci.InteractionInfo, lambda i: i.state == ci.InteractionState.CONNECTED)
            for i in range(5):
                await svc.customer_message(iid, client_msg_id=f"c{i}", text=f"q{i}")
                await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id=f"a{i}", text=f"r{i}"))
            await wait_for(lambda: len(alice.of(ci.ChatMessage)) >= 10)
            assert [x.seq for x in alice.of(ci.ChatMessage)] == list(range(1, 11))
            assert [x.seq for x in sink.of(ci.ChatMessage, iid)] == list(range(1, 11))
            for req in (ci.GetInteraction(interaction_id=iid),
                        ci.SendChatMessage(interaction_id=iid, client_msg_id="b", text="hi"),
                        ci.MarkRead(interaction_id=iid, seq=1),
                        ci.EndInteraction(interaction_id=iid)):
                with pytest.raises(SwitchboardError) as err:
                    await bob.request(req)
                assert err.value.code == ErrorCode.FORBIDDEN, req
            assert not bob.of(ci.ChatMessage) and not bob.of(ci.InteractionInfo)
            watched = await sup.request(ci.GetInteraction(interaction_id=iid))  # supervisors may read any
            assert len(watched.messages) == 10
            await alice.request(ci.EndInteraction(interaction_id=iid))
            await alice.wait(m.WrapUpStarted)
            await alice.request(m.SubmitWrapUp(task_id=iid, code="resolved", notes="done"))
            await alice.wait(ci.InteractionInfo, lambda i: i.state == ci.InteractionState.CLOSED)
            await alice.wait(m.WrapUpEnded)
            mine = await alice.request(ci.ListMyInteractions())
            assert mine.interactions == []


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


@pytest.mark.asyncio
async def test_customer_message_to_agent_push_latency(tmp_path: Path) -> None:
    """2,000 customer messages → the agent's push, measured in-process (fsync on)."""
    data = tmp_path / "data"
    await import_site(data)
    async with running_edge(data, fsync=True) as app:
        svc = app.interactions
        async with agent(app, "alice") as alice:
            iid = (await svc.open_interaction(channel="chat", queue="support", identities=visitor("l"))).interaction_id
            offer = await alice.wait(m.OfferMade)
            await alice.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
            await alice.wait(ci.InteractionInfo, lambda i: i.state == ci.InteractionState.CONNECTED)
            seen: dict[int, float] = {}
            arrived = asyncio.Event()

            def on_push(body: m.Message, seq: int) -> None:
                if isinstance(body, ci.ChatMessage):
                    seen[body.seq] = time.perf_counter()
                    arrived.set()

            alice.client.on_push = on_push
            lat: list[float] = []
            n = 2000
            for i in range(n):
                arrived.clear()
                t0 = time.perf_counter()
                msg = await svc.customer_message(iid, client_msg_id=f"m{i}", text=f"message {i}")
                while msg.seq not in seen:  # woken by the push itself, no polling floor
                    await asyncio.wait_for(arrived.wait(), timeout=5)
                    arrived.clear()
                lat.append((seen[msg.seq] - t0) * 1000)
            p50, p99 = _pct(lat, 50), _pct(lat, 99)
            print(f"\nchat_inprocess_p50_ms={p50:.2f} chat_inprocess_p99_ms={p99:.2f} n={n}")
            assert len(seen) == n and p99 < 250
