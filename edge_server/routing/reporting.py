"""Live statistics and positions: which queues an event touched, and the decisions that report them.

Every event ends with ``StatsChanged`` for each touched queue whose numbers
changed and ``QueuePositions`` for each queue whose line changed (only the
suffix from the first moved position, or the whole line when the EWT slope
changed). Nothing is polled; nothing is sent for queues the event left alone.
"""
from __future__ import annotations

from collections.abc import Callable

from edge_server.routing import decisions as dec
from edge_server.routing.queues import QueueRuntime
from edge_server.routing.stats import QueueStats, seconds_per_position
from edge_server.routing.tasks import TaskRuntime


def slope(q: QueueRuntime) -> float | None:
    """Seconds of estimated wait per position in line (see stats.py for the formula)."""
    aht = q.counters.aht_s()
    return seconds_per_position(q.config.default_aht_s if aht is None else aht, q.servers)


def queue_stats(q: QueueRuntime, by_seq: dict[int, TaskRuntime], spp: float | None) -> QueueStats:
    c = q.counters
    return QueueStats(
        queue=q.name,
        open=q.open,
        waiting=len(q.line) + q.offered,
        offered=q.offered,
        oldest_arrival_ms=q.oldest_arrival(by_seq),
        answered=c.answered,
        answered_in_sl=c.answered_in_sl,
        abandoned=c.abandoned,
        abandoned_short=c.abandoned_short,
        expired=c.expired,
        overflowed=c.overflowed,
        service_level_pct=c.service_level_pct(),
        sl_target_s=q.config.sl_target_s,
        sl_goal_pct=q.config.sl_percent,
        aht_s=c.aht_s(),
        staffed=q.staffed,
        servers=q.servers,
        seconds_per_position=spp,
    )


class Reporter:
    """Dirty marks for one event; ``flush`` turns them into decisions and clears them."""

    __slots__ = ("_moved", "_touched")

    def __init__(self) -> None:
        self._moved: dict[str, int] = {}  # queue -> first line index that changed
        self._touched: dict[str, None] = {}  # ordered set: decisions come out in touch order

    def touched(self, queue: str) -> None:
        self._touched[queue] = None

    def moved(self, queue: str, index: int) -> None:
        first = self._moved.get(queue)
        if first is None or index < first:
            self._moved[queue] = index
        self._touched[queue] = None

    def flush(
        self,
        queues: dict[str, QueueRuntime],
        by_seq: dict[int, TaskRuntime],
        emit: Callable[[dec.Decision], None],
    ) -> None:
        if not self._touched:
            return
        moved = self._moved
        for name in self._touched:
            q = queues[name]
            spp = slope(q)
            first = moved.get(name)
            if spp != q.last_spp:
                q.last_spp = spp
                first = 0
            stats = queue_stats(q, by_seq, spp)
            if stats != q.last_stats:
                q.last_stats = stats
                emit(dec.StatsChanged(queue=name, stats=stats))
            if first is not None:
                line = q.line
                n = len(line)
                if first < n or n != q.last_total:
                    emit(
                        dec.QueuePositions(
                            queue=name,
                            total=n,
                            first_position=first + 1,
                            task_ids=tuple([e[3].spec.task_id for e in line[first:]]),
                            seconds_per_position=spp,
                        )
                    )
                q.last_total = n
        self._touched = {}
        self._moved = {}
