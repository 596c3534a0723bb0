"""ScreenPopPanel: show_task -> rendered, superseded loads, paging, unknown customers, edits, escaping."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from desktop.interactions_hub import InteractionsHub
from desktop.screenpop.formatting import format_phone, stars, when_text
from desktop.screenpop.panel import ScreenPopPanel
from desktop.screenpop.timeline_model import ENTRY_ROLE
from desktop.screenpop.transcript_dialog import TranscriptDialog
from desktop_fakes import FakeSession, snapshot
from edge_server.contract import interactions as ci
from edge_server.contract.messages import Role, TaskInfo
from test_screenpop_data import DAY, HOUR, NOW, entries, view, wang


@pytest.fixture
def hub(session: FakeSession) -> InteractionsHub:
    session.snapshot = snapshot(Role.AGENT)
    return InteractionsHub(session)  # type: ignore[arg-type]


def _task(customer_id: str = "c-wang", interaction_id: str = "now-1") -> TaskInfo:
    return TaskInfo(task_id="t1", queue="billing.zh", channel="chat", customer_id=customer_id,
                    interaction_id=interaction_id)


def _panel(qtbot: QtBot, hub: InteractionsHub, *, show: bool = True) -> ScreenPopPanel:
    p = ScreenPopPanel(hub, now_ms=lambda: NOW)
    qtbot.addWidget(p)
    p.resize(420, 720)
    if show:
        p.show()
        qtbot.waitExposed(p)
    return p


def test_show_task_renders_card_and_first_page(qtbot: QtBot, session: FakeSession, hub: InteractionsHub) -> None:
    current = ci.TimelineEntry(interaction_id="now-1", channel=ci.Channel.WEBCHAT, state=ci.InteractionState.OFFERED,
                               created_ms=NOW - 60_000, summary="你好")
    session.replies["get_customer"] = ci.CustomerView(card=wang(), timeline=[current, *entries(19)])
    p = _panel(qtbot, hub)
    p.show_task(_task())
    assert p.page() == "loading"  # the skeleton at once, before the edge answered
    with qtbot.waitSignal(p.rendered, timeout=3000) as sig:
        pass
    assert sig.args == ["c-wang"]
    assert p.page() == "customer" and p.customer_id == "c-wang"
    assert p.card_view.name_label.text() == "王小明"
    assert p.card_view.vip_badge.isVisible() and p.card_view.tier_badge.text() == "platinum"
    assert p.card_view.tag_texts() == ["VIP", "账单", "投诉"]
    assert p.card_view.identity_texts() == ["oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "+86 138 0013 8000"]
    assert p.timeline.timeline_model.rowCount() == 20
    assert [c[2].customer_id for c in session.sent("call")] == ["c-wang"]
    assert session.sent("call")[0][2].timeline_limit == 20
    # The current interaction is marked (the first row, "Now").
    assert p.timeline.timeline_model.current_interaction == "now-1"
    assert p.last_render_s is not None and p.last_render_s < 2


def test_a_newer_task_supersedes_a_slower_older_load(
    qtbot: QtBot, session: FakeSession, hub: InteractionsHub
) -> None:
    other = wang()
    other.customer_id, other.name = "c-old", "Old Customer"
    gate = asyncio.Event()

    def slow_then_fast(body: ci.GetCustomer) -> ci.CustomerView:
        return view(other) if body.customer_id == "c-old" else view()

    # The old customer's answer is held back until after the new one was shown.
    original_call = session.call

    async def call(command: str, body: ci.GetCustomer):  # noqa: ANN202
        if command == "get_customer" and body.customer_id == "c-old":
            await gate.wait()
        return await original_call(command, body)

    session.call = call  # type: ignore[method-assign]
    session.replies["get_customer"] = slow_then_fast
    p = _panel(qtbot, hub)
    seen: list[str] = []
    p.rendered.connect(seen.append)
    p.show_task(_task("c-old", "x-1"))
    p.show_task(_task("c-wang", "x-2"))
    qtbot.waitUntil(lambda: seen == ["c-wang"], timeout=3000)
    gate.set()
    # The old answer arrives now and must change nothing.
    qtbot.waitUntil(lambda: len(session.sent("call")) == 2, timeout=3000)
    qtbot.wait(100)
    assert seen == ["c-wang"]
    assert p.card_view.name_label.text() == "王小明" and p.customer_id == "c-wang"


def test_clear_drops_a_load_in_flight(qtbot: QtBot, session: FakeSession, hub: InteractionsHub) -> None:
    session.command_delay_s = 0.05
    session.replies["get_customer"] = view()
    p = _panel(qtbot, hub)
    with qtbot.assertNotEmitted(p.rendered, wait=200):
        p.show_task(_task())
        p.clear()
    assert p.page() == "empty" and p.customer_id == ""


def test_hidden_panel_still_reports_rendered(qtbot: QtBot, session: FakeSession, hub: InteractionsHub) -> None:
    session.replies["get_customer"] = view()
    p = _panel(qtbot, hub, show=False)
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(_task())


def test_timeline_pages_on_scroll(qtbot: QtBot, session: FakeSession, hub: InteractionsHub) -> None:
    first = entries(20)
    older = entries(20, start_ms=first[-1].created_ms, prefix="old")
    session.replies["get_customer"] = ci.CustomerView(card=wang(), timeline=first, has_more=True)
    session.replies["get_timeline"] = lambda body: ci.Timeline(
        customer_id=body.customer_id, entries=[e for e in older if e.created_ms < body.before_ms] + [first[-1]],
        has_more=False)
    p = _panel(qtbot, hub)
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(_task())
    assert not session.sent("call")[1:]  # 20 rows fill the panel: nothing more asked yet
    p.timeline.scrollToBottom()
    qtbot.waitUntil(lambda: p.timeline.timeline_model.rowCount() == 40, timeout=3000)
    pages = [c[2] for c in session.sent("call") if c[1] == "get_timeline"]
    assert len(pages) == 1 and pages[0].before_ms == first[-1].created_ms and pages[0].customer_id == "c-wang"
    # The overlapping entry was not added twice, and the end was reached.
    ids = [e.interaction_id for e in p.timeline.timeline_model.entries()]
    assert len(ids) == len(set(ids)) and not p.timeline.timeline_model.has_more
    p.timeline.scrollToTop()
    p.timeline.scrollToBottom()
    qtbot.wait(50)
    assert len([c for c in session.sent("call") if c[1] == "get_timeline"]) == 1


def test_summary_markup_shows_literally(qtbot: QtBot, session: FakeSession, hub: InteractionsHub) -> None:
    session.replies["get_customer"] = view(n=4)
    p = _panel(qtbot, hub)
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(_task())
    idx = p.timeline.timeline_model.index(2)
    assert idx.data(ENTRY_ROLE).summary == "<b>x</b> & <i>y</i>"
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;i&gt;y&lt;/i&gt;" in idx.data(Qt.ItemDataRole.ToolTipRole)
    # A customer name with markup is plain text in the card.
    card = wang()
    card.name = "<b>Bold</b>"
    session.replies["get_customer"] = view(card)
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(_task())
    assert p.card_view.name_label.textFormat() == Qt.TextFormat.PlainText
    assert p.card_view.name_label.text() == "<b>Bold</b>"


def test_click_opens_the_escaped_transcript_with_notes_and_attachments(
    qtbot: QtBot, session: FakeSession, hub: InteractionsHub, tmp_path: Path
) -> None:
    entry = entries(1)[0]
    att = ci.Attachment(attachment_id="a1", name="发票.pdf", content_type="application/pdf", size=4,
                        sha256="")
    session.replies["get_customer"] = view(n=3)
    session.replies["get_transcript"] = ci.Transcript(entry=entry, customer=wang(), messages=[
        ci.ChatMessage(interaction_id="i0", seq=1, message_id="m1", ts_ms=NOW - 9 * HOUR,
                       author_kind=ci.AuthorKind.CUSTOMER, author_name="王小明", text="<script>alert(1)</script>"),
        ci.ChatMessage(interaction_id="i0", seq=3, message_id="m3", ts_ms=NOW - 9 * HOUR + 60_000,
                       author_kind=ci.AuthorKind.AGENT, author_name="李伟", text="only agents see this",
                       private=True),
        ci.ChatMessage(interaction_id="i0", seq=2, message_id="m2", ts_ms=NOW - 9 * HOUR + 30_000,
                       author_kind=ci.AuthorKind.SYSTEM, text="李伟 joined"),
        ci.ChatMessage(interaction_id="i0", seq=4, message_id="m4", ts_ms=NOW - 9 * HOUR + 90_000,
                       author_kind=ci.AuthorKind.CUSTOMER, author_name="王小明", text="here", attachments=[att]),
    ])
    session.replies["get_attachment"] = ci.AttachmentChunk(attachment=att, offset=0, data=b"%PDF", eof=True)
    p = _panel(qtbot, hub)
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(_task())
    rect = p.timeline.visualRect(p.timeline.timeline_model.index(0))
    qtbot.mouseClick(p.timeline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert isinstance(p.transcript_dialog, TranscriptDialog)
    d = p.transcript_dialog
    with qtbot.waitSignal(d.loaded, timeout=3000):
        pass
    assert session.sent("call")[-1][2].interaction_id == "i0"
    text = d.browser.toPlainText()
    assert "<script>alert(1)</script>" in text  # shown literally, as text
    assert "<script>" not in d.html()  # never as markup
    assert text.index("<script>") < text.index("李伟 joined") < text.index("only agents see this")
    assert "Internal note" in text and "发票.pdf" in text
    with qtbot.waitSignal(d.attachment_saved, timeout=3000) as sig:
        d.download("a1", tmp_path / "发票.pdf")
    assert Path(sig.args[0]).read_bytes() == b"%PDF"
    d.close()


def test_unknown_customer_form_creates_and_links(
    qtbot: QtBot, session: FakeSession, hub: InteractionsHub
) -> None:
    created = ci.CustomerCard(customer_id="c-new", name="Zhao Lei", tier="gold",
                              identities=[ci.Identity(kind=ci.IdentityKind.PHONE, value="+8613912345678")])
    session.replies["create_customer"] = created
    session.replies["get_customer"] = ci.CustomerView(card=created, timeline=[
        ci.TimelineEntry(interaction_id="now-1", channel=ci.Channel.VOICE, state=ci.InteractionState.OFFERED,
                         created_ms=NOW)])
    p = _panel(qtbot, hub)
    p.show_task(_task(customer_id=""))
    assert p.page() == "form" and p.form.creating
    assert not session.sent("call")  # nobody to load
    f = p.form
    f.save_button.click()
    assert f.error_label.isVisible() and not session.sent("call")  # a name is required
    f.name_edit.setText("Zhao Lei")
    f.phone_edit.setText("12")
    f.save_button.click()
    assert "phone" in f.error_label.text() and not session.sent("call")
    f.phone_edit.setText("139 1234 5678")
    f.email_edit.setText("Zhao.Lei@Example.com")
    f.tier_combo.setCurrentText("gold")
    f.tags_edit.setText("新客户， billing")
    linked: list[tuple[str, str]] = []
    p.customer_linked.connect(lambda i, c: linked.append((i, c)))
    with qtbot.waitSignal(p.rendered, timeout=3000):
        f.save_button.click()
    assert linked == [("now-1", "c-new")]
    body = session.sent("call")[0][2]
    assert isinstance(body, ci.CreateCustomer)
    assert body.interaction_id == "now-1" and body.name == "Zhao Lei" and body.tier == "gold"
    assert body.tags == ["新客户", "billing"]
    assert [(i.kind, i.value) for i in body.identities] == [
        (ci.IdentityKind.PHONE, "+8613912345678"), (ci.IdentityKind.EMAIL, "zhao.lei@example.com")]
    assert p.page() == "customer" and p.card_view.name_label.text() == "Zhao Lei"


def test_nameless_first_contact_gets_the_prefilled_form(
    qtbot: QtBot, session: FakeSession, hub: InteractionsHub
) -> None:
    bare = ci.CustomerCard(customer_id="c-bare", identities=[
        ci.Identity(kind=ci.IdentityKind.PHONE, value="+8613800138000"),
        ci.Identity(kind=ci.IdentityKind.WECHAT_OPENID, value="oWX1")])
    session.replies["get_customer"] = ci.CustomerView(card=bare, timeline=[ci.TimelineEntry(
        interaction_id="now-1", channel=ci.Channel.VOICE, state=ci.InteractionState.OFFERED, created_ms=NOW)])
    named = ci.CustomerCard(customer_id="c-bare", name="钱多多", identities=bare.identities)
    p = _panel(qtbot, hub)
    p.show_task(_task("c-bare"))
    qtbot.waitUntil(lambda: p.page() == "form", timeout=3000)
    assert not p.form.creating and p.form.phone_edit.text() == "+86 138 0013 8000"
    session.replies["update_customer"] = named
    session.replies["get_customer"] = ci.CustomerView(card=named)
    p.form.name_edit.setText("钱多多")
    p.form.email_edit.setText("qian@example.cn")
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.form.save_button.click()
    body = [c[2] for c in session.sent("call") if c[1] == "update_customer"][0]
    assert body.customer_id == "c-bare" and body.name == "钱多多"
    # Only the new identity is added; the matched phone is not sent again.
    assert [(i.kind, i.value) for i in body.add_identities] == [(ci.IdentityKind.EMAIL, "qian@example.cn")]
    assert p.card_view.name_label.text() == "钱多多"


def test_existing_customer_search_links(qtbot: QtBot, session: FakeSession, hub: InteractionsHub) -> None:
    session.replies["search_customers"] = ci.CustomerList(hits=[ci.CustomerHit(card=wang(), matched="name")])
    session.replies["get_customer"] = view()
    session.replies["link_customer"] = wang()
    session.replies["get_customer_audit"] = ci.CustomerAudit()
    p = _panel(qtbot, hub)
    p.show_task(_task(customer_id=""))
    p.form.name_edit.setText("王小明")
    p.form.existing_button.click()
    d = p.form.search_dialog
    assert d is not None and d.query_edit.text() == "王小明"
    qtbot.waitUntil(lambda: d.hits_list.count() == 1, timeout=3000)
    d.hits_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: d.link_button.isEnabled(), timeout=3000)
    linked: list[tuple[str, str]] = []
    p.customer_linked.connect(lambda i, c: linked.append((i, c)))
    with qtbot.waitSignal(p.rendered, timeout=3000):
        d.link_button.click()
    assert linked == [("now-1", "c-wang")]
    link = [c[2] for c in session.sent("call") if c[1] == "link_customer"][0]
    assert (link.interaction_id, link.customer_id) == ("now-1", "c-wang")
    assert p.page() == "customer"


def test_edit_conflict_is_shown_inline_with_merge_for_supervisors(
    qtbot: QtBot, session: FakeSession, hub: InteractionsHub
) -> None:
    session.replies["get_customer"] = view()
    p = _panel(qtbot, hub)
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(_task())

    def refuse(_body: ci.UpdateCustomer) -> None:
        session.command_failed.emit(
            "update_customer", "The edge server refused: identity email:bo@x.cn belongs to customer c-bo")

    session.call_replies = None
    session.replies["update_customer"] = lambda body: refuse(body)
    p.card_view.edit_button.click()
    form = p.form_dialog
    assert form is not None and form.name_edit.text() == "王小明"
    form.identity_kind.setCurrentIndex(form.identity_kind.findData(ci.IdentityKind.EMAIL))
    form.identity_edit.setText("bo@x.cn")
    form.buttons.accepted.emit()
    qtbot.waitUntil(form.error_label.isVisible, timeout=3000)
    assert "belongs to customer c-bo" in form.error_label.text()
    assert not form.merge_button.isVisible()  # an agent cannot merge
    assert form.isVisible()  # still open with what was typed
    body = [c[2] for c in session.sent("call") if c[1] == "update_customer"][0]
    assert body.add_identities == [ci.Identity(kind=ci.IdentityKind.EMAIL, value="bo@x.cn")]
    form.close()
    # As a supervisor the same refusal offers the merge.
    session.snapshot = snapshot(Role.SUPERVISOR)
    p.card_view.edit_button.click()
    form = p.form_dialog
    form.identity_edit.setText("bo@x.cn")
    form.identity_kind.setCurrentIndex(form.identity_kind.findData(ci.IdentityKind.EMAIL))
    form.buttons.accepted.emit()
    qtbot.waitUntil(form.merge_button.isVisible, timeout=3000)
    form.close()


def test_edit_saves_and_updates_the_card(qtbot: QtBot, session: FakeSession, hub: InteractionsHub) -> None:
    session.replies["get_customer"] = view()
    p = _panel(qtbot, hub)
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(_task())
    saved = wang()
    saved.tags = ["VIP"]
    saved.attributes = {"城市": "北京"}
    session.replies["update_customer"] = saved
    p.card_view.edit_button.click()
    form = p.form_dialog
    form.tags_edit.setText("VIP")
    form.attributes_table.item(1, 1).setText("北京")  # rows sorted: 会员号, 城市
    form.attributes_table.item(0, 0).setText("")  # a blank key drops the row
    with qtbot.waitSignal(form.saved, timeout=3000):
        form.buttons.accepted.emit()
    body = [c[2] for c in session.sent("call") if c[1] == "update_customer"][0]
    assert body.tags == ["VIP"] and body.attributes == {"城市": "北京"} and body.vip is True
    assert p.card_view.tag_texts() == ["VIP"]


def test_notes_edited_on_the_card_are_saved(qtbot: QtBot, session: FakeSession, hub: InteractionsHub) -> None:
    session.replies["get_customer"] = view()
    p = _panel(qtbot, hub)
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(_task())
    assert not p.card_view.save_notes_button.isVisible()
    p.card_view.notes_edit.setPlainText("新备注")
    assert p.card_view.save_notes_button.isVisible()
    saved = wang()
    saved.notes = "新备注"
    session.replies["update_customer"] = saved
    with qtbot.waitSignal(p.card_view.customer_updated, timeout=3000):
        p.card_view.save_notes_button.click()
    body = [c[2] for c in session.sent("call") if c[1] == "update_customer"][0]
    assert body.notes == "新备注" and body.name is None and body.tags is None
    assert not p.card_view.save_notes_button.isVisible()


def test_customer_changed_push_updates_or_follows(qtbot: QtBot, session: FakeSession, hub: InteractionsHub) -> None:
    session.replies["get_customer"] = view()
    p = _panel(qtbot, hub)
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(_task())
    edited = wang()
    edited.name = "王小明 (Wang)"
    session.push_received.emit(ci.CustomerChanged(card=edited, interaction_ids=["now-1"]))
    assert p.card_view.name_label.text() == "王小明 (Wang)"
    survivor = wang()
    survivor.customer_id, survivor.name = "c-main", "王小明 主档"
    session.replies["get_customer"] = view(survivor)
    gone = wang()
    gone.merged_into = "c-main"
    with qtbot.waitSignal(p.rendered, timeout=3000) as sig:
        session.push_received.emit(ci.CustomerChanged(card=gone, interaction_ids=["now-1"]))
    assert sig.args == ["c-main"] and p.card_view.name_label.text() == "王小明 主档"


def test_formatting_helpers() -> None:
    assert format_phone("+8613800138000") == "+86 138 0013 8000"
    assert format_phone("not a number") == "not a number"
    assert stars(4) == "★★★★☆" and stars(0) == ""
    from PySide6.QtCore import QDateTime, QLocale
    noon = QDateTime.fromMSecsSinceEpoch(NOW)
    noon.setTime(noon.time().fromString("12:00", "HH:mm"))
    t = noon.toMSecsSinceEpoch()
    assert when_text(t - HOUR, t) == QLocale().toString(noon.addSecs(-3600).time(), QLocale.FormatType.ShortFormat)
    assert when_text(t - HOUR, t).startswith("11:00")
    assert when_text(t - DAY, t).startswith("Yesterday")
    assert when_text(t - 3 * DAY, t) == noon.addDays(-3).toString("MMM d")
