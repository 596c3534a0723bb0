"""An in-memory stand-in for the interactions service's channel API (tests only).

Same names and semantics as edge_server/interactions/service.py's channel API
(idempotent client_msg_id, seq from 1, private messages never delivered), plus
``agent_*`` helpers that play the agent's side. The web chat's own behaviour is
what these tests assert; the real service has its own tests and the e2e ones.
"""
from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.interactions import (
    Attachment,
    AuthorKind,
    Channel,
    ChatMessage,
    Identity,
    InteractionInfo,
    InteractionState,
    Participant,
    TypingChanged,
)


@dataclass
class _Live:
    info: InteractionInfo
    identities: list[Identity]
    name: str
    messages: list[ChatMessage] = field(default_factory=list)
    by_cmid: dict[str, ChatMessage] = field(default_factory=dict)


class FakeInteractions:
    def __init__(self, files_dir: Path, *, max_bytes: int = 1 << 20,
                 types: tuple[str, ...] = ("image/png", "text/plain")) -> None:
        self.sinks: dict[str, object] = {}
        self.queue_open = True
        self.agents_logged_in = 1
        self.live: dict[str, _Live] = {}
        self.closed: dict[str, _Live] = {}
        self.ratings: dict[str, tuple[int, str]] = {}
        self.offline: list[tuple[str, list[Identity], str, str]] = []
        self.presence: list[tuple[str, bool]] = []
        self.typing: list[tuple[str, bool]] = []
        self.left: list[str] = []
        self.files_dir = files_dir
        self.attachments: dict[str, tuple[Attachment, Path]] = {}
        self.max_bytes = max_bytes
        self.types = types
        self.customer_message_calls = 0

    # --- channel API --------------------------------------------------------------

    def register_channel(self, channel: str, sink: object) -> None:
        self.sinks[channel] = sink

    def _deliver(self, iid: str, item: ChatMessage | InteractionInfo | TypingChanged) -> None:
        sink = self.sinks.get("chat")
        if sink is not None:
            sink.deliver(iid, item)  # type: ignore[attr-defined]

    def availability(self, queue: str) -> tuple[bool, int]:
        return self.queue_open, self.agents_logged_in

    async def open_interaction(self, *, channel: str, queue: str, identities: list[Identity], name: str = "",
                               subject: str = "", attributes: dict[str, str] | None = None,
                               language: str = "") -> InteractionInfo:
        if not self.queue_open or self.agents_logged_in == 0:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, "nobody is available")
        iid = uuid.uuid4().hex[:12]
        info = InteractionInfo(interaction_id=iid, channel=Channel(channel), state=InteractionState.QUEUED,
                               queue=queue, customer_id="c-" + iid, customer_name=name,
                               created_ms=int(time.time() * 1000))
        self.live[iid] = _Live(info=info, identities=list(identities), name=name)
        return info

    def _require(self, iid: str) -> _Live:
        live = self.live.get(iid)
        if live is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no open interaction {iid}")
        return live

    def _add(self, live: _Live, kind: AuthorKind, author: str, author_name: str, text: str, *,
             cmid: str = "", private: bool = False, attachments: list[Attachment] | None = None) -> ChatMessage:
        seq = live.info.last_seq + 1
        m = ChatMessage(interaction_id=live.info.interaction_id, seq=seq, message_id=uuid.uuid4().hex,
                        ts_ms=int(time.time() * 1000), author_kind=kind, author=author, author_name=author_name,
                        text=text, private=private, client_msg_id=cmid, attachments=list(attachments or []))
        live.messages.append(m)
        live.info.last_seq = seq
        if cmid:
            live.by_cmid[cmid] = m
        if not private:
            self._deliver(live.info.interaction_id, m)
        return m

    async def customer_message(self, interaction_id: str, *, client_msg_id: str, text: str,
                               attachments: list[Attachment] = []) -> ChatMessage:  # noqa: B006 - the API's
        self.customer_message_calls += 1
        live = self._require(interaction_id)
        if client_msg_id in live.by_cmid:
            return live.by_cmid[client_msg_id]
        return self._add(live, AuthorKind.CUSTOMER, live.info.customer_id, live.name, text, cmid=client_msg_id,
                         attachments=attachments)

    async def store_attachment(self, interaction_id: str, *, name: str, content_type: str, data: bytes,
                               by: str = "customer") -> Attachment:
        self._require(interaction_id)
        if len(data) > self.max_bytes or content_type not in self.types:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "attachment refused")
        aid = uuid.uuid4().hex
        path = self.files_dir / aid
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        att = Attachment(attachment_id=aid, name=name, content_type=content_type, size=len(data),
                         sha256=hashlib.sha256(data).hexdigest())
        self.attachments[aid] = (att, path)
        return att

    def attachment_path(self, attachment_id: str) -> tuple[Attachment, Path] | None:
        return self.attachments.get(attachment_id)

    def customer_typing(self, interaction_id: str, typing: bool) -> None:
        self.typing.append((interaction_id, typing))

    async def customer_read(self, interaction_id: str, seq: int) -> None:
        live = self._require(interaction_id)
        live.info.customer_read_seq = max(live.info.customer_read_seq, seq)
        self._deliver(interaction_id, live.info)

    def customer_presence(self, interaction_id: str, online: bool) -> None:
        self.presence.append((interaction_id, online))

    async def customer_left(self, interaction_id: str) -> None:
        self.left.append(interaction_id)
        live = self._require(interaction_id)
        self._add(live, AuthorKind.SYSTEM, "", "", "customer left")

    async def rate(self, interaction_id: str, score: int, comment: str = "") -> None:
        if interaction_id not in self.closed and interaction_id not in self.live:
            raise SwitchboardError(ErrorCode.NOT_FOUND, "unknown interaction")
        if interaction_id in self.ratings:
            raise SwitchboardError(ErrorCode.CONFLICT, "already rated")
        self.ratings[interaction_id] = (score, comment)

    async def messages_after(self, interaction_id: str, after_seq: int) -> list[ChatMessage]:
        live = self.live.get(interaction_id) or self.closed.get(interaction_id)
        if live is None:
            return []
        return [m for m in live.messages if m.seq > after_seq and not m.private]

    def info(self, interaction_id: str) -> InteractionInfo | None:
        live = self.live.get(interaction_id)
        return live.info if live else None

    async def find_open(self, identity: Identity) -> InteractionInfo | None:
        for live in self.live.values():
            if identity in live.identities:
                return live.info
        return None

    async def leave_offline_message(self, *, channel: str, queue: str, identities: list[Identity], name: str,
                                    text: str) -> InteractionInfo:
        self.offline.append((queue, list(identities), name, text))
        return InteractionInfo(interaction_id=uuid.uuid4().hex[:12], channel=Channel(channel),
                               state=InteractionState.CLOSED, queue=queue)

    # --- the agent's side (what routing + a desktop would do) ------------------------------------

    def only(self) -> str:
        assert len(self.live) == 1, self.live.keys()
        return next(iter(self.live))

    def agent_accept(self, iid: str, username: str = "alice", display: str = "Alice 爱丽丝") -> None:
        live = self._require(iid)
        live.info.state = InteractionState.CONNECTED
        live.info.participants = [Participant(username=username, display_name=display)]
        self._deliver(iid, live.info)

    def agent_say(self, iid: str, text: str, *, private: bool = False) -> ChatMessage:
        live = self._require(iid)
        p = live.info.participants[0]
        return self._add(live, AuthorKind.AGENT, p.username, p.display_name, text, private=private)

    def agent_typing(self, iid: str, on: bool) -> None:
        live = self._require(iid)
        self._deliver(iid, TypingChanged(interaction_id=iid, author_kind=AuthorKind.AGENT,
                                         author=live.info.participants[0].username, typing=on))

    def agent_read(self, iid: str, seq: int) -> None:
        live = self._require(iid)
        live.info.agent_read_seq = seq
        self._deliver(iid, live.info)

    def agent_end(self, iid: str) -> None:
        """The owner ends the chat: wrap-up, then (as the desktop would) closed."""
        live = self._require(iid)
        live.info.state = InteractionState.WRAPUP
        self._deliver(iid, live.info)
        live.info.state = InteractionState.CLOSED
        self._deliver(iid, live.info)
        self.closed[iid] = self.live.pop(iid)
