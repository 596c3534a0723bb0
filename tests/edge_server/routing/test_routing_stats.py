"""Live statistics, positions and EWT, refreshed by the events that change them."""
from __future__ import annotations

from edge_server.contract.messages import AgentState
from edge_server.routing import decisions as dec
from edge_server.routing import events as ev
from edge_server.routing.model import QueueConfig
from edge_server.routing.stats import QueueCounters, seconds_per_position
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, of, site


def test_service_level_ignores_short_abandons() -> None:
    c = QueueCounters()
    assert c.service_level_pct() is None and c.aht_s() is None
    c.record_answer(in_sl=True)
    c.record_answer(in_sl=False)
    c.record_abandon(short=True)  # gave up before the target: neither for nor against
    c.record_abandon(short=False)
    assert c.service_level_pct() == 33.33
    c.record_handle(61_000)
    c.record_handle(90_000)
    assert c.aht_s() == 75.5
    restored = QueueCounters()
    restored.load_list(c.as_list())
    assert (restored.service_level_pct(), restored.aht_s()) == (33.33, 75.5)
    assert seconds_per_position(300, 0) is None and seconds_per_position(300, 4) == 75.0
    assert seconds_per_position(75, 2) == 38.0 and seconds_per_position(3, 2) == 1.5  # two digits


def test_counters_from_a_busy_queue() -> None:
    h = Host(site([agent("ann"), agent("bob")], [QueueConfig(queue="q", sl_target_s=20, sl_percent=90)]))
    h.send(login(0, "ann"))
    h.send(login(0, "bob", AgentState.NOT_READY))
    for tid in ("t1", "t2", "t3", "t4"):
        h.send(arrive(1000, tid))
    h.accept(11_000, "t1", "ann")  # waited 10 s: within 20 s
    h.send(ev.TaskCancelled(now_ms=5000 + 1000, task_id="t3"))  # 5 s: short abandon
    h.send(ev.TaskCancelled(now_ms=31_000, task_id="t4"))  # 30 s: counts against
    h.ready_agent(40_000, "bob")
    h.accept(41_000, "t2", "bob")  # waited 40 s
    h.complete(71_000, "t1")  # handled 60 s
    out = h.complete(131_000, "t2")  # handled 90 s
    (stats,) = [d.stats for d in of(out, dec.StatsChanged)]
    assert (stats.waiting, stats.answered, stats.answered_in_sl, stats.abandoned, stats.abandoned_short) == (0, 2, 1, 2, 1)
    assert stats.service_level_pct == 33.33 and stats.sl_goal_pct == 90
    assert stats.aht_s == 75.0 and (stats.staffed, stats.servers) == (2, 2)
    assert stats.seconds_per_position == 38.0  # 75 s AHT over 2 servers, two digits
    assert h.engine.queue_stats("q") == stats
    assert h.complete(132_000, "nope")[0].reason == "not_active"  # nothing changed: no statistics sent
    h.send(ev.StatsReset(now_ms=133_000))
    assert h.engine.queue_stats("q").answered == 0


def test_positions_are_sent_from_the_first_change_on() -> None:
    h = Host(site([agent("ann")], [QueueConfig(queue="q", default_aht_s=120)]))
    h.send(login(0, "ann"))
    h.send(arrive(500, "busy"))
    h.accept(600, "busy", "ann")  # ann is staffed (1 server) but busy

    def positions(out: list[dec.Decision]) -> list[tuple[int, int, tuple[str, ...], float | None]]:
        return [(d.total, d.first_position, d.task_ids, d.seconds_per_position) for d in of(out, dec.QueuePositions)]

    assert positions(h.send(arrive(1000, "t1"))) == [(1, 1, ("t1",), 120.0)]
    assert positions(h.send(arrive(2000, "t2"))) == [(2, 2, ("t2",), 120.0)]
    out = h.send(arrive(3000, "vip", priority=1))
    assert positions(out) == [(3, 1, ("vip", "t1", "t2"), 120.0)]
    assert [(p.task_id, p.position, p.ewt_s) for p in of(out, dec.QueuePositions)[0].entries()] == [
        ("vip", 1, 120.0), ("t1", 2, 240.0), ("t2", 3, 360.0)]
    assert positions(h.send(ev.TaskCancelled(now_ms=4000, task_id="t1"))) == [(2, 2, ("t2",), 120.0)]
    assert positions(h.send(ev.TaskCancelled(now_ms=5000, task_id="t2"))) == [(1, 2, (), 120.0)]
    assert h.engine.position("vip") == dec.TaskPosition("vip", 1, 120.0)
    # A second server halves every EWT: the whole line is re-sent.
    h.send(ev.ConfigChanged(now_ms=6000, config=site([agent("ann"), agent("bob")], [QueueConfig(queue="q", default_aht_s=120)])))
    out = h.send(login(7000, "bob", AgentState.NOT_READY))
    assert positions(out) == []  # not Ready: not a server
    out = h.ready_agent(8000, "bob")
    assert positions(out)[0][:2] == (0, 1) and of(out, dec.StatsChanged)[0].stats.seconds_per_position == 60.0


def test_oldest_waiting_and_untouched_queues_stay_quiet() -> None:
    h = Host(site([agent("ann")], [QueueConfig(queue="a"), QueueConfig(queue="b")]))
    h.send(arrive(1000, "x", queue="a"))
    out = h.send(arrive(2000, "y", queue="a", priority=5))
    (s,) = of(out, dec.StatsChanged)
    assert (s.queue, s.stats.waiting, s.stats.oldest_arrival_ms) == ("a", 2, 1000)
    assert h.engine.queue_stats("b").waiting == 0
