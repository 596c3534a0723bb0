"""Template-message fallback (spec §1.11, 45015): the adapter against the fake over real HTTP, then end to end
through the hub of a real edge — the agent's reply after the window closed goes as a template message, is
"sent", and the fake's TEMPLATESENDJOBFINISH push makes it "delivered" (or "failed" with the reason)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from edge_server.app import EdgeApp
from edge_server.channels.base import SendError
from edge_server.channels.wechat.adapter import WeChatAdapter
from edge_server.channels.wechat.fake import FakeWeChat
from edge_server.channels.wechat.settings import AccountConfigError
from edge_server.channels.wechat.template import cut
from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from edge_server.interactions import reads
from tests.edge_server.channels.wechat.test_wechat_crypto import KEY
from tests.edge_server.channels.wechat.test_wechat_platform import APP_ID, SECRET, TOKEN, Rig, out, rig  # noqa: F401
from tests.edge_server.interactions.interactions_helpers import accept, agent, edge_config, import_site, wait_for

TEMPLATE = "tmpl-service-reply"
FALLBACK = {"template_fallback": {"template_id": TEMPLATE, "field": "content", "url": "https://example.com/t",
                                  "max_chars": 20}}
WITH_FALLBACK = pytest.mark.parametrize("rig", [{"cfg": FALLBACK}], indirect=True)


def test_cut_keeps_short_texts_and_marks_cut_ones() -> None:
    assert cut("您好", 20) == "您好"
    assert cut("x" * 25, 20) == "x" * 19 + "…" and len(cut("x" * 25, 20)) == 20


def test_fallback_config_is_checked(tmp_path: Path) -> None:
    base = {"app_id": APP_ID, "app_secret": SECRET, "token": TOKEN, "mode": "plain"}
    with pytest.raises(AccountConfigError, match="template_fallback"):
        WeChatAdapter.from_config(base | {"template_fallback": {"template_id": "t", "bogus": 1}}, tmp_path)
    with pytest.raises(AccountConfigError, match="template_fallback"):
        WeChatAdapter.from_config(base | {"template_fallback": {"template_id": ""}}, tmp_path)
    plain = WeChatAdapter.from_config(base, tmp_path)
    assert plain.cfg.template_fallback is None and plain.limits().reply_window_s == 48 * 3600
    fb = WeChatAdapter.from_config(base | FALLBACK, tmp_path)
    # A closed window no longer stops a text reply: the composer must not refuse it.
    assert fb.limits().reply_window_s == 0 and fb.limits().replies_per_window == 5


@WITH_FALLBACK
@pytest.mark.asyncio
async def test_platform_45015_falls_back_to_a_template_and_the_finish_event_is_a_receipt(rig: Rig) -> None:
    rig.fake.template_ids[TEMPLATE] = ("content",)
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="在吗"))
    await rig.inbox.wait_for(1)
    rig.fake.inject("/cgi-bin/message/custom/send", 45015)
    long_text = "您的退款已经处理完毕，请查收银行通知。谢谢您的耐心等待！"
    res = await rig.adapter.send(out(long_text, key="i1:7"))
    [tpl] = rig.fake.state.templates
    assert res.provider_id == f"template:{tpl['msgid']}" and res.state == "sent"
    assert tpl["template_id"] == TEMPLATE and tpl["touser"] == "oCust1" and tpl["url"] == "https://example.com/t"
    assert tpl["client_msg_id"] == "i1:7"
    assert tpl["data"] == {"content": {"value": long_text[:19] + "…"}}  # cut to the field's 20 characters
    assert rig.fake.state.sent == []  # nothing went through the CS API
    # The fake pushes TEMPLATESENDJOBFINISH to the webhook; it becomes a receipt for that provider id.
    await wait_for(lambda: rig.inbox.receipts)
    [receipt] = rig.inbox.receipts
    assert (receipt.provider_id, receipt.state, receipt.error) == (res.provider_id, "delivered", "")
    # The same reply again (a restart re-sending it): client_msg_id makes WeChat answer the same msgid.
    again = await rig.adapter.send(out(long_text, key="i1:7"))
    assert again.provider_id == res.provider_id and len(rig.fake.state.templates) == 1


@WITH_FALLBACK
@pytest.mark.asyncio
async def test_window_known_closed_goes_straight_to_the_template_but_attachments_cannot(rig: Rig,
                                                                                        tmp_path: Path) -> None:
    rig.fake.template_ids[TEMPLATE] = ("content",)
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="hi"))
    await rig.inbox.wait_for(1)
    rig.clock.advance(49 * 3600)
    res = await rig.adapter.send(out("late answer"))
    assert res.provider_id.startswith("template:")
    assert not [c for c in rig.fake.state.calls if c[0].endswith("custom/send")]  # no doomed CS call first
    pic = tmp_path / "p.png"
    pic.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    att = ci.Attachment(attachment_id="a1", name="p.png", content_type="image/png", size=72, sha256="0" * 64)
    with pytest.raises(SendError) as err:
        await rig.adapter.send(out("see picture", key="k2", attachments=[(att, str(pic))]))
    assert err.value.permanent and "45015" in err.value.reason
    assert len(rig.fake.state.templates) == 1


@WITH_FALLBACK
@pytest.mark.asyncio
async def test_template_errors_are_reasons(rig: Rig) -> None:
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="hi"))
    await rig.fake.push(rig.fake.message("oGone", "text", Content="hi"))
    await rig.inbox.wait_for(2)
    rig.fake.inject("/cgi-bin/message/custom/send", 45015)
    with pytest.raises(SendError) as err:  # the template is not known to WeChat
        await rig.adapter.send(out("x"))
    assert err.value.permanent and err.value.not_sent and "40037" in err.value.reason
    rig.fake.template_ids[TEMPLATE] = ("content",)
    rig.fake.unsubscribed.add("oGone")  # unfollowed: CS says 45015, the template 43004
    with pytest.raises(SendError) as err:
        await rig.adapter.send(out("x", openid="oGone", key="k3"))
    assert err.value.permanent and "43004" in err.value.reason
    codes = [c for c in rig.fake.state.calls if c[1]]
    assert ("/cgi-bin/message/template/send", 40037) in codes and ("/cgi-bin/message/template/send", 43004) in codes


@pytest.mark.asyncio
async def test_without_fallback_45015_still_fails_the_reply(rig: Rig) -> None:
    await rig.fake.push(rig.fake.message("oCust1", "text", Content="hi"))
    await rig.inbox.wait_for(1)
    rig.fake.template_ids[TEMPLATE] = ("content",)
    rig.fake.inject("/cgi-bin/message/custom/send", 45015)
    with pytest.raises(SendError) as err:
        await rig.adapter.send(out("x"))
    assert err.value.permanent and "45015" in err.value.reason and rig.fake.state.templates == []


# --- end to end through the hub of a real edge ---------------------------------------------------------------


@asynccontextmanager
async def wechat_edge(data_dir: Path, fake: FakeWeChat, **table: Any) -> AsyncIterator[EdgeApp]:
    cfg = edge_config(data_dir)
    cfg.channels.webhook_port = 0
    cfg.channels.wechat = [{"app_id": APP_ID, "app_secret": SECRET, "token": TOKEN, "mode": "safe",
                            "encoding_aes_key": KEY, "api_base": fake.url, "original_id": fake.original_id,
                            "http_timeout_s": 2.0, "queue": "support", **table}]
    async with EdgeApp(cfg) as app:
        assert app.channels is not None and app.channels.webhooks is not None
        fake.webhook_url = f"{app.channels.webhooks.base_url}/hooks/wechat/{APP_ID}"
        yield app


@pytest.mark.asyncio
async def test_hub_reply_after_window_goes_as_template_then_delivered_or_failed(tmp_path: Path) -> None:
    await import_site(tmp_path)
    async with FakeWeChat(app_id=APP_ID, app_secret=SECRET, token=TOKEN, encoding_aes_key=KEY, mode="safe",
                          push_timeout_s=2.0) as fake, wechat_edge(tmp_path, fake, **FALLBACK) as app, \
            agent(app, "alice") as alice:
        fake.template_ids[TEMPLATE] = ("content",)
        assert (await fake.push(fake.message("oCust1", "text", Content="我的退款呢？"))).acknowledged
        offer = await alice.wait(m.OfferMade)
        iid = offer.task.interaction_id
        await accept(alice, iid)
        detail = await alice.request(ci.GetInteraction(interaction_id=iid))
        assert detail.info.reply_until_ms == 0  # with a fallback the window does not block the composer

        fake.inject("/cgi-bin/message/custom/send", 45015)  # WeChat says the window is closed
        sent = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r1", text="退款已处理"))
        assert sent.delivery == "queued"
        await alice.wait(ci.DeliveryChanged, lambda d: d.seq == sent.seq and d.delivery == "delivered", 10.0)
        states = [d.delivery for d in alice.of(ci.DeliveryChanged) if d.seq == sent.seq]
        assert states == ["sent", "delivered"]
        [tpl] = fake.state.templates
        assert tpl["data"] == {"content": {"value": "退款已处理"}} and tpl["client_msg_id"] == f"{iid}:{sent.seq}"
        assert fake.state.sent == [] and [p.acknowledged for p in fake.state.finish_pushes] == [True]

        # A customer who blocks notifications: sent, then failed with WeChat's reason in words.
        fake.blocking.add("oCust1")
        fake.inject("/cgi-bin/message/custom/send", 45015)
        second = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r2", text="还在吗"))
        failed = await alice.wait(ci.DeliveryChanged, lambda d: d.seq == second.seq and d.delivery == "failed",
                                  10.0)
        assert "blocked" in failed.error and "user block" in failed.error
        assert app.store is not None
        rows = await app.store.read(reads.transcript, iid, 0, True)
        by_seq = {r.seq: r for r in rows}
        assert by_seq[sent.seq].delivery == "delivered" and by_seq[second.seq].delivery == "failed"
