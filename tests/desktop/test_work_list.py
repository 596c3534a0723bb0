"""The work list and detail pane: assignment, Complete, task ended, selection hotkeys."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.settings import Settings
from desktop.workspace.work_model import ITEM_ROLE, TaskPhase
from desktop_fakes import FakeClock, FakeSession, snapshot, task
from edge_server.contract.messages import TaskAssigned, TaskEnded, WrapUpEnded, WrapUpStarted


def _window(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> MainWindow:
    w = MainWindow(session, settings, now_ms=clock.now_ms, tick_ms=20, use_tray=False)
    qtbot.addWidget(w)
    w.resize(900, 600)
    session.play_login(snapshot())
    return w


def _assign(session: FakeSession, task_id: str, **kw) -> None:  # noqa: ANN003
    session.task_assigned.emit(TaskAssigned(task=task(task_id, **kw), offer_id=1))


def test_assignment_adds_a_row_and_shows_its_details(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    assert not w.workspace.showing_work
    _assign(session, "t1", channel="voice", priority=1, attributes={"order": "A-778"})
    wl = w.work_list
    assert w.workspace.showing_work and wl.count() == 1
    assert wl.current_task_id() == "t1"
    item = wl.model.index(0).data(ITEM_ROLE)
    assert item.phase == TaskPhase.ACTIVE and item.task.channel == "voice"
    assert wl.model.index(0).data(Qt.ItemDataRole.ToolTipRole) == (
        "张伟 Zhang Wei, Billing (Mandarin), Active, 00:00"
    )
    view = wl.current_view()
    assert view is not None and wl.details.currentWidget() is view
    assert view.customer_label.text() == "张伟 Zhang Wei"
    assert view.queue_label.text() == "Billing (Mandarin) · Voice"
    assert not view.priority_badge.isHidden()
    assert view.phase_label.text() == "Active"
    assert view.complete_button.isVisibleTo(view) and not view.dismiss_button.isVisibleTo(view)
    details = [lbl.text() for lbl in view._details.findChildren(type(view.phase_label))]
    assert "Customer ID:" in details and "c-t1" in details and "A-778" in details
    assert "00:45" in details  # waited 45 s before the assignment
    # The timer since assignment ticks (list and pane).
    clock.advance(65_000)
    qtbot.waitUntil(lambda: view.elapsed_label.text() == "01:05", timeout=2000)
    assert "01:05" in wl.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert wl._title.text() == "My work (1)"


def test_complete_calls_complete_task_then_close_removes(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    w.show()
    qtbot.waitExposed(w)
    _assign(session, "t1")
    view = w.work_list.view_for("t1")
    assert view is not None
    session.command_delay_s = 0.05
    qtbot.mouseClick(view.complete_button, Qt.MouseButton.LeftButton)
    assert not view.complete_button.isEnabled()  # no second Complete while the first travels
    qtbot.waitUntil(lambda: w.work_list.model.item("t1").phase == TaskPhase.COMPLETED, timeout=2000)
    assert session.sent("complete_task") == [("complete_task", "t1")]
    # No wrap-up followed (the queue has none): the agent closes it.
    assert view.phase_label.text() == "Completed"
    assert view.dismiss_button.isVisible() and view.dismiss_button.isEnabled()
    assert not view.complete_button.isVisible()
    qtbot.mouseClick(view.dismiss_button, Qt.MouseButton.LeftButton)
    assert w.work_list.count() == 0 and not w.workspace.showing_work


def test_refused_complete_keeps_the_task_active(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.commands_ok = False
    _assign(session, "t1")
    view = w.work_list.view_for("t1")
    assert view is not None
    view.complete_button.click()
    qtbot.waitUntil(lambda: len(session.sent("complete_task")) == 1, timeout=2000)
    qtbot.waitUntil(view.complete_button.isEnabled, timeout=2000)
    assert w.work_list.model.item("t1").phase == TaskPhase.ACTIVE  # type: ignore[union-attr]


def test_task_ended_by_the_other_side_shows_why(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    _assign(session, "t1")
    session.task_ended.emit(TaskEnded(task_id="t1", reason="hangup"))
    item = w.work_list.model.item("t1")
    assert item is not None and item.phase == TaskPhase.ENDED
    view = w.work_list.view_for("t1")
    assert view is not None
    assert view.phase_label.text() == "Ended: The customer ended it"
    assert view.phase_label.property("phase") == "ended"
    assert not view.complete_button.isVisibleTo(view) and view.dismiss_button.isVisibleTo(view)
    # Wrap-up can still follow the end; then the wrap-up is what the agent sees.
    session.wrapup_started.emit(WrapUpStarted(task_id="t1"))
    assert item.phase == TaskPhase.WRAPUP and view.wrapup_panel is not None
    assert not view.dismiss_button.isVisibleTo(view)


def test_supervisor_cancel_during_wrapup_keeps_the_wrapup_and_says_why(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    # The edge pushes the wrap-up (from completing the cancelled task) before the end.
    w = _window(qtbot, session, settings, clock)
    _assign(session, "t1")
    session.wrapup_started.emit(WrapUpStarted(task_id="t1", codes=["resolved"]))
    session.task_ended.emit(TaskEnded(task_id="t1", reason="cancelled"))
    item = w.work_list.model.item("t1")
    assert item is not None and item.phase == TaskPhase.WRAPUP
    view = w.work_list.view_for("t1")
    assert view is not None and view.wrapup_panel is not None
    details = [lbl.text() for lbl in view._details.findChildren(type(view.phase_label))]
    assert "Ended:" in details and "Cancelled" in details


def test_completed_confirmation_removes_a_completed_task(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    _assign(session, "t1")
    w.work_list.view_for("t1").complete_button.click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: w.work_list.model.item("t1").phase == TaskPhase.COMPLETED, timeout=2000)
    session.task_ended.emit(TaskEnded(task_id="t1", reason="completed"))
    assert w.work_list.count() == 0


def test_wrapup_ended_removes_the_task(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    _assign(session, "t1")
    _assign(session, "t2", customer="Bob")
    session.wrapup_started.emit(WrapUpStarted(task_id="t1", until_ms=clock.ms + 30_000))
    session.wrapup_ended.emit(WrapUpEnded(task_id="t1", by="timer"))
    assert [i.task_id for i in w.work_list.model.items()] == ["t2"]
    assert w.work_list.view_for("t1") is None
    assert w.work_list.current_task_id() == "t2"  # something stays selected


def test_ctrl_digits_select_tasks(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    for n in (1, 2, 3):
        _assign(session, f"t{n}", customer=f"Customer {n}")
    assert w.work_list.current_task_id() == "t1"  # a new task does not pull the agent away
    qtbot.keyClick(w, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert w.work_list.current_task_id() == "t3"
    assert w.work_list.details.currentWidget() is w.work_list.view_for("t3")
    qtbot.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert w.work_list.current_task_id() == "t2"
    qtbot.keyClick(w, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)  # no 9th task: no change
    assert w.work_list.current_task_id() == "t2"


def test_new_task_is_selected_when_the_current_one_is_no_longer_active(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    _assign(session, "t1")
    session.wrapup_started.emit(WrapUpStarted(task_id="t1"))
    _assign(session, "t2")
    assert w.work_list.current_task_id() == "t2"


def test_pushes_that_overtake_the_assignment_keep_their_phase(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.wrapup_started.emit(WrapUpStarted(task_id="t7", codes=["resolved"]))
    item = w.work_list.model.item("t7")
    assert item is not None and item.placeholder and item.phase == TaskPhase.WRAPUP
    _assign(session, "t7", customer="Late Reply")
    assert item.phase == TaskPhase.WRAPUP and not item.placeholder
    assert item.task.customer_name == "Late Reply"
    view = w.work_list.view_for("t7")
    assert view is not None and view.customer_label.text() == "Late Reply"
    assert view.wrapup_panel is not None
