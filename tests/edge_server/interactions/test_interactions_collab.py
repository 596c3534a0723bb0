"""Transfer, consult and conference, attachments, and recovery after a restart."""
from __future__ import annotations

import hashlib
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


def participant_rows(cur: Any, iid: str) -> list[list[Any]]:
    return [list(r) for r in cur.execute(
        "SELECT username, role, left_ms > 0 FROM participants WHERE interaction_id = ? ORDER BY joined_ms, username",
        [iid]).fetchall()]


def queue_of(cur: Any, iid: str) -> str:
    return cur.execute("SELECT queue FROM interactions WHERE interaction_id = ?", [iid]).fetchone()[0]


@pytest.mark.asyncio
async def test_transfer_to_queue_and_agent_consult_conference(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await import_site(data)
    async with running_edge(data) as app:
        svc = app.interactions
        sink = Sink()
        svc.register_channel("chat", sink)
        async with agent(app, "alice") as alice, agent(app, "bob") as bob, agent(app, "carol") as carol:
            info = await svc.open_interaction(channel="chat", queue="support", identities=visitor("t"), name="Li")
            iid = info.interaction_id
            await accept(alice, iid)
            await svc.customer_message(iid, client_msg_id="c1", text="I want to buy")
            await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="a1", text="One moment"))

            # Consult: carol sees everything, writes internal notes only; the customer never sees her.
            await alice.request(ci.InviteAgent(interaction_id=iid, agent="carol", mode=ci.ParticipantRole.CONSULT,
                                               note="pricing?"))
            invite = await carol.wait(ci.InteractionInvite)
            assert invite.from_agent == "alice" and invite.note == "pricing?"
            mine = await carol.request(ci.ListMyInteractions())
            assert [i.interaction_id for i in mine.invites] == [iid]
            detail = await carol.request(ci.AnswerInvite(interaction_id=iid, accept=True))
            assert [x.text for x in detail.messages][:2] == ["I want to buy", "One moment"]
            assert {p.username: p.role for p in detail.info.participants} == {
                "alice": ci.ParticipantRole.OWNER, "carol": ci.ParticipantRole.CONSULT}
            with pytest.raises(SwitchboardError) as err:
                await carol.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="k1", text="hello customer"))
            assert err.value.code == ErrorCode.FORBIDDEN
            await carol.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="k2", text="10% max",
                                                   private=True))
            await alice.wait(ci.ChatMessage, lambda x: x.text == "10% max")
            await svc.customer_message(iid, client_msg_id="c2", text="ok?")
            await carol.wait(ci.ChatMessage, lambda x: x.text == "ok?")  # the consultant sees the customer
            assert not [x for x in sink.of(ci.ChatMessage, iid) if x.private or "Carol" in x.text]
            await carol.request(ci.LeaveInteraction(interaction_id=iid))
            assert [p.username for p in svc.info(iid).participants] == ["alice"]

            # Conference: carol writes to the customer too.
            await alice.request(ci.InviteAgent(interaction_id=iid, agent="carol",
                                               mode=ci.ParticipantRole.CONFERENCE))
            await carol.request(ci.AnswerInvite(interaction_id=iid, accept=True))
            said = await carol.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="k3", text="Hi, Carol"))
            await wait_for(lambda: any(x.seq == said.seq for x in sink.of(ci.ChatMessage, iid)))
            await carol.request(ci.LeaveInteraction(interaction_id=iid))

            # Transfer to a queue: alice's leg ends without wrap-up, bob (sales) gets the new leg.
            with pytest.raises(SwitchboardError) as err:
                await bob.request(ci.TransferInteraction(interaction_id=iid, to_queue="sales"))
            assert err.value.code == ErrorCode.FORBIDDEN
            await alice.request(ci.TransferInteraction(interaction_id=iid, to_queue="sales", note="wants a quote"))
            ended = await alice.wait(m.TaskEnded, lambda t: t.task_id == iid)
            assert ended.reason == "transferred" and not alice.of(m.WrapUpStarted)
            offer = await bob.wait(m.OfferMade)
            assert offer.task.task_id == f"{iid}.2" and offer.task.interaction_id == iid
            assert offer.task.customer_name == "Li" and offer.task.queue == "sales"
            await bob.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
            await wait_for(lambda: svc.info(iid).state == ci.InteractionState.CONNECTED)
            detail = await bob.request(ci.GetInteraction(interaction_id=iid))
            texts = [x.text for x in detail.messages]
            assert texts[0] == "I want to buy" and "transferred to Sales" in texts and "wants a quote" in texts
            assert [x.seq for x in detail.messages] == list(range(1, len(texts) + 1))
            note = next(x for x in detail.messages if x.text == "wants a quote")
            assert note.private
            assert "transferred to Sales" in [x.text for x in sink.of(ci.ChatMessage, iid)]
            assert "wants a quote" not in [x.text for x in sink.of(ci.ChatMessage, iid)]
            with pytest.raises(SwitchboardError) as err:  # alice is no longer in it
                await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="a9", text="x"))
            assert err.value.code == ErrorCode.FORBIDDEN
            assert await app.store.read(queue_of, iid) == "sales"

            # Transfer to an agent: direct to alice on the current queue.
            await bob.request(ci.TransferInteraction(interaction_id=iid, to_agent="alice"))
            offer = await alice.wait(m.OfferMade, lambda o: o.task.task_id == f"{iid}.3")
            await alice.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
            await wait_for(lambda: svc.info(iid).state == ci.InteractionState.CONNECTED)
            assert [p.username for p in svc.info(iid).participants] == ["alice"]
            targets = await alice.request(ci.ListTransferTargets())
            assert {q.queue for q in targets.queues} == {"support", "sales"}
            assert "alice" not in {a.username for a in targets.agents} and "bob" in {a.username for a in targets.agents}
            await alice.request(ci.EndInteraction(interaction_id=iid))  # sales: no wrap-up -> closed at once
            await wait_for(lambda: svc.info(iid) is None)
            rows = await app.store.read(participant_rows, iid)
            joined = [r[0] for r in rows if not r[1].startswith("invited:")]
            assert joined == ["alice", "carol", "carol", "bob", "alice"]
            assert sorted(r[1] for r in rows if r[1].startswith("invited:")) == ["invited:conference",
                                                                                 "invited:consult"]
            assert all(r[2] for r in rows)  # everyone left when it closed (the answered invites too)


