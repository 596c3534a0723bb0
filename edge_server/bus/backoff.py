"""Capped exponential reconnect backoff with jitter."""
from __future__ import annotations

import random


class Backoff:
    """Delays ``base * 2**n`` capped at ``cap``, each scaled by a random factor in [1 - jitter, 1].

    Jitter spreads the reconnects of many desktops after an edge restart so they do not
    all hit the fresh edge in the same millisecond.
    """

    def __init__(self, base_s: float = 0.1, cap_s: float = 5.0, jitter: float = 0.5,
                 rng: random.Random | None = None) -> None:
        if not 0 < base_s <= cap_s:
            raise ValueError("backoff needs 0 < base <= cap")
        if not 0 <= jitter < 1:
            raise ValueError("backoff jitter must be in [0, 1)")
        self._base = base_s
        self._cap = cap_s
        self._jitter = jitter
        self._rng = rng or random.Random()
        self._attempt = 0

    def next(self) -> float:
        delay = min(self._cap, self._base * float(2 ** min(self._attempt, 30)))
        self._attempt += 1
        return float(delay * (1 - self._jitter * self._rng.random()))

    def reset(self) -> None:
        self._attempt = 0
