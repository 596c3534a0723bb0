"""Per-queue live statistics and the estimated-wait-time formula.

Service level = answered within the target / (answered + abandoned after the
target) x 100: callers who gave up before the target ("short abandons") count
neither for nor against the queue. Handle time = accepted -> capacity freed
(talk plus after-call work). Counters run from engine start or the last
StatsReset.

EWT: the task at position p (1 = next) waits about p x AHT / servers, where
servers = the sum of capacity on the queue's channel over the queue's eligible
agents who are Ready (busy or not). With every server busy, one server frees
every AHT / servers seconds on average, so p of them free in p times that.
It is None (unknown) while nobody is staffed.
"""
from __future__ import annotations

import msgspec


class QueueStats(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    queue: str
    open: bool
    waiting: int  # in queue, not yet accepted (includes offered)
    offered: int  # of those, ringing at an agent right now
    oldest_arrival_ms: int | None  # longest wait = now - this (the host knows now)
    answered: int
    answered_in_sl: int
    abandoned: int
    abandoned_short: int  # abandoned before the SL target
    expired: int
    overflowed: int  # left by overflow or voicemail
    service_level_pct: float | None
    sl_target_s: float
    sl_goal_pct: float
    aht_s: float | None
    staffed: int  # eligible agents in Ready
    servers: int  # their capacity on the queue's channel
    seconds_per_position: float | None  # EWT of position p = p x this


class QueueCounters:
    """Mutable counters behind QueueStats."""

    __slots__ = (
        "answered",
        "answered_in_sl",
        "abandoned",
        "abandoned_short",
        "expired",
        "overflowed",
        "handle_sum_ms",
        "handle_n",
        "_sl",
        "_aht",
    )
    _COUNTS = __slots__[:8]

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.answered = 0
        self.answered_in_sl = 0
        self.abandoned = 0
        self.abandoned_short = 0
        self.expired = 0
        self.overflowed = 0
        self.handle_sum_ms = 0
        self.handle_n = 0
        self._derive()

    def as_list(self) -> list[int]:
        return [getattr(self, f) for f in self._COUNTS]

    def load_list(self, values: list[int]) -> None:
        for f, v in zip(self._COUNTS, values, strict=True):
            setattr(self, f, v)
        self._derive()

    def _derive(self) -> None:
        # Cached: statistics are rebuilt after most events, the ratios change far less often.
        denominator = self.answered + self.abandoned - self.abandoned_short
        self._sl = round(100.0 * self.answered_in_sl / denominator, 2) if denominator > 0 else None
        self._aht = round(self.handle_sum_ms / self.handle_n / 1000.0, 1) if self.handle_n else None

    def record_answer(self, in_sl: bool) -> None:
        self.answered += 1
        if in_sl:
            self.answered_in_sl += 1
        self._derive()

    def record_abandon(self, short: bool) -> None:
        self.abandoned += 1
        if short:
            self.abandoned_short += 1
        self._derive()

    def record_handle(self, ms: int) -> None:
        self.handle_sum_ms += ms
        self.handle_n += 1
        self._derive()

    def service_level_pct(self) -> float | None:
        return self._sl

    def aht_s(self) -> float | None:
        return self._aht


def seconds_per_position(aht_s: float, servers: int) -> float | None:
    """EWT slope (see module doc), to two significant digits.

    A change of the slope re-sends every position of the queue, and AHT moves a
    little with every completed task; two digits (at most 5 % off, far below
    the estimate's own error) keep those re-sends to real changes.
    """
    if servers <= 0:
        return None
    return float(f"{aht_s / servers:.2g}")
