"""The widget in real headless Chromium against a real edge, the agent a real bus client.

The edge (EdgeApp: store, routing, customers, interactions, bus and the web chat it wires) runs on its
own asyncio loop in a thread, because selenium blocks; the agent is an EdgeClient on that loop that
logs in, goes Ready, accepts the offer, chats, ends the interaction and submits the wrap-up.
"""
from __future__ import annotations

import asyncio
import shutil
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from edge_server.app import EdgeApp  # noqa: E402
from edge_server.contract import interactions as ci  # noqa: E402
from edge_server.contract import messages as m  # noqa: E402
from edge_server.interactions import customer_reads  # noqa: E402
from tests.edge_server.channels.webchat.webchat_helpers import (  # noqa: E402
    AGENT,
    AGENT_NAME,
    Agent,
    agent,
    copy_site,
    customer_of,
    edge_config,
    import_site_template,
    webchat_cfg,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
T = TypeVar("T")


class EdgeThread:
    """A real edge on its own loop in a thread; ``run`` executes a coroutine there and returns its result."""

    def __init__(self, data: Path, *, with_agent: bool) -> None:
        self.data = data  # a copy of the imported site
        self.with_agent = with_agent
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.stop: asyncio.Event | None = None
        self.app: EdgeApp | None = None
        self.agent: Agent | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="edge", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except BaseException as e:  # reported by the test
            self.error = e
            self.ready.set()
        finally:
            self.loop.close()

    async def _main(self) -> None:
        self.stop = asyncio.Event()
        cfg = edge_config(self.data, webchat=webchat_cfg(heartbeat_s=1.0, identity_secret=""))
        async with AsyncExitStack() as stack:
            self.app = await stack.enter_async_context(EdgeApp(cfg))
            assert self.app.bus is not None
            if self.with_agent:
                self.agent = await stack.enter_async_context(agent(self.app.bus.router_address, AGENT))
            self.ready.set()
            await self.stop.wait()

    @property
    def page(self) -> str:
        assert self.app is not None and self.app.webchat is not None
        return self.app.webchat.test_page_url

    def run(self, fn: Callable[[], Awaitable[T]], timeout: float = 15) -> T:
        async def call() -> T:
            return await fn()
        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(timeout)

    def get(self, fn: Callable[[], T]) -> T:
        """Read edge state on its own loop (it is not thread-safe)."""
        async def call() -> T:
            return fn()
        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(5)

    def close(self) -> None:
        if self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(20)


@pytest.fixture(scope="module")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("browser-site") / "data"
    asyncio.run(import_site_template(dst))
    return dst


def _edge(template: Path, tmp_path: Path, with_agent: bool) -> Iterator[EdgeThread]:
    et = EdgeThread(copy_site(template, tmp_path / "data"), with_agent=with_agent)
    et.thread.start()
    assert et.ready.wait(40) and et.error is None, et.error
    yield et
    et.close()
    assert et.error is None, et.error


@pytest.fixture
def edge(site_template: Path, tmp_path: Path) -> Iterator[EdgeThread]:
    yield from _edge(site_template, tmp_path, with_agent=True)


@pytest.fixture
def unstaffed_edge(site_template: Path, tmp_path: Path) -> Iterator[EdgeThread]:
    yield from _edge(site_template, tmp_path, with_agent=False)


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        pytest.skip("Debian chromium + chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              f"--user-data-dir={tmp_path / 'profile'}", "--lang=en-US", "--window-size=1100,800"):
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
    d.set_page_load_timeout(20)
    yield d
    d.quit()


def wait(d: Any, cond: Callable[[Any], Any], timeout: float = 10) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(d, timeout, poll_frequency=0.05).until(cond)
    except TimeoutException as e:
        # Say what the widget showed: a bare selenium timeout tells nothing.
        state = d.execute_script("try { return [document.body.innerText, JSON.stringify("
                                 "(window.sbWebchat||{}).state && {p: window.sbWebchat.state.pending.length, "
                                 "s: window.sbWebchat.state.lastSeq})]; } catch (e) { return String(e); }")
        raise AssertionError(f"timed out; the page showed: {state}") from e


def bubbles(d: Any) -> list[tuple[str, str]]:
    return [tuple(b) for b in d.execute_script(
        "return Array.from(document.querySelectorAll('#messages li')).map("
        "li => [li.className.replace('msg ', '').split(' ')[0], li.querySelector('.bubble').textContent]);")]


def test_visitor_chats_with_a_bus_agent_reconnects_and_rates(edge: EdgeThread, driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d, a = driver, edge.agent
    assert a is not None and edge.app is not None and edge.app.interactions is not None
    svc = edge.app.interactions
    d.get(edge.page)
    wait(d, lambda d: d.find_element(By.ID, "sb-webchat-launcher")).click()
    d.switch_to.frame(d.find_element(By.ID, "sb-webchat-frame"))
    form = wait(d, lambda d: d.find_element(By.ID, "prechat-form") if d.find_element(By.ID, "prechat-form")
                .is_displayed() else None)
    assert not d.find_element(By.CSS_SELECTOR, '[data-field="phone"]').is_displayed()  # hidden by config
    form.find_element(By.NAME, "name").send_keys("Visitor One")
    form.find_element(By.NAME, "email").send_keys("one@example.com")
    form.find_element(By.NAME, "text").send_keys("Hello, my order is late")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    # The offer rings at the agent with the customer's name before anyone accepts (the screen-pop).
    offer = edge.run(lambda: a.wait(m.OfferMade, lambda o: o.task.customer_name == "Visitor One"))
    iid = offer.task.interaction_id
    wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "#messages li.customer .receipt").text == "✓")
    edge.run(lambda: a.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id)))
    detail = edge.run(lambda: a.request(ci.GetInteraction(interaction_id=iid)))
    assert [x.text for x in detail.messages] == ["Hello, my order is late"]
    wait(d, lambda d: AGENT_NAME in d.find_element(By.ID, "agent-line").text)

    # The agent types, then answers with HTML that must stay text.
    edge.run(lambda: a.request(ci.SetTyping(interaction_id=iid, typing=True)))
    wait(d, lambda d: d.find_element(By.ID, "typing").is_displayed())
    assert f"{AGENT_NAME} is typing" in d.find_element(By.ID, "typing").text
    evil = '<img src=x onerror="window.__pwned=1">'
    edge.run(lambda: a.say(iid, evil))
    wait(d, lambda d: ("agent", evil) in bubbles(d))
    assert not d.find_element(By.ID, "typing").is_displayed()
    assert d.execute_script("return document.querySelectorAll('#messages img').length") == 0
    assert d.execute_script("return window.__pwned === undefined")
    # The widget is open, so the visitor read it: the agent is told.
    edge.run(lambda: a.wait(ci.InteractionInfo, lambda i: i.interaction_id == iid and i.customer_read_seq == 2))

    # The agent read the visitor's message: ✓✓.
    edge.run(lambda: a.request(ci.MarkRead(interaction_id=iid, seq=2)))
    wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "#messages li.customer .receipt").text == "✓✓")

    # Composer: typing reaches the agent, Shift+Enter is a newline, Enter sends.
    box = d.find_element(By.ID, "input")
    box.send_keys("line one")
    edge.run(lambda: a.wait(ci.TypingChanged, lambda x: x.interaction_id == iid and x.typing
                            and x.author_kind == ci.AuthorKind.CUSTOMER))
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    box.send_keys("line two", Keys.ENTER)
    got = edge.run(lambda: a.wait(ci.ChatMessage, lambda x: x.author_kind == ci.AuthorKind.CUSTOMER and x.seq == 3))
    assert got.text == "line one\nline two"
    edge.run(lambda: a.wait(ci.TypingChanged, lambda x: x.interaction_id == iid and not x.typing
                            and x.author_kind == ci.AuthorKind.CUSTOMER))  # sending turns typing off

    # Reconnect mid-conversation: the socket drops, the agent talks meanwhile, the visitor sends too.
    d.execute_script("window.sbWebchat.drop();")
    edge.run(lambda: a.say(iid, "while you were away 1"))
    edge.run(lambda: a.say(iid, "while you were away 2"))
    box.send_keys("sent while offline", Keys.ENTER)
    wait(d, lambda d: ("customer", "sent while offline") in bubbles(d)
         and d.execute_script("return window.sbWebchat.state.pending.length") == 0, timeout=15)
    wait(d, lambda d: ("agent", "while you were away 2") in bubbles(d), timeout=15)
    expected = ["Hello, my order is late", evil, "line one\nline two", "while you were away 1",
                "while you were away 2", "sent while offline"]
    assert [t for _, t in bubbles(d)] == expected
    seqs = d.execute_script("return Array.from(document.querySelectorAll('#messages li')).map(li => +li.dataset.seq)")
    assert seqs == [1, 2, 3, 4, 5, 6]
    # Nothing lost, nothing duplicated on the agent's side either (the transcript and the live pushes).
    detail = edge.run(lambda: a.request(ci.GetInteraction(interaction_id=iid)))
    assert [x.text for x in detail.messages] == expected and [x.seq for x in detail.messages] == seqs
    pushed = sorted({x.seq: x.text for x in a.of(ci.ChatMessage) if x.interaction_id == iid}.items())
    assert [t for _, t in pushed] == expected[1:]  # the first one was written before the accept

    # The agent ends the chat and wraps up; the visitor gets the rating form and rates 4 stars.
    edge.run(lambda: a.end(iid, notes="late parcel, resent"))
    wait(d, lambda d: d.find_element(By.ID, "rating").is_displayed())
    assert not d.find_element(By.ID, "composer").is_displayed()
    edge.run(lambda: a.wait(ci.InteractionInfo, lambda i: i.interaction_id == iid
                            and i.state == ci.InteractionState.CLOSED))
    d.find_elements(By.CSS_SELECTOR, "#stars button")[3].click()
    d.find_element(By.ID, "rating-comment").send_keys("快速 quick")
    d.find_element(By.ID, "rating-send").click()
    wait(d, lambda d: d.find_element(By.ID, "rating-done").is_displayed())

    # Stored: the customer's timeline has the closed chat with its wrap-up and the rating.
    async def entry() -> ci.TimelineEntry:
        customer = await customer_of(svc, "email", "one@example.com")
        tl = await svc.store.read(customer_reads.timeline, customer, 0, 10)
        return next(e for e in tl.entries if e.interaction_id == iid)
    e = edge.run(entry)
    assert (e.state, e.disposition, e.notes, e.rating, e.rating_comment) == (
        "closed", "resolved", "late parcel, resent", 4, "快速 quick")
    assert e.message_count == 6 and e.agent == AGENT


