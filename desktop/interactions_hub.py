"""Interactions, chat, customers and canned responses as a QObject over the edge session.

Views observe the signals and call the async methods; a failed command returns
None (or False) after the session emitted ``command_failed`` with a human message.
"""
from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from desktop.session import EdgeSession
from edge_server.contract import interactions as ci
from edge_server.contract.messages import Message, Ok

log = logging.getLogger("sb.ui")

R = TypeVar("R", bound=Message)

#: Bytes per upload/download chunk: under the bus's 256 KiB frame limit with room for the envelope.
CHUNK_BYTES = 192 * 1024


class InteractionsHub(QObject):
    """Signals:
        chat_message_received(ChatMessage): a new transcript entry (any author, notes included).
        interaction_updated(InteractionInfo): state, participants, receipts or presence changed.
        typing_changed(TypingChanged): someone started or stopped typing.
        invite_received(InteractionInvite): another agent asks this one to consult/conference.
        customer_changed(CustomerChanged): a customer of an open interaction was edited/merged/split.
        delivery_changed(DeliveryChanged): an agent message on a cloud channel was sent/delivered/failed.
    """

    chat_message_received = Signal(object)
    interaction_updated = Signal(object)
    typing_changed = Signal(object)
    invite_received = Signal(object)
    customer_changed = Signal(object)
    delivery_changed = Signal(object)

    def __init__(self, session: EdgeSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        session.push_received.connect(self._on_push_received)

    @property
    def session(self) -> EdgeSession:
        return self._session

    def _on_push_received(self, body: Message) -> None:
        if isinstance(body, ci.ChatMessage):
            self.chat_message_received.emit(body)
        elif isinstance(body, ci.InteractionInfo):
            self.interaction_updated.emit(body)
        elif isinstance(body, ci.TypingChanged):
            self.typing_changed.emit(body)
        elif isinstance(body, ci.InteractionInvite):
            self.invite_received.emit(body)
        elif isinstance(body, ci.CustomerChanged):
            self.customer_changed.emit(body)
        elif isinstance(body, ci.DeliveryChanged):
            self.delivery_changed.emit(body)
        else:
            log.debug("push of type %s is not handled", type(body).__name__)

    async def _ask(self, command: str, body: Message, reply_type: type[R]) -> R | None:
        reply = await self._session.call(command, body)
        if isinstance(reply, reply_type):
            return reply
        if reply is not None:
            log.error("%s answered %s, expected %s", command, type(reply).__name__, reply_type.__name__)
        return None

    async def _ok(self, command: str, body: Message) -> bool:
        return await self._ask(command, body, Ok) is not None

    # --- interactions -------------------------------------------------------------

    async def get_interaction(self, interaction_id: str, messages_after: int = 0) -> ci.InteractionDetail | None:
        return await self._ask("get_interaction", ci.GetInteraction(
            interaction_id=interaction_id, messages_after=messages_after), ci.InteractionDetail)

    async def list_my_interactions(self) -> ci.InvitesAndInteractions | None:
        return await self._ask("list_my_interactions", ci.ListMyInteractions(), ci.InvitesAndInteractions)

    async def send_message(
        self, interaction_id: str, text: str, *, private: bool = False,
        attachment_ids: list[str] | None = None, client_msg_id: str = "",
    ) -> ci.ChatMessage | None:
        body = ci.SendChatMessage(
            interaction_id=interaction_id, client_msg_id=client_msg_id or uuid.uuid4().hex, text=text,
            private=private, attachment_ids=list(attachment_ids or []))
        return await self._ask("send_chat_message", body, ci.ChatMessage)

    async def set_typing(self, interaction_id: str, typing: bool) -> bool:
        return await self._ok("set_typing", ci.SetTyping(interaction_id=interaction_id, typing=typing))

    async def mark_read(self, interaction_id: str, seq: int) -> bool:
        return await self._ok("mark_read", ci.MarkRead(interaction_id=interaction_id, seq=seq))

    async def upload_file(self, interaction_id: str, path: Path, content_type: str) -> ci.Attachment | None:
        """Send a file in chunks; the stored attachment, or None if any chunk was refused."""
        data = path.read_bytes()
        upload_id = uuid.uuid4().hex
        offset = 0
        while True:
            chunk = data[offset:offset + CHUNK_BYTES]
            final = offset + len(chunk) >= len(data)
            progress = await self._ask("upload_attachment", ci.UploadAttachment(
                interaction_id=interaction_id, upload_id=upload_id, name=path.name, content_type=content_type,
                offset=offset, data=chunk, final=final), ci.UploadProgress)
            if progress is None:
                return None
            offset += len(chunk)
            if final:
                return progress.attachment

    async def download_attachment(self, attachment: ci.Attachment, dest: Path) -> bool:
        """Fetch an attachment in chunks into ``dest``; checks the SHA-256 when the edge gave one."""
        parts: list[bytes] = []
        offset = 0
        while True:
            chunk = await self._ask("get_attachment", ci.GetAttachment(
                attachment_id=attachment.attachment_id, offset=offset, length=CHUNK_BYTES), ci.AttachmentChunk)
            if chunk is None:
                return False
            parts.append(chunk.data)
            offset += len(chunk.data)
            if chunk.eof or not chunk.data:
                break
        data = b"".join(parts)
        if attachment.sha256 and hashlib.sha256(data).hexdigest() != attachment.sha256:
            log.error("attachment %s arrived damaged (checksum mismatch)", attachment.attachment_id)
            return False
        dest.write_bytes(data)
        return True

    async def end_interaction(self, interaction_id: str) -> bool:
        return await self._ok("end_interaction", ci.EndInteraction(interaction_id=interaction_id))

    async def transfer(self, interaction_id: str, *, to_agent: str = "", to_queue: str = "", note: str = "") -> bool:
        return await self._ok("transfer_interaction", ci.TransferInteraction(
            interaction_id=interaction_id, to_agent=to_agent, to_queue=to_queue, note=note))

    async def transfer_targets(self) -> ci.TransferTargets | None:
        return await self._ask("list_transfer_targets", ci.ListTransferTargets(), ci.TransferTargets)

    async def invite(self, interaction_id: str, agent: str, mode: ci.ParticipantRole, note: str = "") -> bool:
        return await self._ok("invite_agent", ci.InviteAgent(
            interaction_id=interaction_id, agent=agent, mode=mode, note=note))

    async def answer_invite(self, interaction_id: str, accept: bool) -> ci.InteractionDetail | None:
        return await self._ask("answer_invite", ci.AnswerInvite(interaction_id=interaction_id, accept=accept),
                               ci.InteractionDetail)

    async def leave(self, interaction_id: str) -> bool:
        return await self._ok("leave_interaction", ci.LeaveInteraction(interaction_id=interaction_id))

    # --- customers ----------------------------------------------------------------

    async def get_customer(self, customer_id: str, timeline_limit: int = 20) -> ci.CustomerView | None:
        return await self._ask("get_customer", ci.GetCustomer(
            customer_id=customer_id, timeline_limit=timeline_limit), ci.CustomerView)

    async def get_timeline(
        self, customer_id: str, before_ms: int = 0, limit: int = 50, before_id: str = ""
    ) -> ci.Timeline | None:
        return await self._ask("get_timeline", ci.GetTimeline(
            customer_id=customer_id, before_ms=before_ms, before_id=before_id, limit=limit), ci.Timeline)

    async def get_transcript(self, interaction_id: str) -> ci.Transcript | None:
        return await self._ask("get_transcript", ci.GetTranscript(interaction_id=interaction_id), ci.Transcript)

    async def search_customers(self, query: str, limit: int = 50) -> list[ci.CustomerHit] | None:
        reply = await self._ask("search_customers", ci.SearchCustomers(query=query, limit=limit), ci.CustomerList)
        return None if reply is None else list(reply.hits)

    async def create_customer(self, body: ci.CreateCustomer) -> ci.CustomerCard | None:
        return await self._ask("create_customer", body, ci.CustomerCard)

    async def update_customer(self, body: ci.UpdateCustomer) -> ci.CustomerCard | None:
        return await self._ask("update_customer", body, ci.CustomerCard)

    async def link_customer(self, interaction_id: str, customer_id: str) -> ci.CustomerCard | None:
        return await self._ask("link_customer", ci.LinkCustomer(
            interaction_id=interaction_id, customer_id=customer_id), ci.CustomerCard)

    async def merge_customers(self, survivor_id: str, merged_id: str, reason: str = "") -> ci.CustomerCard | None:
        return await self._ask("merge_customers", ci.MergeCustomers(
            survivor_id=survivor_id, merged_id=merged_id, reason=reason), ci.CustomerCard)

    async def split_customer(
        self, customer_id: str, identities: list[ci.Identity], name: str = "", reason: str = ""
    ) -> ci.CustomerCard | None:
        return await self._ask("split_customer", ci.SplitCustomer(
            customer_id=customer_id, identities=identities, name=name, reason=reason), ci.CustomerCard)

    async def customer_audit(self, customer_id: str) -> list[ci.AuditEntry] | None:
        reply = await self._ask("get_customer_audit", ci.GetCustomerAudit(customer_id=customer_id),
                                ci.CustomerAudit)
        return None if reply is None else list(reply.entries)

    # --- canned responses -----------------------------------------------------------

    async def list_canned(self, query: str = "") -> list[ci.CannedResponse] | None:
        reply = await self._ask("list_canned", ci.ListCanned(query=query), ci.CannedList)
        return None if reply is None else list(reply.items)

    async def save_canned(self, item: ci.CannedResponse) -> ci.CannedResponse | None:
        return await self._ask("save_canned", ci.SaveCanned(item=item), ci.CannedResponse)

    async def delete_canned(self, canned_id: str) -> bool:
        return await self._ok("delete_canned", ci.DeleteCanned(canned_id=canned_id))
