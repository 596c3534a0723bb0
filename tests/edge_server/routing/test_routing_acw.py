"""After-call work: none, timed, manual; wrap-up codes; presence chosen during ACW is kept."""
from __future__ import annotations

from edge_server.contract.messages import AgentState
from edge_server.routing import decisions as dec
from edge_server.routing import events as ev
from edge_server.routing.model import AcwMode, QueueConfig
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, of, offered, site


def staffed(**q: object) -> Host:
    h = Host(site([agent("ann")], [QueueConfig(queue="q", **q)]))
    h.send(login(0, "ann"))
    h.send(arrive(1000, "t1"))
    h.accept(2000, "t1", "ann")
    h.send(arrive(3000, "t2"))
    return h


def test_no_acw_frees_the_slot_on_completion() -> None:
    h = staffed()
    out = h.complete(10_000, "t1")
    assert not of(out, dec.AcwStarted) and offered(out) == [("t2", "ann")]


def test_a_transferred_leg_ends_without_wrap_up_even_on_a_wrap_up_queue() -> None:
    h = staffed(acw_mode=AcwMode.MANUAL, wrapup_codes=("sale",))
    out = h.send(ev.TaskCompleted(now_ms=10_000, task_id="t1", wrapup=False))
    assert not of(out, dec.AcwStarted) and offered(out) == [("t2", "ann")]
    assert h.engine.task_state("t1") is None


def test_timed_acw_holds_the_slot_until_the_timer() -> None:
    h = staffed(acw_mode=AcwMode.TIMED, acw_s=30)
    out = h.complete(10_000, "t1")
    assert of(out, dec.AcwStarted) == [dec.AcwStarted(agent="ann", task_id="t1", queue="q", until_ms=40_000)]
    assert not offered(out)
    out = h.advance(40_000)
    assert of(out, dec.AcwEnded) == [dec.AcwEnded(agent="ann", task_id="t1", queue="q", wrapup_code="", by="timer")]
    assert offered(out) == [("t2", "ann")]


def test_manual_acw_needs_a_valid_wrapup_code() -> None:
    h = staffed(acw_mode=AcwMode.MANUAL, wrapup_codes=("sale", "no_sale"))
    out = h.complete(10_000, "t1")
    assert of(out, dec.AcwStarted)[0].until_ms is None
    assert of(out, dec.AcwStarted)[0].wrapup_codes == ("sale", "no_sale")
    bad = h.send(ev.WrapUpSubmitted(now_ms=11_000, agent="ann", task_id="t1", wrapup_code="bogus"))
    assert bad == [dec.EventRefused(event="wrapup_submitted", reason="invalid_wrapup_code", task_id="t1", agent="ann")]
    assert h.engine.task_state("t1") == "wrapup"
    out = h.send(ev.WrapUpSubmitted(now_ms=12_000, agent="ann", task_id="t1", wrapup_code="sale"))
    assert of(out, dec.AcwEnded)[0].by == "agent" and offered(out) == [("t2", "ann")]
    assert h.engine.queue_stats("q").aht_s == 10.0  # accepted at 2 s, freed at 12 s


def test_early_submit_of_a_timed_acw_cancels_its_timer() -> None:
    h = staffed(acw_mode=AcwMode.TIMED, acw_s=30)
    h.complete(10_000, "t1")
    out = h.send(ev.WrapUpSubmitted(now_ms=15_000, agent="ann", task_id="t1"))
    assert dec.CancelTimer(key="acw:1") in out and offered(out) == [("t2", "ann")]


def test_not_ready_chosen_during_acw_stays_after_it() -> None:
    h = staffed(acw_mode=AcwMode.TIMED, acw_s=30)
    h.complete(10_000, "t1")
    h.not_ready(20_000, "ann", "lunch")
    out = h.advance(40_000)
    assert of(out, dec.AcwEnded) and not offered(out)
    assert h.engine.agent_presence("ann") == (AgentState.NOT_READY, "lunch")


def test_logout_ends_acw() -> None:
    h = staffed(acw_mode=AcwMode.MANUAL)
    h.complete(10_000, "t1")
    out = h.send(ev.AgentLoggedOut(now_ms=11_000, agent="ann"))
    assert [d.by for d in of(out, dec.AcwEnded)] == ["logout"]
    assert h.engine.agent_load("ann") == {}


def test_customer_hangup_during_the_call_is_a_completion() -> None:
    h = staffed(acw_mode=AcwMode.TIMED, acw_s=5)
    out = h.send(ev.TaskCancelled(now_ms=10_000, task_id="t1"))
    assert of(out, dec.AcwStarted) and h.engine.queue_stats("q").abandoned == 0


def test_work_finished_after_logout_frees_the_slot_without_acw() -> None:
    # Regression (property test, hypothesis seed 6): ann logged out during a call; the call
    # then ended and a manual wrap-up (no timer) kept her voice slot, so she logged back in
    # Ready yet blocked on voice. Wrap-up cannot outlive the session: no ACW, slot freed.
    h = staffed(acw_mode=AcwMode.MANUAL)
    h.send(ev.AgentLoggedOut(now_ms=5_000, agent="ann"))
    assert h.engine.agent_load("ann") == {"voice": 1}  # the call itself goes on
    out = h.complete(10_000, "t1")
    assert not of(out, dec.AcwStarted) and h.engine.task_state("t1") is None
    assert h.engine.agent_load("ann") == {}
    out = h.send(login(11_000, "ann"))
    assert offered(out) == [("t2", "ann")]


def test_hangup_after_logout_frees_the_slot_without_acw() -> None:
    h = staffed(acw_mode=AcwMode.TIMED, acw_s=30)
    h.send(ev.AgentLoggedOut(now_ms=5_000, agent="ann"))
    out = h.send(ev.TaskCancelled(now_ms=10_000, task_id="t1"))
    assert not of(out, dec.AcwStarted) and not of(out, dec.SetTimer)
    assert h.engine.agent_load("ann") == {} and h.engine.queue_stats("q").abandoned == 0
