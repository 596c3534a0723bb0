"""Offers: timeout, decline, missed offers, rescinds, and never two offers at one agent."""
from __future__ import annotations

from edge_server.contract.messages import REASON_MISSED, AgentState
from edge_server.routing import decisions as dec
from edge_server.routing import events as ev
from edge_server.routing.model import QueueConfig
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, of, offered, site


def two_agents(**q: object) -> Host:
    h = Host(site([agent("ann", en=1), agent("bob", en=1)], [QueueConfig(queue="q", skills={"en": 1}, **q)]))
    h.send(login(1000, "ann"))
    h.send(login(2000, "bob"))
    return h


def test_timeout_requeues_and_offers_the_next_agent() -> None:
    h = two_agents(offer_timeout_s=15)
    h.not_ready(2500, "bob")
    out = h.send(arrive(3000, "t1"))
    offer = of(out, dec.Offer)[0]
    assert (offer.agent, offer.timeout_ms, offer.expires_ms) == ("ann", 15_000, 18_000)
    assert dec.SetTimer(key=f"offer:{offer.offer_id}", at_ms=18_000) in out
    h.ready_agent(4000, "bob")  # bob free now: t1 still rings at ann
    out = h.advance(18_000)
    assert dec.Rescind(offer_id=offer.offer_id, task_id="t1", agent="ann", reason="timed_out") in out
    assert offered(out) == [("t1", "bob")]
    late = h.accept(18_001, "t1", "ann")
    assert late == [dec.EventRefused(event="offer_accepted", reason="no_such_offer", task_id="t1", agent="ann")]


def test_missed_offers_put_the_agent_not_ready() -> None:
    h = Host(site([agent("ann", en=1)], [QueueConfig(queue="q", skills={"en": 1}, max_missed=2,
                                                     decline_cooldown_s=0, offer_timeout_s=10)]))
    h.send(login(0, "ann"))
    h.send(arrive(1000, "t1"))
    out = h.advance(11_000)  # missed once: re-offered to ann (no cooldown)
    assert offered(out) == [("t1", "ann")] and not of(out, dec.AgentAutoNotReady)
    out = h.advance(21_000)
    assert of(out, dec.AgentAutoNotReady) == [dec.AgentAutoNotReady(agent="ann", reason=REASON_MISSED, missed=2)]
    assert not offered(out)
    assert h.engine.agent_presence("ann") == (AgentState.NOT_READY, REASON_MISSED)
    assert h.engine.waiting("q") == ["t1"]
    out = h.ready_agent(30_000, "ann")
    assert offered(out) == [("t1", "ann")]
    h.accept(31_000, "t1", "ann")  # an accept resets the count
    h.complete(32_000, "t1")
    h.send(arrive(33_000, "t2"))
    out = h.advance(43_000)
    assert not of(out, dec.AgentAutoNotReady)


def test_timeout_reported_by_the_host_cancels_the_timer() -> None:
    h = two_agents()
    h.not_ready(2500, "bob")
    oid = of(h.send(arrive(3000, "t1")), dec.Offer)[0].offer_id
    out = h.send(ev.OfferTimedOut(now_ms=5000, task_id="t1", agent="ann"))
    assert dec.CancelTimer(key=f"offer:{oid}") in out
    assert f"offer:{oid}" not in h.engine.pending_timers()


def test_one_pending_offer_per_agent() -> None:
    h = Host(site([agent("ann", capacity={"chat": 4}, en=1)], [QueueConfig(queue="c", channel="chat", skills={"en": 1})]))
    h.send(login(0, "ann"))
    assert offered(h.send(arrive(1000, "c1", queue="c"))) == [("c1", "ann")]
    assert offered(h.send(arrive(1001, "c2", queue="c"))) == [], "ann is reserved by c1's offer"
    out = h.accept(2000, "c1", "ann")
    assert of(out, dec.Assigned)[0].task_id == "c1"
    assert offered(out) == [("c2", "ann")], "freed of the reservation, ann takes c2 in the same tick"


def test_not_ready_or_logout_rescinds_the_pending_offer() -> None:
    h = two_agents()
    h.not_ready(2500, "bob")
    h.send(arrive(3000, "t1"))
    h.ready_agent(3500, "bob")
    out = h.not_ready(4000, "ann")
    assert [(d.task_id, d.agent, d.reason) for d in of(out, dec.Rescind)] == [("t1", "ann", "agent_unavailable")]
    assert offered(out) == [("t1", "bob")]
    out = h.send(ev.AgentLoggedOut(now_ms=5000, agent="bob"))
    assert [(d.task_id, d.reason) for d in of(out, dec.Rescind)] == [("t1", "agent_unavailable")]
    assert h.engine.waiting("q") == ["t1"]


def test_decline_cooldown_then_offered_again() -> None:
    h = Host(site([agent("ann", en=1)], [QueueConfig(queue="q", skills={"en": 1}, decline_cooldown_s=30)]))
    h.send(login(0, "ann"))
    h.send(arrive(1000, "t1"))
    out = h.decline(2000, "t1", "ann")
    assert not offered(out)
    assert h.engine.why_waiting("t1").filters[-1] == dec.FilterStep("not_declined", 0)
    assert offered(h.advance(31_999)) == []
    assert offered(h.advance(32_000)) == [("t1", "ann")]


def test_stale_and_unknown_events_are_refused_without_change() -> None:
    h = two_agents()
    assert h.accept(3000, "nope", "ann")[0].reason == "no_such_offer"
    assert h.send(ev.TaskCompleted(now_ms=3000, task_id="nope"))[0].reason == "not_active"
    assert h.send(login(3000, "zed"))[0].reason == "unknown_agent"
    assert h.send(ev.TimerFired(now_ms=3000, key="offer:999"))[0].reason == "unknown_timer"
    assert of(h.send(arrive(3000, "t", queue="nope")), dec.TaskRejected)[0].reason == "unknown_queue"
    h.send(arrive(3001, "dup"))
    assert of(h.send(arrive(3002, "dup")), dec.TaskRejected)[0].reason == "duplicate"
