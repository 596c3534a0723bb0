"""Identity ownership decided in this process but perhaps not yet visible to a read.

The edge is the single writer of customers. ``Store.read`` sees every event
appended before the read was *called*; a resolve that read before another one
appended would still miss it, so two chats from one new visitor arriving at once
could create two customers. Every writer therefore records what it decided here
in the same synchronous step as its ``Store.append`` (no await in between), and
every reader consults this map after its read. An entry is dropped once no
operation that started before it was recorded is still running AND the store has
applied the append that carried it (``applied_seq`` ≥ its journal seq): from then on
even a read that does not wait for the database (``Store.read(fresh=False)``, the
resolve of every new chat) sees it there.
"""
from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator

Key = tuple[str, str]  # (kind, value), normalised


class Claims:
    def __init__(self, applied_seq: Callable[[], int] = lambda: 1 << 62) -> None:
        self._applied_seq = applied_seq
        self._claims: dict[Key, tuple[str, int, int]] = {}  # identity -> (customer_id, generation, seq)
        self._redirects: dict[str, str] = {}  # merged customer -> survivor (merges are rare; kept)
        self._generation = 0
        self._tickets = itertools.count()
        # ticket -> (generation, applied seq) when the operation started: its reads see at least
        # what was applied then, so a claim newer than that must outlive the operation.
        self._running: dict[int, tuple[int, int]] = {}

    @contextlib.contextmanager
    def operation(self) -> Iterator[None]:
        """Wrap read-decide-append: claims recorded after its start stay until it ends."""
        ticket = next(self._tickets)
        self._running[ticket] = (self._generation, self._applied_seq())
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

    def claim(self, keys: list[Key], customer_id: str, seq: int = 0) -> None:
        """Record ownership decided now; ``seq``: the journal seq of the append that carries it."""
        self._generation += 1
        for key in keys:
            self._claims[key] = (customer_id, self._generation, seq)

    def merged(self, merged_id: str, survivor_id: str) -> None:
        self._redirects[merged_id] = survivor_id

    def _prune(self) -> None:
        oldest = min((gen for gen, _ in self._running.values()), default=self._generation)
        applied = min((seen for _, seen in self._running.values()), default=self._applied_seq())
        stale = [k for k, (_, gen, seq) in self._claims.items() if gen <= oldest and seq <= applied]
        for k in stale:
            del self._claims[k]

    def __len__(self) -> int:
        return len(self._claims)
