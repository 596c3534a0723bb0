"""Fixed egress: the edge's WeChat API calls leave from the relay's address, over the CURVE link.

The fake WeChat answers 40164 ("invalid ip, not in whitelist", as WeChat does) to every API call
whose TCP peer address is not on its allow-list. On loopback the relay leaves from 127.0.0.2
(``relay.egress_source``: the address registered with the platform) while everything on the edge
connects from 127.0.0.1, so the fake checks the real source address of each connection, not a
header anyone could set.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from edge_server.channels.base import InboundMessage, OutboundMessage, SendResult
from edge_server.channels.outbox import AccountOutbox, OutboxItem
from edge_server.channels.wechat.adapter import WeChatAdapter
from edge_server.channels.wechat.fake import FakeWeChat
from edge_server.contract.interactions import Identity, IdentityKind
from edge_server.relay import protocol as p
from edge_server.relay.egress import EgressPerformer
from edge_server.relay.egress_client import EgressNotSent, EgressSession, RelayEgress, attach
from edge_server.relay.loopback import MemoryInbox
from edge_server.relay.server import RelayServer
from tests.edge_server.relay.relay_helpers import link_for, make_site, relay_config, wait_until

APP, SECRET, TOKEN = "wx0123456789abcdef", "app-secret-1", "pushtoken1"
AES = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
RELAY_ADDRESS = "127.0.0.2"  # the relay's registered egress address (loopback alias)
JPEG = b"\xff\xd8\xff\xe0" + b"picture" * 50 + b"\xff\xd9"


def ip_allow_list(allowed: set[str]) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def check(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                    ) -> web.StreamResponse:
        if request.remote not in allowed:
            return web.json_response({"errcode": 40164, "errmsg": f"invalid ip {request.remote}, not in whitelist"})
        return await handler(request)
    return check


def table(api_base: str) -> dict[str, object]:
    return {"app_id": APP, "app_secret": SECRET, "token": TOKEN, "encoding_aes_key": AES, "mode": "safe",
            "original_id": "gh_fakeaccount", "api_base": api_base, "replies_per_window": 20, "http_timeout_s": 2.0}


class EnrichingInbox(MemoryInbox):
    """What the hub does with an inbound message: the adapter's enrich (media download), then store."""

    adapter: WeChatAdapter | None = None

    async def receive(self, msg: InboundMessage) -> None:
        assert self.adapter is not None
        await super().receive(await self.adapter.enrich(msg))


class Book:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.retries: list[str] = []
        self.failed: list[str] = []

    async def record_sent(self, item: OutboxItem, result: SendResult) -> None:
        self.sent.append((item.out.idempotency_key, result.provider_id))

    async def record_retry(self, item: OutboxItem, reason: str) -> None:
        self.retries.append(reason)

    async def record_failed(self, item: OutboxItem, reason: str) -> None:
        self.failed.append(reason)


def reply(seq: int) -> OutboxItem:
    return OutboxItem(seq=seq, out=OutboundMessage(
        channel="wechat", account=APP, interaction_id="i-1", seq=seq, idempotency_key=f"i-1:{seq}",
        to=[Identity(kind=IdentityKind.WECHAT_OPENID, value=OPENID)], text=f"reply {seq}"))


@contextlib.asynccontextmanager
async def fake_wechat() -> AsyncIterator[FakeWeChat]:
    fake = FakeWeChat(app_id=APP, app_secret=SECRET, token=TOKEN, encoding_aes_key=AES, mode="safe", quota=20)
    fake.app.middlewares.append(ip_allow_list({RELAY_ADDRESS}))
    async with fake:
        yield fake


