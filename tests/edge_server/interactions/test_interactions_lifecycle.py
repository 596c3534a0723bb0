"""The interaction lifecycle on a real edge: open → offer → accept → chat → end → wrap-up → closed."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from edge_server.contract.errors import ErrorCode, SwitchboardError
from tests.edge_server.interactions.interactions_helpers import (
    Sink,
    accept,
    agent,
    import_site,
    running_edge,
    visitor,
    wait_for,
)


def interaction_row(cur: Any, iid: str) -> list[Any] | None:
    r = cur.execute(
        """SELECT state, disposition, notes, follow_up, summary, message_count, agent, rating, rating_comment,
                  customer_id FROM interactions WHERE interaction_id = ?""", [iid]).fetchone()
    return None if r is None else list(r)


def message_rows(cur: Any, iid: str) -> list[list[Any]]:
    return [list(r) for r in cur.execute(
        "SELECT seq, author_kind, body, private FROM messages WHERE interaction_id = ? ORDER BY seq", [iid]).fetchall()]


@pytest.mark.asyncio
async def test_open_offer_accept_chat_end_wrapup_close(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await import_site(data)
    async with running_edge(data) as app:
        svc = app.interactions
        sink = Sink()
        svc.register_channel("chat", sink)
        async with agent(app, "alice") as alice:
            assert svc.availability("support") == (True, 1)
            info = await svc.open_interaction(channel="chat", queue="support", identities=visitor("1"),
                                              name="王小明", subject="账单")
            iid = info.interaction_id
            assert info.state in (ci.InteractionState.QUEUED, ci.InteractionState.OFFERED) and info.customer_id
            # The screen-pop needs the customer before accept: the offer carries it.
            offer = await alice.wait(m.OfferMade)
            assert offer.task.interaction_id == iid and offer.task.customer_id == info.customer_id
            assert offer.task.customer_name == "王小明" and offer.task.task_id == iid
            await wait_for(lambda: svc.info(iid).state == ci.InteractionState.OFFERED)
            # The customer writes while waiting; the offered agent may preview it.
            first = await svc.customer_message(iid, client_msg_id="c1", text="<b>你好</b>")
            assert first.seq == 1 and first.text == "<b>你好</b>"  # stored as given; renderers escape
            again = await svc.customer_message(iid, client_msg_id="c1", text="<b>你好</b>")
            assert again == first  # idempotent: the stored message, no duplicate
            preview = await alice.request(ci.GetInteraction(interaction_id=iid))
            assert [x.seq for x in preview.messages] == [1]
            await alice.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
            await wait_for(lambda: svc.info(iid).state == ci.InteractionState.CONNECTED)
            assert [p.username for p in svc.info(iid).participants] == ["alice"]
            connected = [i for i in sink.of(ci.InteractionInfo, iid) if i.state == ci.InteractionState.CONNECTED]
            assert connected and connected[-1].participants[0].display_name == "Alice Wang 王丽"

            reply = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="a1", text="您好"))
            assert isinstance(reply, ci.ChatMessage) and reply.seq == 2 and reply.author == "alice"
            dup = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="a1", text="您好"))
            assert dup.seq == 2
            note = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="a2",
                                                          text="VIP, be nice", private=True))
            assert note.private and note.seq == 3
            await svc.customer_message(iid, client_msg_id="c2", text="谢谢")
            # Pushed to the participant from accept on (seq 1 came while offered: get_interaction has it).
            await wait_for(lambda: len(alice.of(ci.ChatMessage)) >= 3)
            assert [x.seq for x in alice.of(ci.ChatMessage)] == [2, 3, 4]
            chat_to_customer = sink.of(ci.ChatMessage, iid)
            assert [x.seq for x in chat_to_customer] == [1, 2, 4]  # the note never reaches the channel
            assert all(not x.private for x in chat_to_customer)
            assert [x.seq for x in await svc.messages_after(iid, 0)] == [1, 2, 4]
            assert [x.seq for x in await svc.messages_after(iid, 2)] == [4]

            with pytest.raises(SwitchboardError) as err:
                await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="a3", text="  "))
            assert err.value.code == ErrorCode.INVALID_ARGUMENT
            with pytest.raises(SwitchboardError) as err:
                await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="a4", text="x" * 4001))
            assert err.value.code == ErrorCode.INVALID_ARGUMENT

            # Receipts and typing both ways.
            await svc.customer_read(iid, 2)
            await alice.request(ci.MarkRead(interaction_id=iid, seq=4))
            assert svc.info(iid).customer_read_seq == 2 and svc.info(iid).agent_read_seq == 4
            await alice.request(ci.SetTyping(interaction_id=iid, typing=True))
            await wait_for(lambda: sink.of(ci.TypingChanged, iid))
            svc.customer_typing(iid, True)
            await alice.wait(ci.TypingChanged, lambda t: t.author_kind == ci.AuthorKind.CUSTOMER and t.typing)

            with pytest.raises(SwitchboardError) as err:
                await svc.rate(iid, 5)
            assert err.value.code == ErrorCode.CONFLICT  # not before the chat has ended

            await alice.request(ci.EndInteraction(interaction_id=iid))
            await wait_for(lambda: svc.info(iid).state == ci.InteractionState.WRAPUP)
            assert sink.of(ci.InteractionInfo, iid)[-1].state == ci.InteractionState.WRAPUP
            with pytest.raises(SwitchboardError) as err:
                await svc.customer_message(iid, client_msg_id="c3", text="still there?")
            assert err.value.code == ErrorCode.CONFLICT
            await svc.rate(iid, 4, "fast")
            with pytest.raises(SwitchboardError) as err:
                await svc.rate(iid, 5)
            assert err.value.code == ErrorCode.CONFLICT  # once
            await alice.wait(m.WrapUpStarted, lambda w: w.task_id == iid)
            await alice.request(m.SubmitWrapUp(task_id=iid, code="resolved", notes="refund promised",
                                               follow_up=True))
            await wait_for(lambda: svc.info(iid) is None)
            assert sink.of(ci.InteractionInfo, iid)[-1].state == ci.InteractionState.CLOSED
            closed = await alice.wait(ci.InteractionInfo, lambda i: i.state == ci.InteractionState.CLOSED)
            assert closed.interaction_id == iid

            row = await app.store.read(interaction_row, iid)
            assert row == ["closed", "resolved", "refund promised", True, "<b>你好</b>", 4, "alice", 4, "fast",
                           info.customer_id]
            assert await app.store.read(message_rows, iid) == [
                [1, "customer", "<b>你好</b>", False], [2, "agent", "您好", False], [3, "agent", "VIP, be nice", True],
                [4, "customer", "谢谢", False]]
            # Closed: still readable by its participant from the store, with the whole transcript.
            detail = await alice.request(ci.GetInteraction(interaction_id=iid))
            assert detail.info.state == ci.InteractionState.CLOSED and len(detail.messages) == 4
            assert detail.customer is not None and detail.customer.name == "王小明"


@pytest.mark.asyncio
async def test_customer_left_before_connect_cancels_and_non_participants_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await import_site(data)
    async with running_edge(data) as app:
        svc = app.interactions
        sink = Sink()
        svc.register_channel("chat", sink)
        async with agent(app, "alice") as alice, agent(app, "bob") as bob:
            info = await svc.open_interaction(channel="chat", queue="support", identities=visitor("2"))
            iid = info.interaction_id
            offer = await alice.wait(m.OfferMade)
            with pytest.raises(SwitchboardError) as err:  # bob has nothing to do with it
                await bob.request(ci.GetInteraction(interaction_id=iid))
            assert err.value.code == ErrorCode.FORBIDDEN
            await svc.customer_left(iid)
            await alice.wait(m.OfferRescinded, lambda r: r.offer_id == offer.offer_id)
            assert svc.info(iid) is None and app.work.engine.task_state(iid) is None
            assert sink.of(ci.InteractionInfo, iid)[-1].state == ci.InteractionState.CLOSED
            row = await app.store.read(interaction_row, iid)
            assert row[0] == "closed"
            stats = app.work.engine.queue_stats("support")
            assert stats is not None and stats.abandoned == 1

            # After connect, leaving only tells the agent; the agent still closes it.
            info = await svc.open_interaction(channel="chat", queue="support", identities=visitor("3"))
            iid = info.interaction_id
            await accept(alice, iid)
            await wait_for(lambda: svc.info(iid).state == ci.InteractionState.CONNECTED)
            await svc.customer_left(iid)
            assert svc.info(iid).state == ci.InteractionState.CONNECTED and not svc.info(iid).customer_online
            await alice.wait(ci.ChatMessage, lambda x: x.author_kind == ci.AuthorKind.SYSTEM and x.interaction_id == iid)
            with pytest.raises(SwitchboardError) as err:
                await bob.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="b1", text="hi"))
            assert err.value.code == ErrorCode.FORBIDDEN


@pytest.mark.asyncio
async def test_unavailable_and_offline_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await import_site(data)
    async with running_edge(data) as app:
        svc = app.interactions
        assert svc.availability("support") == (True, 0)
        with pytest.raises(SwitchboardError) as err:
            await svc.open_interaction(channel="chat", queue="support", identities=visitor("4"))
        assert err.value.code == ErrorCode.UNAVAILABLE
        info = await svc.leave_offline_message(channel="chat", queue="support", identities=visitor("4"),
                                               name="Zhang", text="call me back")
        assert info.state == ci.InteractionState.CLOSED
        row = await app.store.read(interaction_row, info.interaction_id)
        assert row[:6] == ["closed", "offline_message", "", True, "call me back", 1]
