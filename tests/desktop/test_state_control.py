from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.reasons import ReasonCatalog
from desktop.settings import Settings
from desktop.state_control import StateControl
from desktop_fakes import REASONS, FakeClock, FakeSession, snapshot, status
from edge_server.contract.messages import AgentState, ReasonCode, ReasonKind


def _action(control: StateControl, name: str):  # noqa: ANN202
    found = [a for a in control.menu_actions() if a.objectName() == name]
    assert len(found) == 1, [a.objectName() for a in control.menu_actions()]
    return found[0]


def test_reason_submenu_lists_only_not_ready_reasons_in_order(qtbot: QtBot) -> None:
    control = StateControl()
    qtbot.addWidget(control)
    control.set_reasons(ReasonCatalog(REASONS))
    sub = control.menu().findChild(QMenu, "not_ready_menu")
    assert sub is not None
    assert [a.text() for a in sub.actions()] == ["Lunch", "Break", "Training"]  # not the wrap-up code
    top = [a.text() for a in control.menu().actions()]
    assert top == ["Ready", "Not Ready", "After-Call Work"]


def test_system_reasons_are_never_offered(qtbot: QtBot) -> None:
    control = StateControl()
    qtbot.addWidget(control)
    codes = [
        *REASONS,
        ReasonCode(code="disconnected", kind=ReasonKind.NOT_READY, label_en="Disconnected"),
    ]
    control.set_reasons(ReasonCatalog(codes))
    names = {a.objectName() for a in control.menu_actions()}
    assert "action_not_ready_disconnected" not in names
    assert "action_not_ready_lunch" in names


def test_without_reason_codes_not_ready_is_a_plain_entry(qtbot: QtBot) -> None:
    control = StateControl()
    qtbot.addWidget(control)
    control.set_reasons(ReasonCatalog([]))
    assert control.menu().findChild(QMenu, "not_ready_menu") is None
    with qtbot.waitSignal(control.state_requested) as sig:
        _action(control, "action_not_ready").trigger()
    assert sig.args == [AgentState.NOT_READY, ""]


def test_picking_asks_but_shows_only_what_the_edge_confirmed(qtbot: QtBot) -> None:
    control = StateControl()
    qtbot.addWidget(control)
    control.set_reasons(ReasonCatalog(REASONS))
    control.show_status(status(state=AgentState.NOT_READY, reason="break"))
    assert control.text() == "Not Ready – Break"
    with qtbot.waitSignal(control.state_requested) as sig:
        _action(control, "action_ready").trigger()
    assert sig.args == [AgentState.READY, ""]
    # Not confirmed yet: still Not Ready, and the checked entry is still Break.
    assert control.text() == "Not Ready – Break"
    assert _action(control, "action_not_ready_break").isChecked()
    assert not _action(control, "action_ready").isChecked()
    control.show_status(status(state=AgentState.READY))
    assert control.text() == "Ready"
    assert control.property("agent_state") == "ready"
    assert _action(control, "action_ready").isChecked()


def _logged_in_window(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> MainWindow:
    w = MainWindow(session, settings, now_ms=clock.now_ms, tick_ms=20, use_tray=False)
    qtbot.addWidget(w)
    session.play_login(snapshot())
    return w


def test_menu_sends_set_state_to_the_session(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _logged_in_window(qtbot, session, settings, clock)
    assert w.state_control.isEnabled()
    _action(w.state_control, "action_not_ready_lunch").trigger()
    _action(w.state_control, "action_ready").trigger()
    _action(w.state_control, "action_acw").trigger()
    qtbot.waitUntil(lambda: len(session.session_calls()) == 3, timeout=2000)
    assert session.session_calls() == [
        ("set_state", AgentState.NOT_READY, "lunch"),
        ("set_state", AgentState.READY, ""),
        ("set_state", AgentState.ACW, ""),
    ]


def test_pushes_are_reflected(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _logged_in_window(qtbot, session, settings, clock)
    assert w.state_control.text() == "Not Ready"
    session.state_changed.emit(status(state=AgentState.READY, since_ms=clock.ms - 5_000))
    assert w.state_control.text() == "Ready"
    assert w.state_timer.text() == "00:05"
    session.state_changed.emit(status(state=AgentState.NOT_READY, reason="training", since_ms=clock.ms))
    assert w.state_control.text() == "Not Ready – Training"
    assert w.state_timer.text() == "00:00"
    clock.advance(3_000)
    qtbot.waitUntil(lambda: w.state_timer.text() == "00:03", timeout=2000)


def test_state_control_follows_the_link(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _logged_in_window(qtbot, session, settings, clock)
    session.link_state_changed.emit("reconnecting")
    assert not w.state_control.isEnabled()
    session.link_state_changed.emit("up")
    assert w.state_control.isEnabled()


def test_a_failed_command_is_shown(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock, qloop: asyncio.AbstractEventLoop
) -> None:
    w = _logged_in_window(qtbot, session, settings, clock)
    session.command_failed.emit("set_state", "The edge server refused: unknown reason code")
    assert w.status_message() == "Changing your state failed: The edge server refused: unknown reason code"
