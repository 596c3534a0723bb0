"""Routing plans: relax skills, widen, raise priority, overflow, voicemail/callback, time limits."""
from __future__ import annotations

from edge_server.routing import decisions as dec
from edge_server.routing.model import FinalAction, PlanStep, QueueConfig, TaskSpec
from edge_server.routing.plans import fold
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, of, offered, site


def test_fold_accumulates_steps() -> None:
    q = QueueConfig(queue="q", skills={"en": 4, "billing": 3}, plan=(
        PlanStep(after_s=10, skills={"en": 2}, add_agents=("zed",), priority_delta=1),
        PlanStep(after_s=20, skills={"billing": 0}, add_teams=("night",), drop_language=True, priority_delta=2),
        PlanStep(after_s=30, final_action=FinalAction.CALLBACK),
    ))
    spec = TaskSpec(task_id="t", queue="q", language="fr")
    e0, e2, e3 = fold(spec, q, 0), fold(spec, q, 2), fold(spec, q, 3)
    assert (e0.reqs, e0.language, e0.priority_delta) == ({"en": 4, "billing": 3}, "fr", 0)
    assert (e2.reqs, e2.language, e2.agents, e2.teams, e2.priority_delta) == ({"en": 2}, "", ("zed",), ("night",), 3)
    assert e3.callback and not e2.callback
    override = fold(TaskSpec(task_id="t", queue="q", skills={"vip": 1}), q, 1)
    assert override.reqs == {"vip": 1, "en": 2}


def test_relaxing_a_skill_reaches_new_agents_in_the_same_tick() -> None:
    q = QueueConfig(queue="q", skills={"en": 4}, plan=(PlanStep(after_s=30, skills={"en": 2}),))
    h = Host(site([agent("expert", en=5), agent("junior", en=2)], [q]))
    h.send(login(0, "junior"))
    assert offered(h.send(arrive(1000, "t1"))) == []
    out = h.advance(31_000)
    (esc,) = of(out, dec.Escalated)
    assert (esc.step, esc.requirements) == (0, {"en": 2})
    assert offered(out) == [("t1", "junior")]
    assert of(out, dec.Offer)[0].explanation.requirements == {"en": 2}


def test_widening_to_agents_and_teams() -> None:
    q = QueueConfig(queue="q", skills={"rare": 1}, plan=(
        PlanStep(after_s=10, add_agents=("bob",)),
        PlanStep(after_s=20, add_teams=("night",)),
    ))
    h = Host(site([agent("bob"), agent("nia", team="night")], [q]))
    h.send(login(0, "nia"))
    h.send(arrive(1000, "t1"))
    assert offered(h.advance(11_000)) == [], "bob is added but logged out"
    out = h.advance(21_000)
    assert offered(out) == [("t1", "nia")]
    assert of(out, dec.Offer)[0].explanation.teams == ("night",)


def test_voicemail_at_the_end_of_the_plan() -> None:
    q = QueueConfig(queue="q", skills={"x": 1}, plan=(PlanStep(after_s=60, final_action=FinalAction.VOICEMAIL),))
    h = Host(site([], [q]))
    h.send(arrive(0, "t1"))
    out = h.advance(60_000)
    assert of(out, dec.FinalActionTaken) == [dec.FinalActionTaken(task_id="t1", queue="q", action="voicemail")]
    assert h.engine.task_state("t1") is None and h.engine.queue_stats("q").overflowed == 1
    assert not h.engine.pending_timers()


def test_callback_keeps_the_place_and_is_flagged_on_the_offer() -> None:
    q = QueueConfig(queue="q", skills={"x": 1}, plan=(PlanStep(after_s=60, final_action=FinalAction.CALLBACK),))
    h = Host(site([agent("ann", x=1)], [q]))
    h.send(arrive(0, "t1"))
    h.send(arrive(1000, "t2"))
    out = h.advance(60_000)
    assert of(out, dec.FinalActionTaken)[0].action == "callback"
    assert h.engine.waiting("q") == ["t1", "t2"]
    (o,) = of(h.send(login(70_000, "ann")), dec.Offer)
    assert (o.task_id, o.callback) == ("t1", True)


def test_steps_due_while_ringing_apply_when_the_task_returns() -> None:
    q = QueueConfig(queue="q", skills={"x": 1}, offer_timeout_s=30, decline_cooldown_s=0,
                    plan=(PlanStep(after_s=10, overflow_queue="other"),))
    h = Host(site([agent("ann", x=1)], [q, QueueConfig(queue="other", skills={"y": 1})]))
    h.send(login(0, "ann"))
    h.send(arrive(1000, "t1"))  # rings at ann; the overflow step falls due at 11 s
    out = h.advance(20_000)
    assert not of(out, dec.Overflowed)
    out = h.decline(25_000, "t1", "ann")
    assert of(out, dec.Overflowed) == [dec.Overflowed(task_id="t1", from_queue="q", to_queue="other", step=0)]
    assert h.engine.waiting("other") == ["t1"]


def test_time_limit_expires_a_waiting_or_ringing_task() -> None:
    h = Host(site([agent("ann", x=1)], [QueueConfig(queue="q", max_wait_s=120, offer_timeout_s=300)]))
    h.send(arrive(0, "waits"))
    h.send(arrive(0, "rings", time_limit_s=30, priority=1))
    h.send(login(1000, "ann"))
    out = h.advance(30_000)
    assert of(out, dec.TaskExpired) == [dec.TaskExpired(task_id="rings", queue="q", waited_ms=30_000)]
    assert [(d.task_id, d.reason) for d in of(out, dec.Rescind)] == [("rings", "expired")]
    assert offered(out) == [("waits", "ann")]
    out = h.advance(120_000)
    assert [d.task_id for d in of(out, dec.TaskExpired)] == ["waits"]
    assert h.engine.queue_stats("q").expired == 2


def test_direct_to_agent_ignores_the_plan_and_waits_for_that_agent() -> None:
    q = QueueConfig(queue="q", plan=(PlanStep(after_s=5, overflow_queue="o"),))
    h = Host(site([agent("ann"), agent("bob")], [q, QueueConfig(queue="o")]))
    h.send(login(0, "bob"))
    assert offered(h.send(arrive(1000, "t1", direct_agent="ann"))) == []
    assert not of(h.advance(60_000), dec.Overflowed)
    out = h.send(login(61_000, "ann"))
    assert offered(out) == [("t1", "ann")]
    assert of(out, dec.Offer)[0].explanation.targeted == ("ann",)
