"""An agent logging out releases their chats; pending invites survive a restart; the SLA target travels."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.interactions.service import AGENT_LEFT_TEXT
from tests.edge_server.interactions.interactions_helpers import (
    PASSWORD,
    SITE,
    Sink,
    accept,
    agent,
    import_site,
    running_edge,
    visitor,
    wait_for,
)

# Distinct service-level targets per queue, and a second agent who can take support chats.
_SITE = (SITE.replace('wrapup_codes = ["resolved"], offer_timeout_s = 30', 'wrapup_codes = ["resolved"], '
                      'offer_timeout_s = 30, sl_target_s = 30')
         .replace('routing = { channel = "chat", offer_timeout_s = 30 }',
                  'routing = { channel = "chat", offer_timeout_s = 30, sl_target_s = 45 }')
         + f"""
[[users]]
username = "dave"
display_name = "Dave"
password = "{PASSWORD}"
skills = {{ billing = 1 }}
""")


def participant_rows(cur: Any, iid: str) -> list[tuple[str, str, bool]]:
    return [tuple(r) for r in cur.execute(
        "SELECT username, role, left_ms > 0 FROM participants WHERE interaction_id = ? ORDER BY joined_ms, role",
        [iid]).fetchall()]


def state_of(cur: Any, iid: str) -> str:
    return cur.execute("SELECT state FROM interactions WHERE interaction_id = ?", [iid]).fetchone()[0]


async def _open(svc: Any, queue: str, who: str) -> str:
    info = await svc.open_interaction(channel="chat", queue=queue, identities=visitor(who), name=who)
    return info.interaction_id


@pytest.mark.asyncio
async def test_logout_requeues_owned_chats_ends_participations_invites_and_wrapups(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await import_site(data, _SITE)
    async with running_edge(data) as app:
        svc = app.interactions
        sink = Sink()
        svc.register_channel("chat", sink)
        async with agent(app, "alice") as alice, agent(app, "bob") as bob, \
                agent(app, "dave", ready=False) as dave, agent(app, "sup", ready=False) as sup:
            owned = await _open(svc, "support", "owned")
            await accept(alice, owned)
            await wait_for(lambda: svc.info(owned).state == ci.InteractionState.CONNECTED)
            assert svc.info(owned).sl_target_s == 30.0
            await svc.customer_message(owned, client_msg_id="c1", text="where is my parcel")
            wrapping = await _open(svc, "support", "wrapping")
            await accept(alice, wrapping)
            await wait_for(lambda: svc.info(wrapping).state == ci.InteractionState.CONNECTED)
            await alice.request(ci.EndInteraction(interaction_id=wrapping))
            await wait_for(lambda: svc.info(wrapping).state == ci.InteractionState.WRAPUP)
            conf = await _open(svc, "sales", "conf")
            await accept(bob, conf)
            await wait_for(lambda: svc.info(conf).state == ci.InteractionState.CONNECTED)
            await bob.request(ci.InviteAgent(interaction_id=conf, agent="alice", mode=ci.ParticipantRole.CONFERENCE))
            await alice.request(ci.AnswerInvite(interaction_id=conf, accept=True))
            pending = await _open(svc, "sales", "pending")
            await accept(bob, pending)
            await wait_for(lambda: svc.info(pending).state == ci.InteractionState.CONNECTED)
            await bob.request(ci.InviteAgent(interaction_id=pending, agent="alice"))
            await alice.wait(ci.InteractionInvite, lambda i: i.interaction_id == pending)

            await alice.client.logout()

            # The owned chat is a new leg queued on its queue; the customer was told; alice left it.
            await wait_for(lambda: svc.info(owned).state == ci.InteractionState.QUEUED)
            info = svc.info(owned)
            assert info.task_id == f"{owned}.2" and info.participants == [] and info.queue == "support"
            told = [x for x in sink.of(ci.ChatMessage, owned) if x.text == AGENT_LEFT_TEXT]
            assert len(told) == 1 and told[0].author_kind == ci.AuthorKind.SYSTEM and not told[0].private
            # Alice's wrap-up ended with her session (routing), and the interaction closed.
            await wait_for(lambda: svc.info(wrapping) is None)
            assert await app.store.read(state_of, wrapping) == "closed"
            # Her conference seat ended (the customer sees she left); her pending invite expired.
            assert [p.username for p in svc.info(conf).participants] == ["bob"]
            assert any(x.text == "Alice Wang 王丽 left" and not x.private for x in sink.of(ci.ChatMessage, conf))
            assert "alice" not in svc.live(pending).invites
            assert sorted(await app.store.read(participant_rows, pending)) == sorted([
                ("bob", "owner", False), ("alice", "invited:consult", True)])
            assert await app.store.read(participant_rows, owned) == [("alice", "owner", True)]

            # Dave takes the new leg and sees the whole transcript.
            await dave.request(m.SetState(state=m.AgentState.READY))
            offer = await dave.wait(m.OfferMade, lambda o: o.task.interaction_id == owned)
            assert offer.task.task_id == f"{owned}.2"
            await dave.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
            await wait_for(lambda: svc.info(owned).state == ci.InteractionState.CONNECTED)
            detail = await dave.request(ci.GetInteraction(interaction_id=owned))
            assert [x.text for x in detail.messages] == ["where is my parcel", AGENT_LEFT_TEXT]
            assert [p.username for p in detail.info.participants] == ["dave"]

            # A supervisor forcing dave out does the same (third leg, waiting: nobody else can take it).
            await sup.request(m.ForceState(username="dave", state=m.AgentState.LOGGED_OUT))
            await wait_for(lambda: svc.info(owned).task_id == f"{owned}.3")
            assert svc.info(owned).state == ci.InteractionState.QUEUED
            assert [x.text for x in sink.of(ci.ChatMessage, owned)].count(AGENT_LEFT_TEXT) == 2
            assert app.work.engine.task_state(f"{owned}.3") == "waiting"

            # Logging in again elsewhere is a desktop coming back, not a logout: bob keeps his chats.
            async with agent(app, "bob", ready=False) as bob2:
                mine = await bob2.request(ci.ListMyInteractions())
                assert {i.interaction_id for i in mine.interactions} == {conf, pending}
            assert svc.info(conf).participants[0].username == "bob"
            with pytest.raises(SwitchboardError) as err:  # the old desktop was kicked
                await bob.request(ci.ListMyInteractions())
            assert err.value.code in (ErrorCode.NOT_LOGGED_IN, ErrorCode.SESSION_UNKNOWN, ErrorCode.UNAVAILABLE)


@pytest.mark.asyncio
async def test_pending_invites_survive_a_restart_and_sla_target_follows_transfers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await import_site(data, _SITE)
    async with running_edge(data) as app:
        svc = app.interactions
        async with agent(app, "alice") as alice, agent(app, "bob", ready=False) as bob, \
                agent(app, "carol", ready=False) as carol:
            iid = await _open(svc, "support", "inv")
            await accept(alice, iid)
            await wait_for(lambda: svc.info(iid).state == ci.InteractionState.CONNECTED)
            await alice.request(ci.InviteAgent(interaction_id=iid, agent="carol", mode=ci.ParticipantRole.CONSULT,
                                               note="refund rules?"))
            await alice.request(ci.InviteAgent(interaction_id=iid, agent="bob",
                                               mode=ci.ParticipantRole.CONFERENCE))
            await bob.wait(ci.InteractionInvite)
            await bob.request(ci.AnswerInvite(interaction_id=iid, accept=False))
            await carol.wait(ci.InteractionInvite)
            moved = await _open(svc, "support", "moved")
            await accept(alice, moved)
            await wait_for(lambda: svc.info(moved).state == ci.InteractionState.CONNECTED)
            assert svc.info(moved).sl_target_s == 30.0
            await alice.request(ci.TransferInteraction(interaction_id=moved, to_queue="sales"))
            await wait_for(lambda: svc.info(moved).queue == "sales")
            assert svc.info(moved).sl_target_s == 45.0
            got = await alice.wait(ci.InteractionInfo, lambda i: i.interaction_id == moved and i.queue == "sales")
            assert got.sl_target_s == 45.0  # pushed to the leaving owner with the new queue's target
            assert await app.store.read(participant_rows, iid) == [
                ("alice", "owner", False), ("carol", "invited:consult", False), ("bob", "invited:conference", True)]

    async with running_edge(data) as app:
        svc = app.interactions
        live = svc.live(iid)
        assert live is not None and set(live.invites) == {"carol"}  # the declined one is not back
        inv = live.invites["carol"]
        assert (inv.from_agent, inv.mode) == ("alice", ci.ParticipantRole.CONSULT)
        assert svc.info(moved).queue == "sales" and svc.info(moved).sl_target_s == 45.0
        assert svc.info(iid).sl_target_s == 30.0
        async with agent(app, "carol", ready=False) as carol:
            mine = await carol.request(ci.ListMyInteractions())
            assert [(i.interaction_id, i.from_agent, i.mode) for i in mine.invites] == [
                (iid, "alice", ci.ParticipantRole.CONSULT)]
            detail = await carol.request(ci.AnswerInvite(interaction_id=iid, accept=True))
            assert {p.username: p.role for p in detail.info.participants} == {
                "alice": ci.ParticipantRole.OWNER, "carol": ci.ParticipantRole.CONSULT}
        rows = await app.store.read(participant_rows, iid)
        assert ("carol", "invited:consult", True) in rows and ("carol", "consult", False) in rows
    # Accepted: after another restart carol is a participant, no invite is pending.
    async with running_edge(data) as app:
        live = app.interactions.live(iid)
        assert live is not None and live.invites == {}
        assert {p.username for p in live.info.participants} == {"alice", "carol"}

