"""The conversation over a real WebSocket: start, both ways, idempotent resend, resume, tabs, receipts."""
from __future__ import annotations

import asyncio

import pytest

from edge_server.channels.webchat import WebchatServer
from edge_server.channels.webchat import protocol as p
from edge_server.channels.webchat.visitor import Visitor, VisitorError
from edge_server.contract.interactions import IdentityKind
from tests.edge_server.channels.webchat.fake_interactions import FakeInteractions


@pytest.mark.asyncio
async def test_start_then_chat_both_ways(chat: WebchatServer, fake: FakeInteractions) -> None:
    async with Visitor(chat.base_url) as v:
        assert v.welcome is not None and v.welcome.state == "prechat" and v.welcome.available
        assert v.welcome.prechat.phone == "hidden"
        ack = await v.start("Where is my parcel? 我的包裹在哪里", name="Li Lei", email="li@example.com")
        assert ack.seq == 1
        iid = fake.only()
        kinds = {i.kind for i in fake.live[iid].identities}
        assert kinds == {IdentityKind.WEB_VISITOR, IdentityKind.EMAIL}
        assert fake.live[iid].name == "Li Lei"
        fake.agent_accept(iid)
        await v.wait_for(lambda: v.interaction is not None and v.interaction.state == "connected")
        assert v.interaction is not None and v.interaction.agents == ["Alice 爱丽丝"]
        fake.agent_say(iid, "Let me check")
        fake.agent_say(iid, "internal: VIP", private=True)
        fake.agent_say(iid, "It ships today")
        await v.wait_message(lambda m: m.text == "It ships today")
        texts = [v.messages[s].text for s in sorted(v.messages)]
        assert texts == ["Where is my parcel? 我的包裹在哪里", "Let me check", "It ships today"]
        assert all("VIP" not in f.text for f in v.frames if isinstance(f, p.MessageOut))
        agent_msg = v.messages[2]
        assert agent_msg.author_kind == "agent" and agent_msg.author_name == "Alice 爱丽丝"
        await v.send("thanks")
        assert [m.text for m in fake.live[iid].messages if m.author_kind == "customer"] == [
            "Where is my parcel? 我的包裹在哪里", "thanks"]


@pytest.mark.asyncio
async def test_resend_after_reconnect_never_duplicates(chat: WebchatServer, fake: FakeInteractions) -> None:
    async with Visitor(chat.base_url) as v:
        await v.start("hello", client_msg_id="first")
        iid = fake.only()
        a1 = await v.send("once", client_msg_id="cmid-1")
        # The ack was "lost": the widget resends the same frame on the new socket.
        await v.drop()
        await v.connect()
        assert v.welcome is not None and v.welcome.state == "chat"
        a2 = await v.send("once", client_msg_id="cmid-1")
        a3 = await v.start("hello", client_msg_id="first")  # a start resent after it was processed
        assert a2.seq == a1.seq and a3.seq == 1
        texts = [m.text for m in fake.live[iid].messages]
        assert texts == ["hello", "once"]
        assert v.duplicates == 0


@pytest.mark.asyncio
async def test_resume_returns_exactly_the_missed_messages_in_order(chat: WebchatServer,
                                                                    fake: FakeInteractions) -> None:
    async with Visitor(chat.base_url) as v:
        await v.start("hi")
        iid = fake.only()
        fake.agent_accept(iid)
        fake.agent_say(iid, "a1")
        await v.wait_message(lambda m: m.text == "a1")
        seen = v.last_seq
        await v.drop()
        missed = [fake.agent_say(iid, f"missed {i}").seq for i in range(5)]
        fake.agent_say(iid, "secret note", private=True)
        v2 = Visitor(chat.base_url, token=v.token)
        async with v2:
            before = len(v2.frames)
            await v2.resume(seen)
            await v2.wait_for(lambda: any(isinstance(f, p.InteractionView) for f in v2.frames[before:]))
            replayed = [f for f in v2.frames[before:] if isinstance(f, p.MessageOut)]
            assert [m.seq for m in replayed] == missed
            assert [m.text for m in replayed] == [f"missed {i}" for i in range(5)]
            view = [f for f in v2.frames[before:] if isinstance(f, p.InteractionView)][-1]
            assert view.state == "connected" and view.last_seq == missed[-1] + 1


