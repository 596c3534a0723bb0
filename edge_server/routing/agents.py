"""The engine's mutable record of one agent (internal)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from edge_server.contract.messages import AgentState
from edge_server.routing.model import AgentConfig

if TYPE_CHECKING:
    from edge_server.routing.pools import Pool, PoolKey
    from edge_server.routing.tasks import TaskRuntime


class OfferRec:
    """One outstanding offer of a task to an agent."""

    __slots__ = ("offer_id", "task", "agent", "at_ms", "timer")

    def __init__(self, offer_id: int, task: TaskRuntime, agent: AgentRuntime, at_ms: int, timer: str) -> None:
        self.offer_id = offer_id
        self.task = task
        self.agent = agent
        self.at_ms = at_ms
        self.timer = timer


class AgentRuntime:
    __slots__ = (
        "id",
        "name",
        "config",
        "capacity",
        "presence",
        "reason",
        "load",
        "offer",
        "missed",
        "handled",
        "idle_since_ms",
        "pools",
        "queues",
        "retired",
        "tasks",
    )

    def __init__(self, agent_id: int, config: AgentConfig, capacity: dict[str, int]) -> None:
        self.id = agent_id  # position in configuration order: the final, deterministic tie-break
        self.name = config.username
        self.config = config
        self.capacity = capacity
        self.presence = AgentState.LOGGED_OUT
        self.reason = ""
        self.load: dict[str, int] = {}  # channel -> slots held (offered + active + wrap-up)
        self.offer: OfferRec | None = None  # at most one pending offer: never offered twice
        self.missed = 0  # consecutive missed offers
        self.handled = 0  # accepted since login
        self.idle_since_ms = 0  # when the agent last finished work (or logged in)
        self.pools: dict[PoolKey, Pool] = {}  # every pool it is eligible for
        self.queues: tuple[str, ...] = ()  # queues whose base requirements it meets
        self.retired = False  # removed from the configuration
        self.tasks: dict[int, TaskRuntime] = {}  # seq -> accepted tasks (active or wrap-up)

    @property
    def ready(self) -> bool:
        return self.presence is AgentState.READY and not self.retired

    def total_load(self) -> int:
        return sum(self.load.values())

    def __repr__(self) -> str:
        return f"<agent {self.name} {self.presence} load={self.load}>"
