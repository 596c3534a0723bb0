"""A token bucket per visitor: a burst is fine, a flood is told to slow down."""
from __future__ import annotations

import time


class TokenBucket:
    def __init__(self, rate_per_s: float = 10.0, burst: float = 20.0) -> None:
        self.rate = rate_per_s
        self.burst = burst
        self._tokens = burst
        self._at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False
