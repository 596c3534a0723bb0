"""Sticky routing: last agent (look-back window), preferred agents, then widening."""
from __future__ import annotations

from edge_server.routing import decisions as dec
from edge_server.routing.model import QueueConfig
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, of, offered, site


def desk(**q: object) -> Host:
    h = Host(site([agent("ann"), agent("bob")], [QueueConfig(queue="q", channel="chat", **q)],
                  default_capacity={"chat": 2}))
    h.send(login(1000, "ann"))
    h.send(login(2000, "bob"))
    return h


def served_by(h: Host, now: int, task: str, who: str, customer: str) -> None:
    h.send(arrive(now, task, customer_id=customer, direct_agent=who))
    h.accept(now + 1, task, who)
    h.complete(now + 2, task)


def test_last_agent_of_the_customer_gets_it_before_a_longer_idle_one() -> None:
    h = desk(sticky_wait_s=20, sticky_window_s=3600)
    served_by(h, 10_000, "old", "bob", "cust-1")
    h.send(login(10_500, "ann"))  # ann idle far longer than bob in any case
    (o,) = of(h.send(arrive(20_000, "new", customer_id="cust-1")), dec.Offer)
    assert o.agent == "bob" and o.explanation.targeted == ("bob",)


def test_sticky_wait_then_widen() -> None:
    h = desk(sticky_wait_s=20, sticky_window_s=3600)
    served_by(h, 10_000, "old", "bob", "cust-1")
    h.send(arrive(11_000, "busy", direct_agent="bob"))
    h.accept(11_001, "busy", "bob")
    h.send(arrive(11_002, "busy2", direct_agent="bob"))
    h.accept(11_003, "busy2", "bob")  # bob full (chat 2)
    assert offered(h.send(arrive(20_000, "new", customer_id="cust-1"))) == []
    out = h.advance(40_000)
    assert offered(out) == [("new", "ann")]


def test_outside_the_look_back_window_routes_normally() -> None:
    h = desk(sticky_wait_s=20, sticky_window_s=60)
    served_by(h, 10_000, "old", "bob", "cust-1")
    (o,) = of(h.send(arrive(100_000, "new", customer_id="cust-1")), dec.Offer)
    assert o.agent == "ann" and o.explanation.targeted == ()


def test_preferred_agents_and_the_hosts_last_agent() -> None:
    h = desk(sticky_wait_s=20)
    (o,) = of(h.send(arrive(5000, "t1", preferred_agents=("bob",))), dec.Offer)
    assert o.agent == "bob"
    h.accept(5500, "t1", "bob")  # one chat slot left
    (o,) = of(h.send(arrive(6000, "t2", last_agent="bob")), dec.Offer)
    assert o.agent == "bob"


def test_a_logged_out_sticky_agent_is_not_waited_for() -> None:
    h = Host(site([agent("ann"), agent("bob")], [QueueConfig(queue="q", sticky_wait_s=60)]))
    h.send(login(1000, "ann"))
    assert offered(h.send(arrive(2000, "t1", preferred_agents=("bob",)))) == [("t1", "ann")]
    assert not [k for k in h.engine.pending_timers() if k.startswith("sticky:")]
