"""Weibo: the signature vector, URL check, pushes through the handler over real HTTP (retries, forgeries,
types), replies against the fake within and after the window."""
from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from edge_server.channels.base import InboundMessage, OutboundMessage, SendError, WebhookRequest
from edge_server.channels.weibo import sign
from edge_server.channels.weibo.adapter import WeiboAdapter, from_config
from edge_server.channels.weibo.fake import FakeWeibo
from edge_server.channels.weibo.parse import created_at_ms
from edge_server.config import ConfigError
from edge_server.contract.interactions import Identity, IdentityKind
from tests.edge_server.channels.sms.hookhost import HookHost

SECRET, TOKEN, UID = "xyz123xyz", "2.00token", 1234567890


def test_signature_vector() -> None:
    assert sign.signature("xyz123xyz", "1397022061823", "57155157") == "90e4c22c90a58f26526c2dd5b6c56c8822edeaa1"
    assert sign.verify("xyz123xyz", {"signature": "90e4c22c90a58f26526c2dd5b6c56c8822edeaa1",
                                     "timestamp": "1397022061823", "nonce": "57155157"})
    assert not sign.verify("other", {"signature": "90e4c22c90a58f26526c2dd5b6c56c8822edeaa1",
                                     "timestamp": "1397022061823", "nonce": "57155157"})


def test_created_at() -> None:
    assert created_at_ms("Mon Jul 16 18:09:20 +0800 2012") == 1342433360000
    assert created_at_ms("garbage") == 0


def test_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="access_token"):
        from_config({"account": "wb", "app_key": "k", "app_secret": "s"}, tmp_path)
    with pytest.raises(ConfigError, match="reply_windw_h"):
        from_config({"account": "wb", "app_key": "k", "app_secret": "s", "access_token": "t",
                     "reply_windw_h": 72}, tmp_path)
    a = from_config({"account": "wb", "app_key": "k", "app_secret": "s", "access_token": "t", "reply_window_h": 72,
                     "replies_per_window": 3}, tmp_path)
    assert (a.limits().reply_window_s, a.limits().replies_per_window, a.limits().max_chars) == (72 * 3600, 3, 300)
    assert [h.path for h in a.webhooks()] == ["/hooks/weibo/wb"]


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeWeibo]:
    async with FakeWeibo(app_secret=SECRET, access_token=TOKEN, clock=Clock(), push_timeout_s=1.0) as f:
        yield f


def adapter(fake: FakeWeibo, tmp_path: Path, **over: Any) -> WeiboAdapter:
    return from_config({"account": "wb", "app_key": "123", "app_secret": SECRET, "access_token": TOKEN,
                        "api_base": fake.base_url, "request_timeout_s": 2.0} | over, tmp_path)


def reply(text: str, key: str = "k1") -> OutboundMessage:
    return OutboundMessage(channel="weibo", account="wb", interaction_id="i", seq=2, idempotency_key=key,
                           to=[Identity(kind=IdentityKind.WEIBO_UID, value=str(UID))], text=text)


@pytest.mark.asyncio
async def test_url_check_and_pushes(fake: FakeWeibo, tmp_path: Path) -> None:
    a = adapter(fake, tmp_path)
    async with HookHost(a.webhooks(), fail_first=2) as host:
        url = host.base_url + "/hooks/weibo/wb"
        host.fail_first = 0
        assert await fake.verify_url(url)
        host.fail_first = 2
        msg = fake.message(UID, "你好，订单怎么还没到？")
        assert await fake.push(url, msg) == 3  # two failed deliveries, the platform's third try lands
        assert host.statuses[-3:] == [500, 500, 200]
        assert await fake.push(url, msg) == 1  # the same push again (a retry after a lost answer)
        m1, m2 = host.items
        assert isinstance(m1, InboundMessage) and m1 == m2  # same de-dup key: the hub stores it once
        assert m1.channel == "weibo" and m1.account == "wb" and m1.text == "你好，订单怎么还没到？"
        assert m1.identities == [Identity(kind=IdentityKind.WEIBO_UID, value=str(UID))]
        assert m1.external_id.startswith(f"{UID}:") and m1.ts_ms // 1000 == int(fake.clock())

        with pytest.raises(TimeoutError):  # forged signature: 403 on every try, nothing stored
            await fake.push(url, fake.message(UID, "forged"), secret="guess")
        assert len(host.items) == 2 and host.statuses[-3:] == [403, 403, 403]

        await fake.push(url, fake.message(UID, type="image", data={"vfid": 821, "tovfid": 822}))
        await fake.push(url, fake.message(UID, type="position", data={"longitude": "116.3", "latitude": "39.9"}))
        await fake.push(url, fake.message(UID, type="event", data={"subtype": "follow", "key": "", "ticket": ""}))
        await fake.push(url, fake.message(UID, type="mention", data={}))  # unknown type: acknowledged, ignored
        image, pos, event = host.items[2:]
        assert isinstance(image, InboundMessage) and image.meta["tovfid"] == "822"
        assert isinstance(pos, InboundMessage) and pos.meta["latitude"] == "39.9" and "39.9" in pos.text
        assert isinstance(event, InboundMessage) and (event.kind, event.event) == ("event", "follow")
        assert len(host.items) == 5 and host.statuses[-1] == 200


