"""Screenshots of the chat workspace (two chats, one in Chinese, a note, an emoji, a file chip), EN and zh_CN."""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from chat_fakes import FakeEdge, info, msg
from desktop.i18n import Translations
from desktop.main_window import MainWindow
from desktop.settings import Settings
from desktop_fakes import FakeClock, FakeSession, snapshot, status, task
from edge_server.contract import interactions as ci
from edge_server.contract.messages import AgentState, Role, TaskAssigned

#: Set SWITCHBOARD_SCREENS=/some/dir to collect the screenshots for review.
SCREENS = Path(os.environ["SWITCHBOARD_SCREENS"]) if os.environ.get("SWITCHBOARD_SCREENS") else None


@pytest.fixture
def translations(qapp: QApplication, compiled_i18n: Path) -> Iterator[Translations]:
    t = Translations(qapp, compiled_i18n)
    yield t
    t.uninstall()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_chat_workspace_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession,
    settings: Settings, clock: FakeClock, shots_dir: Path, language: str,
) -> None:
    translations.install(language)
    edge = FakeEdge(session)
    session.replies["get_customer"] = lambda b: ci.CustomerView(card=ci.CustomerCard(
        customer_id=b.customer_id, name="王芳 Wang Fang", tier="gold", vip=True, tags=["退款", "VIP"],
        identities=[ci.Identity(kind=ci.IdentityKind.WECHAT_OPENID, value="o6_bmjrPTlm6_2sgVt7hMZOPfL2M")]))
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    w.resize(1280, 760)
    session.link_state_changed.emit("up")
    me = status("li.wei", AgentState.READY, since_ms=clock.ms - 312_000, display_name="李伟 Li Wei")
    session.play_login(snapshot(Role.AGENT, me=me))
    t = clock.ms - 240_000
    receipt = ci.Attachment(attachment_id="a1", name="付款截图.png", content_type="image/png", size=48_213)
    edge.add(info("i1", customer="王芳 Wang Fang", customer_read_seq=3, participants=[
        ci.Participant(username="alice", display_name="李伟 Li Wei")]), [
        msg(1, "王芳 joined from the website chat", kind=ci.AuthorKind.SYSTEM, ts_ms=t),
        msg(2, "你好，我上周申请的退款还没有到账，订单号 A-20931。", ts_ms=t + 5_000, attachments=[receipt]),
        msg(3, "您好王芳，我是李伟，马上为您查询 🙏", kind=ci.AuthorKind.AGENT, ts_ms=t + 40_000,
            author="li.wei", author_name="李伟 Li Wei"),
        msg(4, "Refund approved by billing on 12/03; customer is VIP, handle first.", kind=ci.AuthorKind.AGENT,
            private=True, ts_ms=t + 90_000, author="li.wei", author_name="李伟 Li Wei"),
        msg(5, "好的，谢谢！<b>请尽快</b>", ts_ms=clock.ms - 35_000),
    ])
    edge.add(info("i2", customer="Emma Clark", queue="tech.en"), [
        msg(1, "Hi, my router keeps dropping the connection.", interaction_id="i2", ts_ms=clock.ms - 20_000),
        msg(2, "Is anyone there?", interaction_id="i2", ts_ms=clock.ms - 8_000),
    ])
    session.task_assigned.emit(TaskAssigned(task=task("t1", customer="王芳 Wang Fang", channel="wechat",
                                                      interaction_id="i1", subject="退款进度查询 Refund status")))
    session.task_assigned.emit(TaskAssigned(task=task("t2", customer="Emma Clark", channel="chat", queue="tech.en",
                                                      queue_en="Technical support (English)",
                                                      queue_zh="技术支持（英文）", interaction_id="i2",
                                                      subject="Router drops")))
    w.show()
    qtbot.waitExposed(w)
    chat = w.work_list.chat_for("i1")
    assert chat is not None
    w.work_list.select_interaction("i1")
    qtbot.waitUntil(lambda: chat.conversation.transcript.rowCount() == 5, timeout=2000)
    qtbot.waitUntil(lambda: w.work_list.chat_for("i2").conversation.transcript.rowCount() == 2,  # type: ignore[union-attr]
                    timeout=2000)
    session.push_received.emit(ci.TypingChanged(interaction_id="i1", author_kind=ci.AuthorKind.CUSTOMER, typing=True))
    chat.composer.set_text("已为您加急处理，预计 1–3 个工作日到账 👍")
    for _ in range(6):
        QApplication.processEvents()
    path = shots_dir / f"workspace_chat_{language}.png"
    assert w.grab().save(str(path))
    img = QImage(str(path))
    colours = {img.pixel(x, y) for x in range(0, img.width(), 9) for y in range(0, img.height(), 9)}
    assert len(colours) > 20
    if SCREENS is not None:  # the developer's review folder, when asked for
        SCREENS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENS / path.name)
