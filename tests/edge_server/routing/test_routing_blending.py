"""Blended work: outbound tasks go to idle agents only while no inbound task waits for them."""
from __future__ import annotations

from edge_server.contract.messages import AgentState
from edge_server.routing import decisions as dec
from edge_server.routing.model import QueueConfig, TaskKind
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, of, offered, site

OUT = TaskKind.OUTBOUND


def blended() -> Host:
    return Host(site(
        [agent("ann", capacity={"voice": 1, "chat": 2})],
        [QueueConfig(queue="in", channel="voice"), QueueConfig(queue="camp", channel="voice"),
         QueueConfig(queue="chat", channel="chat")],
    ))


def test_inbound_first_even_when_outbound_is_older_and_higher_priority() -> None:
    h = blended()
    h.send(login(0, "ann", AgentState.NOT_READY))
    h.send(arrive(1000, "o1", queue="camp", kind=OUT, priority=9))
    h.send(arrive(2000, "i1", queue="in"))
    assert offered(h.ready_agent(3000, "ann")) == [("i1", "ann")]
    h.accept(3100, "i1", "ann")
    out = h.complete(4000, "i1")
    assert offered(out) == [("o1", "ann")]
    assert "outbound" in of(out, dec.Offer)[0].explanation.note


def test_outbound_needs_a_fully_idle_agent() -> None:
    h = blended()
    h.send(login(0, "ann"))
    (t, a), = offered(h.send(arrive(1000, "c1", queue="chat")))
    h.accept(1100, t, a)
    assert offered(h.send(arrive(2000, "o1", queue="camp", kind=OUT))) == [], "ann is chatting: not idle"
    assert h.engine.why_waiting("o1").filters[5] == dec.FilterStep("idle", 0)
    assert offered(h.complete(3000, "c1")) == [("o1", "ann")]


def test_outbound_arriving_with_an_idle_agent_is_offered() -> None:
    h = blended()
    h.send(login(0, "ann"))
    assert offered(h.send(arrive(1000, "o1", queue="camp", kind=OUT))) == [("o1", "ann")]