@pytest.mark.asyncio
async def test_attachments_limits_chunks_and_download(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await import_site(data)
    async with running_edge(data, max_attachment_bytes=300 * 1024) as app:
        svc = app.interactions
        sink = Sink()
        svc.register_channel("chat", sink)
        async with agent(app, "alice") as alice:
            iid = (await svc.open_interaction(channel="chat", queue="support", identities=visitor("a"))).interaction_id
            await accept(alice, iid)
            await wait_for(lambda: svc.info(iid).state == ci.InteractionState.CONNECTED)
            # Channel side: one call, limits checked.
            with pytest.raises(SwitchboardError) as err:
                await svc.store_attachment(iid, name="x.exe", content_type="application/x-msdownload", data=b"MZ")
            assert err.value.code == ErrorCode.INVALID_ARGUMENT
            with pytest.raises(SwitchboardError) as err:
                await svc.store_attachment(iid, name="big.txt", content_type="text/plain", data=b"x" * (301 * 1024))
            assert err.value.code == ErrorCode.INVALID_ARGUMENT
            pic = bytes(range(256)) * 100
            att = await svc.store_attachment(iid, name="p.png", content_type="image/png", data=pic)
            assert att.sha256 == hashlib.sha256(pic).hexdigest() and att.size == len(pic)
            found = svc.attachment_path(att.attachment_id)
            assert found is not None and found[1].read_bytes() == pic
            msg = await svc.customer_message(iid, client_msg_id="c1", text="", attachments=[att])
            assert msg.attachments == [att]

            # Agent side: chunked upload (192 KiB + rest), then sent in a message, then downloaded.
            blob = bytes((i * 7) % 251 for i in range(250 * 1024))
            first = await alice.request(ci.UploadAttachment(interaction_id=iid, upload_id="u1", name="r.pdf",
                                                            content_type="application/pdf", offset=0,
                                                            data=blob[:192 * 1024]))
            assert first.received == 192 * 1024 and first.attachment is None
            with pytest.raises(SwitchboardError) as err:  # a gap is refused
                await alice.request(ci.UploadAttachment(interaction_id=iid, upload_id="u1", name="r.pdf",
                                                        content_type="application/pdf", offset=1, data=b"x"))
            assert err.value.code == ErrorCode.CONFLICT
            done = await alice.request(ci.UploadAttachment(interaction_id=iid, upload_id="u1", name="r.pdf",
                                                           content_type="application/pdf", offset=192 * 1024,
                                                           data=blob[192 * 1024:], final=True))
            up = done.attachment
            assert up is not None and up.size == len(blob) and up.sha256 == hashlib.sha256(blob).hexdigest()
            assert (data / "attachments" / up.sha256).read_bytes() == blob
            assert list((data / "attachments" / "tmp").iterdir()) == []
            with pytest.raises(SwitchboardError) as err:  # over the site limit in chunks
                for i in range(2):
                    await alice.request(ci.UploadAttachment(interaction_id=iid, upload_id="u2", name="b.txt",
                                                            content_type="text/plain", offset=i * 192 * 1024,
                                                            data=b"y" * (192 * 1024)))
            assert err.value.code == ErrorCode.INVALID_ARGUMENT
            sent = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="a1", text="your receipt",
                                                          attachment_ids=[up.attachment_id]))
            assert sent.attachments == [up]
            got, offset = b"", 0
            while True:
                chunk = await alice.request(ci.GetAttachment(attachment_id=up.attachment_id, offset=offset))
                got += chunk.data
                offset += len(chunk.data)
                if chunk.eof:
                    break
            assert got == blob
            assert sink.of(ci.ChatMessage, iid)[-1].attachments == [up]


