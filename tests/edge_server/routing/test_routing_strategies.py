"""Agent selection strategies, ring-all and the scoring hook."""
from __future__ import annotations

import logging

import pytest

from edge_server.routing import decisions as dec
from edge_server.routing.model import QueueConfig, Strategy, TaskSpec
from edge_server.routing.strategies import AgentView
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, of, offered, site


def staffed(strategy: Strategy, *agents_: object, scorer: object = None, **q: object) -> Host:
    h = Host(site(agents_, [QueueConfig(queue="q", channel="chat", strategy=strategy, **q)],
                  default_capacity={"chat": 4}), scorer=scorer)
    for i, a in enumerate(agents_):
        h.send(login(1000 * (i + 1), a.username))  # type: ignore[attr-defined]
    return h


def serve(h: Host, now: int, task: str, *, keep: bool = False) -> str:
    """Arrive, accept (and complete unless keep); return who got it."""
    (t, who), = offered(h.send(arrive(now, task, queue="q")))
    h.accept(now + 1, t, who)
    if not keep:
        h.complete(now + 2, t)
    return who


def test_longest_idle_is_the_default() -> None:
    h = staffed(Strategy.LONGEST_IDLE, agent("ann"), agent("bob"), agent("cid"))
    assert serve(h, 10_000, "t1") == "ann"  # idle since 1 s
    assert serve(h, 11_000, "t2") == "bob"  # ann finished at 10.002 s
    out = h.send(arrive(12_000, "t3", queue="q"))
    expl = of(out, dec.Offer)[0].explanation
    assert expl.strategy == "longest_idle" and expl.rank_order == "idle_since_ms asc"
    assert [(c.name, c.rank) for c in expl.top] == [("cid", (3000.0,)), ("ann", (10_002.0,)), ("bob", (11_002.0,))]


def test_best_skill_then_idle() -> None:
    h = staffed(Strategy.BEST_SKILL, agent("ann", en=2), agent("bob", en=5), agent("cid", en=5), skills={"en": 1})
    assert serve(h, 10_000, "t1") == "bob"  # 5 beats 2; bob idle longer than cid
    assert serve(h, 11_000, "t2") == "cid"


def test_least_occupied() -> None:
    h = staffed(Strategy.LEAST_OCCUPIED, agent("ann"), agent("bob"))
    assert serve(h, 10_000, "t1", keep=True) == "ann"  # ann now 1/4 busy
    assert serve(h, 11_000, "t2", keep=True) == "bob"
    assert serve(h, 12_000, "t3", keep=True) == "ann"  # both 1/4: ann idle since 1 s


def test_fewest_interactions() -> None:
    h = staffed(Strategy.FEWEST_INTERACTIONS, agent("ann"), agent("bob"))
    assert serve(h, 10_000, "t1") == "ann"
    assert serve(h, 11_000, "t2") == "bob"
    assert serve(h, 12_000, "t3") == "ann"  # 1 each: ann finished first
    assert serve(h, 13_000, "t4") == "bob"


def test_round_robin_in_configuration_order() -> None:
    h = staffed(Strategy.ROUND_ROBIN, agent("ann"), agent("bob"), agent("cid"))
    assert [serve(h, 10_000 + 10 * i, f"t{i}") for i in range(5)] == ["ann", "bob", "cid", "ann", "bob"]


def test_ring_all_first_accept_wins_and_the_others_are_freed_at_once() -> None:
    h = staffed(Strategy.RING_ALL, agent("ann"), agent("bob"), agent("cid"))
    out = h.send(arrive(10_000, "t1", queue="q"))
    offers = of(out, dec.Offer)
    assert [o.agent for o in offers] == ["ann", "bob", "cid"] and all(o.ring_all for o in offers)
    h.send(arrive(10_500, "t2", queue="q"))  # everyone is reserved: t2 waits
    out = h.accept(11_000, "t1", "bob")
    assert [d.agent for d in of(out, dec.Rescind)] == ["ann", "cid"]
    assert all(d.reason == "taken" for d in of(out, dec.Rescind))
    # Everyone free rings for t2 in the same tick (bob too: chat capacity 4).
    assert offered(out) == [("t2", "ann"), ("t2", "bob"), ("t2", "cid")]
    late = h.accept(11_100, "t1", "ann")
    assert late[0] == dec.EventRefused(event="offer_accepted", reason="no_such_offer", task_id="t1", agent="ann")


def test_ring_all_max() -> None:
    h = staffed(Strategy.RING_ALL, agent("ann"), agent("bob"), agent("cid"), ring_all_max=2)
    assert [a for _, a in offered(h.send(arrive(10_000, "t1", queue="q")))] == ["ann", "bob"]


def _prefers_vip_team(task: TaskSpec, a: AgentView, now_ms: int) -> float | None:
    if a.username == "cid":
        return None  # never this task
    return 10.0 if a.team == task.attributes.get("team") else 1.0


def test_custom_scorer_decides() -> None:
    h = staffed(Strategy.CUSTOM, agent("ann"), agent("bob", team="vip"), agent("cid", team="vip"),
                scorer=_prefers_vip_team)
    (t, who), = offered(h.send(arrive(10_000, "t1", queue="q", attributes={"team": "vip"})))
    assert who == "bob"
    expl = of(h.log[-1][1], dec.Offer)[0].explanation
    assert [(c.name, c.rank) for c in expl.top] == [("bob", (-10.0, 2000.0)), ("ann", (-1.0, 1000.0))]


def test_custom_strategy_needs_a_scorer() -> None:
    from edge_server.routing import ConfigError, RoutingEngine

    with pytest.raises(ConfigError, match="custom"):
        RoutingEngine(site([], [QueueConfig(queue="q", strategy=Strategy.CUSTOM)]))


def _broken(task: TaskSpec, a: AgentView, now_ms: int) -> float | None:
    raise ZeroDivisionError("bug in plug-in")


def test_a_failing_scorer_is_logged_and_routing_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    h = staffed(Strategy.CUSTOM, agent("ann"), agent("bob"), scorer=_broken)
    with caplog.at_level(logging.ERROR, logger="sb.routing"):
        out = h.send(arrive(10_000, "t1", queue="q"))
    (o,) = of(out, dec.Offer)
    assert o.agent == "ann" and "scorer failed (ZeroDivisionError)" in o.explanation.note
    assert any(r.exc_info and "t1" in r.getMessage() for r in caplog.records)
