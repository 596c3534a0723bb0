"""Host-side helper for the engine's timers: keep SetTimer/CancelTimer, hand back due TimerFired.

The engine never reads a clock; it asks to be called back. A real host maps
these decisions onto ``loop.call_at``; a replay, a bench or a test uses this
book with simulated time.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable

from edge_server.routing.decisions import CancelTimer, Decision, SetTimer
from edge_server.routing.events import TimerFired


class TimerBook:
    def __init__(self) -> None:
        self._at: dict[str, tuple[int, int]] = {}  # key -> (at_ms, arming sequence)
        self._heap: list[tuple[int, int, str]] = []
        self._n = 0

    def __len__(self) -> int:
        return len(self._at)

    def __contains__(self, key: str) -> bool:
        return key in self._at

    def apply(self, decisions: Iterable[Decision]) -> None:
        for d in decisions:
            if type(d) is SetTimer:
                self._n += 1
                self._at[d.key] = (d.at_ms, self._n)
                heapq.heappush(self._heap, (d.at_ms, self._n, d.key))
            elif type(d) is CancelTimer:
                self._at.pop(d.key, None)

    def _clean(self) -> None:
        heap = self._heap
        while heap and self._at.get(heap[0][2]) != (heap[0][0], heap[0][1]):
            heapq.heappop(heap)

    def next_at(self) -> int | None:
        self._clean()
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now_ms: int) -> TimerFired | None:
        """The earliest timer due at or before ``now_ms`` (fired at its own time), or None."""
        self._clean()
        if not self._heap or self._heap[0][0] > now_ms:
            return None
        at, _, key = heapq.heappop(self._heap)
        del self._at[key]
        return TimerFired(now_ms=at, key=key)

    def keys(self) -> list[str]:
        return sorted(self._at)
