"""Cloud channels through published flows, on a real edge with the fake platforms.

A WeChat customer writes to an account bound to a flow: the bot's greeting and menu reach the customer as
customer-service messages at the fake WeChat (the menu as text with numbered options), the customer answers
"2" with another push, and an agent accepts the conversation with the whole transcript. The same for WeCom.

The reply quota (WeChat: 5 customer-service messages per customer message) is the platform's, and the
platform counts every message the account sends — the bot's too. So the bot's messages spend the quota like
an agent's; a flow that says more than the quota allows gets its extra lines marked failed with the reason
(never silently dropped), and an agent's reply while the quota is used up is refused at once with the
reason (the composer shows replies_left = 0) until the customer writes again, after which it goes out.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from edge_server.app import EdgeApp
from edge_server.channels.wechat.fake import FakeWeChat
from edge_server.channels.wecom.fake import FakeWeCom
from edge_server.contract import designs as cd
from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from edge_server.contract.designs import FlowDoc, FlowNode
from edge_server.contract.errors import ErrorCode, SwitchboardError
from tests.edge_server.channels.wechat.test_wechat_crypto import KEY
from tests.edge_server.flows.designs_helpers import site, site_template  # noqa: F401 - fixtures
from tests.edge_server.flows.test_chat_flows import chat_flow
from tests.edge_server.interactions.interactions_helpers import Agent, accept, agent, edge_config, wait_for

APP_ID, SECRET, TOKEN = "wxflow00000000001", "sekret", "pushtoken"


@pytest.fixture
def data_dir(site: Path) -> Path:  # noqa: F811 - the fixture imported above
    return site


async def publish_and_bind(sup: Agent, doc: FlowDoc, kind: cd.EntryKind, key: str) -> None:
    saved = await sup.request(cd.SaveDraft(document=doc, base_version=0))
    await sup.request(cd.PublishDesign(design_id=doc.id, draft_version=saved.summary.draft_version, message="t"))
    await sup.request(cd.SetBinding(binding=cd.Binding(entry_kind=kind, entry_key=key, design_id=doc.id)))


@asynccontextmanager
async def wechat_edge(data_dir: Path, fake: FakeWeChat) -> AsyncIterator[EdgeApp]:
    cfg = edge_config(data_dir)
    cfg.channels.webhook_port = 0
    cfg.channels.wechat = [{"app_id": APP_ID, "app_secret": SECRET, "token": TOKEN, "mode": "safe",
                            "encoding_aes_key": KEY, "api_base": fake.url, "original_id": fake.original_id,
                            "http_timeout_s": 2.0, "queue": "support"}]
    async with EdgeApp(cfg) as app:
        assert app.channels is not None and app.channels.webhooks is not None
        fake.webhook_url = f"{app.channels.webhooks.base_url}/hooks/wechat/{APP_ID}"
        yield app


def spoken(detail: Any) -> list[tuple[str, str]]:
    """(author kind, text) of the transcript without the system lines."""
    return [(x.author_kind.value, x.text) for x in detail.messages if x.author_kind != ci.AuthorKind.SYSTEM]


def texts_to(fake: FakeWeChat, openid: str) -> list[str]:
    return [s["text"]["content"] for s in fake.state.sent if s["touser"] == openid and s["msgtype"] == "text"]


async def sent_until(fake: FakeWeChat, openid: str, pred: Callable[[list[str]], bool], timeout: float = 10.0
                     ) -> list[str]:
    return await wait_for(lambda: (lambda t: t if pred(t) else None)(texts_to(fake, openid)), timeout)


@pytest.mark.asyncio
async def test_wechat_customer_goes_through_greeting_and_menu_to_an_agent_with_the_transcript(
        data_dir: Path) -> None:
    async with FakeWeChat(app_id=APP_ID, app_secret=SECRET, token=TOKEN, encoding_aes_key=KEY, mode="safe",
                          push_timeout_s=3.0) as fake, wechat_edge(data_dir, fake) as app, \
            agent(app, "sup", ready=False) as sup, agent(app, "alice") as alice:
        await publish_and_bind(sup, chat_flow(), cd.EntryKind.WECHAT, APP_ID)
        assert (await fake.push(fake.message("oFlow1", "text", Content="你好"))).acknowledged
        # The bot's lines arrive as customer-service messages; the menu is text with numbered options.
        sent = await sent_until(fake, "oFlow1", lambda t: any("请选择" in x for x in t))
        assert sent[0] == "您好，欢迎！"
        assert "1. 账单" in sent[1] and "2. 人工" in sent[1]
        assert not alice.of(m.OfferMade)  # still with the bot

        assert (await fake.push(fake.message("oFlow1", "text", Content="2"))).acknowledged
        offer = await alice.wait(m.OfferMade, timeout=10.0)
        iid = offer.task.interaction_id
        await accept(alice, iid)
        detail = await alice.request(ci.GetInteraction(interaction_id=iid))
        said = spoken(detail)
        assert said[:4] == [("customer", "你好"), ("bot", "您好，欢迎！"), ("bot", sent[1]), ("customer", "2")], said
        assert detail.info.channel == ci.Channel.WECHAT and offer.task.queue == "support"
        # The bot's messages are tracked like an agent's: sent through the outbox, delivery shown.
        bot = [x.delivery for x in detail.messages if x.author_kind == ci.AuthorKind.BOT]
        assert bot[:2] == ["sent", "sent"]

        reply = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r1",
                                                       text="您好，我是客服"))
        await alice.wait(ci.DeliveryChanged, lambda d: d.seq == reply.seq and d.delivery == "sent", 10.0)
        assert texts_to(fake, "oFlow1")[-1] == "您好，我是客服"


def chatty_flow(lines: int) -> FlowDoc:
    """A flow that says ``lines`` things in a row, then routes to the support queue."""
    nodes = [FlowNode(id="start", type="start", exits={"next": "m0"})]
    for i in range(lines):
        nxt = f"m{i + 1}" if i + 1 < lines else "route"
        text = {"zh-CN": f"第{i + 1}条", "en": f"line {i + 1}"}
        nodes.append(FlowNode(id=f"m{i}", type="message", config={"text": text}, exits={"next": nxt}))
    nodes.append(FlowNode(id="route", type="route", config={"queue": "support"}, exits={"unavailable": "bye"}))
    nodes.append(FlowNode(id="bye", type="end", config={"text": {"zh-CN": "再见", "en": "bye"}}))
    return FlowDoc(id="chatty", name="Chatty", entry="start", nodes=nodes)


@pytest.mark.asyncio
async def test_the_bots_messages_spend_the_reply_quota_and_nothing_is_lost_silently(data_dir: Path) -> None:
    async with FakeWeChat(app_id=APP_ID, app_secret=SECRET, token=TOKEN, encoding_aes_key=KEY, mode="safe",
                          push_timeout_s=3.0) as fake, wechat_edge(data_dir, fake) as app, \
            agent(app, "sup", ready=False) as sup, agent(app, "alice") as alice:
        await publish_and_bind(sup, chatty_flow(6), cd.EntryKind.WECHAT, APP_ID)
        assert (await fake.push(fake.message("oFlow2", "text", Content="在吗"))).acknowledged
        offer = await alice.wait(m.OfferMade, timeout=10.0)
        iid = offer.task.interaction_id
        await accept(alice, iid)

        def bot_states(detail: Any) -> list[tuple[str, str]]:
            return [(x.delivery, x.delivery_error) for x in detail.messages if x.author_kind == ci.AuthorKind.BOT]

        async def settled() -> Any:
            detail = await alice.request(ci.GetInteraction(interaction_id=iid))
            return detail if all(s not in ("", "queued") for s, _ in bot_states(detail)) else None

        detail = None
        for _ in range(200):
            detail = await settled()
            if detail is not None:
                break
            await asyncio.sleep(0.05)
        assert detail is not None
        states = bot_states(detail)
        # Five customer-service messages per customer message: the sixth line is refused, visibly.
        assert [s for s, _ in states] == ["sent"] * 5 + ["failed"], states
        assert "writes again" in states[5][1]
        assert texts_to(fake, "oFlow2") == [f"第{i}条" for i in range(1, 6)]
        assert detail.info.replies_left == 0  # the composer shows why the agent cannot answer yet

        with pytest.raises(SwitchboardError) as err:  # refused at once with the reason, not lost later
            await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r1", text="您好"))
        assert err.value.code == ErrorCode.INVALID_ARGUMENT and "writes again" in err.value.message

        assert (await fake.push(fake.message("oFlow2", "text", Content="人呢？"))).acknowledged
        for _ in range(200):  # the customer's new message opens a fresh allowance
            detail = await alice.request(ci.GetInteraction(interaction_id=iid))
            if detail.info.replies_left == 5:
                break
            await asyncio.sleep(0.05)
        assert detail.info.replies_left == 5
        reply = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r2", text="您好，我在"))
        await alice.wait(ci.DeliveryChanged, lambda d: d.seq == reply.seq and d.delivery == "sent", 10.0)
        assert texts_to(fake, "oFlow2")[-1] == "您好，我在"


# --- WeCom ---------------------------------------------------------------------------------------------------


CORP, KFID, KF_SECRET = "ww0123456789abcdef", "wkFLOW0001", "kfsecret"


def wecom_texts(fake: FakeWeCom, user: str) -> list[str]:
    return [b["text"]["content"] for b in fake.state.sent if b.get("touser") == user and b.get("msgtype") == "text"]


@pytest.mark.asyncio
async def test_wecom_customer_goes_through_the_flow_to_an_agent(data_dir: Path) -> None:
    async with FakeWeCom(corp_id=CORP, secret=KF_SECRET, open_kfid=KFID, token=TOKEN, encoding_aes_key=KEY,
                         push_timeout_s=3.0) as fake:
        cfg = edge_config(data_dir)
        cfg.channels.webhook_port = 0
        cfg.channels.wecom = [{"corp_id": CORP, "secret": KF_SECRET, "open_kfid": KFID, "token": TOKEN,
                               "encoding_aes_key": KEY, "api_base": fake.url, "http_timeout_s": 2.0,
                               "queue": "support"}]
        async with EdgeApp(cfg) as app, agent(app, "sup", ready=False) as sup, agent(app, "alice") as alice:
            assert app.channels is not None and app.channels.webhooks is not None
            account = f"{CORP}/{KFID}"
            fake.webhook_url = f"{app.channels.webhooks.base_url}/hooks/wecom/{CORP}/{KFID}"
            await publish_and_bind(sup, chat_flow(), cd.EntryKind.WECOM, account)
            await fake.customer_writes("wmCust1", "你好")
            sent = await wait_for(lambda: (lambda t: t if any("请选择" in x for x in t) else None)(
                wecom_texts(fake, "wmCust1")), 10.0)
            assert sent[0] == "您好，欢迎！" and "2. 人工" in sent[1]
            await fake.customer_writes("wmCust1", "2")
            offer = await alice.wait(m.OfferMade, timeout=10.0)
            iid = offer.task.interaction_id
            await accept(alice, iid)
            detail = await alice.request(ci.GetInteraction(interaction_id=iid))
            said = spoken(detail)
            assert said[:4] == [("customer", "你好"), ("bot", "您好，欢迎！"), ("bot", sent[1]), ("customer", "2")]
