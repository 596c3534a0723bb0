"""Web chats through published flows on a real edge: greeting, menu, bot, hand-over to an agent with the
bot transcript, leave-a-message when nobody can serve, the revision pinned per conversation, and a
restart in the middle of a flow. A real visitor (the widget's WebSocket protocol), real agents on the bus.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from edge_server.channels.webchat.visitor import Visitor
from edge_server.contract import designs as cd
from edge_server.contract import interactions as ci
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.designs import FlowDoc, FlowNode
from edge_server.flows import flow_reads
from tests.edge_server.flows.designs_helpers import site, site_template  # noqa: F401 - fixtures
from tests.edge_server.interactions.interactions_helpers import accept, agent, edge_config


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


def chat_flow(design_id: str = "chat-entry", *, greeting: str = "您好，欢迎！") -> FlowDoc:
    nodes = [
        FlowNode(id="start", type="start", exits={"next": "greet"}),
        FlowNode(id="greet", type="message", config={"text": _t(greeting, "Hello!")}, exits={"next": "menu"}),
        FlowNode(id="menu", type="menu", config={
            "prompt": _t("请选择：", "Choose:"),
            "options": [{"key": "1", "label": _t("账单", "Billing")}, {"key": "2", "label": _t("人工", "Agent")}],
            "timeout_s": 30, "max_retries": 2},
            exits={"1": "bot", "2": "route", "no_match": "menu", "timeout": "bye", "max_retries": "route"}),
        FlowNode(id="bot", type="bot", config={
            "prompt": _t("请说出您的问题。", "Your question?"),
            "intents": [{"name": "invoice", "keywords": ["发票", "invoice"],
                         "answer": _t("发票会在 24 小时内发到邮箱。", "Invoices are emailed within 24 hours.")}],
            "followup": _t("还有其他问题吗？", "Anything else?"), "max_turns": 5, "timeout_s": 30},
            exits={"resolved": "bye", "handoff": "route", "timeout": "bye"}),
        FlowNode(id="route", type="route", config={"queue": "support", "priority": "5"},
                 exits={"unavailable": "leave"}),
        FlowNode(id="leave", type="voicemail", config={"prompt": _t("请留言。", "Leave a message."),
                                                       "queue": "support", "timeout_s": 30},
                 exits={"done": "thanks"}),
        FlowNode(id="thanks", type="end", config={"text": _t("已收到留言。", "Got it.")}),
        FlowNode(id="bye", type="end", config={"text": _t("再见！", "Bye!")}),
    ]
    return FlowDoc(id=design_id, name="Chat entry 网页入口", entry="start", nodes=nodes)


@asynccontextmanager
async def chat_edge(data_dir: Path) -> AsyncIterator[Any]:
    from edge_server.app import EdgeApp

    cfg = edge_config(data_dir)
    cfg.webchat.queue = "support"
    async with EdgeApp(cfg) as app:
        yield app


async def publish_and_bind(sup: Any, doc: FlowDoc, *, base_version: int = 0) -> int:
    saved = await sup.request(cd.SaveDraft(document=doc, base_version=base_version))
    rev = await sup.request(cd.PublishDesign(design_id=doc.id, draft_version=saved.summary.draft_version,
                                             message="test"))
    await sup.request(cd.SetBinding(binding=cd.Binding(entry_kind=cd.EntryKind.WEBCHAT, entry_key="default",
                                                       design_id=doc.id)))
    return saved.summary.draft_version if rev.number else 0


def bot_texts(v: Visitor) -> list[str]:
    return [msg.text for _, msg in sorted(v.messages.items()) if msg.author_kind == "bot"]


async def bot_says(v: Visitor, needle: str, timeout: float = 10.0) -> None:
    await v.wait_for(lambda: any(needle in t for t in bot_texts(v)), timeout, f"bot to say {needle!r}")


@pytest.fixture
def data_dir(site: Path) -> Path:
    return site


@pytest.mark.asyncio
async def test_a_chat_goes_through_greeting_menu_and_bot_then_reaches_an_agent_with_the_transcript(
        data_dir: Path) -> None:
    async with chat_edge(data_dir) as app, agent(app, "sup", ready=False) as sup, agent(app, "alice") as alice:
        await publish_and_bind(sup, chat_flow())
        async with Visitor(app.webchat.base_url) as v:
            await v.start("你好", name="张伟")
            await bot_says(v, "您好，欢迎！")
            await bot_says(v, "1. 账单")  # menu options are listed for every channel
            await v.send("1")
            await bot_says(v, "请说出您的问题。")
            await v.send("我的发票在哪里？")
            await bot_says(v, "发票会在 24 小时内发到邮箱。")
            await v.send("人工")
            iid = v.interaction.interaction_id if v.interaction else ""
            assert iid
            offer = await accept(alice, iid)
            assert offer.task.queue == "support"
            detail = await alice.request(ci.GetInteraction(interaction_id=iid))
            kinds = [(msg.author_kind.value, msg.text) for msg in detail.messages]
            assert ("customer", "你好") in kinds and ("customer", "人工") in kinds
            assert any(k == "bot" and "发票会在" in t for k, t in kinds), kinds  # the bot's part, on the agent's screen
            trace = await alice.request(cd.GetFlowTrace(interaction_id=iid))
            [execution] = trace.executions
            assert execution.outcome == cd.FlowOutcome.ROUTED and execution.revision == 1
            assert [s.node_id for s in execution.steps] == ["start", "greet", "menu", "bot", "route"]
            assert execution.steps[2].exit == "1" and execution.steps[2].input == "1"


@pytest.mark.asyncio
async def test_with_nobody_logged_in_the_widget_is_open_and_the_message_becomes_a_work_order(data_dir: Path) -> None:
    async with chat_edge(data_dir) as app, agent(app, "sup", ready=False) as sup:
        await publish_and_bind(sup, chat_flow())
        async with Visitor(app.webchat.base_url) as v:
            assert v.welcome is not None and v.welcome.available  # the bot answers with nobody logged in
            await v.start("hello")
            await bot_says(v, "请选择")
            await v.send("2")
            await bot_says(v, "请留言。")
            await v.send("请明天给我回电话 13800138000")
            await bot_says(v, "已收到留言。")
            await v.wait_for(lambda: v.interaction is not None and v.interaction.state == "closed", 10, "closed")

        rows = await app.store.read(flow_reads.work_orders)
        assert len(rows) == 1 and rows[0][0] == "support" and "13800138000" in rows[0][2]


@pytest.mark.asyncio
async def test_a_conversation_finishes_on_the_revision_it_started_on(data_dir: Path) -> None:
    async with chat_edge(data_dir) as app, agent(app, "sup", ready=False) as sup:
        doc = chat_flow(greeting="第一版")
        version = await publish_and_bind(sup, doc)
        async with Visitor(app.webchat.base_url) as first:
            await first.start("hi")
            await bot_says(first, "第一版")
            doc.nodes[1].config["text"] = _t("第二版", "v2")
            saved = await sup.request(cd.SaveDraft(document=doc, base_version=version))
            await sup.request(cd.PublishDesign(design_id=doc.id, draft_version=saved.summary.draft_version,
                                               message="v2"))
            async with Visitor(app.webchat.base_url) as second:
                await second.start("hi")
                await bot_says(second, "第二版")
            await first.send("1")  # the first one is still on revision 1 (the same menu, the same bot)
            await bot_says(first, "请说出您的问题。")
            trace = await sup.request(cd.GetFlowTrace(interaction_id=first.interaction.interaction_id))
            assert trace.executions[0].revision == 1


@pytest.mark.asyncio
async def test_after_a_restart_a_conversation_left_in_a_flow_goes_to_its_queue(data_dir: Path) -> None:
    async with chat_edge(data_dir) as app, agent(app, "sup", ready=False) as sup:
        await publish_and_bind(sup, chat_flow())
        v = Visitor(app.webchat.base_url)
        await v.connect()
        await v.start("你好")
        await bot_says(v, "请选择")
        iid = v.interaction.interaction_id
        await v.drop()
        await v.close()
    async with chat_edge(data_dir) as app, agent(app, "alice") as alice:
        offer = await accept(alice, iid)
        assert offer.task.queue == "support"
        detail = await alice.request(ci.GetInteraction(interaction_id=iid))
        assert any(msg.author_kind == ci.AuthorKind.BOT and "中断" in msg.text for msg in detail.messages)

        # Stopped in order, the old run recorded it; killed, the new one would ("the edge restarted").
        assert await app.store.read(flow_reads.executions_of, iid) == [("failed", "the edge stopped")]


@pytest.mark.asyncio
async def test_an_agent_can_neither_publish_nor_bind(data_dir: Path) -> None:
    async with chat_edge(data_dir) as app, agent(app, "alice", ready=False) as alice:
        for body in (cd.SaveDraft(document=chat_flow()),
                     cd.SetBinding(binding=cd.Binding(entry_kind=cd.EntryKind.WEBCHAT, entry_key="default",
                                                      design_id="chat-entry"))):
            with pytest.raises(SwitchboardError) as err:
                await alice.request(body)
            assert err.value.code == ErrorCode.FORBIDDEN


def test_the_simulated_visitor_asks_for_a_person_in_menus_and_bots() -> None:
    from edge_server.channels.webchat.simulator import _ask_for_agent

    assert _ask_for_agent("请问需要什么帮助？\n1. 账单问题\n2. 购买咨询\n3. 人工客服", "zh") == "3"
    assert _ask_for_agent("How can we help?\n1. Billing\n2. Talk to an agent", "en") == "2"
    assert _ask_for_agent("请说出您的问题。", "zh") == "人工"
    assert _ask_for_agent("Your question?", "en") == "agent"


@pytest.mark.asyncio
async def test_a_simulated_visitor_of_the_demo_gets_through_the_flow_to_an_agent(data_dir: Path) -> None:
    from edge_server.channels.webchat.simulator import Simulator

    async with chat_edge(data_dir) as app, agent(app, "sup", ready=False) as sup, agent(app, "alice") as alice:
        await publish_and_bind(sup, chat_flow())
        sim = Simulator(app.webchat.base_url, 1, data_dir, seed=7)
        async with Visitor(app.webchat.base_url) as v:
            await v.start("你好")
            await sim._through_the_flow(v, "zh")  # the menu: "2. 人工"
            assert v.interaction is not None and v.interaction.state != "flow"
            await accept(alice, v.interaction.interaction_id)