@pytest.mark.asyncio
async def test_every_tab_gets_the_messages(chat: WebchatServer, fake: FakeInteractions) -> None:
    async with Visitor(chat.base_url) as tab1:
        await tab1.start("from tab 1")
        async with Visitor(chat.base_url, token=tab1.token) as tab2:
            assert tab2.visitor_id == tab1.visitor_id and tab2.welcome is not None
            assert tab2.welcome.state == "chat"
            iid = fake.only()
            fake.agent_accept(iid)
            fake.agent_say(iid, "to both")
            await tab1.wait_message(lambda m: m.text == "to both")
            await tab2.wait_message(lambda m: m.text == "to both")
            await tab2.send("from tab 2")
            await tab1.wait_message(lambda m: m.text == "from tab 2")
        # Presence: one tab left, the visitor is still online.
        assert (iid, False) not in fake.presence
    await asyncio.sleep(0)  # the server notices the close
    async with asyncio.timeout(5):
        while (iid, False) not in fake.presence:
            await asyncio.sleep(0.02)


@pytest.mark.asyncio
async def test_typing_receipts_and_read(chat: WebchatServer, fake: FakeInteractions) -> None:
    async with Visitor(chat.base_url) as v:
        await v.start("hi")
        iid = fake.only()
        fake.agent_accept(iid)
        fake.agent_typing(iid, True)
        t = await v.wait_frame(p.TypingOut)
        assert t.on and t.name == "Alice 爱丽丝"
        await v.typing(True)
        await v.typing(False)
        async with asyncio.timeout(5):
            while fake.typing != [(iid, True), (iid, False)]:
                await asyncio.sleep(0.02)
        fake.agent_read(iid, 1)
        await v.wait_for(lambda: v.interaction is not None and v.interaction.agent_read_seq == 1)
        fake.agent_say(iid, "yo")
        m = await v.wait_message(lambda m: m.text == "yo")
        await v.read(m.seq)
        async with asyncio.timeout(5):
            while fake.live[iid].info.customer_read_seq != m.seq:
                await asyncio.sleep(0.02)
        await v.read(999)  # beyond the last seq: ignored, no error
        await v.send("still here")
        assert fake.live[iid].info.customer_read_seq == m.seq


@pytest.mark.asyncio
async def test_html_is_delivered_as_text(chat: WebchatServer, fake: FakeInteractions) -> None:
    evil = '<img src=x onerror=alert(1)>'
    async with Visitor(chat.base_url) as v:
        await v.start(evil)
        iid = fake.only()
        fake.agent_accept(iid)
        fake.agent_say(iid, "<script>alert(2)</script>")
        m = await v.wait_message(lambda m: m.author_kind == "agent")
        assert m.text == "<script>alert(2)</script>"  # unchanged text; the widget renders it with textContent
        assert v.messages[1].text == evil
        assert fake.live[iid].messages[0].text == evil


@pytest.mark.asyncio
async def test_agent_end_then_rating_once(chat: WebchatServer, fake: FakeInteractions) -> None:
    async with Visitor(chat.base_url) as v:
        await v.start("hi")
        iid = fake.only()
        fake.agent_accept(iid)
        fake.agent_end(iid)
        await v.wait_for(lambda: v.interaction is not None and v.interaction.state == "closed")
        await v.rate(5, "很好 great")
        assert fake.ratings[iid] == (5, "很好 great")
        with pytest.raises(VisitorError) as e:
            await v.rate(1)
        assert e.value.code == "conflict"
        with pytest.raises(VisitorError) as e:
            await v.send("after close")
        assert e.value.code == "conflict"
    # Coming back later: the closed chat is announced so the widget can still show its end.
    async with Visitor(chat.base_url, token=v.token) as again:
        assert again.welcome is not None and again.welcome.state == "prechat"
        await again.resume(0)
        await again.wait_for(lambda: again.interaction is not None and again.interaction.state == "closed")


@pytest.mark.asyncio
async def test_bad_score_and_leave(chat: WebchatServer, fake: FakeInteractions) -> None:
    async with Visitor(chat.base_url) as v:
        await v.start("hi")
        with pytest.raises(VisitorError) as e:
            await v.rate(9)
        assert e.value.code == "invalid_argument"
        await v.leave()
        assert fake.left == [fake.only()]


@pytest.mark.asyncio
async def test_start_validation(tmp_path, fake: FakeInteractions) -> None:  # noqa: ANN001
    from tests.edge_server.channels.webchat.conftest import LIMITS, webchat_cfg

    async with WebchatServer(webchat_cfg(prechat_name="required", prechat_phone="optional"), fake,
                             data_dir=tmp_path, site_name="x", limits=LIMITS) as srv:
        async with Visitor(srv.base_url) as v:
            with pytest.raises(VisitorError, match="name"):
                await v.start("hi")
            with pytest.raises(VisitorError, match="empty"):
                await v.start("   ", name="A")
            with pytest.raises(VisitorError, match="longer"):
                await v.start("x" * 5000, name="A")
            assert not fake.live
            await v.start("hi", name="A", phone="138 0013 8000")
            kinds = {i.kind.value: i.value for i in fake.live[fake.only()].identities}
            assert kinds["phone"] == "138 0013 8000"  # normalised by the customers service, not here
