"""A snapshot (login or resume) redraws offers, tasks and wrap-ups; what it lacks disappears."""
from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.settings import Settings
from desktop.workspace.work_model import TaskPhase
from desktop_fakes import FakeClock, FakeSession, offer, snapshot, task
from edge_server.contract.messages import TaskAssigned, WrapUpStarted


def _window(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> MainWindow:
    w = MainWindow(session, settings, now_ms=clock.now_ms, tick_ms=20, use_tray=False)
    qtbot.addWidget(w)
    w.resize(900, 600)
    return w


def test_login_snapshot_draws_offers_tasks_and_wrapups(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.play_login(snapshot(
        offers=[offer(11, task("t3", customer="Ringing Rita"), now_ms=clock.ms, timeout_ms=8000)],
        tasks=[task("t1", customer="Active Anna"), task("t2", customer="Wrapping Wu")],
        wrapups=[WrapUpStarted(task_id="t2", until_ms=clock.ms + 60_000, codes=["resolved"])],
    ))
    [toast] = w.offers.toasts()
    assert toast.offer_id == 11 and toast.customer_label.text() == "Ringing Rita"
    assert toast.seconds_label.text() == "8 s"
    items = {i.task_id: i for i in w.work_list.model.items()}
    assert set(items) == {"t1", "t2", "t3"}  # the ringing offer is a row too, with its countdown
    assert items["t1"].phase == TaskPhase.ACTIVE and items["t2"].phase == TaskPhase.WRAPUP
    assert items["t3"].phase == TaskPhase.OFFERED
    panel = w.work_list.view_for("t2").wrapup_panel  # type: ignore[union-attr]
    assert panel is not None and panel.codes() == ["resolved"]
    assert panel.countdown_label.text() == "Ends in 01:00"
    assert w.workspace.showing_work


def test_refreshed_snapshot_drops_what_it_lacks_and_keeps_what_it_has(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.play_login(snapshot(
        offers=[offer(1, task("t9"), now_ms=clock.ms), offer(2, task("t8"), now_ms=clock.ms)],
        tasks=[task("t1"), task("t2"), task("t3")],
        wrapups=[WrapUpStarted(task_id="t3")],
    ))
    t1 = w.work_list.model.item("t1")
    assert t1 is not None
    w.work_list.view_for("t3").wrapup_panel.notes_edit.setPlainText("kept")  # type: ignore[union-attr]
    w.work_list.model.set_phase("t1", TaskPhase.COMPLETED)  # completed here; the edge says otherwise
    clock.advance(5_000)
    # Reconnected: offer 1 was taken meanwhile, task 2 finished; offer 3 is new.
    session.play_snapshot_refreshed(snapshot(
        offers=[offer(2, task("t8"), now_ms=clock.ms), offer(3, task("t7"), now_ms=clock.ms)],
        tasks=[task("t1"), task("t3")],
        wrapups=[WrapUpStarted(task_id="t3")],
    ))
    assert [t.offer_id for t in w.offers.toasts()] == [2, 3]
    assert [i.task_id for i in w.work_list.model.items() if i.phase != TaskPhase.OFFERED] == ["t1", "t3"]
    assert [i.task_id for i in w.work_list.model.items() if i.phase == TaskPhase.OFFERED] == ["t8", "t7"]
    assert w.work_list.view_for("t2") is None
    assert w.work_list.model.item("t1") is t1 and t1.phase == TaskPhase.ACTIVE
    assert t1.assigned_ms == clock.ms - 5_000  # the timer keeps counting from the first sight
    # The same wrap-up again keeps what the agent typed.
    assert w.work_list.view_for("t3").wrapup_panel.notes_edit.toPlainText() == "kept"  # type: ignore[union-attr]


def test_expired_offer_in_a_snapshot_is_not_shown(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.play_login(snapshot(offers=[offer(1, now_ms=clock.ms - 30_000, timeout_ms=20_000)]))
    assert w.offers.toasts() == []


def test_logout_empties_the_work_list_but_a_lost_session_keeps_it(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.play_login(snapshot())
    session.task_assigned.emit(TaskAssigned(task=task("t1")))
    # The edge keeps active work for an agent who comes back; the next login's snapshot decides.
    session.session_lost.emit("gone")
    assert w.work_list.count() == 1
    session.logged_out.emit()
    assert w.work_list.count() == 0 and not w.workspace.showing_work
