"""The edge's in-memory state of one open interaction (single writer: the edge loop)."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from edge_server.contract.interactions import (
    ChatMessage,
    InteractionInfo,
    InteractionInvite,
    InteractionState,
    Participant,
    ParticipantRole,
)

#: States in which the customer can still write and an agent can still act on the chat.
ACTIVE_STATES = frozenset({InteractionState.CREATED, InteractionState.FLOW, InteractionState.QUEUED,
                           InteractionState.OFFERED, InteractionState.CONNECTED})


@dataclass
class Live:
    info: InteractionInfo  # mutated in place; copies go out (msgspec.structs.replace)
    identities: list[tuple[str, str]] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    language: str = ""
    messages: list[ChatMessage] = field(default_factory=list)  # the whole transcript, seq order
    by_client: dict[str, ChatMessage] = field(default_factory=dict)  # client_msg_id -> message (idempotency)
    in_flight: dict[str, asyncio.Future[int]] = field(default_factory=dict)  # client_msg_id -> durability
    offered_to: set[str] = field(default_factory=set)
    invites: dict[str, InteractionInvite] = field(default_factory=dict)  # invited username -> invite
    legs: int = 1
    rated: bool = False
    customer_left: bool = False
    typing_off: asyncio.TimerHandle | None = None

    @property
    def iid(self) -> str:
        return self.info.interaction_id

    def participant(self, username: str) -> Participant | None:
        return next((p for p in self.info.participants if p.username == username), None)

    def owner(self) -> str:
        return next((p.username for p in self.info.participants if p.role == ParticipantRole.OWNER), "")

    def agents(self) -> list[str]:
        return [p.username for p in self.info.participants]

    def remove(self, username: str) -> Participant | None:
        p = self.participant(username)
        if p is not None:
            self.info.participants = [x for x in self.info.participants if x.username != username]
        return p

    def remember(self, msg: ChatMessage) -> None:
        self.messages.append(msg)
        if msg.client_msg_id:
            self.by_client[msg.client_msg_id] = msg
        if msg.seq > self.info.last_seq:
            self.info.last_seq = msg.seq
