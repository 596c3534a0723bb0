"""A web chat end to end: real headless Chromium visitor, real edge process, two real desktops.

The visitor (a returning customer: the store already holds her WeChat, phone and e-mail
history) chats in Chinese on /widget/test.html. Alice's desktop gets the offer and
the screen-pop shows the customer and her cross-channel timeline BEFORE Alice
accepts; messages go both ways through the real composer and the real widget; the
visitor's network drops while both sides write and nothing is lost or duplicated;
Alice transfers to Li Wei through the transfer picker; Li Wei sees the whole
transcript, ends the chat and wraps up (code, notes, follow-up); the visitor rates
5 with a comment; a supervisor's bus client reads all of it back from the store.

Selenium calls block, so they run on a thread of their own (``Browser``) while the Qt
thread keeps running both desktops' event loop: a desktop that stops heart-beating for
3 s is detached by the edge, which no real desktop would suffer because of a browser.
Every wait is on a signal or a condition with a timeout. Screenshots go under
tmp_path, and to $SWITCHBOARD_SCREENS when that is set.
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import asyncio  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Coroutine, Iterator  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

import pytest  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QWidget  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from desktop.client_config import load_client_config  # noqa: E402
from desktop.i18n import Translations, ensure_cjk_font  # noqa: E402
from desktop.interactions_hub import InteractionsHub  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.paths import fonts_dir, i18n_dir, styles_dir  # noqa: E402
from desktop.session import EdgeSession  # noqa: E402
from desktop.settings import Settings  # noqa: E402
from desktop.workspace.chat_view import ChatView  # noqa: E402
from desktop.workspace.transcript_model import SendState  # noqa: E402
from desktop.workspace.work_model import TaskPhase  # noqa: E402
from edge_server.contract import events as ev  # noqa: E402
from edge_server.contract.interactions import AuthorKind, InteractionState  # noqa: E402
from edge_server.contract.messages import AgentState  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PASSWORD = "switchboard"  # every demo user's (resources/demo/site.toml)
T = TypeVar("T")


from e2e_support import EdgeProcess, write_desktop_config  # noqa: E402 - tests/e2e helpers

# The returning customer, known from earlier contacts on other channels.
CUSTOMER_ID = "c0ffee00000000000000000000wangxm"
CUSTOMER = "王小明"
EMAIL = "wang.xm@example.cn"
DAY_MS = 86_400_000


# --- the edge, with history in its store --------------------------------------------------------


def _history_events(now_ms: int) -> list[ev.Event]:
    """王小明 and three closed interactions (WeChat, voice, e-mail) as the services journal them."""
    out: list[ev.Event] = [ev.CustomerCreated(
        ts_ms=now_ms - 60 * DAY_MS, customer_id=CUSTOMER_ID, name=CUSTOMER, tier="gold", vip=True,
        tags=["VIP", "退款"], notes="偏好中文沟通 Prefers Chinese", identities=[
            ("email", EMAIL), ("phone", "+8613800138000"), ("wechat_openid", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M")],
        by="sup")]
    past = [  # (id, channel, days ago, agent, first customer line, disposition, notes, follow-up, rating)
        ("past-wechat", "wechat", 2, "zhang.min", "发票抬头写错了，能重新开吗？", "resolved", "已重开发票", False, 5),
        ("past-voice", "voice", 9, "alice", "上个月的账单扣了两次费", "follow_up", "答应三天内回电确认退款", True, 0),
        ("past-email", "email", 35, "li.wei", "Where is my refund for order A-20931?", "resolved", "", False, 4),
    ]
    for iid, channel, days, agent, text, code, notes, follow, rating in past:
        t = now_ms - days * DAY_MS
        out += [
            ev.InteractionCreated(ts_ms=t, interaction_id=iid, channel=channel, queue="billing.zh",
                                  customer_id=CUSTOMER_ID, subject=""),
            ev.InteractionStateChanged(ts_ms=t + 20_000, interaction_id=iid, state="connected", agent=agent,
                                       task_id=iid),
            ev.MessageAdded(ts_ms=t + 1_000, interaction_id=iid, seq=1, message_id=f"{iid}-1",
                            author_kind="customer", author=CUSTOMER_ID, author_name=CUSTOMER, text=text),
            ev.MessageAdded(ts_ms=t + 30_000, interaction_id=iid, seq=2, message_id=f"{iid}-2",
                            author_kind="agent", author=agent, author_name=agent, text="好的，马上为您处理。"),
            ev.WrapUpRecorded(ts_ms=t + 300_000, interaction_id=iid, agent=agent, disposition=code, notes=notes,
                              follow_up=follow),
            ev.InteractionStateChanged(ts_ms=t + 300_000, interaction_id=iid, state="closed", agent=agent,
                                       task_id=iid, reason="wrapup:agent"),
        ]
        if rating:
            out.append(ev.InteractionRated(ts_ms=t + 310_000, interaction_id=iid, score=rating, comment=""))
    return out


def _seed_history(data_dir: Path) -> None:
    """Journal the history into the (stopped) edge's store through the real Store and projections."""
    from edge_server.interactions import projections as _interaction_projections  # noqa: F401
    from edge_server.site_paths import SitePaths
    from edge_server.store import Store
    from edge_server.work import projections as _work_projections  # noqa: F401

    async def seed() -> None:
        store = await Store.open(SitePaths(data_dir).store_dir, fsync=False)
        try:
            await store.append(_history_events(int(time.time() * 1000)))
        finally:
            await store.close()

    errors: list[BaseException] = []

    def run() -> None:  # its own thread: the test's thread will host the Qt loop
        try:
            asyncio.run(seed())
        except BaseException as e:  # reported below
            errors.append(e)

    t = threading.Thread(target=run, name="seed-history")
    t.start()
    t.join(60)
    assert not t.is_alive() and not errors, errors


