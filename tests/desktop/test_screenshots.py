"""Offscreen screenshots of the main screens into /tmp/shots, for a human to look at.

They also prove the screens render without Qt warnings (pytest-qt fails on those).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.i18n import Translations
from desktop.login_dialog import LoginDialog
from desktop.main_window import MainWindow
from desktop.settings import Settings
from desktop_fakes import T0, FakeClock, FakeSession, snapshot, status
from desktop.texts import describe_error
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import AgentState, Role


@pytest.fixture
def translations(qapp: QApplication, compiled_i18n: Path) -> Iterator[Translations]:
    t = Translations(qapp, compiled_i18n)
    yield t
    t.uninstall()


def _save(widget, path: Path) -> None:  # noqa: ANN001
    # Layouts settle through posted LayoutRequest events, one nesting level per round.
    for _ in range(4):
        QApplication.processEvents()
    assert widget.grab().save(str(path))
    img = QImage(str(path))
    assert img.width() > 200 and img.height() > 100
    # Not a blank image: a rendered screen has many distinct colours.
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert len(colours) > 5


def _agent_window(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> MainWindow:
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    w.resize(900, 520)
    session.link_state_changed.emit("up")
    session.play_login(snapshot(Role.AGENT, me=status("li.wei", display_name="李伟 Li Wei")))
    session.state_changed.emit(
        status("li.wei", AgentState.NOT_READY, "lunch", since_ms=clock.ms - 125_000, display_name="李伟 Li Wei")
    )
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_login_dialog_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, settings: Settings,
    shots_dir: Path, language: str,
) -> None:
    translations.install(language)
    d = LoginDialog(settings, edge="tcp://edge.local:7700", username="alice")
    qtbot.addWidget(d)
    d.password_edit.setText("secret")
    err = SwitchboardError(ErrorCode.THROTTLED, "locked", retry_after_s=30)
    d.show_error(describe_error(err), retry_after_s=30)
    d.show()
    qtbot.waitExposed(d)
    _save(d, shots_dir / f"login_dialog_{language}.png")


def test_main_window_english_shot(
    qtbot: QtBot, styled: QApplication, session: FakeSession, settings: Settings, clock: FakeClock, shots_dir: Path
) -> None:
    w = _agent_window(qtbot, session, settings, clock)
    _save(w, shots_dir / "main_window_en.png")
    session.state_changed.emit(
        status("li.wei", AgentState.NOT_READY, "disconnected", since_ms=clock.ms, display_name="李伟 Li Wei")
    )
    session.link_state_changed.emit("reconnecting")
    _save(w, shots_dir / "main_window_disconnected_en.png")


def test_main_window_chinese_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession,
    settings: Settings, clock: FakeClock, shots_dir: Path,
) -> None:
    translations.install("zh_CN")
    w = _agent_window(qtbot, session, settings, clock)
    assert w.state_control.text() == "示忙 – 午餐"
    _save(w, shots_dir / "main_window_zh_CN.png")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_supervisor_view_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession,
    settings: Settings, clock: FakeClock, shots_dir: Path, language: str,
) -> None:
    translations.install(language)
    session.agents = [
        status("alice", AgentState.READY, since_ms=T0 - 42_000, team="Support"),
        status("bob", AgentState.NOT_READY, "break", since_ms=T0 - 305_000, team="Support"),
        status("li.wei", AgentState.ACW, since_ms=T0 - 12_000, team="Billing", display_name="李伟"),
        status("zhang.min", AgentState.NOT_READY, "disconnected", since_ms=T0 - 65_000, team="Billing",
               display_name="张敏", connected=False),
        status("sup", AgentState.READY, since_ms=T0 - 3_600_000, team="Support", role=Role.SUPERVISOR),
    ]
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    w.resize(1000, 700)
    session.link_state_changed.emit("up")
    session.play_login(snapshot(Role.SUPERVISOR, me=status("sup", AgentState.READY, role=Role.SUPERVISOR)))
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.board is not None and w.board.model.rowCount() == 5, timeout=2000)
    assert w.board is not None
    _save(w, shots_dir / f"supervisor_window_{language}.png")
    _save(w.board, shots_dir / f"supervisor_board_{language}.png")
    # Rendered without popping up: a popup grabs the keyboard, which offscreen warns about.
    menu = w.board.menu_for("bob")
    menu.adjustSize()
    assert menu.grab().save(str(shots_dir / f"supervisor_menu_{language}.png"))