def test_offline_form_in_chinese(unstaffed_edge: EdgeThread, driver: Any) -> None:
    """Nobody is logged in: the widget shows the offline form; the message lands flagged for follow-up."""
    from selenium.webdriver.common.by import By

    d, edge = driver, unstaffed_edge
    assert edge.app is not None and edge.app.interactions is not None
    svc = edge.app.interactions
    d.get(edge.page + "?lang=zh")
    wait(d, lambda d: d.find_element(By.ID, "sb-webchat-launcher")).click()
    d.switch_to.frame(d.find_element(By.ID, "sb-webchat-frame"))
    form = wait(d, lambda d: d.find_element(By.ID, "offline-form") if d.find_element(By.ID, "offline")
                .is_displayed() else None)
    assert d.find_element(By.ID, "title").text == "在线客服"
    assert "客服暂时不在线" in d.find_element(By.ID, "offline").text
    form.find_element(By.NAME, "name").send_keys("张敏")
    form.find_element(By.NAME, "email").send_keys("zm@example.cn")
    form.find_element(By.NAME, "text").send_keys("请回电")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(d, lambda d: d.find_element(By.ID, "offline-done").is_displayed())

    async def entries() -> list[ci.TimelineEntry]:
        customer = await customer_of(svc, "email", "zm@example.cn")
        return (await svc.store.read(customer_reads.timeline, customer, 0, 10)).entries
    [e] = edge.run(entries)
    assert (e.state, e.disposition, e.follow_up, e.summary) == ("closed", "offline_message", True, "请回电")
