"""The widget in real headless Chromium against a real WebchatServer.

The agent side is the in-memory channel-API stand-in (tests/edge_server/channels/webchat) driven from
this test; the variant with the real InteractionService and a bus agent comes once app.py wires it.
The server runs on its own asyncio loop in a thread because selenium blocks.
"""
from __future__ import annotations

import asyncio
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from edge_server.channels.webchat import WebchatServer  # noqa: E402
from edge_server.config import InteractionsSection, WebchatSection  # noqa: E402
from tests.edge_server.channels.webchat.fake_interactions import FakeInteractions  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
T = TypeVar("T")


class ServerThread:
    def __init__(self, tmp: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.fake = FakeInteractions(tmp / "files", types=("image/png", "text/plain"))
        self.ready = threading.Event()
        self.stop: asyncio.Event | None = None
        self.server: WebchatServer | None = None
        self.tmp = tmp
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="webchat-server", daemon=True)

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
        cfg = WebchatSection(port=0, queue="sales", heartbeat_s=1.0)
        async with WebchatServer(cfg, self.fake, data_dir=self.tmp / "data", site_name="Shop 商店",
                                 limits=InteractionsSection()) as srv:
            self.server = srv
            self.ready.set()
            await self.stop.wait()

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the server loop (the fake is not thread-safe) and return its result."""
        async def run() -> T:
            return fn()
        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(5)

    def close(self) -> None:
        if self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    st = ServerThread(tmp_path)
    st.thread.start()
    assert st.ready.wait(10) and st.error is None, st.error
    yield st
    st.close()


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
    from selenium.webdriver.support.ui import WebDriverWait

    from selenium.common.exceptions import TimeoutException

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


def test_visitor_chats_reconnects_and_rates(server: ServerThread, driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    fake, d = server.fake, driver
    assert server.server is not None
    d.get(server.server.test_page_url)
    launcher = wait(d, lambda d: d.find_element(By.ID, "sb-webchat-launcher"))
    launcher.click()
    d.switch_to.frame(d.find_element(By.ID, "sb-webchat-frame"))
    form = wait(d, lambda d: d.find_element(By.ID, "prechat-form") if d.find_element(By.ID, "prechat-form")
                .is_displayed() else None)
    assert not d.find_element(By.CSS_SELECTOR, '[data-field="phone"]').is_displayed()  # hidden by config
    form.find_element(By.NAME, "name").send_keys("Visitor One")
    form.find_element(By.NAME, "text").send_keys("Hello, my order is late")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    wait(d, lambda d: server.call(lambda: len(fake.live)) == 1)
    iid = server.call(fake.only)
    assert server.call(lambda: fake.live[iid].name) == "Visitor One"
    wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "#messages li.customer .receipt").text == "✓")

    # Agent accepts, types, answers with HTML that must stay text.
    server.call(lambda: fake.agent_accept(iid))
    wait(d, lambda d: "Alice" in d.find_element(By.ID, "agent-line").text)
    server.call(lambda: fake.agent_typing(iid, True))
    wait(d, lambda d: d.find_element(By.ID, "typing").is_displayed())
    assert "Alice 爱丽丝 is typing" in d.find_element(By.ID, "typing").text
    evil = '<img src=x onerror="window.__pwned=1">'
    server.call(lambda: fake.agent_say(iid, evil))
    wait(d, lambda d: ("agent", evil) in bubbles(d))
    assert not d.find_element(By.ID, "typing").is_displayed()
    assert d.execute_script("return document.querySelectorAll('#messages img').length") == 0
    assert d.execute_script("return window.__pwned === undefined")
    # The visitor read it (widget open): customer_read reaches the service.
    wait(d, lambda d: server.call(lambda: fake.live[iid].info.customer_read_seq) == 2)

    # Agent read receipts: ✓✓ on the visitor's message.
    server.call(lambda: fake.agent_read(iid, 2))
    wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "#messages li.customer .receipt").text == "✓✓")

    # Composer: typing on, Shift+Enter newline, Enter sends.
    box = d.find_element(By.ID, "input")
    box.send_keys("line one")
    wait(d, lambda d: (iid, True) in server.call(lambda: list(fake.typing)))
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    box.send_keys("line two", Keys.ENTER)
    wait(d, lambda d: server.call(lambda: fake.live[iid].info.last_seq) == 3)
    assert server.call(lambda: fake.live[iid].messages[2].text) == "line one\nline two"
    assert (iid, False) in server.call(lambda: list(fake.typing))  # sending turns typing off

    # Reconnect mid-conversation: drop the socket, the agent talks meanwhile, the visitor sends too.
    d.execute_script("window.sbWebchat.drop();")
    server.call(lambda: fake.agent_say(iid, "while you were away 1"))
    server.call(lambda: fake.agent_say(iid, "while you were away 2"))
    box.send_keys("sent while offline", Keys.ENTER)
    wait(d, lambda d: ("customer", "sent while offline") in bubbles(d)
         and d.execute_script("return window.sbWebchat.state.pending.length") == 0, timeout=15)
    wait(d, lambda d: ("agent", "while you were away 2") in bubbles(d), timeout=15)
    texts = [t for _, t in bubbles(d)]
    assert texts == ["Hello, my order is late", evil, "line one\nline two", "while you were away 1",
                     "while you were away 2", "sent while offline"]
    seqs = d.execute_script("return Array.from(document.querySelectorAll('#messages li')).map(li => +li.dataset.seq)")
    assert seqs == [1, 2, 3, 4, 5, 6]
    assert [m.text for m in server.call(lambda: list(fake.live[iid].messages))][-1] == "sent while offline"
    assert server.call(lambda: fake.live[iid].info.last_seq) == 6  # nothing lost, nothing duplicated

    # The agent ends the chat: the rating form; 4 stars + comment is stored.
    server.call(lambda: fake.agent_end(iid))
    wait(d, lambda d: d.find_element(By.ID, "rating").is_displayed())
    assert not d.find_element(By.ID, "composer").is_displayed()
    d.find_elements(By.CSS_SELECTOR, "#stars button")[3].click()
    d.find_element(By.ID, "rating-comment").send_keys("快速 quick")
    d.find_element(By.ID, "rating-send").click()
    wait(d, lambda d: d.find_element(By.ID, "rating-done").is_displayed())
    assert server.call(lambda: fake.ratings[iid]) == (4, "快速 quick")


def test_offline_form_in_chinese(server: ServerThread, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    fake, d = server.fake, driver
    server.call(lambda: setattr(fake, "agents_logged_in", 0))
    assert server.server is not None
    d.get(server.server.test_page_url + "?lang=zh")
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
    offline = server.call(lambda: list(fake.offline))
    assert [(o[2], o[3]) for o in offline] == [("张敏", "请回电")]
