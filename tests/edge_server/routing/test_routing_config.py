"""Configuration: validation with named keys, and changes applied without a restart."""
from __future__ import annotations

import pytest

from edge_server.routing import ConfigError, RoutingEngine
from edge_server.routing import decisions as dec
from edge_server.routing import events as ev
from edge_server.routing.model import (
    BusinessHours,
    ClosedAction,
    OpenInterval,
    PlanStep,
    QueueConfig,
    SiteRoutingConfig,
)
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, of, offered, site


@pytest.mark.parametrize(
    ("config", "key"),
    [
        (site([agent("a"), agent("a")], []), "agents[a]"),
        (site([agent("a", en=7)], []), "agents[a].skills.en"),
        (site([], [QueueConfig(queue="q"), QueueConfig(queue="q")]), "queues[q]"),
        (site([], [QueueConfig(queue="q", skills={"en": 0})]), "queues[q].skills.en"),
        (site([], [QueueConfig(queue="q", offer_timeout_s=0)]), "queues[q].offer_timeout_s"),
        (site([], [QueueConfig(queue="q", plan=(PlanStep(after_s=5, overflow_queue="zz"),))]), "queues[q].plan[0].overflow_queue"),
        (site([], [QueueConfig(queue="q", plan=(PlanStep(after_s=5), PlanStep(after_s=1)))]), "queues[q].plan[1].after_s"),
        (site([], [QueueConfig(queue="q", hours=BusinessHours(tz="Mars/Olympus"))]), "hours.tz"),
        (site([], [QueueConfig(queue="q", hours=BusinessHours(tz="UTC", open=(OpenInterval(day=7, start="09:00", end="10:00"),)))]), "queues[q].hours.open[0]"),
        (site([], [QueueConfig(queue="q", hours=BusinessHours(tz="UTC", open=(OpenInterval(day=1, start="10:00", end="09:00"),)))]), "queues[q].hours.open[0]"),
        (site([], [QueueConfig(queue="q", closed_action=ClosedAction.OVERFLOW)]), "queues[q].closed_overflow_queue"),
        (site([], [QueueConfig(queue="q", agents=("ghost",))]), "queues[q].agents"),
        (site([], [QueueConfig(queue="a", plan=(PlanStep(after_s=0, overflow_queue="b"),)),
                   QueueConfig(queue="b", plan=(PlanStep(after_s=0, overflow_queue="a"),))]), "queues[a].plan"),
    ],
)
def test_invalid_configuration_names_the_key(config: SiteRoutingConfig, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        RoutingEngine(config)
    assert info.value.key.startswith(key), info.value.key


def test_a_new_skill_matches_in_the_same_tick() -> None:
    q = QueueConfig(queue="q", skills={"fr": 2})
    h = Host(site([agent("ann", en=3)], [q]))
    h.send(login(0, "ann"))
    h.send(arrive(1000, "t1"))
    out = h.send(ev.ConfigChanged(now_ms=2000, config=site([agent("ann", en=3, fr=2)], [q])))
    assert offered(out) == [("t1", "ann")]


def test_a_rejected_configuration_changes_nothing() -> None:
    h = Host(site([agent("ann")], [QueueConfig(queue="q")]))
    h.send(login(0, "ann"))
    before = h.engine.snapshot()
    with pytest.raises(ConfigError):
        h.engine.handle(ev.ConfigChanged(now_ms=1000, config=site([agent("ann")], [QueueConfig(queue="q", offer_timeout_s=-1)])))
    assert h.engine.snapshot() == before


def test_removed_agent_and_queue() -> None:
    h = Host(site([agent("ann"), agent("bob")], [QueueConfig(queue="q"), QueueConfig(queue="old")]))
    h.send(login(0, "ann"))
    h.send(arrive(1000, "t1"))  # rings at ann
    h.send(arrive(1001, "t2", queue="old"))
    out = h.send(ev.ConfigChanged(now_ms=2000, config=site([agent("bob")], [QueueConfig(queue="q")])))
    assert [(d.task_id, d.agent, d.reason) for d in of(out, dec.Rescind)] == [("t1", "ann", "agent_unavailable")]
    assert h.send(login(3000, "ann"))[0].reason == "unknown_agent"
    assert of(h.send(arrive(3000, "t3", queue="old")), dec.TaskRejected)[0].reason == "unknown_queue"
    out = h.send(login(4000, "bob"))  # the retired queue's task still gets served
    assert offered(out) == [("t1", "bob")]
    h.accept(4100, "t1", "bob")
    assert offered(h.complete(5000, "t1")) == [("t2", "bob")]


def test_plan_change_rederives_waiting_tasks() -> None:
    strict = QueueConfig(queue="q", skills={"en": 5})
    h = Host(site([agent("ann", en=2)], [strict]))
    h.send(login(0, "ann"))
    h.send(arrive(1000, "t1"))
    relaxed = QueueConfig(queue="q", skills={"en": 5}, plan=(PlanStep(after_s=0.5, skills={"en": 1}),))
    out = h.send(ev.ConfigChanged(now_ms=2000, config=site([agent("ann", en=2)], [relaxed])))
    assert [d.requirements for d in of(out, dec.Escalated)] == [{"en": 1}]
    assert offered(out) == [("t1", "ann")]


def test_capacity_change_applies() -> None:
    q = QueueConfig(queue="c", channel="chat")
    h = Host(site([agent("ann", capacity={"chat": 1})], [q]))
    h.send(login(0, "ann"))
    h.send(arrive(1000, "c1", queue="c"))
    h.accept(1100, "c1", "ann")
    h.send(arrive(1200, "c2", queue="c"))
    out = h.send(ev.ConfigChanged(now_ms=2000, config=site([agent("ann", capacity={"chat": 2})], [q])))
    assert offered(out) == [("c2", "ann")]