@dataclass
class Edge:
    proc: EdgeProcess
    webchat: str  # http://127.0.0.1:<port>


@pytest.fixture
def chat_edge(tmp_path: Path, site: Path) -> Iterator[Edge]:
    _seed_history(site)
    e = EdgeProcess(tmp=tmp_path, data_dir=site)
    e.start()
    fields = dict(p.split("=", 1) for p in e.logs[-1].split() if "=" in p)
    assert e.proc is not None and e.proc.stdout is not None
    # Keep reading its output: a full pipe would block the edge mid-test.
    drain = threading.Thread(target=lambda: e.logs.extend(e.proc.stdout), name="edge-stdout", daemon=True)  # type: ignore[union-attr, arg-type]
    drain.start()
    try:
        yield Edge(proc=e, webchat=fields["webchat"])
    finally:
        e.proc.send_signal(signal.SIGTERM)
        try:
            e.proc.wait(timeout=15)
        except Exception:
            e.proc.kill()
            e.proc.wait()
        drain.join(5)
        e.proc.stdout.close()


# --- Qt and the browser --------------------------------------------------------------------------


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop driven by pytest-qt's event processing, as tests/desktop/conftest.py has it."""
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


@pytest.fixture
def styled(qapp: QApplication) -> Iterator[QApplication]:
    """The stylesheet and a CJK font, as desktop/app.py sets them up."""
    ensure_cjk_font(fonts_dir(), required=False)
    qapp.setStyleSheet((styles_dir() / "desktop.qss").read_text(encoding="utf-8"))
    yield qapp
    qapp.setStyleSheet("")


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        pytest.skip("Debian chromium + chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              f"--user-data-dir={tmp_path / 'chromium'}", "--lang=zh-CN", "--window-size=1000,800"):
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
    d.set_page_load_timeout(20)
    d.set_script_timeout(5)
    yield d
    d.quit()


@pytest.fixture
def zh_catalogues(tmp_path: Path) -> Path:
    """The shipped catalogues compiled with the real pyside6-lrelease (as tests/desktop does), up front."""
    out = tmp_path / "i18n"
    out.mkdir()
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    for ts in sorted(i18n_dir().glob("*_*.ts")):
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(out / ts.with_suffix(".qm").name)],
                       check=True, timeout=60)
    return out


