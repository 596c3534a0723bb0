"""Decisions the engine returns: what the host must do, in order, for one event.

Journal the list, then execute it: push offers and rescinds to desktops,
arm/cancel timers, publish statistics. ``StatsChanged`` and ``QueuePositions``
are derived (a replay reproduces them), so a host may skip journaling them.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Union

import msgspec

from edge_server.routing.stats import QueueStats


# Structs here use gc=False: they hold only values (never engine objects), so they cannot
# be part of a reference cycle; untracked, they neither trigger nor lengthen GC passes.


class Candidate(msgspec.Struct, gc=False, frozen=True):
    """One ranked candidate: an agent (task-driven) or a task (agent-driven)."""

    name: str
    rank: tuple[float, ...]  # smaller ranks first; meaning given by Explanation.rank_order


class FilterStep(msgspec.Struct, gc=False, frozen=True):
    """How many candidates remained after a filter."""

    name: str
    remaining: int


class Explanation(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    """Why an offer went where it went."""

    trigger: str  # "task": agents ranked for a waiting task; "agent": tasks ranked for a free agent
    strategy: str
    rank_order: str  # e.g. "idle_since_ms asc, then configuration order"
    requirements: dict[str, int] = {}  # skills in force for the task when offered
    language: str = ""
    targeted: tuple[str, ...] = ()  # explicit agents (direct, sticky, plan-added)
    teams: tuple[str, ...] = ()
    filters: tuple[FilterStep, ...] = ()
    candidates: int = 0
    top: tuple[Candidate, ...] = ()  # the best few, the chosen one first
    note: str = ""


class Decision(msgspec.Struct, gc=False, frozen=True, kw_only=True, tag_field="type"):
    pass


class Offer(Decision, tag="offer"):
    offer_id: int
    task_id: str
    agent: str
    queue: str
    channel: str
    kind: str
    priority: int
    timeout_ms: int
    expires_ms: int
    explanation: Explanation
    ring_all: bool = False
    callback: bool = False  # the customer is no longer on the line: the agent calls back


class Rescind(Decision, tag="rescind"):
    offer_id: int
    task_id: str
    agent: str
    reason: str  # taken | cancelled | expired | agent_unavailable | voicemail


class Assigned(Decision, tag="assigned"):
    """An accept was valid: connect the task to the agent."""

    offer_id: int
    task_id: str
    agent: str
    queue: str
    wait_ms: int


class Escalated(Decision, tag="escalated"):
    """A plan step changed who may take the task or its priority (its place in line is kept)."""

    task_id: str
    queue: str
    step: int
    priority: int
    requirements: dict[str, int]
    language: str
    added_agents: tuple[str, ...] = ()
    added_teams: tuple[str, ...] = ()


class Overflowed(Decision, tag="overflowed"):
    task_id: str
    from_queue: str
    to_queue: str
    step: int  # -1: overflow on arrival because the queue was closed


class FinalActionTaken(Decision, tag="final_action"):
    task_id: str
    queue: str
    action: str  # voicemail: the task left; callback: it keeps its place as a callback


class TaskExpired(Decision, tag="task_expired"):
    task_id: str
    queue: str
    waited_ms: int


class TaskRejected(Decision, tag="task_rejected"):
    task_id: str
    queue: str
    reason: str  # closed | unknown_queue | unknown_agent | duplicate
    action: str = ""  # for closed: reject | voicemail | callback


class AgentAutoNotReady(Decision, tag="agent_auto_not_ready"):
    agent: str
    reason: str
    missed: int


class AcwStarted(Decision, tag="acw_started"):
    agent: str
    task_id: str
    queue: str
    until_ms: int | None  # None: until the agent submits the wrap-up
    wrapup_codes: tuple[str, ...] = ()


class AcwEnded(Decision, tag="acw_ended"):
    agent: str
    task_id: str
    queue: str
    wrapup_code: str
    by: str  # agent | timer | logout


class SetTimer(Decision, tag="set_timer"):
    """Call back with TimerFired(key) at ``at_ms`` (host clock). A key is armed once."""

    key: str
    at_ms: int


class CancelTimer(Decision, tag="cancel_timer"):
    key: str


class StatsChanged(Decision, tag="stats_changed"):
    queue: str
    stats: QueueStats


class TaskPosition(msgspec.Struct, gc=False, frozen=True):
    task_id: str
    position: int  # 1 = next in line
    ewt_s: float | None


class QueuePositions(Decision, tag="queue_positions"):
    """The queue's waiting (not ringing) tasks from ``first_position`` on, in order.

    Positions before ``first_position`` did not change; ``total`` is the new
    length. Each task's EWT is position x ``seconds_per_position``; when that
    slope changes the whole line is sent (first_position = 1).
    """

    queue: str
    total: int
    first_position: int
    task_ids: tuple[str, ...]
    seconds_per_position: float | None

    def entries(self) -> Iterator[TaskPosition]:
        spp = self.seconds_per_position
        for i, task_id in enumerate(self.task_ids, start=self.first_position):
            yield TaskPosition(task_id, i, None if spp is None else round(i * spp, 1))


class EventRefused(Decision, tag="event_refused"):
    """An event that could not apply (a race or a stale reference); nothing changed."""

    event: str
    reason: str
    task_id: str = ""
    agent: str = ""


AnyDecision = Union[
    Offer,
    Rescind,
    Assigned,
    Escalated,
    Overflowed,
    FinalActionTaken,
    TaskExpired,
    TaskRejected,
    AgentAutoNotReady,
    AcwStarted,
    AcwEnded,
    SetTimer,
    CancelTimer,
    StatsChanged,
    QueuePositions,
    EventRefused,
]

#: Decisions derived from state that a replay reproduces; journaling them is optional.
DERIVED = (StatsChanged, QueuePositions)

_encoder = msgspec.msgpack.Encoder()
_decoder: msgspec.msgpack.Decoder[list[AnyDecision]] = msgspec.msgpack.Decoder(list[AnyDecision])  # type: ignore[valid-type]


def encode_decisions(decisions: list[Decision]) -> bytes:
    return _encoder.encode(decisions)


def decode_decisions(data: bytes) -> list[Decision]:
    return list(_decoder.decode(data))
