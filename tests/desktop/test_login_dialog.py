from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from desktop import settings as S
from desktop.login_dialog import LoginDialog, edge_address_problem
from desktop.settings import Settings


@pytest.mark.parametrize(
    "address",
    ["tcp://127.0.0.1:7700", "tcp://edge.local:1", "tcp://[::1]:65535", " tcp://edge:7700 ",
     "ipc:///run/switchboard/edge"],
)
def test_good_addresses(address: str) -> None:
    assert edge_address_problem(address) is None


@pytest.mark.parametrize(
    "address",
    ["", "edge:7700", "tcp://edge", "tcp://edge:0", "tcp://edge:70000", "tcp://ed ge:7700",
     "http://edge:7700", "ipc://"],
)
def test_bad_addresses(address: str) -> None:
    assert edge_address_problem(address)


def _dialog(qtbot: QtBot, settings: Settings, **kw: str) -> LoginDialog:
    d = LoginDialog(settings, **kw)
    qtbot.addWidget(d)
    return d


def test_login_needs_address_user_and_password(qtbot: QtBot, settings: Settings) -> None:
    d = _dialog(qtbot, settings)
    assert not d.can_submit()
    d.edge_edit.setText("tcp://edge.local")
    hint = d.findChild(type(d.error_label), "edge_hint")
    assert not hint.isHidden() and "tcp://host:port" in hint.text()
    d.edge_edit.setText("tcp://edge.local:7700")
    assert hint.isHidden()
    d.user_edit.setText("alice")
    assert not d.can_submit()
    d.password_edit.setText("secret")
    assert d.can_submit()
    d.user_edit.setText("   ")
    assert not d.can_submit()


def test_submit_emits_credentials_and_goes_busy(qtbot: QtBot, settings: Settings) -> None:
    d = _dialog(qtbot, settings)
    d.edge_edit.setText(" tcp://edge.local:7700 ")
    d.user_edit.setText("alice ")
    d.password_edit.setText(" pw with spaces ")
    with qtbot.waitSignal(d.login_requested) as sig:
        d.login_button.click()
    assert sig.args == ["tcp://edge.local:7700", "alice", " pw with spaces "]
    assert not d.can_submit() and not d.user_edit.isEnabled()
    assert d.login_button.text() == "Logging in…"


def test_error_is_shown_and_password_cleared(qtbot: QtBot, settings: Settings) -> None:
    d = _dialog(qtbot, settings, edge="tcp://e:1", username="alice")
    d.password_edit.setText("wrong")
    d.login_button.click()
    d.show_error("Wrong user name or password.")
    assert d.error_label.text() == "Wrong user name or password."
    assert not d.error_label.isHidden()
    assert d.password_edit.text() == "" and d.user_edit.isEnabled()


def test_throttled_waits_before_the_next_try(qtbot: QtBot, settings: Settings) -> None:
    d = _dialog(qtbot, settings, edge="tcp://e:1", username="bob")
    d.show_error("Too many failed attempts. Try again in 1 s.", retry_after_s=0.8)
    d.password_edit.setText("again")
    assert not d.can_submit()
    assert d.login_button.text() == "Log in (1)"
    qtbot.waitUntil(d.can_submit, timeout=3000)
    assert d.login_button.text() == "&Log in"


def test_remembers_last_user_and_address(qtbot: QtBot, tmp_path: Path) -> None:
    ini = tmp_path / "profile.ini"
    first = _dialog(qtbot, Settings(QSettings(str(ini), QSettings.Format.IniFormat)))
    assert first.user_edit.text() == "" and first.edge_edit.text() == ""
    first.edge_edit.setText("tcp://edge.local:7700")
    first.user_edit.setText("alice")
    first.password_edit.setText("pw")
    first.login_button.click()
    first.login_succeeded()
    assert first.password_edit.text() == ""  # never kept
    # A new dialog with a fresh QSettings on the same file: what a restart sees.
    again_settings = Settings(QSettings(str(ini), QSettings.Format.IniFormat))
    assert again_settings.get(S.LAST_USERNAME) == "alice"
    again = _dialog(qtbot, again_settings)
    assert again.user_edit.text() == "alice"
    assert again.edge_edit.text() == "tcp://edge.local:7700"
    assert again.password_edit.hasFocus() or not again.isVisible()


def test_command_line_and_config_win_over_settings(qtbot: QtBot, settings: Settings) -> None:
    settings.set(S.LAST_USERNAME, "alice")
    settings.set(S.LAST_EDGE, "tcp://old:1")
    d = _dialog(qtbot, settings, edge="tcp://new:2", username="bob")
    assert (d.edge_edit.text(), d.user_edit.text()) == ("tcp://new:2", "bob")


def test_failed_login_does_not_remember(qtbot: QtBot, settings: Settings) -> None:
    d = _dialog(qtbot, settings, edge="tcp://e:1", username="mallory")
    d.password_edit.setText("x")
    d.login_button.click()
    d.show_error("Wrong user name or password.")
    assert settings.get(S.LAST_USERNAME) == ""