class Browser:
    """The visitor's Chromium, driven from one worker thread; the Qt thread waits with qtbot."""

    def __init__(self, driver: Any, qtbot: QtBot) -> None:
        self._driver = driver
        self._qtbot = qtbot
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="selenium")

    def do(self, fn: Callable[[Any], T], timeout_s: float = 30.0) -> T:
        """``fn(driver)`` on the selenium thread; Qt events keep flowing meanwhile."""
        future = self._pool.submit(fn, self._driver)
        self._qtbot.waitUntil(future.done, timeout=int(timeout_s * 1000))
        return future.result()

    def until(self, cond: Callable[[Any], T], what: str, timeout_s: float = 10.0) -> T:
        """Wait (WebDriverWait, on the selenium thread) until ``cond(driver)`` is truthy."""
        def wait(d: Any) -> T:
            from selenium.common.exceptions import (
                NoSuchElementException,
                StaleElementReferenceException,
                TimeoutException,
            )
            from selenium.webdriver.support.ui import WebDriverWait

            try:
                return WebDriverWait(d, timeout_s, poll_frequency=0.05, ignored_exceptions=(
                    NoSuchElementException, StaleElementReferenceException)).until(cond)
            except TimeoutException as e:
                shown = d.execute_script("return document.body.innerText")
                raise AssertionError(f"timed out waiting for {what}; the widget showed: {shown!r}") from e
        return self.do(wait, timeout_s + 10)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


# --- helpers --------------------------------------------------------------------------------------


def _run(qtbot: QtBot, coro: Coroutine[Any, Any, T], timeout_ms: int = 10_000) -> T:
    task = asyncio.get_running_loop().create_task(coro)
    qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


@dataclass
class Desk:
    user: str
    session: EdgeSession
    hub: InteractionsHub
    window: MainWindow

    def chat(self, interaction_id: str) -> ChatView:
        chat = self.window.work_list.chat_for(interaction_id)
        assert chat is not None, f"{self.user} has no chat view for {interaction_id}"
        return chat


def _desk(qtbot: QtBot, tmp_path: Path, edge: Edge, key: str, user: str) -> Desk:
    """One agent desktop composed as desktop/app.py does it: session → hub → main window."""
    session = EdgeSession(client_id=f"e2e-{key}", login_timeout_s=10, request_timeout_s=10)
    hub = InteractionsHub(session)
    settings = Settings(QSettings(str(tmp_path / f"{key}.ini"), QSettings.Format.IniFormat))
    window = MainWindow(session, settings, now_ms=session.clock.now_ms, hub=hub, use_tray=False)
    qtbot.addWidget(window)
    window.resize(1360, 800)
    window.show()
    qtbot.waitExposed(window)
    cfg = load_client_config(write_desktop_config(edge.proc, key))
    session.command_failed.connect(lambda command, why: FAILURES.append(f"{user}: {command}: {why}"))
    with qtbot.waitSignal(session.logged_in, timeout=10_000):
        assert _run(qtbot, session.login(cfg.edge, user, PASSWORD, server_key=cfg.server_key,
                                         client_keys=cfg.client_keys))
    return Desk(user, session, hub, window)


def _go_ready(qtbot: QtBot, desk: Desk) -> None:
    """Ready through the state menu, as the agent picks it."""
    action = next(a for a in desk.window.state_control.menu_actions() if a.objectName() == "action_ready")
    action.trigger()
    qtbot.waitUntil(lambda: desk.session.me is not None and desk.session.me.state == AgentState.READY,
                    timeout=5000)


def _focus(qtbot: QtBot, desk: Desk) -> None:
    """The agent's window comes to the front (two desktops share this display)."""
    desk.window.activateWindow()
    qtbot.waitUntil(desk.window.isActiveWindow, timeout=5000)


