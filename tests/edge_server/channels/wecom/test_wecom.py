"""WeCom kf: callback crypto vectors, pull with a durable cursor (crash mid-page), idempotent sends,
session states and the 48 h / 5 limit, against the fake over real HTTP."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from edge_server.channels.base import InboundMessage, OutboundMessage, SendError, WebhookRequest
from edge_server.channels.wechat.fake import FakeClock
from edge_server.channels.wechat.settings import AccountConfigError
from edge_server.channels.wecom.adapter import WeComAdapter, kf_msgid
from edge_server.channels.wecom.fake import FakeWeCom
from edge_server.channels.wecom.inbound import EXTERNAL_USER_KIND
from edge_server.channels.wechat.xml import build_xml
from edge_server.contract.interactions import Identity
from tests.edge_server.channels.wechat.test_wechat_crypto import ECHOSTR, INBOUND_ENCRYPT, KEY, RID, TOKEN
from tests.edge_server.channels.wechat.wechat_helpers import MemoryInbox, WebhookHost

CORP, KFID, SECRET = "ww0123456789abcdef", "wkAAAA0001", "kfsecret"


def adapter_for(tmp_path: Path, **over: Any) -> WeComAdapter:
    raw = {"corp_id": RID, "secret": SECRET, "open_kfid": KFID, "token": TOKEN, "encoding_aes_key": KEY} | over
    return WeComAdapter.from_config(raw, tmp_path)


def test_url_check_vector_answers_the_decrypted_echostr(tmp_path: Path) -> None:
    h = adapter_for(tmp_path).webhook
    q = {"msg_signature": "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "timestamp": "1411443780",
         "nonce": "437374425", "echostr": ECHOSTR}
    resp, items = h.handle(WebhookRequest(method="GET", path=h.path, query=q, headers={}, body=b""))
    assert (resp.status, resp.body, list(items)) == (200, b"5927782489442352469", [])
    resp, _ = h.handle(WebhookRequest(method="GET", path=h.path, query=q | {"nonce": "1"}, headers={}, body=b""))
    assert resp.status == 403


def test_callback_vector_is_verified_and_decrypted(tmp_path: Path) -> None:
    h = adapter_for(tmp_path).webhook
    q = {"msg_signature": "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "timestamp": "1411525903",
         "nonce": "461056294"}
    body = build_xml({"ToUserName": RID, "AgentID": "1", "Encrypt": INBOUND_ENCRYPT})
    resp, items = h.handle(WebhookRequest(method="POST", path=h.path, query=q, headers={}, body=body))
    assert (resp.status, resp.body, list(items)) == (200, b"", [])
    assert (h.last_event["FromUserName"], h.last_event["Content"]) == ("messense", "test")
    bad = q | {"msg_signature": "f" * 40}
    assert h.handle(WebhookRequest(method="POST", path=h.path, query=bad, headers={}, body=body))[0].status == 403


@pytest.mark.parametrize(("over", "needle"), [({"open_kfid": ""}, "open_kfid"), ({"encoding_aes_key": "x"},
                                              "encoding_aes_key"), ({"secrt": "x"}, "secrt")])
def test_config_errors_name_the_key(tmp_path: Path, over: dict[str, Any], needle: str) -> None:
    with pytest.raises(AccountConfigError, match=needle):
        adapter_for(tmp_path, **over)


def test_msgid_is_stable_and_within_the_documented_alphabet() -> None:
    a = kf_msgid("interaction-1/seq-7/" + "x" * 200, 0)
    assert a == kf_msgid("interaction-1/seq-7/" + "x" * 200, 0) != kf_msgid("interaction-1/seq-7/" + "x" * 200, 1)
    assert len(a) <= 32 and all(c.isalnum() or c in "_-" for c in a)


@dataclass
class Rig:
    fake: FakeWeCom
    adapter: WeComAdapter
    inbox: MemoryInbox
    clock: FakeClock
    tmp: Path


@pytest_asyncio.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    clock = FakeClock()
    async with FakeWeCom(corp_id=CORP, secret=SECRET, open_kfid=KFID, token=TOKEN, encoding_aes_key=KEY,
                         push_timeout_s=1.0, clock=clock) as fake:
        adapter = WeComAdapter.from_config({"corp_id": CORP, "secret": SECRET, "open_kfid": KFID, "token": TOKEN,
                                            "encoding_aes_key": KEY, "api_base": fake.url, "http_timeout_s": 0.5},
                                           tmp_path, clock=clock)
        inbox = MemoryInbox(tmp_path)
        async with WebhookHost(adapter.webhooks(), inbox, adapter.enrich) as host:
            fake.webhook_url = host.url + adapter.webhook.path
            await adapter.start(inbox)
            await _until(lambda: bool(fake.state.sync_calls))  # the start-up pull is done
            try:
                yield Rig(fake, adapter, inbox, clock, tmp_path)
            finally:
                await adapter.stop()


async def _until(cond: Any, timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not cond():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(poll(), timeout)


def out(text: str, key: str = "k1", user: str = "wmCust1", attempt: int = 1) -> OutboundMessage:
    return OutboundMessage(channel="wecom", account=f"{CORP}/{KFID}", interaction_id="i1", seq=1,
                           idempotency_key=key, to=[Identity(kind=EXTERNAL_USER_KIND, value=user)], text=text,
                           attempt=attempt)


@pytest.mark.asyncio
async def test_callback_pulls_with_its_token_and_persists_the_cursor(rig: Rig) -> None:
    mid = await rig.fake.customer_writes("wmCust1", "你好，客服")
    [msg] = await rig.inbox.wait_for(1)
    assert (msg.external_id, msg.text, msg.identities[0].value, msg.account) == \
        (mid, "你好，客服", "wmCust1", f"{CORP}/{KFID}")
    await _until(lambda: any(c.get("token", "").startswith("cbtok") for c in rig.fake.state.sync_calls))
    assert rig.inbox.cursor(f"sync:{KFID}") == "1"
    img = rig.fake.add_media(b"\xff\xd8\xff" + b"j" * 100, "image/jpeg", "p.jpg")
    rig.fake.add_message("wmCust1", "image", {"media_id": img})
    rig.fake.add_message("wmCust1", "event", {"event_type": "enter_session", "welcome_code": "wc1"}, origin=4)
    await rig.fake.callback()
    _, pic, ev = await rig.inbox.wait_for(3)
    assert pic.attachments[0].data.startswith(b"\xff\xd8\xff") and pic.attachments[0].content_type == "image/jpeg"
    assert (ev.kind, ev.event, ev.meta["welcome_code"]) == ("event", "enter_session", "wc1")


class CrashingInbox(MemoryInbox):
    """Fails to store the n-th message once (a crash mid-page)."""

    def __init__(self, root: Path, fail_at: int) -> None:
        super().__init__(root)
        self.fail_at, self.calls = fail_at, 0

    async def receive(self, msg: InboundMessage) -> None:
        self.calls += 1
        if self.calls == self.fail_at:
            raise OSError("disk full")
        await super().receive(msg)


@pytest.mark.asyncio
async def test_crash_mid_page_loses_nothing_and_duplicates_nothing(rig: Rig) -> None:
    await rig.adapter.stop()
    for i in range(5):
        rig.fake.add_message("wmCust2", "text", {"content": f"m{i}"})
    crashing = CrashingInbox(rig.tmp / "second", fail_at=3)
    (rig.tmp / "second").mkdir()
    with pytest.raises(OSError):
        await _sync_once(rig, crashing)
    assert crashing.cursor(f"sync:{KFID}") == ""  # the page was not committed
    assert [m.text for m in crashing.messages] == ["m0", "m1"]
    # "Restart": a new adapter on the same durable cursors pulls the page again; dedup keeps one of each.
    again = MemoryInbox(rig.tmp / "second")
    again.messages, again._seen = crashing.messages, crashing._seen
    fresh = WeComAdapter.from_config({"corp_id": CORP, "secret": SECRET, "open_kfid": KFID, "token": TOKEN,
                                      "encoding_aes_key": KEY, "api_base": rig.fake.url}, rig.tmp, clock=rig.clock)
    await fresh.start(again)
    try:
        await again.wait_for(5)
        assert [m.text for m in again.messages] == [f"m{i}" for i in range(5)]
        assert again.cursor(f"sync:{KFID}") == "5"
    finally:
        await fresh.stop()


async def _sync_once(rig: Rig, inbox: MemoryInbox) -> None:
    a = WeComAdapter.from_config({"corp_id": CORP, "secret": SECRET, "open_kfid": KFID, "token": TOKEN,
                                  "encoding_aes_key": KEY, "api_base": rig.fake.url, "poll_interval_s": 3600},
                                 rig.tmp, clock=rig.clock)
    a._inbox = inbox  # no pull loop: one sync, so the failure surfaces here
    import aiohttp
    from edge_server.channels.wechat.api import ApiClient
    async with aiohttp.ClientSession() as s:
        a._api = ApiClient(s, rig.fake.url, token_path="/cgi-bin/gettoken",
                           token_query={"corpid": CORP, "corpsecret": SECRET})
        await a.sync()


@pytest.mark.asyncio
async def test_send_is_idempotent_across_an_unknown_outcome(rig: Rig) -> None:
    await rig.fake.customer_writes("wmCust1", "hi")
    await rig.inbox.wait_for(1)
    await rig.adapter.send(out("warm", key="w"))
    rig.fake.delays["/cgi-bin/kf/send_msg"] = 0.8
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("answer", key="A"))
    assert not e.value.not_sent and rig.adapter.idempotent_sends  # the outbox may retry
    await asyncio.sleep(0.5)
    rig.fake.delays.clear()
    res = await rig.adapter.send(out("answer", key="A", attempt=2))
    assert res.provider_id == kf_msgid("A", 0)
    assert [m["text"]["content"] for m in rig.fake.state.sent] == ["warm", "answer"]  # delivered once


@pytest.mark.asyncio
async def test_five_replies_per_customer_message(rig: Rig) -> None:
    await rig.fake.customer_writes("wmCust1", "hi")
    await rig.inbox.wait_for(1)
    for i in range(5):
        await rig.adapter.send(out(f"r{i}", key=f"q{i}"))
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("r5", key="q5"))
    assert e.value.permanent and e.value.reason.startswith("WeCom accepts no more replies until the customer")
    assert rig.fake.state.send_calls == 5
    rig.clock.advance(48 * 3600 + 1)
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("late", key="q6"))
    assert "more than 48 h ago" in e.value.reason


@pytest.mark.asyncio
async def test_session_taken_by_a_wecom_receptionist_is_explained(rig: Rig) -> None:
    await rig.fake.customer_writes("wmCust1", "hi")
    await rig.inbox.wait_for(1)
    rig.fake.users["wmCust1"].state, rig.fake.users["wmCust1"].servicer = 3, "zhangsan"
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("x"))
    assert e.value.permanent
    assert e.value.reason.startswith("WeCom refuses replies from here: the session is handled by a receptionist "
                                     "in the WeCom client (zhangsan)")
    assert await rig.adapter.service_state("wmCust1") == (3, "zhangsan")
