"""The adapter against the fake platform over real HTTP: pushes (retries, dedup, safe mode, key
rotation), customer-service replies (token refresh, window, quota, media), unknown outcomes."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pytest
import pytest_asyncio

from edge_server.channels.base import OutboundMessage, SendError
from edge_server.channels.wechat.adapter import WeChatAdapter
from edge_server.channels.wechat.fake import FakeClock, FakeWeChat
from edge_server.contract.interactions import Attachment, Identity, IdentityKind
from tests.edge_server.channels.wechat.test_wechat_crypto import KEY, OTHER_KEY
from tests.edge_server.channels.wechat.wechat_helpers import MemoryInbox, WebhookHost

APP_ID, SECRET, TOKEN = "wxfa4e0000000001", "sekret", "pushtoken"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@dataclass
class Rig:
    fake: FakeWeChat
    adapter: WeChatAdapter
    inbox: MemoryInbox
    host: WebhookHost
    clock: FakeClock


@pytest_asyncio.fixture
async def rig(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    opts: dict[str, Any] = getattr(request, "param", {})
    clock = FakeClock()
    mode = opts.get("mode", "safe")
    fake = FakeWeChat(app_id=APP_ID, app_secret=SECRET, token=TOKEN, encoding_aes_key=opts.get("fake_key", KEY),
                      mode=mode, push_timeout_s=0.4, clock=clock)
    await fake.start()
    raw = {"app_id": APP_ID, "app_secret": SECRET, "token": TOKEN, "mode": mode, "encoding_aes_key": KEY,
           "api_base": fake.url, "original_id": fake.original_id, "http_timeout_s": 1.0} | opts.get("cfg", {})
    adapter = WeChatAdapter.from_config(raw, tmp_path, clock=clock)
    inbox = MemoryInbox(tmp_path)
    await adapter.start(inbox)
    async with WebhookHost(adapter.webhooks(), inbox, adapter.enrich) as host:
        fake.webhook_url = host.url + adapter.webhook.path
        try:
            yield Rig(fake, adapter, inbox, host, clock)
        finally:
            await adapter.stop()
            await fake.close()


def out(text: str = "", *, key: str = "k1", openid: str = "oCust1",
        attachments: list[tuple[Attachment, str]] | None = None) -> OutboundMessage:
    return OutboundMessage(channel="wechat", account=APP_ID, interaction_id="i1", seq=1, idempotency_key=key,
                           to=[Identity(kind=IdentityKind.WECHAT_OPENID, value=openid)], text=text,
                           attachments=attachments or [])


@pytest.mark.asyncio
async def test_safe_mode_round_trip(rig: Rig) -> None:
    r = await rig.fake.push(rig.fake.message("oCust1", "text", Content="我的订单在哪里？"))
    assert (r.attempts, r.status, r.body, r.acknowledged) == (1, 200, b"success", True)
    [msg] = await rig.inbox.wait_for(1)
    assert (msg.text, msg.identities[0].value, msg.account) == ("我的订单在哪里？", "oCust1", APP_ID)
    res = await rig.adapter.send(out("您的订单已发货"))
    assert res.state == "sent"
    assert rig.fake.state.sent == [{"touser": "oCust1", "msgtype": "text", "text": {"content": "您的订单已发货"}}]
    until, left = rig.adapter.reply_state("oCust1")
    assert left == 4 and until == msg.ts_ms + 48 * 3600 * 1000


@pytest.mark.asyncio
async def test_three_identical_pushes_make_one_message(rig: Rig) -> None:
    # A slow edge: the first two attempts get no answer within the platform's timeout.
    rig.host.stall, rig.host.stall_s = 2, 0.6
    r = await rig.fake.push(rig.fake.message("oCust1", "text", Content="hello?"))
    assert (r.attempts, r.acknowledged) == (3, True)
    await asyncio.sleep(0.7)  # let the stalled attempts finish storing, then count
    assert rig.host.requests == 3
    assert [m.text for m in rig.inbox.messages] == ["hello?"]


@pytest.mark.asyncio
async def test_push_gives_up_after_three_attempts(rig: Rig) -> None:
    rig.fake.webhook_url = rig.host.url + "/hooks/wechat/nobody"  # 404 every time
    r = await rig.fake.push(rig.fake.message("oCust1", "text", Content="x"))
    assert (r.attempts, r.status, r.acknowledged) == (3, 404, False)


@pytest.mark.parametrize("rig", [{"cfg": {"encoding_aes_key": OTHER_KEY, "previous_encoding_aes_key": KEY}}],
                         indirect=True)
@pytest.mark.asyncio
async def test_key_rotation(rig: Rig) -> None:
    # The console still encrypts with the old key: the previous key opens it.
    assert (await rig.fake.push(rig.fake.message("oCust1", "text", Content="old key"))).acknowledged
    rig.fake.set_key(OTHER_KEY)
    assert (await rig.fake.push(rig.fake.message("oCust1", "text", Content="new key"))).acknowledged
    rig.fake.set_key("Z" * 43)  # a key the edge does not have: refused, never stored
    r = await rig.fake.push(rig.fake.message("oCust1", "text", Content="unknown key"))
    assert (r.acknowledged, r.status) == (False, 403)
    assert [m.text for m in rig.inbox.messages] == ["old key", "new key"]


@pytest.mark.parametrize("rig", [{"mode": "plain"}, {"mode": "compatible"}], indirect=True)
@pytest.mark.asyncio
async def test_plain_and_compatible_modes(rig: Rig) -> None:
    await rig.fake.push(rig.fake.event("oCust1", "CLICK", EventKey="MENU_ORDERS"))
    await rig.fake.push(rig.fake.message("oCust1", "location", Location_X="23.1", Location_Y="113.3", Scale=15,
                                         Label="Canton Tower"))
    ev, loc = await rig.inbox.wait_for(2)
    assert (ev.kind, ev.event, ev.meta["EventKey"]) == ("event", "click", "MENU_ORDERS")
    assert loc.text == "Canton Tower (23.1,113.3)"


@pytest.mark.asyncio
async def test_token_refresh_on_40001_is_single_and_retries_once(rig: Rig) -> None:
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="hi"))
    await rig.adapter.send(out("one", key="a"))
    assert rig.fake.state.token_fetches == 1
    rig.fake.invalidate_tokens()  # as if someone else fetched a token and the grace passed
    await asyncio.gather(*(rig.adapter.send(out(f"n{i}", key=f"b{i}")) for i in range(4)))
    assert rig.fake.state.token_fetches == 2  # one refresh however many calls noticed
    assert sorted(m["text"]["content"] for m in rig.fake.state.sent) == ["n0", "n1", "n2", "n3", "one"]
    assert [c for c in rig.fake.state.calls if c[1] == 40001]  # the platform did say 40001


@pytest.mark.asyncio
async def test_expired_token_42001_and_renewal_before_expiry(rig: Rig) -> None:
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="hi"))
    await rig.adapter.send(out("one", key="a"))
    rig.clock.advance(7300)  # the platform's token expired; ours (monotonic) still thinks it is fresh
    rig.fake._windows["oCust1"].until += 7300  # keep the CS window open for this test
    await rig.adapter.send(out("two", key="b"))
    assert (rig.fake.state.token_fetches, [c for c in rig.fake.state.calls if c[1]]) == \
        (2, [("/cgi-bin/message/custom/send", 42001)])


@pytest.mark.asyncio
async def test_window_closed_after_48_hours(rig: Rig) -> None:
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="hi"))
    await rig.inbox.wait_for(1)
    rig.clock.advance(48 * 3600 + 5)
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("too late"))
    assert e.value.reason == ("WeChat no longer accepts replies: the customer last wrote more than 48 h ago "
                              "(45015)")
    assert (e.value.permanent, e.value.not_sent) == (True, True)
    assert rig.fake.state.sent == []  # refused locally, before calling WeChat


@pytest.mark.asyncio
async def test_platform_window_refusal_when_we_have_no_record(rig: Rig) -> None:
    # A customer we never saw write (e.g. state lost): the platform's 45015 is translated the same way.
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("hello stranger", openid="oNever"))
    assert e.value.reason.startswith("WeChat no longer accepts replies") and e.value.reason.endswith("(45015)")
    assert e.value.permanent
    with pytest.raises(SendError):  # remembered? no record to update, still asks the platform
        await rig.adapter.send(out("again", openid="oNever", key="k2"))


@pytest.mark.asyncio
async def test_quota_five_per_customer_message_then_reset_by_a_new_message(rig: Rig) -> None:
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="hi"))
    await rig.inbox.wait_for(1)
    for i in range(5):
        await rig.adapter.send(out(f"r{i}", key=f"q{i}"))
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("sixth", key="q5"))
    assert "(45047)" in e.value.reason and e.value.permanent
    assert len(rig.fake.state.sent) == 5
    rig.clock.advance(2)
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="again"))
    await rig.inbox.wait_for(2)
    await rig.adapter.send(out("sixth", key="q5"))
    assert rig.adapter.reply_state("oCust1")[1] == 4


@pytest.mark.asyncio
async def test_platform_quota_refusal_is_remembered(rig: Rig) -> None:
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="hi"))
    await rig.inbox.wait_for(1)
    rig.fake.inject("/cgi-bin/message/custom/send", 45047)
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("x"))
    assert e.value.permanent and "(45047)" in e.value.reason
    with pytest.raises(SendError):
        await rig.adapter.send(out("y", key="k2"))
    assert len([c for c in rig.fake.state.calls if c[0].endswith("custom/send")]) == 1  # second refused locally


@pytest.mark.asyncio
async def test_inbound_media_is_downloaded_and_cached(rig: Rig) -> None:
    img = rig.fake.add_media(PNG, "image/png", "pic.png")
    voice = rig.fake.add_media(b"#!AMR\n" + b"\x00" * 300, "audio/amr", "v.amr")
    await rig.fake.push(rig.fake.message("oCust1", "image", PicUrl="http://mmbiz/x", MediaId=img))
    await rig.fake.push(rig.fake.message("oCust1", "voice", MediaId=voice, Format="amr"))
    m1, m2 = await rig.inbox.wait_for(2)
    assert [(a.content_type, a.data) for a in m1.attachments] == [("image/png", PNG)]
    assert m2.attachments[0].content_type == "audio/amr" and m2.attachments[0].name.endswith(".amr")
    files = sorted(p.name for p in rig.inbox.attachment_dir().iterdir())
    assert len(files) == 2 and all(f.startswith("wechat-") for f in files)
    gets = len([c for c in rig.fake.state.calls if c[0] == "/cgi-bin/media/get"])
    again = await rig.adapter.enrich(msgspec.structs.replace(m1, attachments=[]))
    assert again.attachments[0].data == PNG
    assert len([c for c in rig.fake.state.calls if c[0] == "/cgi-bin/media/get"]) == gets  # from the cache


@pytest.mark.asyncio
async def test_expired_media_still_delivers_the_message(rig: Rig) -> None:
    img = rig.fake.add_media(PNG, "image/png", "pic.png")
    rig.clock.advance(3 * 24 * 3600 + 1)
    await rig.fake.push(rig.fake.message("oCust1", "image", MediaId=img))
    [msg] = await rig.inbox.wait_for(1)
    assert msg.attachments == [] and "40007" in msg.meta["media_error"]
    assert msg.text == "[image could not be downloaded from WeChat]"


@pytest.mark.asyncio
async def test_image_reply_via_media_upload_and_partial_failure_resumes(rig: Rig, tmp_path: Path) -> None:
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="send me a picture"))
    await rig.inbox.wait_for(1)
    path = tmp_path / "map.png"
    path.write_bytes(PNG)
    att = Attachment(attachment_id="a1", name="map.png", content_type="image/png", size=len(PNG))
    msg = out("here is the map", key="multi", attachments=[(att, str(path))])
    # The text goes out, then WeChat is busy for the picture: retrying must not send the text twice.
    rig.fake.inject("/cgi-bin/media/upload", -1)
    with pytest.raises(SendError) as e:
        await rig.adapter.send(msg)
    assert e.value.not_sent and not e.value.permanent and "1 of 2 parts" in e.value.reason
    await rig.adapter.send(msg)
    sent = rig.fake.state.sent
    assert [m["msgtype"] for m in sent] == ["text", "image"]
    assert rig.fake.media(sent[1]["image"]["media_id"]) == PNG
    await rig.adapter.send(msg)  # a third call after success sends nothing more
    assert len(rig.fake.state.sent) == 2


@pytest.mark.asyncio
async def test_unsupported_attachment_is_refused(rig: Rig, tmp_path: Path) -> None:
    att = Attachment(attachment_id="a1", name="x.pdf", content_type="application/pdf", size=3)
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("", attachments=[(att, str(tmp_path / "x.pdf"))]))
    assert e.value.permanent and "application/pdf" in e.value.reason


@pytest.mark.parametrize("rig", [{"cfg": {"http_timeout_s": 0.3}}], indirect=True)
@pytest.mark.asyncio
async def test_timeout_is_an_unknown_outcome_and_refused_connection_is_not_sent(rig: Rig) -> None:
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="hi"))
    await rig.inbox.wait_for(1)
    await rig.adapter.send(out("warm the token", key="w"))
    rig.fake.delays["/cgi-bin/message/custom/send"] = 0.6
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("slow"))
    assert (e.value.not_sent, e.value.permanent) == (False, False)
    await asyncio.sleep(0.5)
    assert [m["text"]["content"] for m in rig.fake.state.sent][-1] == "slow"  # it did arrive, in fact
    await rig.fake.close()  # nothing listens any more
    with pytest.raises(SendError) as e:
        await rig.adapter.send(out("nobody", key="z"))
    assert e.value.not_sent and "could not be reached" in e.value.reason
