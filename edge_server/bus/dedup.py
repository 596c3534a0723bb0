"""Replies of non-idempotent requests, remembered by (client key, client id, request id)."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from edge_server.bus.connection import Connection

#: (CURVE client key, cid, rid). The proven key is part of it so a cached reply
#: (a login's session token, say) can never be fetched by another desktop.
DedupKey = tuple[str, str, str]


@dataclass(eq=False, slots=True)
class DedupEntry:
    conn: Connection  # the connection that ran the request
    reply: bytes | None = None  # the encoded REPLY or ERROR frame, once finished
    # Set when the request attached a session (login, resume): (session id, seq it starts after),
    # so a retry that arrives on a new connection can move the session there.
    attached: tuple[str, int] | None = None
    waiters: list[Callable[[bytes], None]] = field(default_factory=list)

    def finish(self, reply: bytes, attached: tuple[str, int] | None) -> None:
        self.reply = reply
        self.attached = attached
        waiters, self.waiters = self.waiters, []
        for deliver in waiters:
            deliver(reply)


class DedupCache:
    """LRU of DedupEntry; an entry evicted while running still answers its own waiters."""

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("dedup capacity must be positive")
        self._capacity = capacity
        self._entries: OrderedDict[DedupKey, DedupEntry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: DedupKey) -> DedupEntry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def start(self, key: DedupKey, conn: Connection) -> DedupEntry:
        entry = DedupEntry(conn)
        self._entries[key] = entry
        if len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
        return entry

    def drop(self, key: DedupKey) -> None:
        self._entries.pop(key, None)
