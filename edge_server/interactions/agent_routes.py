"""The agents' requests on interactions: read, chat, receipts, attachments, end, transfer, invite.

Only participants (or supervisors) may read or write an interaction; an agent
with an offer ringing for it may read it (the screen-pop before accept).
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from edge_server.contract import events as ev
from edge_server.contract import interactions as ci
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.interactions import AuthorKind, InteractionState, ParticipantRole
from edge_server.contract.messages import Ok, Role
from edge_server.interactions import reads
from edge_server.interactions.live import Live

if TYPE_CHECKING:
    from edge_server.bus.server import Connection
    from edge_server.interactions.service import InteractionService

log = logging.getLogger("sb.interactions")


def _forbidden(iid: str) -> SwitchboardError:
    return SwitchboardError(ErrorCode.FORBIDDEN, "you are not a participant of this interaction", interaction_id=iid)


class AgentRoutes:
    def __init__(self, svc: InteractionService) -> None:
        self._svc = svc
        self.routes: dict[str, Any] = {
            "get_interaction": self.get_interaction,
            "list_my_interactions": self.list_my_interactions,
            "list_transfer_targets": self.list_transfer_targets,
            "send_chat_message": self.send_chat_message,
            "set_typing": self.set_typing,
            "mark_read": self.mark_read,
            "upload_attachment": self.upload_attachment,
            "get_attachment": self.get_attachment,
            "end_interaction": self.end_interaction,
            "transfer_interaction": self.transfer_interaction,
            "invite_agent": self.invite_agent,
            "answer_invite": self.answer_invite,
            "leave_interaction": self.leave_interaction,
        }

    # --- access -------------------------------------------------------------------

    def _writable(self, iid: str, user: str) -> Live:
        live = self._svc.live(iid)
        if live is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no open interaction {iid!r}", interaction_id=iid)
        if live.participant(user) is None and not self._svc.is_supervisor(user):
            raise _forbidden(iid)
        return live

    def _owned(self, iid: str, user: str) -> Live:
        live = self._writable(iid, user)
        p = live.participant(user)
        if (p is None or p.role != ParticipantRole.OWNER) and not self._svc.is_supervisor(user):
            raise SwitchboardError(ErrorCode.FORBIDDEN, "only the agent who owns the interaction may do this",
                                   interaction_id=iid)
        return live

    async def _readable(self, iid: str, user: str) -> Live | None:
        """The live interaction (None: closed) if ``user`` may read it; FORBIDDEN/NOT_FOUND otherwise."""
        live = self._svc.live(iid)
        if self._svc.is_supervisor(user):
            if live is None and await self._svc.store.read(reads.interaction_row, iid) is None:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"no interaction {iid!r}", interaction_id=iid)
            return live
        if live is not None:
            if live.participant(user) is None and user not in live.offered_to and user not in live.invites:
                raise _forbidden(iid)
            return live
        ever = await self._svc.store.read(reads.participants_ever, iid)
        if user not in ever:
            raise _forbidden(iid)
        return None

    async def _detail(self, iid: str, live: Live | None, after: int) -> ci.InteractionDetail:
        if live is not None:
            info = self._svc.info(iid)
            assert info is not None
        else:
            row = await self._svc.store.read(reads.interaction_row, iid)
            if row is None:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"no interaction {iid!r}", interaction_id=iid)
            info = ci.InteractionInfo(
                interaction_id=row.interaction_id, channel=ci.Channel(row.channel),
                state=ci.InteractionState(row.state), queue=row.queue, customer_id=row.customer_id,
                customer_name=row.customer_name, subject=row.subject, created_ms=row.created_ms,
                connected_ms=row.connected_ms, customer_online=False)
        messages = await self._svc.transcript(iid, after)
        if live is None and messages:
            info.last_seq = messages[-1].seq
        card = await self._svc._customers.card(info.customer_id) if info.customer_id else None  # noqa: SLF001
        return ci.InteractionDetail(info=info, messages=messages, customer=card)

    # --- reads ----------------------------------------------------------------------

    async def get_interaction(self, conn: Connection, req: ci.GetInteraction, user: str) -> ci.InteractionDetail:
        live = await self._readable(req.interaction_id, user)
        return await self._detail(req.interaction_id, live, req.messages_after)

    async def list_my_interactions(self, conn: Connection, req: ci.ListMyInteractions,
                                   user: str) -> ci.InvitesAndInteractions:
        mine, invites = [], []
        for live in self._svc.live_all():
            if live.participant(user) is not None:
                info = self._svc.info(live.iid)
                if info is not None:
                    mine.append(info)
            inv = live.invites.get(user)
            if inv is not None:
                invites.append(inv)
        return ci.InvitesAndInteractions(interactions=mine, invites=invites)

    async def list_transfer_targets(self, conn: Connection, req: ci.ListTransferTargets,
                                    user: str) -> ci.TransferTargets:
        d = self._svc.directory
        agents = [s for s in d.statuses() if s.username != user and s.role == Role.AGENT]
        return ci.TransferTargets(queues=self._svc.work.queue_statuses(), agents=agents)

    # --- chat -------------------------------------------------------------------------

    async def send_chat_message(self, conn: Connection, req: ci.SendChatMessage, user: str) -> ci.ChatMessage:
        live = self._writable(req.interaction_id, user)
        hit = live.by_client.get(req.client_msg_id) if req.client_msg_id else None
        if hit is not None:
            return await self._svc.post(live, author_kind=AuthorKind.AGENT, author=user, author_name="", text="",
                                        private=False, client_msg_id=req.client_msg_id)
        p = live.participant(user)
        if p is not None and p.role == ParticipantRole.CONSULT and not req.private:
            raise SwitchboardError(ErrorCode.FORBIDDEN, "a consulted agent writes internal notes only")
        if live.info.state != InteractionState.CONNECTED and not req.private:
            raise SwitchboardError(ErrorCode.CONFLICT, "the customer can be written to only while connected",
                                   state=live.info.state.value)
        atts = []
        for aid in req.attachment_ids:
            found = await self._svc.find_attachment(aid)
            if found is None or found[0] != live.iid:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"no attachment {aid!r} in this interaction")
            atts.append(found[1])
        return await self._svc.post(live, author_kind=AuthorKind.AGENT, author=user,
                                    author_name=self._svc.display_name(user), text=req.text, private=req.private,
                                    client_msg_id=req.client_msg_id, attachments=atts)

    async def set_typing(self, conn: Connection, req: ci.SetTyping, user: str) -> Ok:
        live = self._writable(req.interaction_id, user)
        self._svc.agent_typing(live, user, req.typing)
        return Ok()

    async def mark_read(self, conn: Connection, req: ci.MarkRead, user: str) -> Ok:
        live = self._writable(req.interaction_id, user)
        await self._svc.mark_read(live, "agent", req.seq)
        return Ok()

    # --- attachments ----------------------------------------------------------------------

    async def upload_attachment(self, conn: Connection, req: ci.UploadAttachment, user: str) -> ci.UploadProgress:
        live = self._writable(req.interaction_id, user)
        received, att = await self._svc.files.chunk(
            upload_id=req.upload_id, interaction_id=live.iid, owner=user, name=req.name,
            content_type=req.content_type, offset=req.offset, data=req.data, final=req.final)
        if att is not None:
            await self._svc.journal_attachment(live.iid, att, user)
        return ci.UploadProgress(upload_id=req.upload_id, received=received, attachment=att)

    async def get_attachment(self, conn: Connection, req: ci.GetAttachment, user: str) -> ci.AttachmentChunk:
        found = await self._svc.find_attachment(req.attachment_id)
        if found is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no attachment {req.attachment_id!r}")
        await self._readable(found[0], user)
        att = found[1]
        offset = max(0, req.offset)
        data = await self._svc.files.read(att.sha256, offset, req.length)
        return ci.AttachmentChunk(attachment=att, offset=offset, data=data, eof=offset + len(data) >= att.size)

    # --- lifecycle ---------------------------------------------------------------------------

    async def end_interaction(self, conn: Connection, req: ci.EndInteraction, user: str) -> Ok:
        live = self._owned(req.interaction_id, user)
        if live.info.state != InteractionState.CONNECTED:
            raise SwitchboardError(ErrorCode.CONFLICT, f"the interaction is {live.info.state.value}",
                                   state=live.info.state.value)
        await self._svc.work.complete_internal(live.info.task_id)
        return Ok()

    async def transfer_interaction(self, conn: Connection, req: ci.TransferInteraction, user: str) -> Ok:
        svc = self._svc
        live = self._owned(req.interaction_id, user)
        if live.info.state != InteractionState.CONNECTED:
            raise SwitchboardError(ErrorCode.CONFLICT, "only a connected interaction can be transferred")
        if bool(req.to_agent) == bool(req.to_queue):
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "give exactly one of to_agent and to_queue")
        if len(req.note) > svc.config.max_message_chars:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "the note is too long")
        queue, target_name = live.info.queue, ""
        if req.to_queue:
            q = svc.directory.queues.get(req.to_queue)
            if q is None:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"no queue {req.to_queue!r}")
            is_open, _ = svc.availability(req.to_queue)
            if not is_open:
                raise SwitchboardError(ErrorCode.UNAVAILABLE, f"queue {req.to_queue!r} is closed")
            queue, target_name = req.to_queue, q.name_en or q.queue
        else:
            if req.to_agent == live.owner():
                raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "the interaction is already with that agent")
            if req.to_agent not in svc.directory.users:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"no agent {req.to_agent!r}")
            if svc.directory.session_of(req.to_agent) is None:
                raise SwitchboardError(ErrorCode.CONFLICT, f"{req.to_agent} is not logged in")
            target_name = svc.display_name(req.to_agent)
        await svc.new_leg(live, queue=queue, text=f"transferred to {target_name}", by=user, note=req.note,
                          to_agent=req.to_agent, to_queue=req.to_queue)
        log.info("interaction %s transferred by %s to %s", live.iid, user, req.to_queue or req.to_agent)
        return Ok()

    async def invite_agent(self, conn: Connection, req: ci.InviteAgent, user: str) -> Ok:
        svc = self._svc
        live = self._writable(req.interaction_id, user)
        p = live.participant(user)
        if p is not None and p.role == ParticipantRole.CONSULT:
            raise SwitchboardError(ErrorCode.FORBIDDEN, "a consulted agent cannot invite others")
        if live.info.state != InteractionState.CONNECTED:
            raise SwitchboardError(ErrorCode.CONFLICT, "invite agents while the interaction is connected")
        if req.mode not in (ParticipantRole.CONSULT, ParticipantRole.CONFERENCE):
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "mode is consult or conference")
        if req.agent not in svc.directory.users:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no agent {req.agent!r}")
        if live.participant(req.agent) is not None:
            raise SwitchboardError(ErrorCode.CONFLICT, f"{req.agent} is in the interaction already")
        if svc.directory.session_of(req.agent) is None:
            raise SwitchboardError(ErrorCode.CONFLICT, f"{req.agent} is not logged in")
        # Journaled (role "invited:<mode>"): a pending invite survives a restart.
        invite = ci.InteractionInvite(interaction_id=live.iid, from_agent=user, from_name=svc.display_name(user),
                                      mode=req.mode, note=req.note, info=svc.info(live.iid))
        await svc.add_invite(live, req.agent, invite)
        return Ok()

    async def answer_invite(self, conn: Connection, req: ci.AnswerInvite, user: str) -> ci.InteractionDetail:
        svc = self._svc
        live = svc.live(req.interaction_id)
        invite = live.invites.get(user) if live is not None else None
        if live is None or invite is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, "no invitation to this interaction")
        if not req.accept or live.info.state != InteractionState.CONNECTED:
            await svc.end_invite(live, user, by=user)  # declined or too late: journaled as left
            if req.accept:
                raise SwitchboardError(ErrorCode.CONFLICT, "the interaction has moved on")
            svc.push_to(invite.from_agent, svc.info(live.iid))  # type: ignore[arg-type]
            return await self._detail(live.iid, live, 0)
        live.invites.pop(user, None)
        now = svc.now()
        live.info.participants.append(ci.Participant(username=user, display_name=svc.display_name(user),
                                                     role=invite.mode, joined_ms=now))
        # A consulted agent stays invisible to the customer: the join line is then an internal note.
        msg, msg_ev = svc.system_message(live, f"{svc.display_name(user)} joined",
                                         private=invite.mode == ParticipantRole.CONSULT)
        await svc.journal([svc.invite_event(live, user, invite, joined=False, now=now, by=user),
                           ev.ParticipantChanged(ts_ms=now, interaction_id=live.iid, username=user,
                                                 role=invite.mode.value, joined=True, by=invite.from_agent),
                           msg_ev])
        svc.mark(live)
        svc.after_durable()
        svc.fan_out(live, msg)
        return await self._detail(live.iid, live, 0)

    async def leave_interaction(self, conn: Connection, req: ci.LeaveInteraction, user: str) -> Ok:
        svc = self._svc
        live = self._writable(req.interaction_id, user)
        p = live.participant(user)
        if p is None:
            raise _forbidden(live.iid)
        if p.role == ParticipantRole.OWNER:
            raise SwitchboardError(ErrorCode.CONFLICT, "the owner ends or transfers the interaction instead")
        await svc.participant_left(live, user)
        return Ok()