@pytest.mark.asyncio
async def test_wechat_calls_go_out_from_the_relay_and_survive_a_relay_outage(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    async with fake_wechat() as fake, aiohttp.ClientSession() as http:
        # The edge's own address is refused: without the relay nothing could be sent.
        async with http.get(f"{fake.url}/cgi-bin/token", params={"grant_type": "client_credential",
                                                                   "appid": APP, "secret": SECRET}) as r:
            assert (await r.json())["errcode"] == 40164
        cfg = relay_config(site, egress_allow=[fake.url], egress_source=RELAY_ADDRESS)
        relay_side = WeChatAdapter.from_config(table(fake.url), tmp_path / "relay-channels")
        relay = RelayServer(cfg, relay_side.webhooks())
        await relay.__aenter__()
        try:
            assert relay.hooks and relay.feed and relay.egress
            http_port, link_address = int(relay.hooks.url.rsplit(":", 1)[1]), relay.feed.address
            fake.webhook_url = f"{relay.hooks.url}/hooks/wechat/{APP}"
            adapter = WeChatAdapter.from_config(table(fake.url), tmp_path / "edge")
            inbox = EnrichingInbox(tmp_path / "media")
            inbox.adapter = adapter
            egress = RelayEgress()
            await adapter.start(inbox)
            session = EgressSession(egress)
            assert await attach(adapter, session)
            book = Book()
            outbox = AccountOutbox(adapter, book, max_attempts=20, max_backoff_s=0.5, base_backoff_s=0.1)
            sender = asyncio.create_task(outbox.run())
            try:
                async with link_for(site, link_address, inbox, egress=egress) as link:
                    # Inbound through the relay; the picture is downloaded through the relay too.
                    media_id = fake.add_media(JPEG, "image/jpeg", "photo.jpg")
                    pushed = await fake.push(fake.message(OPENID, "image", PicUrl="http://x/p.jpg", MediaId=media_id))
                    assert pushed.acknowledged
                    await inbox.wait_for(1, timeout=10)
                    assert [a.data for a in inbox.messages[0].attachments] == [JPEG]
                    for seq in (1, 2):
                        outbox.put(reply(seq))
                    await wait_until(lambda: len(book.sent) == 2, timeout=10)

                    # The relay goes away. Replies meanwhile are certainly not sent, so the outbox
                    # retries them; none may be lost or sent twice once the relay is back.
                    await relay.__aexit__(None, None, None)
                    await wait_until(lambda: not link.connected.is_set(), timeout=10)
                    for seq in (3, 4, 5):
                        outbox.put(reply(seq))
                    # Each attempt waits for the link up to the connect timeout (2 s here), then backs off.
                    await wait_until(lambda: len(book.retries) >= 2, timeout=20)
                    assert book.sent[2:] == [] and not book.failed
                    relay = RelayServer(relay_config(site, http_port=http_port, link=link_address,
                                                     egress_allow=[fake.url], egress_source=RELAY_ADDRESS),
                                        relay_side.webhooks())
                    await relay.__aenter__()
                    await wait_until(lambda: len(book.sent) == 5, timeout=20)
                    await asyncio.sleep(0.5)  # a duplicate would show up now
            finally:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
                await adapter.stop()
        finally:
            await relay.__aexit__(None, None, None)
        texts = [m["text"]["content"] for m in fake.state.sent]
        assert texts == [f"reply {s}" for s in range(1, 6)]  # each once, in order
        assert [k for k, _ in book.sent] == [f"i-1:{s}" for s in range(1, 6)] and not book.failed
        assert all("relay link is down" in r or "not sent through the relay" in r or "could not be reached" in r
                   for r in book.retries), book.retries
        assert session.calls >= 5 and egress.in_flight == 0
        refused = [code for path, code in fake.state.calls if code == 40164]
        assert refused == [], "every API call came from the relay's address"


async def counting_platform() -> tuple[web.AppRunner, str, list[bytes]]:
    got: list[bytes] = []

    async def send(request: web.Request) -> web.Response:
        got.append(await request.read())
        await asyncio.sleep(0.2)  # slow enough for a retransmission to arrive while it runs
        return web.json_response({"errcode": 0, "msgid": len(got)})

    app = web.Application()
    app.router.add_post("/cgi-bin/message/custom/send", send)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}", got


@pytest.mark.asyncio
async def test_a_retransmitted_call_is_performed_once_and_unlisted_origins_never() -> None:
    runner, url, got = await counting_platform()
    try:
        async with EgressPerformer([url]) as performer:
            call = p.Call(v=p.VERSION, id="c-1", method="POST", url=f"{url}/cgi-bin/message/custom/send?access_token=t",
                          headers=[("Content-Type", "application/json")], body=b'{"touser":"o1"}', timeout_s=5)
            first, again = await asyncio.gather(performer.perform(call), performer.perform(call))
            later = await performer.perform(call)  # after the answer: from memory
            assert first == again == later and first.outcome == p.ANSWERED and first.status == 200
            assert got == [b'{"touser":"o1"}'] and performer.performed == 1
            elsewhere = p.Call(v=p.VERSION, id="c-2", method="GET", url="http://169.254.169.254/latest/meta-data")
            refused = await performer.perform(elsewhere)
            assert refused.outcome == p.NOT_SENT and "egress_allow" in refused.error and performer.performed == 1
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_calls_wait_for_the_link_and_fail_as_not_sent_when_it_stays_down() -> None:
    egress = RelayEgress()
    session = EgressSession(egress)
    t0 = asyncio.get_running_loop().time()
    with pytest.raises(EgressNotSent) as e:
        await session.post("https://api.weixin.qq.com/cgi-bin/message/custom/send", json={"a": 1},
                           timeout=aiohttp.ClientTimeout(total=5, connect=0.3))
    assert isinstance(e.value, aiohttp.ClientConnectorError)  # adapters read it as "safe to retry"
    assert 0.25 <= asyncio.get_running_loop().time() - t0 < 2
    # A call made while the link is down goes out as soon as a session binds, and gets its answer.
    sent: list[p.Call] = []
    task = asyncio.create_task(session.post("https://api.weixin.qq.com/x", data=b"body",
                                            timeout=aiohttp.ClientTimeout(total=5, connect=3)).__aenter__())
    await asyncio.sleep(0.1)
    egress.bind(lambda c: sent.append(c) is None, supported=True, instance="r1")
    await wait_until(lambda: len(sent) == 1, timeout=2)
    # The session ends unanswered and comes back to the same relay: the same call id again.
    egress.unbind()
    egress.bind(lambda c: sent.append(c) is None, supported=True, instance="r1")
    assert [c.id for c in sent] == [sent[0].id] * 2 and egress.resent == 1
    egress.on_answer(p.Answer(v=p.VERSION, id=sent[0].id, outcome=p.ANSWERED, status=200,
                              headers=[("Content-Type", "application/json; charset=utf-8")], body=b'{"errcode":0}'))
    resp = await task
    assert resp.status == 200 and resp.content_type == "application/json" and await resp.json() == {"errcode": 0}
    # ...but a relay that restarted meanwhile may have performed it: the adapter hears "unknown".
    task = asyncio.create_task(session.post("https://api.weixin.qq.com/y", data=b"z").__aenter__())
    await wait_until(lambda: len(sent) == 3, timeout=2)
    egress.unbind()
    egress.bind(lambda c: sent.append(c) is None, supported=True, instance="r2")
    with pytest.raises(aiohttp.ClientConnectionError) as unknown:
        await task
    assert not isinstance(unknown.value, aiohttp.ClientConnectorError) and len(sent) == 3
