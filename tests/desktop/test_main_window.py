from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop import settings as S
from desktop.main_window import MainWindow
from desktop.settings import Settings
from desktop_fakes import FakeClock, FakeSession, snapshot, status
from edge_server.contract.messages import AgentState, Role


def _window(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> MainWindow:
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    return w


def test_before_login(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> None:
    w = _window(qtbot, session, settings, clock)
    assert w.name_label.text() == "Not logged in"
    assert not w.state_control.isEnabled()
    assert w.state_timer.text() == "--:--"
    assert w.workspace.objectName() == "workspace"
    assert w.workspace.empty_title == "No interactions"
    assert not w.workspace.showing_work and w.work_list.count() == 0


def test_header_after_login(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> None:
    w = _window(qtbot, session, settings, clock)
    session.play_login(snapshot(Role.AGENT, me=status("li.wei", display_name="李伟", since_ms=clock.ms - 61_000)))
    assert w.name_label.text() == "李伟"
    assert w.role_label.text() == "Agent"
    assert w.windowTitle() == "Switchboard – 李伟"
    assert w.state_timer.text() == "01:01"
    assert "Logged in as 李伟." == w.status_message()
    assert w.findChild(type(w.name_label), "edge_label").text() == session.edge


def test_disconnected_reason_is_shown_clearly(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.play_login(snapshot())
    assert w.disconnect_banner.isHidden()
    session.state_changed.emit(status(state=AgentState.NOT_READY, reason="disconnected", since_ms=clock.ms))
    assert not w.disconnect_banner.isHidden()
    assert "lost its connection" in w.disconnect_banner.text()
    assert w.state_control.text() == "Not Ready – Disconnected"
    session.state_changed.emit(status(state=AgentState.READY, since_ms=clock.ms + 1))
    assert w.disconnect_banner.isHidden()


def test_kicked_is_explained(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> None:
    w = _window(qtbot, session, settings, clock)
    session.play_login(snapshot())
    session.kicked.emit("logged in elsewhere")
    assert w.status_message() == "You were logged out by the edge server: logged in elsewhere"
    assert w.connection.text() == "Disconnected"
    assert not w.state_control.isEnabled()


def test_logged_out_resets_the_header(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = _window(qtbot, session, settings, clock)
    session.play_login(snapshot())
    session.logged_out.emit()
    assert w.name_label.text() == "Not logged in"
    assert w.state_control.text() == "Logged Out"
    assert w.state_timer.text() == "--:--"


def test_menu_signals(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> None:
    w = _window(qtbot, session, settings, clock)
    with qtbot.waitSignal(w.logout_requested):
        w.findChild(type(w._logout_action), "logout_action").trigger()
    with qtbot.waitSignal(w.language_chosen) as sig:
        w.findChild(type(w._logout_action), "language_zh_CN").trigger()
    assert sig.args == ["zh_CN"]
    with qtbot.waitSignal(w.language_chosen) as sig:
        w.findChild(type(w._logout_action), "language_system").trigger()
    assert sig.args == [""]
    with qtbot.waitSignal(w.quit_requested):
        w.close()
    assert settings.get(S.WINDOW_GEOMETRY)  # saved on close
