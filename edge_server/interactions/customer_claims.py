"""Identity ownership decided in this process but perhaps not yet visible to a read.

The edge is the single writer of customers. ``Store.read`` sees every event
appended before the read was *called*; a resolve that read before another one
appended would still miss it, so two chats from one new visitor arriving at once
could create two customers. Every writer therefore records what it decided here
in the same synchronous step as its ``Store.append`` (no await in between), and
every reader consults this map after its read. An entry is dropped once no
operation that started before it was recorded is still running: later reads see
it in the database.
"""
from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

Key = tuple[str, str]  # (kind, value), normalised


class Claims:
    def __init__(self) -> None:
        self._claims: dict[Key, tuple[str, int]] = {}  # identity -> (customer_id, generation)
        self._redirects: dict[str, str] = {}  # merged customer -> survivor (merges are rare; kept)
        self._generation = 0
        self._tickets = itertools.count()
        self._running: dict[int, int] = {}  # ticket -> generation when the operation started

    @contextlib.contextmanager
    def operation(self) -> Iterator[None]:
        """Wrap read-decide-append: claims recorded after its start stay until it ends."""
        ticket = next(self._tickets)
        self._running[ticket] = self._generation
        try:
            yield
        finally:
            del self._running[ticket]
            self._prune()

    def owner(self, key: Key) -> str | None:
        found = self._claims.get(key)
        return self.final(found[0]) if found else None

    def final(self, customer_id: str) -> str:
        """``customer_id`` after merges decided here."""
        for _ in range(16):
            nxt = self._redirects.get(customer_id)
            if nxt is None:
                break
            customer_id = nxt
        return customer_id

    def claim(self, keys: list[Key], customer_id: str) -> None:
        self._generation += 1
        for key in keys:
            self._claims[key] = (customer_id, self._generation)

    def merged(self, merged_id: str, survivor_id: str) -> None:
        self._redirects[merged_id] = survivor_id

    def _prune(self) -> None:
        oldest = min(self._running.values(), default=self._generation)
        if len(self._claims) and oldest >= self._generation:
            self._claims.clear()
            return
        stale = [k for k, (_, gen) in self._claims.items() if gen <= oldest]
        for k in stale:
            del self._claims[k]

    def __len__(self) -> int:
        return len(self._claims)
