"""Ctrl+K command palette over the real main window and workspace, with the fake session and edge.

Keyboard only, as agents use it: Ctrl+K from wherever the focus is (the composer too),
type to filter (titles and hidden keywords, English or Chinese), Up/Down to move,
Enter to run, Esc to close.
"""
from __future__ import annotations

import msgspec
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from chat_fakes import FakeEdge, info, msg
from desktop.main_window import MainWindow
from desktop.screenpop.search_dialog import CustomerSearchDialog
from desktop.settings import Settings
from desktop.workspace.chat_view import ChatView
from desktop.workspace.command_palette import CommandPalette
from desktop.workspace.target_picker import PickMode
from desktop_fakes import REASONS, FakeClock, FakeSession, snapshot, task
from edge_server.contract import interactions as ci
from edge_server.contract.messages import AgentState, ReasonKind, TaskAssigned

CTRL = Qt.KeyboardModifier.ControlModifier

#: What the palette offers with two chats open and the first one selected (English UI).
EVERY_COMMAND = [
    "Go to 王芳 Wang Fang (Chat, Billing (Mandarin))",
    "Go to Emma Clark (Chat, Billing (Mandarin))",
    "Set state: Ready",
    "Set state: Not Ready – Lunch",
    "Set state: Not Ready – Break",
    "Set state: Not Ready – Training",
    "Insert a canned response",
    "Transfer this chat…",
    "Consult an agent…",
    "End this chat",
    "Search customers…",
    "Switch language (English / 中文)",
    "Log out",
]


def _workspace(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> tuple[MainWindow, FakeEdge]:
    """The main window, logged in, active, with two chats (王芳's selected)."""
    edge = FakeEdge(session)
    edge.canned = [ci.CannedResponse(shortcut="hi", title="Greeting", text="您好 {customer.name}，我是 {agent.name}")]
    w = MainWindow(session, settings, now_ms=clock.now_ms, tick_ms=50, use_tray=False)
    qtbot.addWidget(w)
    w.resize(1100, 700)
    session.play_login(snapshot())
    for iid, customer in (("i1", "王芳 Wang Fang"), ("i2", "Emma Clark")):
        edge.add(info(iid, customer=customer), [msg(1, "你好", interaction_id=iid)])
        session.task_assigned.emit(TaskAssigned(task=task(f"t-{iid}", interaction_id=iid, customer=customer)))
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)  # window shortcuts need the active window
    w.work_list.select_interaction("i1")
    chat = w.work_list.chat_for("i1")
    assert chat is not None
    qtbot.waitUntil(lambda: chat.conversation.transcript.rowCount() == 1, timeout=2000)
    return w, edge


def _open(qtbot: QtBot, w: MainWindow, focus: QWidget | None = None) -> CommandPalette:
    # A window manager gives the window back its activation when a dialog closes; offscreen, we do.
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    target = focus or w.focusWidget() or w
    qtbot.keyClick(target, Qt.Key.Key_K, CTRL)
    assert w.palette.isVisible()
    qtbot.waitUntil(w.palette.filter_edit.hasFocus, timeout=2000)
    return w.palette


def _type(qtbot: QtBot, palette: CommandPalette, text: str) -> None:
    """Into the filter box; ASCII through QTest, the rest as an input method commits it."""
    if text.isascii():
        qtbot.keyClicks(palette.filter_edit, text)
    else:
        palette.filter_edit.insert(text)


def _current(palette: CommandPalette) -> str:
    return palette.model.item(palette.list_view.currentIndex().row()).text()


def _chat(w: MainWindow) -> ChatView:
    view = w.work_list.current_view()
    assert isinstance(view, ChatView)
    return view


def test_ctrl_k_opens_over_everything_the_agent_can_do_and_esc_closes(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, _edge = _workspace(qtbot, session, settings, clock)
    assert not w.palette.isVisible()
    palette = _open(qtbot, w)
    assert palette.visible_titles() == EVERY_COMMAND
    assert _current(palette) == EVERY_COMMAND[0]  # Enter at once runs the first
    assert palette.filter_edit.placeholderText().startswith("Type a command")
    assert palette.geometry().top() >= 0 and w.rect().contains(palette.geometry())
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Escape)
    assert not palette.isVisible()
    assert session.session_calls() == []  # Esc ran nothing


