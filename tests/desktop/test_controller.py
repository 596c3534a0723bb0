from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop import settings as S
from desktop.client_config import ClientConfig
from desktop.controller import (
    EXIT_LOGIN_FAILED,
    EXIT_OK,
    EXIT_SESSION_ENDED,
    EXIT_USAGE,
    DesktopController,
)
from desktop.i18n import Translations
from desktop.login_dialog import LoginDialog
from desktop.main_window import MainWindow
from desktop.options import DesktopOptions
from desktop.settings import Settings
from desktop_fakes import FakeClock, FakeSession, snapshot
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import AgentState

EDGE = "tcp://127.0.0.1:7700"


@pytest.fixture
def translations(qapp: QApplication, tmp_path: Path) -> Iterator[Translations]:
    t = Translations(qapp, tmp_path)
    yield t
    t.uninstall()


def _controller(
    qtbot: QtBot, session: FakeSession, settings: Settings, translations: Translations,
    clock: FakeClock, opts: DesktopOptions, config: ClientConfig | None = None,
) -> tuple[DesktopController, MainWindow]:
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    c = DesktopController(
        session=session, settings=settings, translations=translations, window=w,
        config=config or ClientConfig(edge=EDGE, username="alice"), opts=opts,
    )
    return c, w


def _run(qtbot: QtBot, c: DesktopController, timeout_ms: int = 5000) -> int:
    task = asyncio.get_running_loop().create_task(c.run())
    qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


def test_unattended_login_auto_ready_and_quit_after(
    qtbot: QtBot, session: FakeSession, settings: Settings, translations: Translations,
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SB_TEST_PW", "switchboard")
    session.login_result = snapshot()
    opts = DesktopOptions(password_env="SB_TEST_PW", auto_ready=True, quit_after_s=0.3)
    c, w = _controller(qtbot, session, settings, translations, clock, opts)
    assert _run(qtbot, c) == EXIT_OK
    assert session.session_calls() == [
        ("login", EDGE, "alice", "switchboard"),
        ("set_state", AgentState.READY, ""),
        ("logout", S.LOGOUT_TIMEOUT_S.default),  # orderly: logged out on the way out
    ]
    assert settings.get(S.LAST_USERNAME) == "alice" and settings.get(S.LAST_EDGE) == EDGE
    assert not w.isVisible()


def test_command_line_user_wins_over_config(
    qtbot: QtBot, session: FakeSession, settings: Settings, translations: Translations,
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SB_TEST_PW", "pw")
    session.login_result = snapshot()
    opts = DesktopOptions(password_env="SB_TEST_PW", username="bob", quit_after_s=0.1)
    c, _ = _controller(qtbot, session, settings, translations, clock, opts)
    assert _run(qtbot, c) == EXIT_OK
    assert session.session_calls()[0] == ("login", EDGE, "bob", "pw")


def test_unattended_without_password_variable(
    qtbot: QtBot, session: FakeSession, settings: Settings, translations: Translations,
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SB_NOT_SET", raising=False)
    c, _ = _controller(qtbot, session, settings, translations, clock, DesktopOptions(password_env="SB_NOT_SET"))
    assert _run(qtbot, c) == EXIT_USAGE
    assert [call[0] for call in session.session_calls()] == ["close"]


def test_unattended_login_refused(
    qtbot: QtBot, session: FakeSession, settings: Settings, translations: Translations,
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SB_TEST_PW", "wrong")
    session.login_result = None
    session.last_login_error = SwitchboardError(ErrorCode.AUTH_FAILED, "bad password")
    c, _ = _controller(qtbot, session, settings, translations, clock, DesktopOptions(password_env="SB_TEST_PW"))
    assert _run(qtbot, c) == EXIT_LOGIN_FAILED
    assert settings.get(S.LAST_USERNAME) == ""


def test_unattended_kicked_quits(
    qtbot: QtBot, session: FakeSession, settings: Settings, translations: Translations,
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SB_TEST_PW", "pw")
    session.login_result = snapshot()
    c, _ = _controller(qtbot, session, settings, translations, clock, DesktopOptions(password_env="SB_TEST_PW"))
    task = asyncio.get_running_loop().create_task(c.run())
    qtbot.waitUntil(lambda: session.is_logged_in, timeout=2000)
    session.snapshot = None
    session.kicked.emit("logged in elsewhere")
    qtbot.waitUntil(task.done, timeout=2000)
    assert task.result() == EXIT_SESSION_ENDED


def test_dialog_login_then_kicked_shows_the_dialog_again(
    qtbot: QtBot, session: FakeSession, settings: Settings, translations: Translations, clock: FakeClock,
) -> None:
    session.login_result = snapshot()
    c, w = _controller(qtbot, session, settings, translations, clock, DesktopOptions())
    task = asyncio.get_running_loop().create_task(c.run())
    qtbot.waitUntil(lambda: w.findChild(LoginDialog) is not None and w.findChild(LoginDialog).isVisible(),
                    timeout=2000)
    dialog = w.findChild(LoginDialog)
    assert (dialog.edge_edit.text(), dialog.user_edit.text()) == (EDGE, "alice")  # from the config
    dialog.password_edit.setText("switchboard")
    dialog.login_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert session.session_calls() == [("login", EDGE, "alice", "switchboard")]
    assert w.name_label.text() == "Alice"
    session.snapshot = None
    session.kicked.emit("logged in elsewhere")
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    assert "logged in elsewhere" in dialog.error_label.text()
    dialog.reject()  # Quit from the dialog while logged out ends the app
    qtbot.waitUntil(task.done, timeout=2000)
    assert task.result() == EXIT_OK


def test_dialog_shows_why_login_failed(
    qtbot: QtBot, session: FakeSession, settings: Settings, translations: Translations, clock: FakeClock,
) -> None:
    session.login_result = None
    session.last_login_error = SwitchboardError(ErrorCode.THROTTLED, "locked", retry_after_s=12.2)
    c, w = _controller(qtbot, session, settings, translations, clock, DesktopOptions())
    task = asyncio.get_running_loop().create_task(c.run())
    qtbot.waitUntil(lambda: w.findChild(LoginDialog) is not None, timeout=2000)
    dialog = w.findChild(LoginDialog)
    dialog.password_edit.setText("x")
    dialog.login_button.click()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=2000)
    assert dialog.error_label.text() == "Too many failed attempts. Try again in 12 s."
    assert dialog.login_button.text() == "Log in (13)"
    c.request_quit()
    qtbot.waitUntil(task.done, timeout=2000)
    assert task.result() == EXIT_OK
    assert session.session_calls()[-1] == ("close",)  # never logged in: nothing to log out of


def test_language_choice_is_persisted_and_applied(
    qtbot: QtBot, session: FakeSession, settings: Settings, qapp: QApplication,
    compiled_i18n: Path, clock: FakeClock,
) -> None:
    t = Translations(qapp, compiled_i18n)
    try:
        c, w = _controller(qtbot, session, settings, t, clock, DesktopOptions())
        w.language_chosen.emit("zh_CN")
        assert settings.get(S.LANGUAGE) == "zh_CN"
        assert t.language == "zh_CN"
        qtbot.waitUntil(lambda: w.name_label.text() == "未登录", timeout=2000)
        w.language_chosen.emit("en")
        qtbot.waitUntil(lambda: w.name_label.text() == "Not logged in", timeout=2000)
    finally:
        t.uninstall()
