"""Per-channel capacity, voice blocking chats, and slots freed in the same tick."""
from __future__ import annotations

from edge_server.routing.capacity import can_take, compile_blocks, effective_capacity, occupancy
from edge_server.routing.model import QueueConfig
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, offered, site

BLOCKS = compile_blocks({"voice": ("chat", "email")})
CAP = {"voice": 1, "chat": 4}


def test_can_take_counts_slots_and_blocks() -> None:
    assert can_take({}, CAP, BLOCKS, "voice")
    assert not can_take({"voice": 1}, CAP, BLOCKS, "voice")
    assert not can_take({"voice": 1}, CAP, BLOCKS, "chat"), "a live call blocks new chats"
    assert can_take({"chat": 3}, CAP, BLOCKS, "chat") and not can_take({"chat": 4}, CAP, BLOCKS, "chat")
    assert can_take({"chat": 2}, CAP, BLOCKS, "voice"), "chats do not block a call"
    assert not can_take({}, CAP, BLOCKS, "email"), "no email capacity at all"
    assert effective_capacity({}, {"voice": 1}) == {"voice": 1}
    assert effective_capacity({"chat": 2}, {"voice": 1}) == {"chat": 2}
    assert occupancy({"chat": 2}, CAP) == 0.4 and occupancy({}, {}) == 1.0


def blended_site() -> Host:
    return Host(site(
        [agent("ann", capacity=CAP)],
        [QueueConfig(queue="v", channel="voice"), QueueConfig(queue="c", channel="chat")],
    ))


def test_up_to_n_chats_then_capacity_freed_matches_at_once() -> None:
    h = blended_site()
    h.send(login(0, "ann"))
    first = [offered(h.send(arrive(1000 + i, f"c{i}", queue="c"))) for i in range(6)]
    assert first == [[("c0", "ann")], [], [], [], [], []]
    now = 2000
    taken = ["c0"]
    offers = first[0]
    while offers:
        (task, who), = offers
        now += 10
        offers = offered(h.accept(now, task, who))
        taken += [t for t, _ in offers]
    assert taken == ["c0", "c1", "c2", "c3"], "4 chats, accepted one offer at a time"
    assert h.engine.agent_load("ann") == {"chat": 4}
    assert offered(h.complete(3000, "c1")) == [("c4", "ann")], "a freed slot is matched in the same tick"


def test_voice_blocks_new_chats_but_chats_do_not_block_voice() -> None:
    h = blended_site()
    h.send(login(0, "ann"))
    (t, a), = offered(h.send(arrive(1000, "c0", queue="c")))
    h.accept(1100, t, a)
    assert offered(h.send(arrive(1200, "v0", queue="v"))) == [("v0", "ann")]
    h.accept(1300, "v0", "ann")
    assert offered(h.send(arrive(1400, "c1", queue="c"))) == [], "on a call: no new chat"
    assert h.engine.why_waiting("c1").filters[4].name == "capacity"
    assert h.engine.why_waiting("c1").filters[4].remaining == 0
    assert offered(h.complete(2000, "v0")) == [("c1", "ann")]
