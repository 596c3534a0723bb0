"""Wrap-up: mandatory or optional codes, type-ahead, notes, countdown, Submit and Ctrl+Enter."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.reasons import ReasonCatalog
from desktop.settings import Settings
from desktop.workspace.wrapup_panel import WrapUpPanel
from desktop_fakes import REASONS, FakeClock, FakeSession, snapshot, task
from edge_server.contract.messages import TaskAssigned, WrapUpStarted


def _panel(qtbot: QtBot, clock: FakeClock, **kw) -> WrapUpPanel:  # noqa: ANN003
    p = WrapUpPanel(WrapUpStarted(task_id="t1", **kw), ReasonCatalog(REASONS), now_ms=clock.now_ms, tick_ms=20)
    qtbot.addWidget(p)
    return p


def test_listed_codes_are_mandatory(qtbot: QtBot, clock: FakeClock) -> None:
    p = _panel(qtbot, clock, codes=["resolved", "follow_up", "escalated", "lunch"])
    assert p.required
    assert p.codes() == ["resolved", "follow_up", "escalated", "lunch"]
    # Site labels where the code is a site wrap-up code; the bare code otherwise (even when a
    # Not Ready reason happens to share it).
    assert [p.code_combo.itemText(i) for i in range(4)] == ["Resolved", "Needs follow-up", "escalated", "lunch"]
    assert p.code_combo.currentIndex() == -1 and p.chosen_code() is None
    assert not p.submit_button.isEnabled()
    assert p.hint_label.text() == "Choose a wrap-up code to submit."
    assert p._code_caption.text() == "Code:"
    with qtbot.assertNotEmitted(p.submitted):
        p.submit_button.click()
    # Typed text that names no code keeps Submit off, and says so.
    p.code_combo.setEditText("follow")
    assert p.chosen_code() is None and not p.submit_button.isEnabled()
    assert "pick one from the list" in p.hint_label.text()
    # The label, whatever its case, or the code itself.
    p.code_combo.setEditText("needs FOLLOW-up")
    assert p.chosen_code() == "follow_up" and p.submit_button.isEnabled()
    p.code_combo.setEditText("escalated")
    assert p.chosen_code() == "escalated"
    p.notes_edit.setPlainText("  Called back, refund issued.  ")
    with qtbot.waitSignal(p.submitted) as sig:
        p.submit_button.click()
    assert sig.args == ["t1", "escalated", "Called back, refund issued."]


def test_type_ahead_finds_a_word_inside_the_label(qtbot: QtBot, clock: FakeClock) -> None:
    p = _panel(qtbot, clock, codes=["resolved", "follow_up"])
    completer = p.code_combo.completer()
    completer.setCompletionPrefix("follow")
    assert completer.completionCount() == 1
    assert completer.currentCompletion() == "Needs follow-up"
    completer.setCompletionPrefix("RES")
    assert completer.currentCompletion() == "Resolved"


def test_without_listed_codes_the_site_codes_are_optional(qtbot: QtBot, clock: FakeClock) -> None:
    p = _panel(qtbot, clock)
    assert not p.required
    assert p.codes() == ["resolved", "follow_up", "notes"]  # the site's wrap-up codes only
    assert p.chosen_code() == "" and p.submit_button.isEnabled()
    assert p._code_caption.text() == "Code (optional):"
    with qtbot.waitSignal(p.submitted) as sig:
        p.submit_button.click()
    assert sig.args == ["t1", "", ""]
    p.choose("notes")
    assert p.chosen_code() == "notes"


def test_countdown_when_the_wrapup_is_timed(qtbot: QtBot, clock: FakeClock) -> None:
    p = _panel(qtbot, clock, until_ms=clock.ms + 45_000)
    assert p.countdown_label.isVisibleTo(p)
    assert p.countdown_label.text() == "Ends in 00:45"
    clock.advance(40_000)
    qtbot.waitUntil(lambda: p.countdown_label.text() == "Ends in 00:05", timeout=2000)
    assert p.countdown_label.property("urgent") is True
    clock.advance(6_000)
    qtbot.waitUntil(lambda: p.countdown_label.text() == "Time is up", timeout=2000)
    assert not p._tick.isActive()
    untimed = _panel(qtbot, clock)
    assert not untimed.countdown_label.isVisibleTo(untimed) and not untimed._tick.isActive()


def test_choice_survives_new_labels(qtbot: QtBot, clock: FakeClock) -> None:
    p = _panel(qtbot, clock, codes=["resolved", "follow_up"])
    p.choose("follow_up")
    p.set_reasons(ReasonCatalog([]))  # labels gone: the bare codes show, the choice stays
    assert p.code_combo.currentText() == "follow_up" and p.chosen_code() == "follow_up"


def _wrapup_window(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> MainWindow:
    w = MainWindow(session, settings, now_ms=clock.now_ms, tick_ms=20, use_tray=False)
    qtbot.addWidget(w)
    w.resize(900, 600)
    session.play_login(snapshot())
    session.task_assigned.emit(TaskAssigned(task=task("t1")))
    session.wrapup_started.emit(WrapUpStarted(task_id="t1", codes=["resolved", "follow_up"]))
    return w


def test_submit_from_the_work_list_sends_the_chosen_code_and_removes_the_task(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _wrapup_window(qtbot, session, settings, clock)
    view = w.work_list.view_for("t1")
    assert view is not None and view.wrapup_panel is not None
    assert view.phase_label.text() == "Wrap-up"
    panel = view.wrapup_panel
    panel.choose("resolved")
    panel.notes_edit.setPlainText("done")
    session.command_delay_s = 0.05
    panel.submit_button.click()
    assert not panel.submit_button.isEnabled()  # busy until the edge answers
    qtbot.waitUntil(lambda: w.work_list.count() == 0, timeout=2000)
    assert session.sent("submit_wrapup") == [("submit_wrapup", "t1", "resolved", "done")]
    assert not w.workspace.showing_work


def test_refused_submit_keeps_the_form(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _wrapup_window(qtbot, session, settings, clock)
    session.commands_ok = False
    panel = w.work_list.view_for("t1").wrapup_panel  # type: ignore[union-attr]
    assert panel is not None
    panel.choose("follow_up")
    panel.submit_button.click()
    qtbot.waitUntil(panel.submit_button.isEnabled, timeout=2000)
    assert w.work_list.count() == 1 and panel.chosen_code() == "follow_up"


def test_ctrl_enter_submits_from_the_notes(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _wrapup_window(qtbot, session, settings, clock)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    panel = w.work_list.view_for("t1").wrapup_panel  # type: ignore[union-attr]
    assert panel is not None
    panel.notes_edit.setFocus()
    qtbot.waitUntil(panel.notes_edit.hasFocus, timeout=2000)
    qtbot.keyClicks(panel.notes_edit, "line one")
    qtbot.keyClick(panel.notes_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert session.sent("submit_wrapup") == []  # no code chosen yet: mandatory
    panel.choose("resolved")
    panel.notes_edit.setFocus()
    qtbot.keyClick(panel.notes_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.work_list.count() == 0, timeout=2000)
    assert session.sent("submit_wrapup") == [("submit_wrapup", "t1", "resolved", "line one")]


def test_half_typed_wrapup_survives_switching_tasks(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _wrapup_window(qtbot, session, settings, clock)
    session.task_assigned.emit(TaskAssigned(task=task("t2", customer="Bob")))
    panel = w.work_list.view_for("t1").wrapup_panel  # type: ignore[union-attr]
    assert panel is not None
    panel.notes_edit.setPlainText("half")
    w.work_list.select_task("t2")
    assert w.work_list.details.currentWidget() is w.work_list.view_for("t2")
    w.work_list.select_task("t1")
    assert w.work_list.view_for("t1").wrapup_panel.notes_edit.toPlainText() == "half"  # type: ignore[union-attr]


def test_alt_digit_picks_the_nth_code(qtbot: QtBot, clock: FakeClock) -> None:
    p = _panel(qtbot, clock, codes=["resolved", "follow_up", "escalated"])
    p.show()
    qtbot.waitExposed(p)
    p.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is p, timeout=2000)
    p.notes_edit.setFocus()
    qtbot.waitUntil(p.notes_edit.hasFocus, timeout=2000)
    assert not p.submit_button.isEnabled()
    qtbot.keyClick(p.notes_edit, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert p.chosen_code() == "follow_up" and p.submit_button.isEnabled()
    qtbot.keyClick(p.notes_edit, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert p.chosen_code() == "resolved"
    qtbot.keyClick(p.notes_edit, Qt.Key.Key_9, Qt.KeyboardModifier.AltModifier)  # no 9th code: unchanged
    assert p.chosen_code() == "resolved"
    assert p.notes_edit.toPlainText() == ""  # the keys picked; they typed nothing
    assert p.keys_label.text().startswith("Alt+1") and "Alt+3" in p.keys_label.text()
    assert not p.pick(3) and p.pick(2) and p.chosen_code() == "escalated"
    p.set_busy(True)
    assert not p.pick(0) and p.chosen_code() == "escalated"


def test_follow_up_travels_with_the_submit(qtbot: QtBot, clock: FakeClock) -> None:
    p = _panel(qtbot, clock, codes=["resolved"])
    assert not p.follow_up
    p.pick(0)
    p.follow_up_check.setChecked(True)
    p.notes_edit.setPlainText("call back Monday")
    got: list[tuple[object, ...]] = []
    p.submitted.connect(lambda *a: got.append(a))
    p.wrapup_submitted.connect(lambda *a: got.append(a))
    p.submit_button.click()
    assert got == [("t1", "resolved", "call back Monday"), ("t1", "resolved", "call back Monday", True)]
    assert p.follow_up
    p.set_busy(True)
    assert not p.follow_up_check.isEnabled()


def test_mandatory_codes_hint_until_chosen(qtbot: QtBot, clock: FakeClock) -> None:
    p = _panel(qtbot, clock, codes=["resolved", "follow_up"])
    with qtbot.assertNotEmitted(p.wrapup_submitted):
        p.submit_button.click()
    assert p.hint_label.text() == "Choose a wrap-up code to submit."
    p.code_combo.setEditText("Resol")  # half-typed: still no code
    assert not p.submit_button.isEnabled()
    p.code_combo.completer().setCompletionPrefix("resol")
    assert p.code_combo.completer().currentCompletion() == "Resolved"
    p.code_combo.setEditText("Resolved")
    assert p.submit_button.isEnabled() and p.hint_label.text() == ""


def test_type_ahead_in_chinese_labels(qtbot: QtBot, clock: FakeClock) -> None:
    from PySide6.QtCore import QLocale

    QLocale.setDefault(QLocale("zh_CN"))
    p = _panel(qtbot, clock, codes=["resolved", "follow_up"])
    assert [p.code_combo.itemText(i) for i in range(2)] == ["已解决", "需跟进"]
    completer = p.code_combo.completer()
    completer.setCompletionPrefix("跟进")
    assert completer.completionCount() == 1 and completer.currentCompletion() == "需跟进"
    p.code_combo.setEditText("需跟进")
    assert p.chosen_code() == "follow_up"
