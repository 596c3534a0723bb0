"""The engine's mutable record of one task (internal; never handed to the host)."""
from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from edge_server.routing.model import TaskKind, TaskSpec

if TYPE_CHECKING:
    from edge_server.routing.agents import AgentRuntime
    from edge_server.routing.decisions import Explanation
    from edge_server.routing.pools import Pool

#: Sort key of a waiting task: (-priority, arrival_ms, seq, task). ``seq`` is unique,
#: so comparisons never reach the task object and the order is total.
TaskKey = tuple[int, int, int, "TaskRuntime"]


_GONE: TaskKey = (0, 0, -1, None)  # type: ignore[assignment]


class TaskState(enum.IntEnum):
    WAITING = 0  # in line, offerable
    OFFERED = 1  # ringing at one agent (or several with ring-all)
    ACTIVE = 2  # accepted, holds a slot
    WRAPUP = 3  # completed, after-call work still holds the slot


class TaskRuntime:
    __slots__ = (
        "spec",
        "seq",
        "arrival_ms",
        "channel",
        "kind",
        "queue",
        "entered_ms",
        "state",
        "priority",
        "prio_carry",
        "step",
        "reqs",
        "language",
        "extra_agents",
        "extra_teams",
        "sticky",
        "callback",
        "pool",
        "key",
        "offers",
        "excluded",
        "agent",
        "accepted_ms",
        "completed_ms",
        "explanation",
    )

    def __init__(self, spec: TaskSpec, seq: int, arrival_ms: int, channel: str, queue: str, now_ms: int) -> None:
        self.spec = spec
        self.seq = seq
        self.arrival_ms = arrival_ms  # never changes: the task's place in line
        self.channel = channel
        self.kind: TaskKind = spec.kind
        self.queue = queue
        self.entered_ms = now_ms  # when it entered its current queue (plan steps count from here)
        self.state = TaskState.WAITING
        self.priority = spec.priority
        self.prio_carry = 0  # priority raised by plans of queues it overflowed from
        self.step = 0  # plan steps of the current queue applied so far
        self.reqs: dict[str, int] = {}
        self.language = spec.language
        self.extra_agents: tuple[str, ...] = ()
        self.extra_teams: tuple[str, ...] = ()
        self.sticky: tuple[str, ...] = ()  # preferred/last agents while waiting only for them
        self.callback = False
        self.pool: Pool | None = None
        self.key: TaskKey = (-self.priority, arrival_ms, seq, self)
        self.offers: dict[int, int] = {}  # agent id -> offer id
        self.excluded: dict[int, str] = {}  # agent id -> timer key that lifts the exclusion
        self.agent: AgentRuntime | None = None
        self.accepted_ms = 0
        self.completed_ms = 0
        self.explanation: Explanation | None = None

    @property
    def task_id(self) -> str:
        return self.spec.task_id

    def rekey(self) -> None:
        self.key = (-self.priority, self.arrival_ms, self.seq, self)

    def drop(self) -> None:
        """Break the task <-> key reference cycle: a finished task is then freed by reference
        counting at once, never left for the cyclic GC (whose full passes cost latency)."""
        self.key = _GONE

    def __repr__(self) -> str:
        return f"<task {self.spec.task_id} {self.state.name} q={self.queue} prio={self.priority}>"
