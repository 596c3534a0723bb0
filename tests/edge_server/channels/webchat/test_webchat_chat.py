"""The conversation over a real WebSocket with the real interactions service and an agent on the bus:
start, both ways, private notes, idempotent resend, resume, tabs, typing, receipts, end and rating."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from edge_server.channels.webchat import WebchatServer
from edge_server.channels.webchat import protocol as p
from edge_server.channels.webchat.visitor import Visitor, VisitorError
from edge_server.contract import interactions as ci
from edge_server.contract import messages as msgs
from edge_server.interactions import reads
from edge_server.interactions.service import InteractionService
from tests.edge_server.channels.webchat.webchat_helpers import (
    AGENT_NAME,
    LIMITS,
    Agent,
    info_of,
    wait_for,
    webchat_cfg,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


def customer_texts(svc: InteractionService, iid: str) -> list[str]:
    live = svc.live(iid)
    assert live is not None
    return [mm.text for mm in live.messages if mm.author_kind == ci.AuthorKind.CUSTOMER]


async def connected(v: Visitor) -> str:
    await v.wait_for(lambda: v.interaction is not None and v.interaction.state == "connected", what="connected")
    assert v.interaction is not None
    return v.interaction.interaction_id


async def test_start_then_chat_both_ways(chat: WebchatServer, svc: InteractionService, bot: Agent) -> None:
    async with Visitor(chat.base_url) as v:
        assert v.welcome is not None and v.welcome.state == "prechat" and v.welcome.available
        assert v.welcome.prechat.phone == "hidden"
        ack = await v.start("Where is my parcel? 我的包裹在哪里", name="Li Lei", email="Li@Example.com")
        assert ack.seq == 1
        iid = ack.interaction_id
        live = svc.live(iid)
        assert live is not None and live.info.channel == ci.Channel.WEBCHAT and live.info.queue == "web"
        assert {k for k, _ in live.identities} == {"web_visitor", "email"}
        assert ("web_visitor", v.visitor_id) in live.identities
        assert live.info.customer_name == "Li Lei"
        # The offer carried the customer before the accept (the screen-pop).
        offer = await bot.wait(msgs.OfferMade, lambda o: o.task.interaction_id == iid)
        assert offer.task.customer_name == "Li Lei" and offer.task.customer_id == live.info.customer_id
        assert await connected(v) == iid
        assert v.interaction is not None and v.interaction.agents == [AGENT_NAME]
        await bot.say(iid, "Let me check")
        await bot.say(iid, "internal: VIP", private=True)
        await bot.say(iid, "It ships today")
        await v.wait_message(lambda m: m.text == "It ships today")
        texts = [v.messages[s].text for s in sorted(v.messages)]
        assert texts == ["Where is my parcel? 我的包裹在哪里", "Let me check", "It ships today"]
        assert sorted(v.messages) == [1, 2, 4]  # seq 3 is the note: it never reaches the visitor
        assert all("VIP" not in f.text for f in v.frames if isinstance(f, p.MessageOut))
        agent_msg = v.messages[2]
        assert agent_msg.author_kind == "agent" and agent_msg.author_name == AGENT_NAME
        await v.send("thanks")
        got = await bot.wait(ci.ChatMessage, lambda mm: mm.text == "thanks")
        assert got.seq == 5 and got.author_kind == ci.AuthorKind.CUSTOMER
        assert customer_texts(svc, iid) == ["Where is my parcel? 我的包裹在哪里", "thanks"]


@pytest.mark.parametrize("lang", ["en-US", "zh-CN"])
async def test_browser_locale_is_shown_never_a_routing_requirement(chat: WebchatServer, bot: Agent,
                                                                   lang: str) -> None:
    # The agent has no languages configured; a browser's "en-US" must still reach them.
    async with Visitor(chat.base_url, client=p.ClientInfo(lang=lang)) as v:
        iid = (await v.start("hello")).interaction_id
        offer = await bot.wait(msgs.OfferMade, lambda o: o.task.interaction_id == iid)
        assert offer.task.attributes["visitor_language"] == lang
        await connected(v)


async def test_resend_after_reconnect_never_duplicates(chat: WebchatServer, svc: InteractionService,
                                                       bot: Agent) -> None:
    async with Visitor(chat.base_url) as v:
        iid = (await v.start("hello", client_msg_id="first")).interaction_id
        a1 = await v.send("once", client_msg_id="cmid-1")
        # The ack was "lost": the widget resends the same frame on the new socket.
        await v.drop()
        await v.connect()
        assert v.welcome is not None and v.welcome.state == "chat"
        a2 = await v.send("once", client_msg_id="cmid-1")
        a3 = await v.start("hello", client_msg_id="first")  # a start resent after it was processed
        assert a2.seq == a1.seq and a3.seq == 1
        assert customer_texts(svc, iid) == ["hello", "once"]
        assert v.duplicates == 0
        # The agent saw each once.
        await connected(v)
        detail = await bot.request(ci.GetInteraction(interaction_id=iid))
        assert [mm.text for mm in detail.messages] == ["hello", "once"]


async def test_resume_returns_exactly_the_missed_messages_in_order(chat: WebchatServer, bot: Agent) -> None:
    async with Visitor(chat.base_url) as v:
        iid = (await v.start("hi")).interaction_id
        await connected(v)
        await bot.say(iid, "a1")
        await v.wait_message(lambda m: m.text == "a1")
        seen = v.last_seq
        await v.drop()
        missed: list[int] = []
        for i in range(5):
            missed.append((await bot.say(iid, f"missed {i}")).seq)
            if i == 2:
                await bot.say(iid, "secret note", private=True)
        v2 = Visitor(chat.base_url, token=v.token)
        async with v2:
            before = len(v2.frames)
            await v2.resume(seen)
            await v2.wait_for(lambda: any(isinstance(f, p.InteractionView) for f in v2.frames[before:]))
            replayed = [f for f in v2.frames[before:] if isinstance(f, p.MessageOut)]
            assert [m.seq for m in replayed] == missed
            assert [m.text for m in replayed] == [f"missed {i}" for i in range(5)]
            view = [f for f in v2.frames[before:] if isinstance(f, p.InteractionView)][-1]
            assert view.state == "connected" and view.last_seq == missed[-1]


async def test_resume_never_shows_a_message_before_it_is_durable(chat: WebchatServer, svc: InteractionService,
                                                                 bot: Agent, monkeypatch: pytest.MonkeyPatch) -> None:
    """A message has its seq before it is on disk; a crash then would give that seq to another message,
    so a resume (or a new tab) in that window must not see it. The journal is held back to open it."""
    async with Visitor(chat.base_url) as v:
        iid = (await v.start("hi")).interaction_id
        await connected(v)
        gate = asyncio.Event()
        real_append = svc.store.append

        def held_append(events: list[object]) -> asyncio.Future[int]:
            durable = real_append(events)  # type: ignore[arg-type]
            out: asyncio.Future[int] = asyncio.get_running_loop().create_future()

            async def release() -> None:
                await gate.wait()
                out.set_result(await durable)
            held.append(asyncio.create_task(release()))
            return out

        held: list[asyncio.Task[None]] = []
        monkeypatch.setattr(svc.store, "append", held_append)
        saying = asyncio.create_task(bot.say(iid, "not on disk yet"))
        await wait_for(lambda: info_of(svc, iid).last_seq == 2 or None, what="seq assigned")
        async with Visitor(chat.base_url, token=v.token) as tab:
            before = len(tab.frames)
            await tab.resume(0)
            await tab.wait_for(lambda: any(isinstance(f, p.InteractionView) for f in tab.frames[before:]))
            assert sorted(tab.messages) == [1]
            detail = await bot.request(ci.GetInteraction(interaction_id=iid))
            assert [mm.seq for mm in detail.messages] == [1]
            gate.set()
            said = await saying
            await tab.wait_message(lambda m: m.seq == said.seq)
            await v.wait_message(lambda m: m.seq == said.seq)
            assert sorted(tab.messages) == [1, 2] and tab.duplicates == 0
        await asyncio.gather(*held)


async def test_auto_reconnect_resumes_and_resends(chat: WebchatServer, bot: Agent) -> None:
    """The client the bench and the crash test use: a dropped socket comes back by itself."""
    async with Visitor(chat.base_url, auto_reconnect=True) as v:
        iid = (await v.start("hi")).interaction_id
        await connected(v)
        conn = next(iter(chat.hub.visitors[v.visitor_id].conns))
        conn.close(1011, "test: server side drop")  # the server drops the socket, not the client
        await v.wait_for(lambda: not v.connected, what="the drop")
        await bot.say(iid, "while away")
        cmid = await v.send_nowait("sent while away")
        await v.wait_for(lambda: v.reconnects == 1 and not v.pending, timeout=10, what="reconnect and ack")
        await v.wait_message(lambda m: m.text == "while away")
        got = await bot.wait(ci.ChatMessage, lambda mm: mm.client_msg_id == cmid)
        assert got.text == "sent while away"
        assert [v.messages[s].text for s in sorted(v.messages)] == ["hi", "while away", "sent while away"]
        assert v.duplicates == 0


async def test_every_tab_gets_the_messages(chat: WebchatServer, svc: InteractionService, bot: Agent) -> None:
    async with Visitor(chat.base_url) as tab1:
        iid = (await tab1.start("from tab 1")).interaction_id
        async with Visitor(chat.base_url, token=tab1.token) as tab2:
            assert tab2.visitor_id == tab1.visitor_id and tab2.welcome is not None
            assert tab2.welcome.state == "chat"
            await connected(tab1)
            await bot.say(iid, "to both")
            await tab1.wait_message(lambda m: m.text == "to both")
            await tab2.wait_message(lambda m: m.text == "to both")
            await tab2.send("from tab 2")
            await tab1.wait_message(lambda m: m.text == "from tab 2")
        # One tab left: the visitor is still online for the agent.
        info = svc.info(iid)
        assert info is not None and info.customer_online
    # The last tab closed: the agent sees the customer offline.
    await wait_for(lambda: not info_of(svc, iid).customer_online or None, what="customer offline")
    await bot.wait(ci.InteractionInfo, lambda i: i.interaction_id == iid and not i.customer_online)


async def test_typing_receipts_and_read(chat: WebchatServer, svc: InteractionService, bot: Agent) -> None:
    async with Visitor(chat.base_url) as v:
        iid = (await v.start("hi")).interaction_id
        await connected(v)
        await bot.request(ci.SetTyping(interaction_id=iid, typing=True))
        t = await v.wait_frame(p.TypingOut)
        assert t.on and t.name == AGENT_NAME
        await v.typing(True)
        await bot.wait(ci.TypingChanged, lambda x: x.interaction_id == iid and x.typing
                       and x.author_kind == ci.AuthorKind.CUSTOMER)
        await v.typing(False)
        await bot.wait(ci.TypingChanged, lambda x: x.interaction_id == iid and not x.typing
                       and x.author_kind == ci.AuthorKind.CUSTOMER)
        await bot.request(ci.MarkRead(interaction_id=iid, seq=1))
        await v.wait_for(lambda: v.interaction is not None and v.interaction.agent_read_seq == 1, what="✓✓")
        await bot.say(iid, "yo")
        m = await v.wait_message(lambda m: m.text == "yo")
        await v.read(m.seq)
        await wait_for(lambda: info_of(svc, iid).customer_read_seq == m.seq or None, what="customer read")
        await bot.wait(ci.InteractionInfo, lambda i: i.interaction_id == iid and i.customer_read_seq == m.seq)
        await v.read(999)  # beyond the last seq: ignored, no error
        await v.send("still here")
        info = svc.info(iid)
        assert info is not None and info.customer_read_seq == m.seq and not v.errors()


async def test_html_is_delivered_as_text(chat: WebchatServer, svc: InteractionService, bot: Agent) -> None:
    evil = '<img src=x onerror=alert(1)>'
    async with Visitor(chat.base_url) as v:
        iid = (await v.start(evil)).interaction_id
        await connected(v)
        await bot.say(iid, "<script>alert(2)</script>")
        m = await v.wait_message(lambda m: m.author_kind == "agent")
        assert m.text == "<script>alert(2)</script>"  # unchanged text; the widget renders it with textContent
        assert v.messages[1].text == evil
        assert customer_texts(svc, iid) == [evil]
        seen = await bot.request(ci.GetInteraction(interaction_id=iid))
        assert seen.messages[0].text == evil


async def test_agent_end_then_rating_once(chat: WebchatServer, svc: InteractionService, bot: Agent) -> None:
    async with Visitor(chat.base_url) as v:
        iid = (await v.start("hi")).interaction_id
        await connected(v)
        await bot.request(ci.EndInteraction(interaction_id=iid))
        await v.wait_for(lambda: v.interaction is not None and v.interaction.state == "wrapup", what="wrapup")
        with pytest.raises(VisitorError) as e:
            await v.send("after the end")
        assert e.value.code == "conflict"
        await v.rate(5, "很好 great")  # the rating form shows from wrap-up on
        with pytest.raises(VisitorError) as e:
            await v.rate(1)
        assert e.value.code == "conflict"
        wrap = await bot.wait(msgs.WrapUpStarted, lambda w: w.task_id == iid)
        await bot.request(msgs.SubmitWrapUp(task_id=wrap.task_id, code="resolved", notes="rated 5"))
        await v.wait_for(lambda: v.interaction is not None and v.interaction.state == "closed", what="closed")
        row = await svc.store.read(reads.interaction_row, iid)
        assert row is not None and row.state == "closed" and row.rating == 5
        with pytest.raises(VisitorError) as e:
            await v.rate(2)  # closed and rated: still once
        assert e.value.code == "conflict"
    # Coming back later: the closed chat is announced so the widget can still show its end.
    async with Visitor(chat.base_url, token=v.token) as again:
        assert again.welcome is not None and again.welcome.state == "prechat"
        await again.resume(0)
        await again.wait_for(lambda: again.interaction is not None and again.interaction.state == "closed")


async def test_bad_score_and_leave(chat: WebchatServer, svc: InteractionService, bot: Agent) -> None:
    async with Visitor(chat.base_url) as v:
        iid = (await v.start("hi")).interaction_id
        await connected(v)
        with pytest.raises(VisitorError) as e:
            await v.rate(9)
        assert e.value.code == "invalid_argument"
        await v.leave()
        left = await bot.wait(ci.ChatMessage, lambda mm: mm.interaction_id == iid
                              and mm.author_kind == ci.AuthorKind.SYSTEM)
        assert left.text == "customer left"
        live = svc.live(iid)
        assert live is not None and live.customer_left and not live.info.customer_online


async def test_start_validation(tmp_path: Path, svc: InteractionService) -> None:
    async with WebchatServer(webchat_cfg(prechat_name="required", prechat_phone="optional"), svc,
                             data_dir=tmp_path, site_name="x", limits=LIMITS) as srv:
        async with Visitor(srv.base_url) as v:
            with pytest.raises(VisitorError, match="name"):
                await v.start("hi")
            with pytest.raises(VisitorError, match="empty"):
                await v.start("   ", name="A")
            with pytest.raises(VisitorError, match="longer"):
                await v.start("x" * 5000, name="A")
            assert not svc.live_all()
            iid = (await v.start("hi", name="A", phone="138 0013 8000")).interaction_id
            live = svc.live(iid)
            assert live is not None
            # Normalised by the customers service (E.164 in the site's region), not by the web chat.
            assert ("phone", "+8613800138000") in live.identities
