"""What the desktop knows of one interaction: its transcript, live info, read mark, who types.

A service object (no widgets): fed by the ConversationStore from the hub, read by
the ChatView and the interaction list. Sending lives here too, so an optimistic
bubble, its echo and a retry are one piece of logic whatever view is showing.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop.workspace.transcript_model import SendState, TranscriptModel
from edge_server.contract.interactions import (
    Attachment,
    AuthorKind,
    ChatMessage,
    InteractionInfo,
    ParticipantRole,
)

if TYPE_CHECKING:
    from desktop.interactions_hub import InteractionsHub

log = logging.getLogger("sb.ui")

#: Channels shown as a chat (transcript + composer); everything else keeps the task pane.
MESSAGING_CHANNELS = frozenset({"chat", "web", "wechat", "weibo", "sms", "app", "email"})


class Conversation(QObject):
    """Signals:
        info_changed(): state, participants, receipts or presence changed.
        unread_changed(int): messages from others past the agents' read mark.
        typing_changed(bool): the customer started/stopped typing.
        waiting_changed(): the customer's oldest unanswered message changed (the SLA timer).
    """

    info_changed = Signal()
    unread_changed = Signal(int)
    typing_changed = Signal(bool)
    waiting_changed = Signal()

    def __init__(
        self, hub: InteractionsHub, interaction_id: str, *, me: Callable[[], str],
        now_ms: Callable[[], int], parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._hub = hub
        self._me = me
        self._now_ms = now_ms
        self.interaction_id = interaction_id
        self.transcript = TranscriptModel(self)
        self.info: InteractionInfo | None = None
        self.role = ParticipantRole.OWNER
        self.read_seq = 0  # the agents' read mark as this desktop knows it
        self.customer_typing = False
        self._unread = 0
        #: Edge time of the customer's oldest message no agent answered yet (0: none waiting).
        self.waiting_since_ms = 0
        self._sent_read = 0
        #: The edge's transcript was fetched at least once (pushes alone start mid-conversation).
        self.loaded = False

    # --- reading ------------------------------------------------------------------------

    @property
    def unread(self) -> int:
        return self._unread

    @property
    def last_seq(self) -> int:
        return self.transcript.last_seq()

    @property
    def complete_seq(self) -> int:
        """Every message up to this seq is here: a catch-up asks for what follows."""
        return self.transcript.complete_seq()

    @property
    def customer_online(self) -> bool:
        return self.info.customer_online if self.info is not None else True

    # --- fed by the store -----------------------------------------------------------------

    def add_messages(self, messages: list[ChatMessage]) -> list[ChatMessage]:
        """New transcript entries (a push, a reply, or a page after a resume), deduplicated by seq."""
        added = self.transcript.add_messages(messages)
        if added:
            self._recount()
        return added

    def apply_info(self, info: InteractionInfo) -> None:
        self.info = info
        me = self._me()
        for p in info.participants:
            if p.username == me:
                self.role = p.role
        if info.agent_read_seq > self.read_seq:
            self.read_seq = info.agent_read_seq
            self._recount()
        self.transcript.set_customer_read_seq(info.customer_read_seq)
        self.info_changed.emit()

    def set_customer_typing(self, typing: bool) -> None:
        if typing != self.customer_typing:
            self.customer_typing = typing
            self.typing_changed.emit(typing)

    # --- agent actions ----------------------------------------------------------------------

    def mark_read(self) -> int | None:
        """Mark everything shown as read here; returns the seq to tell the edge, or None if nothing new."""
        last = self.last_seq
        if last <= self.read_seq and last <= self._sent_read:
            return None
        self.read_seq = max(self.read_seq, last)
        self._recount()
        if last <= self._sent_read:
            return None
        self._sent_read = last
        return last

    def new_pending(self, text: str, *, private: bool, uploading: list[str] | None = None) -> str:
        """Show the agent's message at once; returns its client_msg_id (the echo replaces it)."""
        client_msg_id = uuid.uuid4().hex
        me = self._me()
        msg = ChatMessage(
            interaction_id=self.interaction_id, seq=0, message_id="", ts_ms=self._now_ms(),
            author_kind=AuthorKind.AGENT, author=me, author_name=me, text=text, private=private,
            client_msg_id=client_msg_id,
        )
        self.transcript.add_pending(msg, uploading)
        return client_msg_id

    async def send(self, client_msg_id: str, attachment_ids: list[str] | None = None) -> bool:
        """Send (or resend) a pending message; the edge dedupes a repeat by client_msg_id."""
        entry = self.transcript.pending(client_msg_id)
        if entry is None:
            return True  # the echo arrived meanwhile
        if attachment_ids is None:
            attachment_ids = entry_attachment_ids(entry.msg)
        self.transcript.set_pending_state(client_msg_id, SendState.SENDING, uploading=[])
        reply = await self._hub.send_message(
            self.interaction_id, entry.msg.text, private=entry.msg.private,
            attachment_ids=attachment_ids, client_msg_id=client_msg_id,
        )
        if reply is None:
            log.warning("message %s to %s was not sent", client_msg_id, self.interaction_id)
            self.transcript.set_pending_state(client_msg_id, SendState.FAILED)
            return False
        self.add_messages([reply])
        return True

    def attach_to_pending(self, client_msg_id: str, attachments: list[Attachment]) -> None:
        """The uploads of a pending message are stored: a retry sends the same ids."""
        entry = self.transcript.pending(client_msg_id)
        if entry is not None:
            entry.msg.attachments = list(attachments)
            self.transcript.set_pending_state(client_msg_id, entry.state, uploading=[])

    def fail_pending(self, client_msg_id: str) -> None:
        self.transcript.set_pending_state(client_msg_id, SendState.FAILED, uploading=[])

    # --- internals ------------------------------------------------------------------------------

    def _recount(self) -> None:
        me = self._me()
        unread = sum(
            1 for e in self.transcript.confirmed_after(self.read_seq)
            if e.msg.author != me and e.msg.author_kind != AuthorKind.SYSTEM
        )
        waiting = 0
        # Walk back from the newest to the last public agent reply: the oldest customer
        # message after it is what the customer has been waiting on.
        for entry in reversed(self.transcript.entries()):
            m = entry.msg
            if entry.state != SendState.CONFIRMED:
                continue
            if m.author_kind == AuthorKind.AGENT and not m.private:
                break
            if m.author_kind == AuthorKind.CUSTOMER:
                waiting = m.ts_ms
        if unread != self._unread:
            self._unread = unread
            self.unread_changed.emit(unread)
        if waiting != self.waiting_since_ms:
            self.waiting_since_ms = waiting
            self.waiting_changed.emit()


def entry_attachment_ids(msg: ChatMessage) -> list[str]:
    return [a.attachment_id for a in msg.attachments]
