"""Cloud channels end to end: a WeChat user (safe mode), a Weibo user and an SMS sender (Aliyun) reach
an agent in the real desktop and get her reply through their platform.

The edge is a real `main.py edge` process whose [[channels.*]] tables point at the adapters' own fake
platforms (edge_server/channels/<name>/fake.py: signed and encrypted pushes, the customer-service,
reply and SendSms APIs with their checks), run on a loop of their own so they keep answering while
this thread runs Qt. Alice's desktop (MainWindow + EdgeSession + InteractionsHub, offscreen) gets
each offer, accepts it on the toast, replies in the real composer; the reply reaches the platform
(its recorded sends) and the delivery state shows on the message in her transcript (SMS: the
receipt the provider pushes moves it to delivered). The same person writing on WeChat and by SMS
(a customer known by her openid and her phone) lands on one customer timeline; Alice recognises
the Weibo user as her too and links that chat, and the timeline has all three.
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import asyncio  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Coroutine, Iterator  # noqa: E402
from concurrent.futures import Future  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

import pytest  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from channels_e2e_helpers import (  # noqa: E402
    ChannelEdge,
    Platforms,
    PlatformThread,
    channel_tables,
    write_edge_toml,
)
from e2e_support import write_desktop_config  # noqa: E402
from desktop.client_config import load_client_config  # noqa: E402
from desktop.interactions_hub import InteractionsHub  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.session import EdgeSession  # noqa: E402
from desktop.settings import Settings  # noqa: E402
from desktop.workspace.chat_view import ChatView  # noqa: E402
from desktop.workspace.transcript_model import SendState  # noqa: E402
from edge_server.contract import interactions as ci  # noqa: E402
from edge_server.contract.messages import AgentState  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "switchboard"
QUEUE = "billing.zh"
OPENID = "oE2E_wang_xiaoming_0001"
PHONE = "+8613800138000"
WEIBO_UID = 2876543210
T = TypeVar("T")

#: What the desktop reported (command_failed): said when a wait times out.
FAILURES: list[str] = []


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop driven by pytest-qt's event processing (as tests/e2e/test_desktop_chat_e2e.py)."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in pending:
            t.cancel()
        for _ in range(50):
            if all(t.done() for t in pending):
                break
            qapp.processEvents()
        loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
        asyncio.events._set_running_loop(None)
        loop.close()


@dataclass
class World:
    platforms: Platforms
    thread: PlatformThread
    edge: ChannelEdge

    def on_platforms(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return self.thread.submit(coro)


@pytest.fixture
def world(tmp_path: Path, site: Path) -> Iterator[World]:
    thread = PlatformThread()
    p = Platforms()
    thread.call(p.__aenter__())
    edge = ChannelEdge(tmp=tmp_path, data_dir=site,
                       config=write_edge_toml(tmp_path, site, channel_tables(p, QUEUE)))
    try:
        edge.start()
        p.hook_urls(edge.webhooks)
        yield World(p, thread, edge)
    finally:
        if edge.proc is not None:
            edge.stop()
        thread.call(p.__aexit__(None, None, None))
        thread.close()


def _run(qtbot: QtBot, coro: Coroutine[Any, Any, T], timeout_ms: int = 10_000) -> T:
    task = asyncio.get_running_loop().create_task(coro)
    qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


def _wait(qtbot: QtBot, cond: Callable[[], object], what: str, timeout_ms: int = 10_000) -> None:
    try:
        qtbot.waitUntil(lambda: bool(cond()), timeout=timeout_ms)
    except Exception as e:
        raise AssertionError(f"timed out waiting for {what}; the desktop reported: {FAILURES}") from e


def _platform(qtbot: QtBot, future: Future[T], what: str, timeout_ms: int = 15_000) -> T:
    """A platform call (on the platforms' loop) while Qt keeps running here."""
    _wait(qtbot, future.done, what, timeout_ms)
    return future.result()


@dataclass
class Desk:
    session: EdgeSession
    hub: InteractionsHub
    window: MainWindow

    def chat(self, iid: str) -> ChatView:
        chat = self.window.work_list.chat_for(iid)
        assert chat is not None, f"no chat view for {iid}"
        return chat


def _login(qtbot: QtBot, tmp_path: Path, edge: ChannelEdge, key: str, user: str) -> Desk:
    """One agent desktop composed as desktop/app.py does it: session → hub → main window, then Ready."""
    session = EdgeSession(client_id=f"e2e-{key}", login_timeout_s=10, request_timeout_s=10)
    hub = InteractionsHub(session)
    settings = Settings(QSettings(str(tmp_path / f"{key}.ini"), QSettings.Format.IniFormat))
    window = MainWindow(session, settings, now_ms=session.clock.now_ms, hub=hub, use_tray=False)
    qtbot.addWidget(window)
    window.resize(1360, 800)
    window.show()
    qtbot.waitExposed(window)
    cfg = load_client_config(write_desktop_config(edge, key))  # type: ignore[arg-type]
    session.command_failed.connect(lambda command, why: FAILURES.append(f"{user}: {command}: {why}"))
    with qtbot.waitSignal(session.logged_in, timeout=10_000):
        assert _run(qtbot, session.login(cfg.edge, user, PASSWORD, server_key=cfg.server_key,
                                         client_keys=cfg.client_keys))
    action = next(a for a in window.state_control.menu_actions() if a.objectName() == "action_ready")
    action.trigger()
    _wait(qtbot, lambda: session.me is not None and session.me.state == AgentState.READY, "Ready")
    return Desk(session, hub, window)


def _accept_offer(qtbot: QtBot, desk: Desk, channel: ci.Channel, first_text: str) -> tuple[str, str]:
    """Accept the ringing offer on its toast; (interaction id, customer id) once the chat shows the message."""
    _wait(qtbot, lambda: len(desk.window.offers.toasts()) == 1, f"the {channel.value} offer")
    toast = desk.window.offers.toasts()[0]
    iid, customer = toast.offer.task.interaction_id, toast.offer.task.customer_id
    qtbot.mouseClick(toast.accept_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, lambda: desk.window.work_list.chat_for(iid) is not None
          and _texts(desk.chat(iid)) == [first_text], f"the {channel.value} chat with its first message")
    detail = _run(qtbot, desk.hub.get_interaction(iid))
    assert detail is not None and detail.info.channel == channel
    return iid, customer


def _texts(chat: ChatView) -> list[str]:
    return [e.msg.text for e in chat.conversation.transcript.entries()
            if e.state == SendState.CONFIRMED and not e.msg.private]


def _reply(qtbot: QtBot, chat: ChatView, text: str) -> None:
    """Into the real composer, then Enter (CJK goes in as the IME would put it)."""
    chat.composer.edit.setFocus()
    chat.composer.edit.insertPlainText(text)
    qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Return)
    assert chat.composer.text() == ""