def test_bad_body_is_400_and_unsigned_get_403() -> None:
    from edge_server.channels.weibo.hook import WeiboHook
    h = WeiboHook("wb", SECRET)
    q = {"timestamp": "1397022061823", "nonce": "57155157", "signature": "90e4c22c90a58f26526c2dd5b6c56c8822edeaa1"}
    resp, items = h.handle(WebhookRequest(method="POST", path=h.path, query=q, headers={}, body=b"[1]"))
    assert resp.status == 400 and not items
    resp, items = h.handle(WebhookRequest(method="GET", path=h.path, query={"echostr": "x"}, headers={}, body=b""))
    assert resp.status == 403 and resp.body != b"x" and not items


@pytest.mark.asyncio
async def test_reply_within_and_after_window(fake: FakeWeibo, tmp_path: Path) -> None:
    clock = fake.clock
    assert isinstance(clock, Clock)
    a = adapter(fake, tmp_path)
    async with HookHost(a.webhooks()) as host:
        url = host.base_url + "/hooks/weibo/wb"
        await fake.push(url, fake.message(UID, "在吗"))
        res = await a.send(reply("在的，请讲"))
        assert fake.replies[0]["text"] == "在的，请讲" and res.provider_id == str(fake.replies[0]["id"])

        # The customer's last message is 49 h old: refused here with the reason, nothing reaches Weibo.
        clock.now -= 49 * 3600
        await fake.push(url, fake.message(UID, "old"))
        a2 = adapter(fake, tmp_path)
        # a fresh adapter learns the window from its own handler
        host.handlers = {h.path: h for h in a2.webhooks()}
        await fake.push(url, fake.message(UID, "old"))
        clock.now += 49 * 3600
        with pytest.raises(SendError, match="more than 48 h ago") as e:
            await a2.send(reply("too late"))
        assert e.value.permanent and e.value.not_sent and len(fake.replies) == 1

        # An adapter that never saw the push (it came through the relay): Weibo refuses, same reason.
        a3 = adapter(fake, tmp_path)
        with pytest.raises(SendError, match="more than 48 h ago") as e:
            await a3.send(reply("too late"))
        assert e.value.permanent and fake.errors == [21602] and len(fake.replies) == 1
        a4 = adapter(fake, tmp_path, access_token="nope")
        with pytest.raises(SendError, match="access token") as e:
            await a4.send(reply("x"))
        assert e.value.permanent
    for x in (a, a2, a3, a4):
        await x.stop()


@pytest.mark.asyncio
async def test_three_replies_per_message_rule(tmp_path: Path) -> None:
    async with FakeWeibo(app_secret=SECRET, access_token=TOKEN, window_h=72, replies_per_window=3) as fake:
        a = adapter(fake, tmp_path, reply_window_h=72, replies_per_window=3)
        async with HookHost(a.webhooks()) as host:
            await fake.push(host.base_url + "/hooks/weibo/wb", fake.message(UID, "hi"))
            for i in range(3):
                await a.send(reply(f"r{i}", key=f"k{i}"))
            with pytest.raises(SendError, match="3 replies per customer message") as e:
                await a.send(reply("r3", key="k3"))
            assert e.value.permanent and len(fake.replies) == 3
            await fake.push(host.base_url + "/hooks/weibo/wb", fake.message(UID, "again"))
            await a.send(reply("r4", key="k4"))  # a new message opens a new window
            assert len(fake.replies) == 4
        await a.stop()