def _type_and_send(qtbot: QtBot, chat: ChatView, text: str) -> None:
    """Into the real composer, then Enter (QTest types ASCII only: CJK goes in as the IME would put it)."""
    chat.composer.edit.setFocus()
    chat.composer.edit.insertPlainText(text)
    qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Return)
    assert chat.composer.text() == ""


def _desk_texts(chat: ChatView, *, public_only: bool = True) -> list[str]:
    return [e.msg.text for e in chat.conversation.transcript.entries()
            if e.state == SendState.CONFIRMED and not (public_only and e.msg.private)]


def _desk_seqs(chat: ChatView) -> list[int]:
    return [e.msg.seq for e in chat.conversation.transcript.entries()]


def _bubbles(d: Any) -> list[tuple[str, str]]:
    return [tuple(b) for b in d.execute_script(
        "return Array.from(document.querySelectorAll('#messages li')).map("
        "li => [li.className.replace('msg ', '').split(' ')[0], li.querySelector('.bubble').textContent]);")]


def _browser_seqs(d: Any) -> list[int]:
    return d.execute_script("return Array.from(document.querySelectorAll('#messages li')).map(li => +li.dataset.seq)")


def _pending(d: Any) -> int:
    return d.execute_script("return window.sbWebchat.state.pending.length")


def _visible(d: Any, element_id: str) -> bool:
    return bool(d.execute_script(
        "var e = document.getElementById(arguments[0]); return !!e && !e.hidden && e.offsetParent !== null;",
        element_id))


