"""Every open interaction's Conversation, fed from the hub's pushes and rebuilt after a (re)login.

Rebuild: list_my_interactions, then get_interaction(id, messages_after=what we
have) for each, so a resume neither loses nor duplicates (the transcript dedupes
by seq). Pushes that arrive meanwhile land in the same conversations.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop.tasks import spawn
from desktop.workspace.conversation import Conversation
from edge_server.contract.interactions import (
    ChatMessage,
    CustomerChanged,
    InteractionDetail,
    InteractionInfo,
    InteractionInvite,
    TypingChanged,
    AuthorKind,
)
from edge_server.contract.messages import Snapshot

if TYPE_CHECKING:
    from desktop.interactions_hub import InteractionsHub

log = logging.getLogger("sb.ui")


class ConversationStore(QObject):
    """Signals:
        conversation_added(str interaction_id)
        rebuilt(): a rebuild after login/resume finished.
        invite_received(InteractionInvite): open invites (pushed, or listed by a rebuild).
        interaction_listed(InteractionInfo): an interaction the agent participates in, from a rebuild.
    """

    conversation_added = Signal(str)
    rebuilt = Signal()
    invite_received = Signal(object)
    interaction_listed = Signal(object)

    def __init__(self, hub: InteractionsHub, *, now_ms: Callable[[], int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self._now_ms = now_ms
        self._me = ""
        self._conversations: dict[str, Conversation] = {}
        hub.chat_message_received.connect(self._on_chat_message_received)
        hub.interaction_updated.connect(self._on_interaction_updated)
        hub.typing_changed.connect(self._on_typing_changed)
        hub.invite_received.connect(self.invite_received)
        hub.customer_changed.connect(self._on_customer_changed)
        session = hub.session
        session.logged_in.connect(self._on_snapshot)
        session.snapshot_refreshed.connect(self._on_snapshot)
        session.logged_out.connect(self.clear)

    # --- reading ------------------------------------------------------------------------

    @property
    def me(self) -> str:
        return self._me

    def get(self, interaction_id: str) -> Conversation | None:
        return self._conversations.get(interaction_id)

    def ids(self) -> list[str]:
        return list(self._conversations)

    # --- changing ------------------------------------------------------------------------

    def ensure(self, interaction_id: str) -> Conversation:
        conv = self._conversations.get(interaction_id)
        if conv is None:
            conv = Conversation(self.hub, interaction_id, me=lambda: self._me, now_ms=self._now_ms, parent=self)
            self._conversations[interaction_id] = conv
            self.conversation_added.emit(interaction_id)
        return conv

    def apply_detail(self, detail: InteractionDetail) -> Conversation:
        conv = self.ensure(detail.info.interaction_id)
        conv.apply_info(detail.info)
        conv.add_messages(list(detail.messages))
        conv.loaded = True  # a detail always carries everything after what was asked for
        return conv

    def drop(self, interaction_id: str) -> None:
        conv = self._conversations.pop(interaction_id, None)
        if conv is not None:
            conv.deleteLater()

    def clear(self) -> None:
        for interaction_id in list(self._conversations):
            self.drop(interaction_id)

    async def load(self, interaction_id: str) -> Conversation | None:
        """Fetch what is missing of one interaction (all of it the first time).

        Asks after the last seq with nothing missing before it, not after the newest:
        messages pushed while the page was on its way must not hide older ones.
        """
        conv = self.ensure(interaction_id)
        detail = await self.hub.get_interaction(interaction_id, messages_after=conv.complete_seq)
        if detail is None:
            return None
        return self.apply_detail(detail)

    async def rebuild(self) -> None:
        listing = await self.hub.list_my_interactions()
        if listing is None:
            return  # command_failed told the agent; the next resume tries again
        for info in listing.interactions:
            conv = self.ensure(info.interaction_id)
            conv.apply_info(info)
            self.interaction_listed.emit(info)
            if info.last_seq > conv.complete_seq:
                await self.load(info.interaction_id)
        for invite in listing.invites:
            self.invite_received.emit(invite)
        log.info("rebuilt %d interactions, %d invites", len(listing.interactions), len(listing.invites))
        self.rebuilt.emit()

    # --- hub slots --------------------------------------------------------------------------

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        self._me = snapshot.me.username
        spawn(self.rebuild(), name="rebuild-interactions")

    def _on_chat_message_received(self, msg: ChatMessage) -> None:
        conv = self.ensure(msg.interaction_id)
        conv.add_messages([msg])
        if msg.author_kind == AuthorKind.CUSTOMER:
            conv.set_customer_typing(False)  # the message is what was being typed

    def _on_interaction_updated(self, info: InteractionInfo) -> None:
        self.ensure(info.interaction_id).apply_info(info)

    def _on_typing_changed(self, typing: TypingChanged) -> None:
        conv = self._conversations.get(typing.interaction_id)
        if conv is not None and typing.author_kind == AuthorKind.CUSTOMER:
            conv.set_customer_typing(typing.typing)

    def _on_customer_changed(self, changed: CustomerChanged) -> None:
        # The name in the list and the chat header follow the customer's card.
        for interaction_id in changed.interaction_ids:
            conv = self._conversations.get(interaction_id)
            if conv is not None and conv.info is not None and changed.card.name:
                info = conv.info
                info.customer_name = changed.card.name
                conv.apply_info(info)


__all__ = ["ConversationStore", "InteractionInvite"]
