from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.connection_indicator import ConnectionIndicator
from desktop.main_window import MainWindow
from desktop.settings import Settings
from desktop_fakes import FakeClock, FakeSession, snapshot


def test_labels_and_colour_property(qtbot: QtBot) -> None:
    ind = ConnectionIndicator()
    qtbot.addWidget(ind)
    expected = {
        "closed": "Disconnected",
        "connecting": "Connecting…",
        "up": "Connected",
        "reconnecting": "Reconnecting…",
    }
    for link, text in expected.items():
        ind.set_link(link)
        assert ind.text() == text
        assert ind.findChild(type(ind._text), "link_text").property("link") == link


def test_window_follows_the_link_and_recovers_by_itself(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    assert w.connection.text() == "Disconnected"
    session.link_state_changed.emit("connecting")
    session.link_state_changed.emit("up")
    session.play_login(snapshot())
    assert w.connection.text() == "Connected"
    session.link_state_changed.emit("reconnecting")
    assert w.connection.text() == "Reconnecting…"
    assert "reconnecting" in w.status_message()
    session.link_state_changed.emit("up")
    assert w.connection.text() == "Connected"
    assert w.status_message() == "Connection restored."


def test_session_lost_shows_disconnected_with_the_reason(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    session.play_login(snapshot())
    session.session_lost.emit("Your session has ended. Please log in again.")
    assert w.connection.text() == "Disconnected"
    assert "Your session has ended" in w.connection.toolTip()
    assert not w.state_control.isEnabled()
