"""The composer shows a cloud channel's rules and refuses what the platform would refuse."""
from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.workspace.composer import Composer

NOW = 1_700_000_000_000


def test_characters_left_and_too_long_blocks_send(qtbot: QtBot) -> None:
    c = Composer()
    qtbot.addWidget(c)
    c.set_limits(max_chars=10, reply_until_ms=0, replies_left=-1, now_ms=NOW)
    c.set_text("hello")
    assert "5 characters left" in c.limit_label.text() and c.send_button.isEnabled()
    c.set_text("hello world!")
    assert "-2 characters left" in c.limit_label.text() and not c.send_button.isEnabled()
    with qtbot.assertNotEmitted(c.send_requested):
        qtbot.keyClick(c.edit, Qt.Key.Key_Return)
    c.set_private(True)  # an internal note never goes to the platform: no limit
    assert c.send_button.isEnabled()
    with qtbot.waitSignal(c.send_requested) as sent:
        qtbot.keyClick(c.edit, Qt.Key.Key_Return)
    assert sent.args == ["hello world!", True]


def test_closed_window_and_used_quota_refuse_replies_but_not_notes(qtbot: QtBot) -> None:
    c = Composer()
    qtbot.addWidget(c)
    c.set_limits(max_chars=0, reply_until_ms=NOW + 3_600_000, replies_left=2, now_ms=NOW)
    assert "replies until" in c.limit_label.text() and "2 replies left" in c.limit_label.text()
    assert not c.replies_closed
    c.set_limits(max_chars=0, reply_until_ms=NOW - 1, replies_left=2, now_ms=NOW)
    assert c.replies_closed and "no longer accepts replies" in c.limit_label.text()
    c.set_text("anyone there?")
    assert not c.send_button.isEnabled()
    c.set_limits(max_chars=0, reply_until_ms=0, replies_left=0, now_ms=NOW)
    assert c.replies_closed
    c.set_private(True)
    assert c.send_button.isEnabled()


def test_web_chat_has_no_limits_shown(qtbot: QtBot) -> None:
    c = Composer()
    qtbot.addWidget(c)
    c.set_limits(max_chars=0, reply_until_ms=0, replies_left=-1, now_ms=NOW)
    c.set_text("hi")
    assert c.limit_label.text() == "" and c.send_button.isEnabled()
