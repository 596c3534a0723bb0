"""What the web chat needs of the interactions service (its "channel API"), as a typing Protocol.

The real ``edge_server.interactions.service.InteractionService`` satisfies it;
naming the subset here keeps this package importable and testable on its own.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from edge_server.contract.interactions import (
    Attachment,
    ChatMessage,
    Identity,
    InteractionInfo,
    TypingChanged,
)


class ChannelSink(Protocol):
    def deliver(self, interaction_id: str, item: ChatMessage | InteractionInfo | TypingChanged) -> None: ...


class InteractionsPort(Protocol):
    def register_channel(self, channel: str, sink: ChannelSink) -> None: ...

    async def open_interaction(self, *, channel: str, queue: str, identities: list[Identity], name: str = "",
                               subject: str = "", attributes: dict[str, str] | None = None,
                               language: str = "", entry_kind: str = "",
                               entry_key: str = "default") -> InteractionInfo: ...

    def availability(self, queue: str) -> tuple[bool, int]: ...

    def has_flow(self, entry_kind: str, entry_key: str = "default") -> bool: ...

    async def customer_message(self, interaction_id: str, *, client_msg_id: str, text: str,
                               attachments: list[Attachment] = ...) -> ChatMessage: ...

    async def store_attachment(self, interaction_id: str, *, name: str, content_type: str, data: bytes,
                               by: str = "customer") -> Attachment: ...

    def attachment_path(self, attachment_id: str) -> tuple[Attachment, Path] | None: ...

    def customer_typing(self, interaction_id: str, typing: bool) -> None: ...

    async def customer_read(self, interaction_id: str, seq: int) -> None: ...

    def customer_presence(self, interaction_id: str, online: bool) -> None: ...

    async def customer_left(self, interaction_id: str) -> None: ...

    async def rate(self, interaction_id: str, score: int, comment: str = "") -> None: ...

    async def messages_after(self, interaction_id: str, after_seq: int) -> list[ChatMessage]: ...

    def info(self, interaction_id: str) -> InteractionInfo | None: ...

    async def find_open(self, identity: Identity) -> InteractionInfo | None: ...

    async def leave_offline_message(self, *, channel: str, queue: str, identities: list[Identity], name: str,
                                    text: str) -> InteractionInfo: ...