def _type_in_widget(d: Any, text: str, *, enter: bool = True) -> None:
    """Into the widget's composer as the visitor types (Enter sends)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    keys = (text, Keys.ENTER) if enter else (text,)
    d.find_element(By.ID, "input").send_keys(*keys)


def _text_of(d: Any, element_id: str) -> str:
    from selenium.webdriver.common.by import By

    return str(d.find_element(By.ID, element_id).text)


def _shot(widget: QWidget, tmp_path: Path, name: str) -> Path:
    path = tmp_path / "screens" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(path)), path
    _publish(path)
    return path


def _publish(path: Path) -> None:
    screens = os.environ.get("SWITCHBOARD_SCREENS")
    if screens:
        Path(screens).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(screens) / path.name)


#: What the desktops reported (command_failed) during the test: said when a wait times out.
FAILURES: list[str] = []


def _wait(qtbot: QtBot, cond: Callable[[], object], timeout_ms: int = 10_000, what: str = "") -> None:
    try:
        qtbot.waitUntil(lambda: bool(cond()), timeout=timeout_ms)
    except Exception as e:
        raise AssertionError(f"timed out waiting for {what or cond}; desktops reported: {FAILURES}") from e


# --- the test ---------------------------------------------------------------------------------------


# The wrap-up code's type-ahead opens its completer popup, which asks for the keyboard grab the
# offscreen platform cannot give: harmless there, and not something a real screen says.
@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_visitor_agent_transfer_wrapup_and_rating(  # noqa: PLR0915 - one story, told in order
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, styled: QApplication, chat_edge: Edge, driver: Any,
    zh_catalogues: Path, tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By

    edge = chat_edge
    FAILURES.clear()
    started = time.monotonic()
    b = Browser(driver, qtbot)
    desks: list[Desk] = []
    sup_session = EdgeSession(client_id="e2e-sup1", login_timeout_s=10, request_timeout_s=10)
    sup_hub = InteractionsHub(sup_session)
    try:
        alice = _desk(qtbot, tmp_path, edge, "desk1", "alice")  # billing 4, Mandarin 5
        desks.append(alice)
        li = _desk(qtbot, tmp_path, edge, "desk2", "li.wei")  # billing 3, Mandarin 5
        desks.append(li)
        sup_cfg = load_client_config(write_desktop_config(edge.proc, "sup1"))
        assert _run(qtbot, sup_session.login(sup_cfg.edge, "sup", PASSWORD, server_key=sup_cfg.server_key,
                                             client_keys=sup_cfg.client_keys))
        _go_ready(qtbot, alice)  # Li Wei stays Not Ready: the chat must go to Alice

        # --- the visitor opens the widget and starts in Chinese ---------------------------------
        def open_widget(d: Any) -> None:
            d.get(edge.webchat + "/widget/test.html?lang=zh")
            d.find_element(By.ID, "sb-webchat-launcher").click()
            d.switch_to.frame(d.find_element(By.ID, "sb-webchat-frame"))

        b.do(open_widget)
        b.until(lambda d: _visible(d, "prechat-form"), "the pre-chat form")
        v1 = "你好，我的账单这个月又扣了两次费"

        def fill_prechat(d: Any) -> None:
            form = d.find_element(By.ID, "prechat-form")
            form.find_element(By.NAME, "name").send_keys(CUSTOMER)
            form.find_element(By.NAME, "email").send_keys(EMAIL)
            form.find_element(By.NAME, "text").send_keys(v1)

        b.do(fill_prechat)
        panel = alice.window.screenpop
        assert panel is not None
        with qtbot.waitSignal(panel.rendered, timeout=10_000, check_params_cb=lambda cid: cid == CUSTOMER_ID):
            b.do(lambda d: d.find_element(By.CSS_SELECTOR, "#prechat-form button[type=submit]").click())

        # --- the screen-pop shows who it is while the offer still rings ---------------------------
        toasts = alice.window.offers.toasts()
        assert len(toasts) == 1 and not toasts[0].busy
        offer = toasts[0].offer
        iid = offer.task.interaction_id
        assert iid and offer.task.customer_id == CUSTOMER_ID and toasts[0].customer_label.text() == CUSTOMER
        ringing = alice.window.work_list.current_item()
        assert ringing is not None and ringing.phase == TaskPhase.OFFERED
        assert panel.page() == "customer" and panel.card is not None
        assert panel.card.name == CUSTOMER and panel.card.vip and "退款" in panel.card.tags
        ids = panel.card_view.identity_texts()  # the web visitor id joined the known three
        assert len(ids) == 4 and {"+86 138 0013 8000", EMAIL, "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"} <= set(ids)
        timeline = panel.timeline.timeline_model.entries()
        assert timeline[0].interaction_id == iid  # the chat ringing now, marked, on top
        assert [(e.channel.value, e.disposition) for e in timeline[1:]] == [
            ("wechat", "resolved"), ("voice", "follow_up"), ("email", "resolved")]  # newest first
        _shot(alice.window, tmp_path, "e2e_offer_screenpop_alice.png")

        # --- Alice accepts on the toast; the chat opens with the first message ---------------------
        qtbot.mouseClick(toasts[0].accept_button, Qt.MouseButton.LeftButton)
        _wait(qtbot, lambda: alice.window.work_list.chat_for(iid) is not None
              and _desk_texts(alice.chat(iid)) == [v1], what="Alice's chat view with the first message")
        a_chat = alice.chat(iid)
        b.until(lambda d: "王丽" in _text_of(d, "agent-line"), "the agent named in the widget")
        _focus(qtbot, alice)  # Alice looks at her chat: what she sees is read
        b.until(lambda d: d.find_element(By.CSS_SELECTOR, "#messages li.customer .receipt").text == "✓✓",
                "the read receipt in the widget")

        # --- both ways: composer → widget, widget → composer, with typing indicators ----------------
        a1 = "您好王小明，我是王丽。请问是哪一笔订单？"
        a_chat.composer.edit.setFocus()
        a_chat.composer.edit.insertPlainText(a1)  # not sent yet: the visitor sees her typing
        b.until(lambda d: _visible(d, "typing") and "王丽" in _text_of(d, "typing"), "Alice typing, in the widget")
        qtbot.keyClick(a_chat.composer.edit, Qt.Key.Key_Return)
        b.until(lambda d: ("agent", a1) in _bubbles(d), "Alice's reply in the widget")
        assert not b.do(lambda d: _visible(d, "typing"))
        v2 = "订单号 A-20931，扣了两次 ¥268"
        b.do(lambda d: _type_in_widget(d, v2, enter=False))
        _wait(qtbot, lambda: a_chat.typing_label.text() == f"{CUSTOMER} is typing…",
              what="the visitor typing, on Alice's desk")
        b.do(lambda d: _type_in_widget(d, ""))  # Enter
        _wait(qtbot, lambda: _desk_texts(a_chat)[-1:] == [v2], what="the visitor's reply on Alice's desk")
        assert a_chat.typing_label.text() == ""

        # --- the visitor's network drops while both sides write --------------------------------------
        v3 = "我再补充一下：是信用卡扣的"
        b.do(lambda d: d.execute_script(
            # The network goes away: new sockets fail until it is back; the last line was just sent.
            "window.__sbWS = window.WebSocket;"
            "window.WebSocket = function () { throw new Error('network down'); };"
            "document.getElementById('input').value = arguments[0];"
            "document.getElementById('composer').requestSubmit();"
            "window.sbWebchat.drop();", v3))
        _wait(qtbot, lambda: not a_chat.conversation.customer_online, what="the visitor shown offline")
        assert a_chat.offline_label.isVisibleTo(a_chat)
        a2, a3 = "我看到了两笔扣款，正在为您申请退款。", "退款会在 1–3 个工作日内到账。"
        _type_and_send(qtbot, a_chat, a2)
        _type_and_send(qtbot, a_chat, a3)
        v4 = "好的，我等你们的消息"
        b.do(lambda d: _type_in_widget(d, v4))  # typed while offline: waits in the widget
        _wait(qtbot, lambda: {a2, a3} <= set(_desk_texts(a_chat)), what="Alice's lines stored by the edge")
        assert ("agent", a2) not in b.do(_bubbles)  # really missed while away
        b.do(lambda d: d.execute_script("window.WebSocket = window.__sbWS;"))  # the network is back
        b.until(lambda d: _pending(d) == 0 and {("agent", a2), ("agent", a3), ("customer", v4)} <= set(_bubbles(d)),
                "the widget catching up", timeout_s=15)
        _wait(qtbot, lambda: v4 in _desk_texts(a_chat) and a_chat.conversation.customer_online,
              what="Alice getting the line sent while offline")
        desk_texts = _desk_texts(a_chat)
        assert sorted(desk_texts) == sorted([v1, a1, v2, v3, a2, a3, v4])  # each exactly once
        assert desk_texts.index(a2) < desk_texts.index(a3) < desk_texts.index(v4)
        assert _desk_seqs(a_chat) == list(range(1, 8))
        assert [t for _, t in b.do(_bubbles)] == desk_texts  # the same conversation, in the same order
        assert b.do(_browser_seqs) == list(range(1, 8))

        # --- Alice transfers to Li Wei through the transfer picker -----------------------------------
        _go_ready(qtbot, li)
        qtbot.mouseClick(a_chat.transfer_button, Qt.MouseButton.LeftButton)
        picker = a_chat.dialog
        assert picker is not None and picker.isVisible()
        _wait(qtbot, lambda: "li.wei" in picker.visible_targets(), what="the transfer targets")
        qtbot.keyClicks(picker.search, "li")
        item = next(picker.agents.item(r) for r in range(picker.agents.count())
                    if picker.agents.item(r).data(Qt.ItemDataRole.UserRole) == ("agent", "li.wei"))
        assert not item.isHidden() and item.flags() & Qt.ItemFlag.ItemIsEnabled
        qtbot.mouseClick(picker.agents.viewport(), Qt.MouseButton.LeftButton,
                         pos=picker.agents.visualItemRect(item).center())
        picked = picker.picked()
        assert picked is not None and (picked.kind, picked.target, picked.label) == ("agent", "li.wei", "李伟")
        note = "VIP 客户，重复扣费已核实，请办理退款"
        picker.note.setPlainText(note)
        li_panel = li.window.screenpop
        assert li_panel is not None
        with qtbot.waitSignal(li_panel.rendered, timeout=10_000, check_params_cb=lambda cid: cid == CUSTOMER_ID):
            qtbot.mouseClick(picker.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
            _wait(qtbot, lambda: len(li.window.offers.toasts()) == 1, what="Li Wei's offer")
        li_toast = li.window.offers.toasts()[0]
        assert li_toast.offer.task.interaction_id == iid and li_toast.customer_label.text() == CUSTOMER
        qtbot.mouseClick(li_toast.accept_button, Qt.MouseButton.LeftButton)

        # --- Li Wei has the whole story; Alice's part is over ------------------------------------------
        transferred = "transferred to 李伟"
        _wait(qtbot, lambda: li.window.work_list.chat_for(iid) is not None
              and note in _desk_texts(li.chat(iid), public_only=False), what="Li Wei's transcript")
        l_chat = li.chat(iid)
        li_all = _desk_texts(l_chat, public_only=False)
        assert li_all[:7] == desk_texts and li_all[7:] == [transferred, note]
        assert [e.msg.private for e in l_chat.conversation.transcript.entries()][7:] == [False, True]
        _wait(qtbot, lambda: alice.window.work_list.chat_for(iid) is None, what="Alice's chat to go")
        assert alice.window.work_list.count() == 0 and alice.window.status_message() == "Transferred to 李伟."
        assert alice.window.screenpop is not None and alice.window.screenpop.page() == "empty"
        b.until(lambda d: "李伟" in _text_of(d, "agent-line"), "the widget naming Li Wei")
        assert note not in [t for _, t in b.do(_bubbles)]  # an internal note never reaches the customer

        _focus(qtbot, li)
        _wait(qtbot, lambda: l_chat.conversation.unread == 0, what="Li Wei's chat marked read")
        l1 = "王小明您好，我是李伟，退款已经提交，请留意短信通知。"
        _type_and_send(qtbot, l_chat, l1)
        b.until(lambda d: ("agent", l1) in _bubbles(d), "Li Wei's reply in the widget")
        v5 = "太好了，谢谢！"
        b.do(lambda d: _type_in_widget(d, v5))
        _wait(qtbot, lambda: _desk_texts(l_chat)[-1:] == [v5], what="the thanks on Li Wei's desk")
        assert [t for _, t in b.do(_bubbles)] == _desk_texts(l_chat)
        _wait(qtbot, lambda: li_panel.page() == "customer" and li_panel.customer_id == CUSTOMER_ID,
              what="Li Wei's screen-pop")
        _shot(li.window, tmp_path, "e2e_chat_zh_and_timeline_liwei.png")
        # 李伟 works in Chinese: the same moment in the Chinese UI.
        translations = Translations(QApplication.instance(), zh_catalogues)  # type: ignore[arg-type]
        try:
            translations.install("zh_CN")
            _wait(qtbot, lambda: l_chat.end_button.text() != "End chat", what="the Chinese UI")
            # The card was rebuilt in Chinese: every identity still on screen.
            shown = [lb.text() for lb in li_panel.card_view.findChildren(QLabel, "identity_value") if lb.isVisible()]
            assert sorted(shown) == sorted(li_panel.card_view.identity_texts()) and len(shown) == 4
            _shot(li.window, tmp_path, "e2e_chat_zh_and_timeline_liwei_zh_ui.png")
        finally:
            translations.install("en")
            translations.uninstall()
        _wait(qtbot, lambda: l_chat.end_button.text() == "End chat", what="the English UI again")

        # --- Li Wei ends the chat and wraps up ------------------------------------------------------------
        qtbot.mouseClick(l_chat.end_button, Qt.MouseButton.LeftButton)
        _wait(qtbot, lambda: l_chat.wrapup_panel is not None, what="the wrap-up panel")
        wrap = l_chat.wrapup_panel
        assert wrap is not None and wrap.required and wrap.codes() == ["resolved", "follow_up"]
        assert not wrap.submit_button.isEnabled()
        b.until(lambda d: _visible(d, "rating") and not _visible(d, "composer"), "the rating form")
        # Type-ahead: a word of the label, then the suggestion picked with Down + Enter.
        qtbot.keyClicks(wrap.code_combo.lineEdit(), "follow")
        popup = wrap.code_combo.completer().popup()
        _wait(qtbot, popup.isVisible, what="the wrap-up code suggestions")
        assert popup.model().rowCount() == 1
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        _wait(qtbot, lambda: not popup.isVisible(), what="the suggestions to close")
        assert wrap.code_combo.currentText() == "Needs follow-up"
        assert wrap.chosen_code() == "follow_up" and wrap.submit_button.isEnabled()
        wrap.notes_edit.setFocus()
        notes = "重复扣费 ¥268 已退款；三天后回访确认到账"
        wrap.notes_edit.insertPlainText(notes)
        qtbot.keyClick(wrap.follow_up_check, Qt.Key.Key_Space)  # Tab from the notes lands here
        assert wrap.follow_up
        _shot(li.window, tmp_path, "e2e_wrapup_liwei.png")
        submitted: list[tuple[str, str, str, bool]] = []
        wrap.wrapup_submitted.connect(lambda *a: submitted.append(a))
        qtbot.mouseClick(wrap.submit_button, Qt.MouseButton.LeftButton)
        assert submitted == [(l_chat.task_id, "follow_up", notes, True)]
        _wait(qtbot, lambda: li.window.work_list.chat_for(iid) is None, what="the chat to leave Li Wei's list")

        # --- the visitor rates 5 with a comment --------------------------------------------------------
        comment = "李伟很专业，退款很快"  # (chromedriver types the BMP only: no emoji here)

        def rate(d: Any) -> None:
            d.find_elements(By.CSS_SELECTOR, "#stars button")[4].click()
            d.find_element(By.ID, "rating-comment").send_keys(comment)
            d.find_element(By.ID, "rating-send").click()

        b.do(rate)
        b.until(lambda d: _visible(d, "rating-done"), "the rating to be taken")
        browser_shot = tmp_path / "screens" / "e2e_widget_visitor.png"
        assert b.do(lambda d: d.save_screenshot(str(browser_shot)))
        _publish(browser_shot)

        # --- the store has it all: a supervisor reads it back ------------------------------------------
        # No polling: the wrap-up answer and the rating's "done" both come after the events are
        # journaled, and the edge's store reads see everything appended before them.
        transcript = _run(qtbot, sup_hub.get_transcript(iid))
        assert transcript is not None
        e = transcript.entry
        assert e.state == InteractionState.CLOSED and e.agent == "li.wei"
        assert (e.disposition, e.notes, e.follow_up) == ("follow_up", notes, True)
        assert (e.rating, e.rating_comment) == (5, comment)
        assert e.summary == v1 and e.message_count == len(li_all) + 2
        assert [m.seq for m in transcript.messages] == list(range(1, len(li_all) + 3))
        assert [m.text for m in transcript.messages] == [*li_all, l1, v5]
        assert transcript.messages[7].author_kind == AuthorKind.SYSTEM and transcript.messages[8].private
        view = _run(qtbot, sup_hub.get_customer(CUSTOMER_ID))
        assert view is not None
        assert [t.interaction_id for t in view.timeline] == [iid, "past-wechat", "past-voice", "past-email"]
        assert (view.timeline[0].rating, view.timeline[0].follow_up) == (5, True)
        assert time.monotonic() - started < 90
    finally:
        for desk in desks:
            _run(qtbot, desk.session.logout(3.0))
            _run(qtbot, desk.session.close())
        _run(qtbot, sup_session.close())
        b.close()
