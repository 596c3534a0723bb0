"""Task order: priority then age, within a queue and across every queue an agent serves."""
from __future__ import annotations

from edge_server.contract.messages import AgentState
from edge_server.routing import decisions as dec
from edge_server.routing.model import PlanStep, QueueConfig
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, of, offered, site


def test_priority_first_then_longest_waiter() -> None:
    h = Host(site([agent("ann", en=1)], [QueueConfig(queue="q", skills={"en": 1})]))
    h.send(login(1000, "ann", AgentState.NOT_READY))
    h.send(arrive(2000, "old"))
    h.send(arrive(3000, "vip", priority=5))
    h.send(arrive(4000, "new"))
    h.send(arrive(5000, "vip2", priority=5))
    assert h.engine.waiting("q") == ["vip", "vip2", "old", "new"]
    served = []
    now = 6000
    out = h.ready_agent(now, "ann")
    while offers := offered(out):
        (task, who), = offers
        served.append(task)
        now += 1000
        h.accept(now, task, who)
        now += 1000
        out = h.complete(now, task)
    assert served == ["vip", "vip2", "old", "new"]


def test_order_holds_across_the_queues_an_agent_serves() -> None:
    h = Host(site(
        [agent("ann", en=3, fr=3)],
        [QueueConfig(queue="en", skills={"en": 1}), QueueConfig(queue="fr", skills={"fr": 1})],
    ))
    h.send(login(1000, "ann", AgentState.NOT_READY))
    h.send(arrive(2000, "fr-old", queue="fr"))
    h.send(arrive(3000, "en-new", queue="en"))
    h.send(arrive(4000, "en-vip", queue="en", priority=1))
    out = h.ready_agent(5000, "ann")
    assert offered(out) == [("en-vip", "ann")], "VIP first, whatever its queue"
    h.accept(5100, "en-vip", "ann")
    out = h.complete(6000, "en-vip")
    assert offered(out) == [("fr-old", "ann")], "then the longest waiter over both queues"
    expl = of(out, dec.Offer)[0].explanation
    assert expl.trigger == "agent" and expl.candidates == 2
    assert [c.name for c in expl.top] == ["fr-old", "en-new"]


def test_priority_raise_keeps_the_original_arrival() -> None:
    q = QueueConfig(queue="q", skills={"en": 1}, plan=(PlanStep(after_s=10, priority_delta=5),))
    h = Host(site([agent("ann", en=1)], [q]))
    h.send(login(0, "ann", AgentState.NOT_READY))
    h.send(arrive(1000, "a"))  # 0 -> 5 at 11 s
    h.send(arrive(2000, "b", priority=5, arrived_ms=500))  # 5 -> 10 at 12 s; its place dates from 0.5 s
    h.send(arrive(3000, "c", priority=4))  # 4 -> 9 at 13 s
    assert h.engine.waiting("q") == ["b", "c", "a"]
    out = h.advance(11_000)
    assert [(d.task_id, d.priority) for d in of(out, dec.Escalated)] == [("a", 5)]
    assert h.engine.waiting("q") == ["b", "a", "c"], "a (5, 1 s) passes c (4) but not b (5, 0.5 s)"
    h.advance(13_000)
    assert h.engine.waiting("q") == ["b", "c", "a"]
    assert offered(h.ready_agent(14_000, "ann")) == [("b", "ann")]


def test_decline_requeues_at_the_original_place() -> None:
    h = Host(site([agent("ann", en=1), agent("bob", en=1)], [QueueConfig(queue="q", skills={"en": 1})]))
    h.send(login(0, "ann", AgentState.NOT_READY))
    h.send(login(0, "bob", AgentState.NOT_READY))
    for i, tid in enumerate(["t1", "t2", "t3"]):
        h.send(arrive(1000 + i, tid))
    assert offered(h.ready_agent(2000, "ann")) == [("t1", "ann")]
    assert h.engine.waiting("q") == ["t2", "t3"]
    out = h.decline(3000, "t1", "ann")
    # t1 is back first in line; ann (excluded from t1 for the cooldown) takes t2 at once.
    assert offered(out) == [("t2", "ann")]
    assert h.engine.waiting("q") == ["t1", "t3"]
    assert h.engine.position("t1") == dec.TaskPosition("t1", 1, 300.0)
    assert offered(h.ready_agent(4000, "bob")) == [("t1", "bob")]


def test_overflow_keeps_the_place_in_line() -> None:
    a = QueueConfig(queue="a", skills={"x": 1}, plan=(PlanStep(after_s=10, overflow_queue="b"),))
    b = QueueConfig(queue="b", skills={"y": 1})
    h = Host(site([agent("ann", y=1)], [a, b]))
    h.send(arrive(1000, "early", queue="a"))
    h.send(arrive(5000, "later", queue="b"))
    out = h.advance(11_000)
    assert of(out, dec.Overflowed) == [dec.Overflowed(task_id="early", from_queue="a", to_queue="b", step=0)]
    assert h.engine.waiting("b") == ["early", "later"]
    assert offered(h.send(login(12_000, "ann"))) == [("early", "ann")]
