"""A queue's runtime: its line of waiting tasks (for positions), its oldest task, its counters."""
from __future__ import annotations

import heapq
from bisect import bisect_left, insort

from edge_server.routing.model import QueueConfig
from edge_server.routing.stats import QueueCounters, QueueStats
from edge_server.routing.tasks import TaskKey, TaskRuntime, TaskState


class QueueRuntime:
    __slots__ = (
        "config",
        "retired",
        "line",
        "oldest",
        "members",
        "offered",
        "counters",
        "staffed",
        "servers",
        "open",
        "rr_last",
        "last_stats",
        "last_spp",
        "last_total",
    )

    def __init__(self, config: QueueConfig) -> None:
        self.config = config
        self.retired = False  # removed from configuration; kept until its last task is gone
        self.line: list[TaskKey] = []  # waiting (not ringing) tasks of this queue, in order
        # (arrival_ms, seq) of every task in the queue, waiting or ringing, lazily cleaned:
        # the line is ordered by priority first, so it cannot give the longest waiter.
        self.oldest: list[tuple[int, int]] = []
        self.members: set[int] = set()  # agent ids meeting the queue's base requirements
        self.offered = 0
        self.counters = QueueCounters()
        self.staffed = 0
        self.servers = 0
        self.open = True
        self.rr_last = -1  # round robin: id of the agent picked last
        self.last_stats: QueueStats | None = None
        self.last_spp: float | None = None
        self.last_total = 0

    @property
    def name(self) -> str:
        return self.config.queue

    def insert(self, task: TaskRuntime) -> int:
        """Put a waiting task in line; return its index."""
        insort(self.line, task.key)
        return bisect_left(self.line, task.key)

    def remove(self, task: TaskRuntime) -> int:
        line = self.line
        i = bisect_left(line, task.key)
        if i >= len(line) or line[i][3] is not task:
            raise AssertionError(f"{task!r} not in the line of {self.name}")
        del line[i]
        return i

    def index(self, task: TaskRuntime) -> int:
        return bisect_left(self.line, task.key)

    def push_oldest(self, task: TaskRuntime) -> None:
        heapq.heappush(self.oldest, (task.arrival_ms, task.seq))

    def oldest_arrival(self, by_seq: dict[int, TaskRuntime]) -> int | None:
        heap = self.oldest
        while heap:
            seq = heap[0][1]
            t = by_seq.get(seq)
            if t is not None and t.queue == self.name and t.state <= TaskState.OFFERED:
                return heap[0][0]
            heapq.heappop(heap)
        return None

    def compact_oldest(self, by_seq: dict[int, TaskRuntime]) -> None:
        """Drop stale entries buried under a long waiter, so the heap stays proportional to the queue."""
        live = len(self.line) + self.offered
        if len(self.oldest) > 2 * live + 64:
            self.oldest = [
                e
                for e in self.oldest
                if (t := by_seq.get(e[1])) is not None and t.queue == self.name and t.state <= TaskState.OFFERED
            ]
            heapq.heapify(self.oldest)
