"""The edge's wall clock as seen from the desktop, so time-in-state ignores local clock skew."""
from __future__ import annotations

import time


class ServerClock:
    """Local time corrected by the offset measured from the edge's ``server_time_ms``."""

    def __init__(self) -> None:
        self._offset_ms = 0

    def sync(self, server_time_ms: int) -> None:
        # One-way latency (well under a millisecond on a LAN) is ignored: the counter shows seconds.
        if server_time_ms > 0:
            self._offset_ms = server_time_ms - int(time.time() * 1000)

    @property
    def offset_ms(self) -> int:
        return self._offset_ms

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self._offset_ms
