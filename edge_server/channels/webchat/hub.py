"""Who is connected: visitors (one per browser), their sockets (one per tab) and their interactions.

The interactions service pushes into ``Hub.deliver`` (the "chat" channel sink)
on the edge loop; the hub fans each item out to every tab of the visitor whose
interaction it is. Pushing never blocks: each socket has its own outbound queue.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from edge_server.channels.webchat import protocol as p
from edge_server.channels.webchat.ratelimit import TokenBucket
from edge_server.contract.interactions import (
    AuthorKind,
    ChatMessage,
    Identity,
    InteractionInfo,
    InteractionState,
    TypingChanged,
)

log = logging.getLogger("sb.webchat")

#: A tab that falls this far behind is dropped; it reconnects and resumes from its last seq.
MAX_QUEUED_FRAMES = 2000


class Conn:
    """One WebSocket (one tab). Frames are queued and written by the socket's own writer task."""

    def __init__(self, remote: str) -> None:
        self.remote = remote
        self.out: asyncio.Queue[str | None] = asyncio.Queue()
        self.visitor: Visitor | None = None
        self.max_seq = 0  # highest message seq written to this tab (live pushes at or below are skipped)
        self.last_rx = time.monotonic()
        self.closing = False
        self.close_code = 1000
        self.close_reason = ""

    def push(self, frame: p.Frame | str) -> None:
        if self.closing:
            return
        if self.out.qsize() >= MAX_QUEUED_FRAMES:
            log.warning("visitor socket %s too slow (%d frames queued): closing it", self.remote, MAX_QUEUED_FRAMES)
            self.close()
            return
        self.out.put_nowait(frame if isinstance(frame, str) else p.encode(frame))

    def push_message(self, m: ChatMessage, frame: str = "", *, replay: bool = False) -> None:
        """``frame``: ``m`` already encoded (one encoding for every tab)."""
        if m.private:  # the service never sends these; a second fence costs nothing
            return
        if not replay and m.seq <= self.max_seq:
            return
        self.max_seq = max(self.max_seq, m.seq)
        self.push(frame or p.message_out(m))

    def close(self, code: int = 1000, reason: str = "") -> None:
        if not self.closing:
            self.closing = True
            self.close_code, self.close_reason = code, reason
            self.out.put_nowait(None)  # the writer closes the socket


@dataclass
class Visitor:
    visitor_id: str
    token: str
    identities: list[Identity] = field(default_factory=list)
    identified: bool = False
    name: str = ""
    email: str = ""
    lang: str = ""
    interaction_id: str = ""  # the current (or last) interaction, kept after close for the rating
    interaction_ids: set[str] = field(default_factory=set)  # every interaction seen: attachment access
    conns: set[Conn] = field(default_factory=set)
    bucket: TokenBucket = field(default_factory=TokenBucket)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # serialises start across tabs
    left_at: float = 0.0  # monotonic time the last tab closed (0: has tabs)


class Hub:
    def __init__(self, on_presence: Callable[[str, bool], None]) -> None:
        self.visitors: dict[str, Visitor] = {}
        # Every visitor bound to an interaction: one browser's tabs share a Visitor, but a signed-in site
        # user may have the same chat open in two browsers (two visitor ids, one customer).
        self.by_interaction: dict[str, dict[str, Visitor]] = {}
        self.infos: dict[str, InteractionInfo] = {}  # last info pushed, for agent names on typing
        self.attachment_owner: dict[str, str] = {}  # attachment id -> interaction id
        self._on_presence = on_presence

    def visitor(self, visitor_id: str, token: str) -> Visitor:
        v = self.visitors.get(visitor_id)
        if v is None:
            v = self.visitors[visitor_id] = Visitor(visitor_id=visitor_id, token=token)
        return v

    def attach(self, conn: Conn, v: Visitor) -> None:
        v.conns.add(conn)
        v.left_at = 0.0
        conn.visitor = v

    def detach(self, conn: Conn) -> None:
        v = conn.visitor
        if v is None:
            return
        v.conns.discard(conn)
        conn.visitor = None
        if not v.conns:
            v.left_at = time.monotonic()
            iid = v.interaction_id
            info = self.infos.get(iid)
            if iid and info is not None and info.state != InteractionState.CLOSED and not self.online(iid):
                self._on_presence(iid, False)
            if not iid:
                self.forget(v)  # nothing to keep: a new tab builds it again

    def online(self, interaction_id: str) -> bool:
        """Has any visitor of this interaction a tab open?"""
        return any(v.conns for v in self.by_interaction.get(interaction_id, {}).values())

    def sweep(self, idle_s: float) -> int:
        """Forget visitors without a tab for ``idle_s`` (their rating window is over); returns how many."""
        cutoff = time.monotonic() - idle_s
        gone = [v for v in self.visitors.values() if not v.conns and v.left_at and v.left_at < cutoff]
        for v in gone:
            self.forget(v)
        return len(gone)

    def forget(self, v: Visitor) -> None:
        if self.visitors.get(v.visitor_id) is v and not v.conns:
            del self.visitors[v.visitor_id]
            for iid in v.interaction_ids:
                bound = self.by_interaction.get(iid)
                if bound is not None and bound.get(v.visitor_id) is v:
                    del bound[v.visitor_id]
                    if not bound:
                        del self.by_interaction[iid]
                        self.infos.pop(iid, None)

    def bind(self, v: Visitor, info: InteractionInfo) -> None:
        v.interaction_id = info.interaction_id
        v.interaction_ids.add(info.interaction_id)
        self.by_interaction.setdefault(info.interaction_id, {})[v.visitor_id] = v
        self.infos[info.interaction_id] = info

    def note_attachments(self, m: ChatMessage) -> None:
        for a in m.attachments:
            self.attachment_owner[a.attachment_id] = m.interaction_id

    # --- the channel sink ---------------------------------------------------------------

    def deliver(self, interaction_id: str, item: ChatMessage | InteractionInfo | TypingChanged) -> None:
        bound = self.by_interaction.get(interaction_id)
        if isinstance(item, InteractionInfo):
            if bound or interaction_id in self.infos:
                self.infos[interaction_id] = item
        if not bound:
            return  # the visitor is gone; they catch up with resume when they come back
        conns = [c for v in bound.values() for c in v.conns]
        if isinstance(item, ChatMessage):
            if item.private:
                return
            self.note_attachments(item)
            if not conns:
                return
            frame = p.encode(p.message_out(item))  # encoded once for every tab
            for c in conns:
                c.push_message(item, frame)
        elif isinstance(item, InteractionInfo):
            frame = p.encode(p.interaction_view(item))
            for c in conns:
                c.push(frame)
        elif isinstance(item, TypingChanged):
            if item.author_kind == AuthorKind.CUSTOMER:
                return
            frame = p.encode(p.TypingOut(on=item.typing, name=self._agent_name(interaction_id, item.author)))
            for c in conns:
                c.push(frame)

    def _agent_name(self, interaction_id: str, username: str) -> str:
        info = self.infos.get(interaction_id)
        if info is not None:
            for part in info.participants:
                if part.username == username:
                    return part.display_name or username
        return ""