def _delivery(chat: ChatView, text: str) -> tuple[str, str]:
    entry = next((e for e in chat.conversation.transcript.entries() if e.msg.text == text), None)
    return ("", "") if entry is None else (entry.msg.delivery, entry.msg.delivery_error)


def test_wechat_weibo_sms_reach_the_agent_and_her_replies_reach_them(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, world: World, tmp_path: Path,
) -> None:
    started = time.monotonic()
    p, edge = world.platforms, world.edge
    alice = _login(qtbot, tmp_path, edge, "desk1", "alice")
    try:
        # The customer is known by her WeChat openid and her phone (as the CRM import has her).
        card = _run(qtbot, alice.hub.create_customer(ci.CreateCustomer(
            name="王小明", identities=[ci.Identity(kind=ci.IdentityKind.WECHAT_OPENID, value=OPENID),
                                      ci.Identity(kind=ci.IdentityKind.PHONE, value=PHONE)])))
        assert card is not None
        customer_id = card.customer_id

        # --- WeChat (safe mode: signed, AES-encrypted push) --------------------------------------------
        wx_in = "你好，我的订单什么时候发货？"
        pushed = _platform(qtbot, world.on_platforms(p.wechat.push(p.wechat.message(OPENID, "text", Content=wx_in))),
                           "the WeChat push")
        assert pushed.acknowledged and pushed.attempts == 1 and pushed.body == b"success"
        wx, wx_customer = _accept_offer(qtbot, alice, ci.Channel.WECHAT, wx_in)
        assert wx_customer == customer_id  # joined by her openid
        wx_chat = alice.chat(wx)
        wx_out = "您好，已为您查询，明天发货。"
        _reply(qtbot, wx_chat, wx_out)
        _wait(qtbot, lambda: [b["text"]["content"] for b in p.wechat.state.sent] == [wx_out],
              "the reply at WeChat's customer-service API")
        assert p.wechat.state.sent[0]["touser"] == OPENID and p.wechat.state.sent[0]["msgtype"] == "text"
        _wait(qtbot, lambda: _delivery(wx_chat, wx_out) == ("sent", ""), "'sent' on the WeChat reply")
        info = _run(qtbot, alice.hub.get_interaction(wx))
        assert info is not None and info.info.replies_left == 4 and info.info.reply_until_ms > 0  # 48 h, 5 replies

        # --- Weibo (signed push; reply API) --------------------------------------------------------------
        wb_in = "私信：会员积分怎么兑换？"
        attempt = _platform(qtbot, world.on_platforms(p.weibo.push(p.weibo_url(edge.webhooks),
                                                                   p.weibo.message(WEIBO_UID, wb_in))),
                            "the Weibo push")
        assert attempt == 1
        wb, wb_customer = _accept_offer(qtbot, alice, ci.Channel.WEIBO, wb_in)
        assert wb_customer and wb_customer != customer_id  # a Weibo uid nobody knew yet
        wb_chat = alice.chat(wb)
        wb_out = "积分可在会员中心兑换礼品。"
        _reply(qtbot, wb_chat, wb_out)
        _wait(qtbot, lambda: [(r["receiver_id"], r["text"]) for r in p.weibo.replies] == [(str(WEIBO_UID), wb_out)],
              "the reply at Weibo's reply API")
        _wait(qtbot, lambda: _delivery(wb_chat, wb_out) == ("sent", ""), "'sent' on the Weibo reply")

        # --- SMS (Aliyun uplink; SendSms; the delivery receipt) -------------------------------------------
        sm_in = "我是王小明，刚才在微信问过发货"
        up = [p.sms.aliyun_uplink(PHONE.removeprefix("+86"), sm_in, 501)]
        assert _platform(qtbot, world.on_platforms(p.sms.push(p.sms_url(edge.webhooks, "inbound"), json_body=up,
                                                              ack="aliyun")), "the SMS uplink") == 1
        sm, sm_customer = _accept_offer(qtbot, alice, ci.Channel.SMS, sm_in)
        assert sm_customer == customer_id  # the same person: joined by her phone
        sm_chat = alice.chat(sm)
        sm_out = "王先生您好，明天发货，请留意短信通知。"
        _reply(qtbot, sm_chat, sm_out)
        _wait(qtbot, lambda: [(s.to, s.text) for s in p.sms.sent] == [("13800138000", sm_out)],
              "the SMS at Aliyun's SendSms")
        _wait(qtbot, lambda: _delivery(sm_chat, sm_out) == ("sent", ""), "'sent' on the SMS reply")
        report = [p.sms.aliyun_report(p.sms.sent[0])]
        assert _platform(qtbot, world.on_platforms(p.sms.push(p.sms_url(edge.webhooks, "status"), json_body=report,
                                                              ack="aliyun")), "the SMS receipt") == 1
        _wait(qtbot, lambda: _delivery(sm_chat, sm_out) == ("delivered", ""), "'delivered' on the SMS reply")

        # --- one customer, one timeline ---------------------------------------------------------------
        view = _run(qtbot, alice.hub.get_customer(customer_id))
        assert view is not None
        assert {t.interaction_id: t.channel for t in view.timeline} == {wx: ci.Channel.WECHAT, sm: ci.Channel.SMS}
        # Alice recognises the Weibo user as the same person and links the chat.
        linked = _run(qtbot, alice.hub.link_customer(wb, customer_id))
        assert linked is not None and linked.customer_id == customer_id
        view = _run(qtbot, alice.hub.get_customer(customer_id))
        assert view is not None
        assert {t.interaction_id: t.channel for t in view.timeline} == {
            wx: ci.Channel.WECHAT, sm: ci.Channel.SMS, wb: ci.Channel.WEIBO}
        kinds = {(i.kind, i.value) for i in view.card.identities}
        assert {(ci.IdentityKind.WECHAT_OPENID, OPENID), (ci.IdentityKind.PHONE, PHONE)} <= kinds

        # Nothing was sent twice, and every transcript is what both sides saw.
        assert len(p.wechat.state.sent) == len(p.weibo.replies) == len(p.sms.sent) == 1
        for iid, chat, want in ((wx, wx_chat, [wx_in, wx_out]), (wb, wb_chat, [wb_in, wb_out]),
                                (sm, sm_chat, [sm_in, sm_out])):
            assert _texts(chat) == want
            detail = _run(qtbot, alice.hub.get_interaction(iid))
            assert detail is not None and [x.text for x in detail.messages if not x.private] == want
        assert time.monotonic() - started < 90
    finally:
        _run(qtbot, alice.session.logout(3.0))
        _run(qtbot, alice.session.close())