def test_ctrl_k_works_while_typing_a_reply(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    """The composer is where the agent's focus lives: Ctrl+K must not be eaten by the text box
    (Qt binds Ctrl+K to "delete to end of line" in text edits on X11)."""
    w, _edge = _workspace(qtbot, session, settings, clock)
    edit = _chat(w).composer.edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    edit.insertPlainText("half a reply")
    cursor = edit.textCursor()
    cursor.setPosition(4)
    edit.setTextCursor(cursor)
    palette = _open(qtbot, w, edit)
    assert edit.toPlainText() == "half a reply"  # nothing deleted
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Escape)
    assert not palette.isVisible()


def test_filter_matches_titles_and_keywords_in_both_languages(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, _edge = _workspace(qtbot, session, settings, clock)
    palette = _open(qtbot, w)
    _type(qtbot, palette, "lunch")
    assert palette.visible_titles() == ["Set state: Not Ready – Lunch"]
    palette.filter_edit.clear()
    _type(qtbot, palette, "午餐")  # the reason's Chinese label is a keyword
    assert palette.visible_titles() == ["Set state: Not Ready – Lunch"]
    palette.filter_edit.clear()
    _type(qtbot, palette, "示闲")  # "Ready" as Chinese agents say it
    assert palette.visible_titles() == ["Set state: Ready"]
    palette.filter_edit.clear()
    _type(qtbot, palette, "GO emma")  # every word, any case, any order
    assert palette.visible_titles() == ["Go to Emma Clark (Chat, Billing (Mandarin))"]
    palette.filter_edit.clear()
    _type(qtbot, palette, "王芳")
    assert palette.visible_titles() == ["Go to 王芳 Wang Fang (Chat, Billing (Mandarin))"]
    palette.filter_edit.clear()
    _type(qtbot, palette, "hand over")  # a keyword, not in the title
    assert palette.visible_titles() == ["Transfer this chat…"]
    palette.filter_edit.clear()
    _type(qtbot, palette, "nothing like this")
    assert palette.visible_titles() == []
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)  # nothing to run: stays open, no error
    assert palette.isVisible()
    palette.filter_edit.clear()
    assert palette.visible_titles() == EVERY_COMMAND


def test_up_down_enter_runs_the_selected_action(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, _edge = _workspace(qtbot, session, settings, clock)
    palette = _open(qtbot, w)
    _type(qtbot, palette, "set state")
    assert palette.visible_titles() == EVERY_COMMAND[2:6]
    assert _current(palette) == "Set state: Ready"
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Down)
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Down)
    assert _current(palette) == "Set state: Not Ready – Break"
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Up)
    assert _current(palette) == "Set state: Not Ready – Lunch"
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Up)
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Up)  # wraps to the last
    assert _current(palette) == "Set state: Not Ready – Training"
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Down)  # and back to the first
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Down)
    assert _current(palette) == "Set state: Not Ready – Lunch"
    assert palette.filter_edit.hasFocus()  # the arrows never move the focus out of the box
    with qtbot.waitSignal(palette.ran, timeout=1000) as ran:
        qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert ran.args == ["Set state: Not Ready – Lunch"]
    assert not palette.isVisible()
    qtbot.waitUntil(lambda: bool(session.sent("set_state")), timeout=2000)
    assert session.sent("set_state") == [("set_state", AgentState.NOT_READY, "lunch")]
    # Opened again: a fresh filter and the list rebuilt from the current state.
    palette = _open(qtbot, w)
    assert palette.filter_edit.text() == "" and palette.visible_titles() == EVERY_COMMAND


