"""Offer toasts on the main window: appear, count down, accept, decline, hotkeys, rescind, expiry."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.settings import Settings
from desktop_fakes import FakeClock, FakeSession, offer, snapshot, task
from edge_server.contract.messages import OfferRescinded, TaskAssigned, WrapUpStarted


def _window(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> MainWindow:
    w = MainWindow(session, settings, now_ms=clock.now_ms, tick_ms=20, use_tray=False)
    qtbot.addWidget(w)
    w.offers._tick.setInterval(20)
    w.resize(900, 600)
    session.play_login(snapshot())
    return w


def _shown(qtbot: QtBot, w: MainWindow) -> None:
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)


def test_toast_shows_customer_queue_and_countdown(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    _shown(qtbot, w)
    assert w.offers.isHidden()
    session.offer_received.emit(offer(7, now_ms=clock.ms, timeout_ms=20_000))
    [toast] = w.offers.toasts()
    assert toast.offer_id == 7
    assert toast.customer_label.text() == "张伟 Zhang Wei"
    assert toast.queue_label.text() == "Billing (Mandarin) · Chat"
    assert toast.subject_label.text() == "Invoice 2024-113 charged twice"
    assert toast.seconds_label.text() == "20 s"
    assert toast.priority_badge.isHidden()  # priority 0: no VIP badge
    assert toast.countdown.maximum() == 20_000 and toast.countdown.value() == 20_000
    assert toast.channel_label.toolTip() == "Chat"
    assert w.offers.isVisible()
    # Anchored at the centre pane's top-right corner (the screen-pop stays visible to its right).
    anchor = w.workspace.stack
    corner = anchor.mapTo(w, QPoint(anchor.width(), 0))
    geo = w.offers.geometry()
    assert abs(geo.right() - corner.x()) < 20 and abs(geo.top() - corner.y()) < 20
    assert geo.left() > anchor.mapTo(w, QPoint(0, 0)).x()
    # The countdown ticks with the (edge-corrected) clock.
    clock.advance(12_500)
    qtbot.waitUntil(lambda: toast.seconds_label.text() == "8 s", timeout=2000)
    assert toast.countdown.value() == 7_500
    clock.advance(4_000)
    qtbot.waitUntil(lambda: toast.countdown.property("urgent") is True, timeout=2000)


def test_vip_and_unknown_customer(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.offer_received.emit(offer(1, task("t9", customer="", priority=3, subject=""), now_ms=clock.ms))
    [toast] = w.offers.toasts()
    assert toast.customer_label.text() == "Unknown customer"
    assert not toast.priority_badge.isHidden() and toast.priority_badge.text() == "VIP"
    assert toast.priority_badge.toolTip() == "Priority 3"
    assert toast.subject_label.isHidden()


def test_accept_calls_accept_offer_and_the_task_lands_in_the_work_list(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    _shown(qtbot, w)
    session.command_delay_s = 0.05
    session.offer_received.emit(offer(3, task("t3"), now_ms=clock.ms))
    toast = w.offers.toast_for(3)
    assert toast is not None
    qtbot.mouseClick(toast.accept_button, Qt.MouseButton.LeftButton)
    assert toast.busy and not toast.accept_button.isEnabled()
    assert toast.seconds_label.text() == "Accepting…"
    qtbot.waitUntil(lambda: w.offers.toasts() == [], timeout=2000)
    assert session.sent("accept_offer") == [("accept_offer", 3, "t3")]
    assert session.sent("decline_offer") == []
    assert w.work_list.model.row_of("t3") == 0
    assert w.workspace.showing_work


def test_refused_accept_closes_the_toast_and_says_why(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.accept_ok = False
    session.offer_received.emit(offer(3, now_ms=clock.ms))
    w.offers.toast_for(3).accept_button.click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: w.offers.toasts() == [], timeout=2000)
    assert w.status_message() == "Accepting the offer failed: The edge server refused: offer gone"
    assert w.work_list.count() == 0


def test_decline_calls_decline_offer_and_closes_at_once(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    _shown(qtbot, w)
    session.command_delay_s = 0.2
    session.offer_received.emit(offer(4, task("t4"), now_ms=clock.ms))
    qtbot.mouseClick(w.offers.toast_for(4).decline_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    assert w.offers.toasts() == []  # before the edge answered
    qtbot.waitUntil(lambda: len(session.sent("decline_offer")) == 1, timeout=2000)
    assert session.sent("decline_offer") == [("decline_offer", 4, "t4", "")]
    # The edge's rescind ("declined") that follows finds nothing to close and says nothing.
    w.statusBar().clearMessage()
    session.offer_rescinded.emit(OfferRescinded(offer_id=4, task_id="t4", reason="declined"))
    assert w.status_message() == ""


def test_hotkeys_accept_and_decline_the_top_offer(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    _shown(qtbot, w)
    session.offer_received.emit(offer(1, task("t1"), now_ms=clock.ms))
    session.offer_received.emit(offer(2, task("t2", customer="Bob"), now_ms=clock.ms))
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(w, Qt.Key.Key_D, ctrl_shift)
    qtbot.waitUntil(lambda: len(session.sent("decline_offer")) == 1, timeout=2000)
    assert session.sent("decline_offer")[0][1] == 1  # the oldest, on top
    assert [t.offer_id for t in w.offers.toasts()] == [2]
    qtbot.keyClick(w, Qt.Key.Key_A, ctrl_shift)
    qtbot.waitUntil(lambda: w.offers.toasts() == [], timeout=2000)
    assert session.sent("accept_offer") == [("accept_offer", 2, "t2")]
    # With nothing ringing the keys do nothing.
    qtbot.keyClick(w, Qt.Key.Key_A, ctrl_shift)
    qtbot.wait(50)
    assert len(session.sent("accept_offer")) == 1


def test_rescind_closes_with_a_reason_in_the_status_bar(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.offer_received.emit(offer(5, task("t5", customer="Li Na"), now_ms=clock.ms))
    session.offer_rescinded.emit(OfferRescinded(offer_id=5, task_id="t5", reason="taken"))
    assert w.offers.toasts() == [] and w.offers.isHidden()
    assert w.status_message() == "Offer withdrawn: Li Na – another agent took it"
    assert session.session_calls() == []


def test_expiry_closes_without_declining(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.offer_received.emit(offer(6, task("t6", customer="Wang Fang"), now_ms=clock.ms, timeout_ms=5000))
    clock.advance(4_900)
    qtbot.wait(60)
    assert len(w.offers.toasts()) == 1
    clock.advance(100)
    qtbot.waitUntil(lambda: w.offers.toasts() == [], timeout=2000)
    assert session.session_calls() == []  # the edge times it out; no decline from here
    assert w.status_message() == "The offer from Wang Fang was not answered in time."


def test_two_offers_stack_oldest_on_top(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    _shown(qtbot, w)
    session.offer_received.emit(offer(1, task("t1"), now_ms=clock.ms))
    height_one = w.offers.height()
    session.offer_received.emit(offer(2, task("t2", customer="Bob"), now_ms=clock.ms))
    QApplication.processEvents()
    first, second = w.offers.toasts()
    assert (first.offer_id, second.offer_id) == (1, 2)
    assert second.geometry().top() >= first.geometry().bottom()
    assert w.offers.height() > height_one
    # The same offer again (a snapshot after reconnect) updates in place.
    session.offer_received.emit(offer(2, task("t2", customer="Bob B."), now_ms=clock.ms))
    assert len(w.offers.toasts()) == 2 and second.customer_label.text() == "Bob B."
    # A push assigning the first offer's task closes its toast.
    session.task_assigned.emit(TaskAssigned(task=task("t1"), offer_id=1))
    assert [t.offer_id for t in w.offers.toasts()] == [2]


def test_a_toast_never_takes_the_keyboard_focus(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    _shown(qtbot, w)
    session.task_assigned.emit(TaskAssigned(task=task("t1")))
    session.wrapup_started.emit(WrapUpStarted(task_id="t1"))
    panel = w.work_list.view_for("t1").wrapup_panel  # type: ignore[union-attr]
    assert panel is not None
    panel.notes_edit.setFocus()
    qtbot.waitUntil(panel.notes_edit.hasFocus, timeout=2000)
    qtbot.keyClicks(panel.notes_edit, "Refund ")
    session.offer_received.emit(offer(9, task("t9"), now_ms=clock.ms))
    toast = w.offers.toast_for(9)
    assert toast is not None and toast.isVisible()
    assert panel.notes_edit.hasFocus()
    qtbot.mouseClick(toast.decline_button, Qt.MouseButton.LeftButton)
    assert panel.notes_edit.hasFocus()
    qtbot.keyClicks(panel.notes_edit, "sent")
    assert panel.notes_edit.toPlainText() == "Refund sent"
    # The hotkey answers the next offer from inside the notes; the new work comes forward
    # (the wrap-up is not active work) and the notes keep their text for later.
    session.offer_received.emit(offer(10, task("t10"), now_ms=clock.ms))
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(panel.notes_edit, Qt.Key.Key_A, ctrl_shift)
    qtbot.waitUntil(lambda: session.sent("accept_offer") == [("accept_offer", 10, "t10")], timeout=2000)
    qtbot.waitUntil(lambda: w.work_list.current_task_id() == "t10", timeout=2000)
    assert panel.notes_edit.toPlainText() == "Refund sent"


def test_logout_clears_the_offers(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.offer_received.emit(offer(1, now_ms=clock.ms))
    session.logged_out.emit()
    assert w.offers.toasts() == [] and w.offers.isHidden()