# --- email: a real IMAP server (dovecot) and a local SMTP server ------------------------------------


@pytest.fixture
def mail(tmp_path: Path) -> Iterator[tuple[Any, Any, Any]]:
    """dovecot (IMAP, IDLE) holding the support and customer mailboxes, aiosmtpd delivering into it."""
    from tests.edge_server.channels.email.email_helpers import PASSWORDS
    from tests.edge_server.channels.email.mailservers import DOVECOT, DeliveringHandler, Dovecot, SmtpServer

    if not Path(DOVECOT).exists():
        pytest.skip("Debian dovecot-imapd is not installed (/usr/sbin/dovecot)")
    dovecot = Dovecot(root=tmp_path / "dovecot", users=dict(PASSWORDS))
    dovecot.start()
    handler = DeliveringHandler(dovecot)
    smtp = SmtpServer(handler)
    smtp.start()
    try:
        yield dovecot, smtp, handler
    finally:
        smtp.stop()
        dovecot.stop()


def test_email_sender_reaches_the_agent_and_the_reply_threads(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, tmp_path: Path, site: Path, mail: tuple[Any, Any, Any],
) -> None:
    import email as email_lib
    from email import policy

    from channels_e2e_helpers import toml_value
    from tests.edge_server.channels.email.email_helpers import CUSTOMER, SUPPORT, account_table, make_mail

    started = time.monotonic()
    dovecot, smtp, handler = mail
    table = account_table(dovecot.port, smtp.port, queue=QUEUE)
    text = "[[channels.email]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in table.items())
    edge = ChannelEdge(tmp=tmp_path, data_dir=site, config=write_edge_toml(tmp_path, site, text))
    edge.start()
    try:
        alice = _login(qtbot, tmp_path, edge, "desk1", "alice")
        try:
            first = make_mail(sender=CUSTOMER, to=SUPPORT, subject="发票问题 Invoice", text="发票抬头写错了，能重开吗？")
            dovecot.deliver(SUPPORT, first.as_bytes())
            em, _ = _accept_offer(qtbot, alice, ci.Channel.EMAIL, "发票抬头写错了，能重开吗？")
            chat = alice.chat(em)
            out = "可以，已为您重开发票。"
            _reply(qtbot, chat, out)
            _wait(qtbot, lambda: any(CUSTOMER in r.rcpt_tos for r in handler.received), "the reply at the SMTP server")
            sent = email_lib.message_from_bytes(
                next(r.data for r in handler.received if CUSTOMER in r.rcpt_tos), policy=policy.default)
            assert sent["In-Reply-To"] == first["Message-ID"] and sent["Subject"].startswith("Re: ")
            assert out in sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            _wait(qtbot, lambda: _delivery(chat, out)[0] in ("sent", "delivered"), "'sent' on the email reply")
            # The customer answers the reply: it lands in the same chat (threaded by In-Reply-To/References).
            again = make_mail(sender=CUSTOMER, to=SUPPORT, subject=f"Re: {sent['Subject']}", text="谢谢！",
                              in_reply_to=sent["Message-ID"], references=f"{first['Message-ID']} {sent['Message-ID']}")
            dovecot.deliver(SUPPORT, again.as_bytes())
            _wait(qtbot, lambda: _texts(chat)[-1:] == ["谢谢！"], "the customer's answer in the same chat", 15_000)
            assert _texts(chat) == ["发票抬头写错了，能重开吗？", out, "谢谢！"]
            assert not alice.window.offers.toasts()  # nothing new opened
            assert time.monotonic() - started < 60
        finally:
            _run(qtbot, alice.session.logout(3.0))
            _run(qtbot, alice.session.close())
    finally:
        edge.stop()