def test_switch_to_a_chat_by_customer_name(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, _edge = _workspace(qtbot, session, settings, clock)
    assert w.work_list.current_item().interaction_id == "i1"  # type: ignore[union-attr]
    palette = _open(qtbot, w)
    _type(qtbot, palette, "emma")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert w.work_list.current_item().interaction_id == "i2"  # type: ignore[union-attr]
    assert w.work_list.current_view() is w.work_list.chat_for("i2")


def test_canned_response_transfer_and_end_act_on_the_selected_chat(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, _edge = _workspace(qtbot, session, settings, clock)
    chat = _chat(w)
    palette = _open(qtbot, w)
    _type(qtbot, palette, "canned")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert chat.composer.text() == "/" and chat.picker.isVisible()
    qtbot.waitUntil(chat.composer.edit.hasFocus, timeout=2000)
    qtbot.waitUntil(lambda: chat.picker.visible_shortcuts() == ["hi"], timeout=2000)  # the edge's answer shown
    qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Return)  # the picker's first (only) item
    qtbot.waitUntil(lambda: chat.composer.text().startswith("您好"), timeout=2000)
    assert chat.composer.text() == "您好 王芳 Wang Fang，我是 Alice"

    palette = _open(qtbot, w)
    _type(qtbot, palette, "transfer")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert chat.dialog is not None and chat.dialog.mode == PickMode.TRANSFER and chat.dialog.isVisible()
    qtbot.waitUntil(lambda: bool(session.requests("list_transfer_targets")), timeout=2000)
    chat.dialog.reject()
    qtbot.waitUntil(lambda: chat.dialog is None, timeout=2000)

    palette = _open(qtbot, w)
    _type(qtbot, palette, "consult")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert chat.dialog is not None and chat.dialog.mode == PickMode.CONSULT
    chat.dialog.reject()
    qtbot.waitUntil(lambda: chat.dialog is None, timeout=2000)

    palette = _open(qtbot, w)
    _type(qtbot, palette, "end this")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: [b.interaction_id for b in session.requests("end_interaction")] == ["i1"], timeout=2000)
    # Ended: the chat commands go (there is nothing left to write to or hand over).
    qtbot.waitUntil(lambda: not chat.composer.isVisible(), timeout=2000)
    palette = _open(qtbot, w)
    titles = palette.visible_titles()
    assert "End this chat" not in titles and "Transfer this chat…" not in titles
    assert "Insert a canned response" not in titles


def test_search_customers_language_and_log_out(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, _edge = _workspace(qtbot, session, settings, clock)
    palette = _open(qtbot, w)
    _type(qtbot, palette, "客户")  # "customer": the search, found by its Chinese keyword
    assert palette.visible_titles() == ["Search customers…"]
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    dialogs = [d for d in w.findChildren(CustomerSearchDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialogs[0].close()
    qtbot.waitUntil(lambda: not [d for d in w.findChildren(CustomerSearchDialog)], timeout=2000)  # not kept

    palette = _open(qtbot, w)
    _type(qtbot, palette, "语言")
    with qtbot.waitSignal(w.language_chosen, timeout=1000) as chosen:
        qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert chosen.args == ["zh_CN"]  # English now: the other one

    palette = _open(qtbot, w)
    _type(qtbot, palette, "log out")
    with qtbot.waitSignal(w.logout_requested, timeout=1000):
        qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert not palette.isVisible()


def test_without_work_or_login_only_what_applies_is_offered(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = MainWindow(session, settings, now_ms=clock.now_ms, tick_ms=50, use_tray=False)
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    palette = _open(qtbot, w)  # logged out: nothing that needs the edge
    assert palette.visible_titles() == ["Switch language (English / 中文)"]
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Escape)
    session.play_login(snapshot())
    palette = _open(qtbot, w)  # logged in, no work: no chat commands
    assert palette.visible_titles() == EVERY_COMMAND[2:6] + EVERY_COMMAND[10:]
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Escape)
    wrapup_only = [r for r in REASONS if r.kind == ReasonKind.WRAPUP]
    session.play_login(msgspec.structs.replace(snapshot(), reason_codes=wrapup_only))  # no Not Ready reasons
    palette = _open(qtbot, w)
    assert palette.visible_titles()[:2] == ["Set state: Ready", "Set state: Not Ready"]
    _type(qtbot, palette, "not ready")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(session.sent("set_state")), timeout=2000)
    assert session.sent("set_state") == [("set_state", AgentState.NOT_READY, "")]
