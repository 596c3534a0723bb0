"""The channel hub in a real edge (store, routing, interactions, bus, webhook host) with the loopback
channel: push -> interaction -> offer -> agent reply -> outbox send -> receipts -> desktop pushes;
de-duplication, restart re-sends with the same key, retries only when the platform certainly did not
take the message, and the channel's composer limits."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from edge_server.app import EdgeApp
from edge_server.channels.base import SendError
from edge_server.contract import interactions as ci
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.interactions import reads
from tests.edge_server.channels.hub.loopback import HANG, SIGNATURE, Factory
from tests.edge_server.interactions.interactions_helpers import accept, agent, edge_config, import_site, wait_for

ACCOUNT = "acct1"


@asynccontextmanager
async def edge(data_dir: Path, factory: Factory, **table: Any) -> AsyncIterator[EdgeApp]:
    cfg = edge_config(data_dir)
    cfg.channels.webhook_port = 0
    cfg.channels.wechat = [{"account": ACCOUNT, "queue": "support", **table}]
    async with EdgeApp(cfg, channel_factories={"wechat": factory}) as app:
        yield app


async def push(app: EdgeApp, doc: dict[str, Any], *, signature: str = SIGNATURE) -> tuple[int, str]:
    assert app.channels is not None and app.channels.webhooks is not None
    url = f"{app.channels.webhooks.base_url}/hooks/wechat/{ACCOUNT}"
    async with aiohttp.ClientSession() as s, s.post(url, data=json.dumps(doc),
                                                    headers={"X-Signature": signature}) as r:
        return r.status, await r.text()


def msg(mid: str, text: str, sender: str = "openid-1") -> dict[str, Any]:
    return {"type": "message", "id": mid, "from": sender, "text": text, "name": "小明"}


async def stored_messages(app: EdgeApp, iid: str) -> list[ci.ChatMessage]:
    assert app.store is not None
    return await app.store.read(reads.transcript, iid, 0, True)


@pytest.mark.asyncio
async def test_push_to_agent_reply_receipts_and_dedup(tmp_path: Path) -> None:
    await import_site(tmp_path)
    factory = Factory()
    async with edge(tmp_path, factory) as app, agent(app, "alice") as alice:
        assert await push(app, msg("m1", "你好"), signature="forged") == (401, "bad signature")
        assert await push(app, msg("m1", "你好")) == (200, "success")
        offer = await alice.wait(__import__("edge_server.contract.messages", fromlist=["OfferMade"]).OfferMade)
        iid = offer.task.interaction_id
        await accept(alice, iid)
        # The platform retries the same push: nothing new; the next message continues the interaction.
        assert await push(app, msg("m1", "你好")) == (200, "success")
        assert await push(app, msg("m2", "在吗")) == (200, "success")
        assert await push(app, {"type": "message", "id": "e1", "from": "openid-1", "kind": "event",
                                "event": "subscribe"}) == (200, "success")
        detail = await alice.request(ci.GetInteraction(interaction_id=iid))
        assert [m.text for m in detail.messages if m.author_kind == ci.AuthorKind.CUSTOMER] == ["你好", "在吗"]
        assert detail.info.channel == ci.Channel.WECHAT

        sent = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r1", text="您好，请讲"))
        assert sent.delivery == "queued"
        adapter = factory.made[ACCOUNT]
        await wait_for(lambda: adapter.calls)
        out = adapter.calls[0]
        assert (out.idempotency_key, out.text, out.attempt) == (f"{iid}:{sent.seq}", "您好，请讲", 1)
        assert [(i.kind, i.value) for i in out.to] == [(ci.IdentityKind.WECHAT_OPENID, "openid-1")]
        await alice.wait(ci.DeliveryChanged, lambda d: d.seq == sent.seq and d.delivery == "sent")

        # Receipts: forward only, duplicates change nothing.
        pid = f"p-{iid}:{sent.seq}"
        for state in ("delivered", "delivered", "sent", "read"):
            assert await push(app, {"type": "receipt", "pid": pid, "state": state}) == (200, "ok")
        await alice.wait(ci.DeliveryChanged, lambda d: d.seq == sent.seq and d.delivery == "read")
        states = [d.delivery for d in alice.of(ci.DeliveryChanged) if d.seq == sent.seq]
        assert states == ["sent", "delivered", "read"]
        # A handler's bug is a 500 (the platform retries), not a crash.
        assert (await push(app, {"boom": True}))[0] == 500
        rows = await stored_messages(app, iid)
        assert [m.text for m in rows if m.author_kind == ci.AuthorKind.CUSTOMER] == ["你好", "在吗"]
        assert [(m.delivery, m.delivery_error) for m in rows if m.seq == sent.seq] == [("read", "")]
        assert app.channels is not None and app.channels.duplicates == 1


@pytest.mark.asyncio
async def test_crash_between_queued_and_sent_resends_with_the_same_key(tmp_path: Path) -> None:
    await import_site(tmp_path)
    factory = Factory()
    factory.script = [HANG]
    async with edge(tmp_path, factory) as app, agent(app, "alice") as alice:
        assert (await push(app, msg("m1", "hello")))[0] == 200
        offer = await alice.wait(__import__("edge_server.contract.messages", fromlist=["OfferMade"]).OfferMade)
        iid = offer.task.interaction_id
        await accept(alice, iid)
        sent = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r1", text="reply"))
        first = factory.made[ACCOUNT]
        await wait_for(lambda: first.calls)  # the edge goes down while the platform call hangs
    async with edge(tmp_path, factory) as app:
        second = factory.made[ACCOUNT]
        assert second is not first
        await wait_for(lambda: second.calls)
        assert second.calls[0].idempotency_key == first.calls[0].idempotency_key == f"{iid}:{sent.seq}"
        assert second.calls[0].text == "reply"

        async def delivered() -> str:
            rows = await stored_messages(app, iid)
            return next(m.delivery for m in rows if m.seq == sent.seq)

        for _ in range(200):
            if await delivered() == "sent":
                break
        assert await delivered() == "sent"
        # The inbound key survived the restart: the platform's late retry opens nothing.
        assert (await push(app, msg("m1", "hello")))[0] == 200
        assert app.channels is not None and app.channels.duplicates == 1
    assert len(second.calls) == 1


@pytest.mark.asyncio
async def test_retry_only_when_not_sent_and_order_per_interaction(tmp_path: Path) -> None:
    await import_site(tmp_path)
    factory = Factory()
    factory.script = [SendError("busy", not_sent=True, retry_after_s=0.05), None,
                      SendError("timeout", not_sent=False), None]
    async with edge(tmp_path, factory) as app, agent(app, "alice") as alice:
        assert (await push(app, msg("m1", "hello")))[0] == 200
        offer = await alice.wait(__import__("edge_server.contract.messages", fromlist=["OfferMade"]).OfferMade)
        iid = offer.task.interaction_id
        await accept(alice, iid)
        a = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r1", text="one"))
        b = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r2", text="two"))
        c = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r3", text="three"))
        await alice.wait(ci.DeliveryChanged, lambda d: d.seq == c.seq and d.delivery == "sent")
        adapter = factory.made[ACCOUNT]
        # "one" twice (not sent, retried with the same key), "two" once (outcome unknown), then "three".
        assert [(o.text, o.attempt, o.idempotency_key) for o in adapter.calls] == [
            ("one", 1, f"{iid}:{a.seq}"), ("one", 2, f"{iid}:{a.seq}"), ("two", 1, f"{iid}:{b.seq}"),
            ("three", 1, f"{iid}:{c.seq}")]
        failed = await alice.wait(ci.DeliveryChanged, lambda d: d.seq == b.seq and d.delivery == "failed")
        assert "timeout" in failed.error
        rows = {m.seq: m for m in await stored_messages(app, iid)}
        assert (rows[a.seq].delivery, rows[b.seq].delivery, rows[c.seq].delivery) == ("sent", "failed", "sent")


@pytest.mark.asyncio
async def test_channel_limits_on_the_interaction_and_refusals(tmp_path: Path) -> None:
    await import_site(tmp_path)
    factory = Factory()
    async with edge(tmp_path, factory, max_chars=10, window_s=3600, replies=2, media=["image/jpeg"]) as app, \
            agent(app, "alice") as alice:
        assert (await push(app, msg("m1", "hello")))[0] == 200
        offer = await alice.wait(__import__("edge_server.contract.messages", fromlist=["OfferMade"]).OfferMade)
        iid = offer.task.interaction_id
        await accept(alice, iid)
        info = (await alice.request(ci.GetInteraction(interaction_id=iid))).info
        assert (info.max_chars, info.replies_left, info.media_types) == (10, 2, ["image/jpeg"])
        assert info.reply_until_ms - info.created_ms == pytest.approx(3_600_000, abs=5_000)
        with pytest.raises(SwitchboardError) as err:
            await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="x", text="x" * 11))
        assert err.value.code == ErrorCode.INVALID_ARGUMENT and "10 characters" in err.value.message
        # A private note is not a channel message: no limits, no delivery.
        note = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="n", text="y" * 50,
                                                      private=True))
        assert note.delivery == ""
        for i in range(2):
            await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id=f"r{i}", text="ok"))
        with pytest.raises(SwitchboardError) as err:
            await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r9", text="ok"))
        assert err.value.code == ErrorCode.INVALID_ARGUMENT and "customer writes again" in err.value.message
        # The customer writes again: the window and the quota start over.
        assert (await push(app, msg("m2", "again")))[0] == 200
        await alice.wait(ci.InteractionInfo, lambda i: i.interaction_id == iid and i.replies_left == 2)
        await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r10", text="ok"))
        await wait_for(lambda: len(factory.made[ACCOUNT].calls) == 3)