@pytest.mark.asyncio
async def test_restart_keeps_open_interactions_seqs_and_idempotency(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await import_site(data)
    async with running_edge(data) as app:
        svc = app.interactions
        async with agent(app, "alice") as alice:
            connected = await svc.open_interaction(channel="chat", queue="support", identities=visitor("r1"))
            cid = connected.interaction_id
            await accept(alice, cid)
            await wait_for(lambda: svc.info(cid).state == ci.InteractionState.CONNECTED)
            m1 = await svc.customer_message(cid, client_msg_id="c1", text="one")
            await alice.request(ci.SendChatMessage(interaction_id=cid, client_msg_id="a1", text="two"))
            await svc.customer_read(cid, 2)
            await alice.request(m.SetState(state=m.AgentState.NOT_READY))
            waiting = await svc.open_interaction(channel="chat", queue="support", identities=visitor("r2"))
            wid = waiting.interaction_id
            await svc.customer_message(wid, client_msg_id="w1", text="hello?")
            att = await svc.store_attachment(cid, name="n.txt", content_type="text/plain", data=b"note")
    # The same data directory, a new edge: everything open is back, seqs continue, repeats are recognised.
    async with running_edge(data) as app:
        svc = app.interactions
        info = svc.info(cid)
        assert info is not None and info.state == ci.InteractionState.CONNECTED and info.last_seq == 2
        assert [p.username for p in info.participants] == ["alice"] and info.customer_read_seq == 2
        assert svc.info(wid) is not None and svc.info(wid).state == ci.InteractionState.QUEUED
        assert await svc.customer_message(cid, client_msg_id="c1", text="one") == m1
        m3 = await svc.customer_message(cid, client_msg_id="c3", text="three")
        assert m3.seq == 3
        assert svc.attachment_path(att.attachment_id) is not None
        async with agent(app, "alice") as alice:
            mine = await alice.request(ci.ListMyInteractions())
            assert [i.interaction_id for i in mine.interactions] == [cid]
            offer = await alice.wait(m.OfferMade, lambda o: o.task.interaction_id == wid)
            await alice.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
            await wait_for(lambda: svc.info(wid).state == ci.InteractionState.CONNECTED)
            await alice.request(ci.EndInteraction(interaction_id=cid))
            await alice.wait(m.WrapUpStarted, lambda w: w.task_id == cid)
            await alice.request(m.SubmitWrapUp(task_id=cid, code="resolved"))
            await wait_for(lambda: svc.info(cid) is None)
