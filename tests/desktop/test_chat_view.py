"""The chat pane against a fake edge: send/echo, receipts, typing, escaping, notes, files, canned, transfer, invites."""
from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from chat_fakes import FakeEdge, info, msg
from desktop.main_window import MainWindow
from desktop.settings import Settings
from desktop.workspace.chat_view import ChatView
from desktop.workspace.target_picker import PickMode
from desktop.workspace.transcript_model import ENTRY_ROLE, SendState
from desktop.workspace.work_model import SLA_ROLE, UNREAD_ROLE, SlaLevel, TaskPhase
from desktop_fakes import FakeClock, FakeSession, snapshot, task
from edge_server.contract import interactions as ci
from edge_server.contract.messages import AgentState, AgentStatus, TaskAssigned


def _window(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> tuple[MainWindow, FakeEdge]:
    edge = FakeEdge(session)
    w = MainWindow(session, settings, now_ms=clock.now_ms, tick_ms=50, use_tray=False)
    qtbot.addWidget(w)
    w.resize(1100, 700)
    session.play_login(snapshot())
    return w, edge


def _open_chat(qtbot: QtBot, w: MainWindow, session: FakeSession, edge: FakeEdge, iid: str = "i1",
               messages: list[ci.ChatMessage] | None = None, **kw) -> ChatView:  # noqa: ANN003
    edge.add(info(iid, **kw), messages if messages is not None else [msg(1, "你好，我的退款到哪了？", interaction_id=iid)])
    session.task_assigned.emit(TaskAssigned(task=task(f"t-{iid}", interaction_id=iid,
                                                      customer=kw.get("customer", "王芳 Wang Fang"))))
    chat = w.work_list.chat_for(iid)
    assert chat is not None
    n = len(edge.messages[iid])
    qtbot.waitUntil(lambda: chat.conversation.transcript.rowCount() == n, timeout=2000)
    return chat


def _texts(chat: ChatView) -> list[str]:
    return [e.msg.text for e in chat.conversation.transcript.entries()]


def test_enter_sends_and_the_echo_replaces_the_optimistic_bubble(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    chat = _open_chat(qtbot, w, session, edge)
    session.command_delay_s = 0.05
    chat.composer.edit.insertPlainText("稍等，我查一下")  # QTest types ASCII only
    qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(chat.composer.edit, "line 2")
    assert chat.composer.text() == "稍等，我查一下\nline 2"  # Shift+Enter: a new line, nothing sent
    qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Return)
    model = chat.conversation.transcript
    assert chat.composer.text() == ""
    assert model.entry_at(1).state == SendState.SENDING  # shown before the edge answered
    qtbot.waitUntil(lambda: model.entry_at(1).state == SendState.CONFIRMED, timeout=2000)
    [body] = session.requests("send_chat_message")
    assert body.text == "稍等，我查一下\nline 2" and not body.private
    # The push of the same message (same seq) after the reply adds nothing.
    session.push_received.emit(edge.messages["i1"][-1])
    assert _texts(chat) == ["你好，我的退款到哪了？", "稍等，我查一下\nline 2"]
    assert model.entry_at(1).msg.seq == 2


def test_failed_send_is_marked_and_retry_reuses_the_client_id(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    chat = _open_chat(qtbot, w, session, edge)
    edge.send_ok = False
    cmid = chat.send_text("are you there?")
    model = chat.conversation.transcript
    qtbot.waitUntil(lambda: model.entry_at(1).state == SendState.FAILED, timeout=2000)
    edge.send_ok = True
    chat.transcript.delegate.retry_clicked.emit(cmid)
    qtbot.waitUntil(lambda: model.entry_at(1).state == SendState.CONFIRMED, timeout=2000)
    assert [b.client_msg_id for b in session.requests("send_chat_message")] == [cmid, cmid]
    assert model.rowCount() == 2


def test_receipts_one_tick_delivered_two_ticks_read(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    chat = _open_chat(qtbot, w, session, edge, messages=[
        msg(1, "hi"), msg(2, "hello", kind=ci.AuthorKind.AGENT), msg(3, "one more", kind=ci.AuthorKind.AGENT)])
    d, model = chat.transcript.delegate, chat.conversation.transcript
    assert d._header_text(model.entry_at(1)).endswith("✓") and not d._header_text(model.entry_at(1)).endswith("✓✓")
    updated = info("i1", customer_read_seq=2)
    session.push_received.emit(updated)
    assert d._header_text(model.entry_at(1)).endswith("✓✓")
    assert not d._header_text(model.entry_at(2)).endswith("✓✓")
    # Presence: the offline marker follows the customer's connection.
    session.push_received.emit(info("i1", customer_read_seq=2, customer_online=False))
    assert chat.offline_label.isVisibleTo(chat) and "offline" in chat.offline_label.text()


def test_customer_text_and_names_are_never_markup(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    evil = "<b>x</b><img src=x>"
    chat = _open_chat(qtbot, w, session, edge, customer=evil, messages=[msg(1, evil, author_name=evil)])
    model = chat.conversation.transcript
    assert model.data(model.index(0)) == f"{evil}: {evil}"  # plain, as typed
    assert chat.customer_label.textFormat() == Qt.TextFormat.PlainText and chat.customer_label.text() == evil
    session.push_received.emit(ci.TypingChanged(interaction_id="i1", author_kind=ci.AuthorKind.CUSTOMER, typing=True))
    assert chat.typing_label.textFormat() == Qt.TextFormat.PlainText
    assert chat.typing_label.text() == f"{evil} is typing…"
    # Drawn: the bubble renders (plain drawText) without turning the tags into an image.
    chat.show()
    img = chat.transcript.viewport().grab().toImage()
    assert img.width() > 100


def test_typing_indicator_both_ways(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    chat = _open_chat(qtbot, w, session, edge)
    session.push_received.emit(ci.TypingChanged(interaction_id="i1", author_kind=ci.AuthorKind.CUSTOMER, typing=True))
    assert chat.typing_label.text() == "王芳 Wang Fang is typing…"
    edge.push(msg(2, "还在吗"))  # the message ends the customer's typing
    assert chat.typing_label.text() == ""
    qtbot.keyClicks(chat.composer.edit, "abc")
    assert chat.typing.sent == [True]  # throttled: one "on" for three keys
    qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Return)
    assert chat.typing.sent == [True, False]  # sending ends it
    qtbot.waitUntil(lambda: [b.typing for b in session.requests("set_typing")] == [True, False], timeout=2000)


def test_internal_note_toggle_sends_private(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    w.show()
    qtbot.waitExposed(w)
    chat = _open_chat(qtbot, w, session, edge)
    chat.composer.edit.setFocus()
    qtbot.waitUntil(chat.composer.edit.hasFocus, timeout=2000)
    qtbot.keyClick(chat.composer.edit, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert chat.composer.private and chat.composer.send_button.text() == "Send note"
    qtbot.keyClicks(chat.composer.edit, "VIP, refund approved")
    qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(session.requests("send_chat_message")) == 1, timeout=2000)
    assert session.requests("send_chat_message")[0].private
    assert chat.typing.sent == []  # a note is not "typing" to the customer
    entry = chat.conversation.transcript.entry_at(1)
    assert chat.transcript.delegate._header_text(entry).startswith("Internal note")


def test_attach_checks_uploads_sends_and_the_chip_downloads(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    chat = _open_chat(qtbot, w, session, edge)
    notices: list[str] = []
    chat.notice_posted.connect(notices.append)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"0" * (10 * 1024 * 1024 + 1))
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    assert chat.attach_files([big, exe]) is None
    assert "larger than 10 MB" in notices[0] and "only PNG, JPEG, GIF, PDF" in notices[1]
    assert session.requests("upload_attachment") == []
    img = QImage(40, 30, QImage.Format.Format_RGB32)
    img.fill(QColor("#2e9d4f"))
    png = tmp_path / "receipt.png"
    assert img.save(str(png))
    chat.attach_files([png])
    model = chat.conversation.transcript
    qtbot.waitUntil(lambda: model.rowCount() == 2 and model.entry_at(1).state == SendState.CONFIRMED, timeout=2000)
    [att] = model.entry_at(1).msg.attachments
    assert att.name == "receipt.png" and att.content_type == "image/png"
    opened: list[QUrl] = []
    chat.downloads_dir = lambda: tmp_path / "dl"  # type: ignore[method-assign]
    chat.open_url = lambda url: opened.append(url) or True  # type: ignore[method-assign]
    chat.transcript.delegate.attachment_clicked.emit(att)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=2000)
    assert (tmp_path / "dl" / "receipt.png").read_bytes() == png.read_bytes()
    assert att.attachment_id in model.thumbnails  # images get a thumbnail once downloaded


def test_canned_picker_type_ahead_and_variables(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    session.snapshot.me.display_name = "Li Wei"  # type: ignore[union-attr]
    edge.canned = [
        ci.CannedResponse(shortcut="hi", title="Greeting", text="Hello {customer.name}, I am {agent.first_name}."),
        ci.CannedResponse(shortcut="refund", title="Refund timeline",
                          text="{agent.name} from {queue.name}: refunds take 3-5 days."),
        ci.CannedResponse(shortcut="bye", title="Closing", text="Thanks {unknown}!"),
    ]
    chat = _open_chat(qtbot, w, session, edge)
    qtbot.keyClicks(chat.composer.edit, "/")
    qtbot.waitUntil(lambda: len(chat.picker.visible_shortcuts()) == 3, timeout=2000)
    assert chat.picker.isVisibleTo(chat)
    qtbot.keyClicks(chat.composer.edit, "ref")
    assert chat.picker.visible_shortcuts() == ["refund"]
    qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Return)
    assert chat.composer.text() == "Li Wei from Billing (Mandarin): refunds take 3-5 days."
    assert not chat.picker.isVisibleTo(chat) and session.requests("send_chat_message") == []
    chat.composer.set_text("/greet")  # the title matches too
    assert chat.picker.visible_shortcuts() == ["hi"]
    chat.picker.choose_current()
    assert chat.composer.text() == "Hello 王芳 Wang Fang, I am Li."
    chat.composer.set_text("/bye")
    chat.picker.choose_current()
    assert chat.composer.text() == "Thanks {unknown}!"  # unknown variables stay as written
    assert len(session.requests("list_canned")) == 1  # loaded once per chat


def test_emoji_grid_inserts(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    chat = _open_chat(qtbot, w, session, edge)
    chat.composer.emoji_button.click()
    assert chat.emoji.isVisibleTo(chat) and len(chat.emoji.buttons) >= 40
    chat.emoji.buttons[20].click()
    assert chat.composer.text() == "🙏" and not chat.emoji.isVisibleTo(chat)


def test_transfer_dialog_lists_queues_and_agents_and_transfers(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    from desktop_fakes import queue_status, status

    w, edge = _window(qtbot, session, settings, clock)
    edge.targets = ci.TransferTargets(
        queues=[queue_status("billing.zh", waiting=4, ewt_next_s=95.0, staffed=2), queue_status("sales", open=False)],
        agents=[status("bob", AgentState.READY), status("carol", AgentState.LOGGED_OUT, connected=False)],
    )
    chat = _open_chat(qtbot, w, session, edge)
    dialog = chat.open_picker(PickMode.TRANSFER)
    qtbot.waitUntil(lambda: dialog.agents.count() == 2, timeout=2000)
    assert dialog.queues.item(0).text() == "Billing (Mandarin) — 4 waiting · EWT 01:35 · 2 ready"
    assert not dialog.select("queue", "sales") and not dialog.select("agent", "carol")  # closed / logged out
    dialog.search.setText("bob")
    assert dialog.visible_targets() == ["bob"]
    assert dialog.select("queue", "billing.zh")
    dialog.note.setPlainText("VIP; refund approved")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: len(session.requests("transfer_interaction")) == 1, timeout=2000)
    body = session.requests("transfer_interaction")[0]
    assert (body.to_queue, body.to_agent, body.note) == ("billing.zh", "", "VIP; refund approved")
    # Transferred: the chat is no longer this agent's (the edge ended the leg without wrap-up).
    qtbot.waitUntil(lambda: w.work_list.chat_for("i1") is None, timeout=2000)
    assert w.work_list.count() == 0
    chat = _open_chat(qtbot, w, session, edge, "i2")
    consult = chat.open_picker(PickMode.CONSULT)
    qtbot.waitUntil(lambda: consult.agents.count() == 2, timeout=2000)
    assert consult.queues.isHidden()  # agents only
    assert consult.select("agent", "bob")
    consult.buttons.accepted.emit()
    qtbot.waitUntil(lambda: len(session.requests("invite_agent")) == 1, timeout=2000)
    assert session.requests("invite_agent")[0].mode == ci.ParticipantRole.CONSULT


def test_invite_accept_joins_as_consult_and_leave_removes(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    i = info("i9", customer="陈静", participants=[ci.Participant(username="bob"),
                                                ci.Participant(username="alice", role=ci.ParticipantRole.CONSULT)])
    edge.add(i, [msg(1, "help", interaction_id="i9")])
    session.push_received.emit(ci.InteractionInvite(interaction_id="i9", from_agent="bob", from_name="Bob",
                                                    note="Is this refund allowed?", info=i))
    [toast] = w.offers.invites()
    assert toast.from_label.text() == "Bob asks you to consult" and toast.note_label.text() == "Is this refund allowed?"
    toast.accept_button.click()
    qtbot.waitUntil(lambda: w.work_list.chat_for("i9") is not None, timeout=2000)
    assert w.offers.invites() == []
    chat = w.work_list.chat_for("i9")
    assert chat is not None and chat.leave_button.isVisibleTo(chat) and not chat.end_button.isVisibleTo(chat)
    assert chat.composer.private and not chat.composer.note_toggle.isEnabled()  # consult: notes only
    chat.leave_button.click()
    qtbot.waitUntil(lambda: w.work_list.chat_for("i9") is None, timeout=2000)
    assert session.requests("leave_interaction")[0].interaction_id == "i9"


def test_end_chat_asks_the_edge_and_wrapup_follows(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    from edge_server.contract.messages import WrapUpStarted

    w, edge = _window(qtbot, session, settings, clock)
    chat = _open_chat(qtbot, w, session, edge)
    chat.end_button.click()
    qtbot.waitUntil(lambda: len(session.requests("end_interaction")) == 1, timeout=2000)
    assert session.sent("complete_task") == []
    session.wrapup_started.emit(WrapUpStarted(task_id="t-i1", codes=["resolved"]))
    assert chat.wrapup_panel is not None and not chat.composer.isVisibleTo(chat)


def test_unread_badge_sla_timer_and_mark_read(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    _open_chat(qtbot, w, session, edge, "i1", messages=[msg(1, "first", interaction_id="i1", ts_ms=clock.ms)])
    _open_chat(qtbot, w, session, edge, "i2", customer="Bob", messages=[])
    wl = w.work_list
    wl.select_interaction("i2")
    m = wl.model
    row1 = m.index(m.row_of_interaction("i1"))
    clock.advance(5_000)
    edge.push(msg(2, "hello?", interaction_id="i1", ts_ms=clock.ms))
    assert row1.data(UNREAD_ROLE) == 1  # the first was seen while i1 was shown; this one not
    ms, level = row1.data(SLA_ROLE)
    assert (ms, level) == (5_000, SlaLevel.OK)  # waiting since the oldest unanswered message
    clock.advance(20_000)
    assert row1.data(SLA_ROLE)[1] == SlaLevel.WARN  # past the 20 s target
    clock.advance(20_000)
    assert row1.data(SLA_ROLE)[1] == SlaLevel.LATE  # past twice the target
    wl.select_interaction("i1")
    qtbot.waitUntil(lambda: row1.data(UNREAD_ROLE) == 0, timeout=2000)
    qtbot.waitUntil(lambda: [b.seq for b in session.requests("mark_read")] == [1, 2], timeout=2000)
    chat = wl.chat_for("i1")
    assert chat is not None
    chat.send_text("I'm here")
    qtbot.waitUntil(lambda: row1.data(SLA_ROLE)[1] == SlaLevel.PLAIN, timeout=2000)  # answered


def test_hotkeys_move_between_interactions(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    w.show()
    qtbot.waitExposed(w)
    for iid in ("i1", "i2", "i3"):
        _open_chat(qtbot, w, session, edge, iid, customer=f"C {iid}", messages=[])
    wl = w.work_list
    order = [i.interaction_id for i in wl.model.items()]
    assert order == ["i1", "i2", "i3"]  # arrival order: positions (and Ctrl+n) stay put
    wl.select_row(0)
    chat = wl.current_view()
    assert isinstance(chat, ChatView)
    chat.composer.edit.setFocus()
    qtbot.waitUntil(chat.composer.edit.hasFocus, timeout=2000)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Tab, ctrl)
    assert wl.current_item().interaction_id == "i2"  # type: ignore[union-attr]
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert wl.current_item().interaction_id == "i3"  # type: ignore[union-attr]
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert wl.current_item().interaction_id == "i1"  # type: ignore[union-attr]  # wraps
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert wl.current_item().interaction_id == "i3"  # type: ignore[union-attr]
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_2, ctrl)
    assert wl.current_item().interaction_id == "i2"  # type: ignore[union-attr]


def test_rebuild_after_resume_neither_loses_nor_duplicates(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    chat = _open_chat(qtbot, w, session, edge, messages=[msg(1, "a"), msg(2, "b")])
    # While the link was down: two messages the desktop never got as pushes.
    edge.messages["i1"] += [msg(3, "c"), msg(4, "d")]
    edge.infos["i1"].last_seq = 4
    session.play_snapshot_refreshed(snapshot(tasks=[task("t-i1", interaction_id="i1")]))
    qtbot.waitUntil(lambda: chat.conversation.transcript.rowCount() == 4, timeout=2000)
    edge.push(msg(4, "d"))  # a late duplicate push
    qtbot.wait(20)
    assert _texts(chat) == ["a", "b", "c", "d"]
    afters = [b.messages_after for b in session.requests("get_interaction")]
    assert afters[-1] == 2  # asked only for what was missing
    assert w.work_list.chat_for("i1") is chat  # the same pane: a half-typed reply survives


def test_offer_row_shows_the_ring_countdown(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    from desktop_fakes import offer

    w, _edge = _window(qtbot, session, settings, clock)
    session.offer_received.emit(offer(5, task("t5", interaction_id="i5"), now_ms=clock.ms, timeout_ms=20_000))
    m = w.work_list.model
    item = m.item("t5")
    assert item is not None and item.phase == TaskPhase.OFFERED
    clock.advance(6_000)
    assert m.index(m.row_of("t5")).data(SLA_ROLE) == (14_000, SlaLevel.RING)
    w.offers.decline_first()
    assert m.item("t5") is None


def test_500_messages_render_fast_and_one_more_lays_out_one(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w, edge = _window(qtbot, session, settings, clock)
    w.show()
    qtbot.waitExposed(w)
    chat = _open_chat(qtbot, w, session, edge, messages=[msg(1, "start")])
    kinds = [ci.AuthorKind.CUSTOMER, ci.AuthorKind.AGENT]
    history = [msg(s, f"消息 {s}: " + "退款 refund status please " * (1 + s % 4), kind=kinds[s % 2])
               for s in range(2, 502)]
    t0 = time.perf_counter()
    chat.conversation.add_messages(history)
    chat.transcript.doItemsLayout()
    chat.transcript.viewport().repaint()
    render_ms = (time.perf_counter() - t0) * 1000
    print(f"render_500_ms={render_ms:.1f}")
    assert render_ms < 200
    d = chat.transcript.delegate
    before = d.layouts_computed
    t0 = time.perf_counter()
    edge.push(msg(502, "one more"))
    chat.transcript.doItemsLayout()
    chat.transcript.viewport().repaint()
    append_ms = (time.perf_counter() - t0) * 1000
    print(f"append_one_ms={append_ms:.2f} layouts={d.layouts_computed - before}")
    assert d.layouts_computed - before == 1  # only the new bubble was measured
