"""Screenshots of the screen-pop, the new-customer form, a transcript and the wrap-up panel (zh and en).

Saved to /tmp/shots for a human to look at; they also prove the screens render without Qt warnings.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.i18n import Translations
from desktop.interactions_hub import InteractionsHub
from desktop.reasons import ReasonCatalog
from desktop.screenpop.panel import ScreenPopPanel
from desktop.screenpop.transcript_dialog import TranscriptDialog
from desktop.workspace.wrapup_panel import WrapUpPanel
from desktop_fakes import REASONS, FakeClock, FakeSession, snapshot
from edge_server.contract import interactions as ci
from edge_server.contract.messages import Role, TaskInfo, WrapUpStarted
from test_screenpop_data import HOUR, NOW, entries, wang
from test_screenpop_i18n import screenpop_i18n  # noqa: F401  (the fixture)


@pytest.fixture
def translations(qapp: QApplication, screenpop_i18n: Path) -> Iterator[Translations]:  # noqa: F811
    t = Translations(qapp, screenpop_i18n)
    yield t
    t.uninstall()


def _save(widget: QWidget, path: Path) -> None:
    for _ in range(4):
        QApplication.processEvents()
    assert widget.grab().save(str(path))
    img = QImage(str(path))
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert len(colours) > 5


def _hub(session: FakeSession) -> InteractionsHub:
    session.snapshot = snapshot(Role.AGENT)
    current = ci.TimelineEntry(interaction_id="now-1", channel=ci.Channel.WEBCHAT, state=ci.InteractionState.OFFERED,
                               created_ms=NOW - 90_000, queue="billing.zh", summary="你好，我想问一下上个月的账单")
    session.replies["get_customer"] = ci.CustomerView(card=wang(), timeline=[current, *entries(7)])
    return InteractionsHub(session)  # type: ignore[arg-type]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_screenpop_panel_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession, shots_dir: Path,
    language: str,
) -> None:
    translations.install(language)
    p = ScreenPopPanel(_hub(session), now_ms=lambda: NOW)
    qtbot.addWidget(p)
    p.resize(460, 860)
    p.show()
    qtbot.waitExposed(p)
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(TaskInfo(task_id="t1", queue="billing.zh", customer_id="c-wang", interaction_id="now-1"))
    assert p.timeline.timeline_model.rowCount() == 8
    _save(p, shots_dir / f"screenpop_panel_{language}.png")


def test_new_customer_form_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession, shots_dir: Path,
) -> None:
    translations.install("zh_CN")
    p = ScreenPopPanel(_hub(session), now_ms=lambda: NOW)
    qtbot.addWidget(p)
    p.resize(460, 620)
    p.show()
    qtbot.waitExposed(p)
    p.show_task(TaskInfo(task_id="t1", queue="billing.zh", customer_id="", interaction_id="now-1"))
    p.form.name_edit.setText("赵磊")
    p.form.phone_edit.setText("139 1234")
    p.form.save_button.click()  # an invalid phone: the inline error shows in the shot
    assert p.form.error_label.isVisible()
    _save(p, shots_dir / "screenpop_new_customer_zh_CN.png")


def test_transcript_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession, shots_dir: Path,
) -> None:
    translations.install("zh_CN")
    hub = _hub(session)
    e = entries(1)[0]
    t0 = e.created_ms
    msg = ci.ChatMessage
    session.replies["get_transcript"] = ci.Transcript(entry=e.model_copy() if hasattr(e, "model_copy") else e,
                                                      customer=wang(), messages=[
        msg(interaction_id="i0", seq=1, message_id="1", ts_ms=t0, author_kind=ci.AuthorKind.CUSTOMER,
            author_name="王小明", text="我的账单被重复扣款了 <b>两次</b>"),
        msg(interaction_id="i0", seq=2, message_id="2", ts_ms=t0 + 20_000, author_kind=ci.AuthorKind.SYSTEM,
            text="李伟 加入了对话"),
        msg(interaction_id="i0", seq=3, message_id="3", ts_ms=t0 + 40_000, author_kind=ci.AuthorKind.AGENT,
            author_name="李伟", text="您好王先生，我来帮您查一下。"),
        msg(interaction_id="i0", seq=4, message_id="4", ts_ms=t0 + 60_000, author_kind=ci.AuthorKind.AGENT,
            author_name="李伟", text="查到两笔 ¥199，已提交退款。", private=True),
        msg(interaction_id="i0", seq=5, message_id="5", ts_ms=t0 + 90_000, author_kind=ci.AuthorKind.CUSTOMER,
            author_name="王小明", text="这是截图", attachments=[ci.Attachment(
                attachment_id="a1", name="账单截图.png", content_type="image/png", size=183_204)]),
    ])
    d = TranscriptDialog(hub, "i0")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    qtbot.waitUntil(lambda: d.transcript is not None, timeout=3000)
    _save(d, shots_dir / "screenpop_transcript_zh_CN.png")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_wrapup_panel_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, clock: FakeClock, shots_dir: Path,
    language: str,
) -> None:
    translations.install(language)
    p = WrapUpPanel(WrapUpStarted(task_id="t1", until_ms=clock.ms + 45_000, codes=["resolved", "follow_up", "notes"]),
                    ReasonCatalog(REASONS), now_ms=clock.now_ms)
    qtbot.addWidget(p)
    p.resize(460, 300)
    p.show()
    qtbot.waitExposed(p)
    p.pick(1)
    p.follow_up_check.setChecked(True)
    p.notes_edit.setPlainText("客户要求周一回电确认退款。")
    _save(p, shots_dir / f"wrapup_panel_{language}.png")


def test_search_dialog_supervisor_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession, shots_dir: Path,
) -> None:
    translations.install("zh_CN")
    hub = _hub(session)
    session.snapshot = snapshot(Role.SUPERVISOR)
    session.replies["search_customers"] = ci.CustomerList(hits=[
        ci.CustomerHit(card=wang(), matched="name"),
        ci.CustomerHit(card=ci.CustomerCard(customer_id="c-2", name="王晓明", identities=[
            ci.Identity(kind=ci.IdentityKind.EMAIL, value="wxm@example.cn")]), matched="message",
            snippet="上次说的退款到了吗", interaction_id="i77")])
    session.replies["get_customer_audit"] = ci.CustomerAudit(entries=[
        ci.AuditEntry(ts_ms=NOW - 2 * HOUR, customer_id="c-wang", action="identity_added", by="li.wei",
                      details={"phone": "+8613800138000"})])
    from desktop.screenpop.search_dialog import CustomerSearchDialog

    d = CustomerSearchDialog(hub)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.query_edit.setText("王")
    d.search_now()
    qtbot.waitUntil(lambda: d.hits_list.count() == 2, timeout=3000)
    d.hits_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: d.audit_list.count() == 1, timeout=3000)
    _save(d, shots_dir / "screenpop_search_supervisor_zh_CN.png")
