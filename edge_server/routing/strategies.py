"""Agent selection: rank the free, eligible agents for one task.

Every rank is a tuple compared ascending and ends with the agent's
configuration index, so the choice is total and never depends on set or dict
iteration order (hash randomisation cannot change a decision).
"""
from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Mapping
from typing import Protocol

import msgspec

from edge_server.routing.agents import AgentRuntime
from edge_server.routing.capacity import occupancy
from edge_server.routing.decisions import Candidate
from edge_server.routing.model import Strategy, TaskSpec

_log = logging.getLogger("sb.routing")


class AgentView(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    """What a scorer may read about an agent (a copy: scorers cannot change engine state)."""

    username: str
    skills: Mapping[str, int]
    languages: tuple[str, ...]
    team: str
    capacity: Mapping[str, int]
    load: Mapping[str, int]
    idle_since_ms: int
    handled: int


class Scorer(Protocol):
    """Pluggable scoring hook for queues with strategy "custom".

    Return a score (higher wins; ties go to the longest idle) or None to skip
    the agent for this task. It must be a pure, deterministic function of its
    arguments, or replays will not reproduce decisions.
    """

    def __call__(self, task: TaskSpec, agent: AgentView, now_ms: int) -> float | None: ...


RANK_ORDER: dict[Strategy, str] = {
    Strategy.LONGEST_IDLE: "idle_since_ms asc",
    Strategy.BEST_SKILL: "-skill_sum asc, idle_since_ms asc",
    Strategy.LEAST_OCCUPIED: "occupancy asc, idle_since_ms asc",
    Strategy.FEWEST_INTERACTIONS: "handled asc, idle_since_ms asc",
    Strategy.ROUND_ROBIN: "wrapped (0 after the last pick, 1 before), configuration order",
    Strategy.RING_ALL: "idle_since_ms asc (all ring)",
    Strategy.CUSTOM: "-score asc, idle_since_ms asc",
}
#: How tasks are ranked for a freed agent (agent-driven matching).
TASK_RANK_ORDER = "-priority asc, arrival_ms asc"

Rank = tuple[float, ...]


def _view(a: AgentRuntime) -> AgentView:
    return AgentView(
        username=a.name,
        skills=dict(a.config.skills),
        languages=a.config.languages,
        team=a.config.team,
        capacity=dict(a.capacity),
        load=dict(a.load),
        idle_since_ms=a.idle_since_ms,
        handled=a.handled,
    )


def _rank_fn(
    strategy: Strategy, reqs: Mapping[str, int], rr_last: int
) -> Callable[[AgentRuntime], Rank]:
    if strategy is Strategy.BEST_SKILL:
        skills = tuple(reqs)
        return lambda a: (-sum(a.config.skills.get(s, 0) for s in skills), a.idle_since_ms, a.id)
    if strategy is Strategy.LEAST_OCCUPIED:
        return lambda a: (occupancy(a.load, a.capacity), a.idle_since_ms, a.id)
    if strategy is Strategy.FEWEST_INTERACTIONS:
        return lambda a: (a.handled, a.idle_since_ms, a.id)
    if strategy is Strategy.ROUND_ROBIN:
        return lambda a: (0 if a.id > rr_last else 1, a.id)
    return lambda a: (a.idle_since_ms, a.id)


class Selection:
    """The agents to offer to, the ranked top few for the explanation, and a note."""

    __slots__ = ("agents", "top", "note", "considered")

    def __init__(self, agents: list[AgentRuntime], top: tuple[Candidate, ...], note: str, considered: int) -> None:
        self.agents = agents
        self.top = top
        self.note = note
        self.considered = considered


def select(
    strategy: Strategy,
    candidates: list[AgentRuntime],
    *,
    task: TaskSpec,
    reqs: Mapping[str, int],
    rr_last: int,
    scorer: Scorer | None,
    now_ms: int,
    top_n: int,
    ring_all_max: int,
) -> Selection:
    """Choose among ``candidates`` (non-empty, all free and eligible)."""
    note = ""
    ranked: list[tuple[Rank, AgentRuntime]]
    if strategy is Strategy.CUSTOM and scorer is not None:
        ranked = []
        try:
            for a in candidates:
                score = scorer(task, _view(a), now_ms)
                if score is None:
                    continue
                ranked.append(((-float(score), a.idle_since_ms, a.id), a))
        except Exception as e:  # noqa: BLE001 - a plug-in bug must not stop routing for everyone
            # Not swallowed: logged with traceback as a bug and named in the offer's
            # explanation; the task still gets the default (longest idle) agent.
            _log.exception("routing scorer failed for task %s; falling back to longest idle", task.task_id)
            note = f"scorer failed ({type(e).__name__}); longest idle used"
            ranked = [((a.idle_since_ms, a.id), a) for a in candidates]
        if not ranked:
            return Selection([], (), "scorer excluded every candidate", len(candidates))
    else:
        fn = _rank_fn(strategy, reqs, rr_last)
        ranked = [(fn(a), a) for a in candidates]
    if strategy is Strategy.RING_ALL:
        ranked.sort(key=lambda r: r[0])
        chosen = [a for _, a in (ranked[:ring_all_max] if ring_all_max else ranked)]
        best = ranked[: max(top_n, 0)]
    else:
        best = heapq.nsmallest(max(top_n, 1), ranked, key=lambda r: r[0])
        chosen = [best[0][1]]
        best = best[:top_n]
    top = tuple(Candidate(a.name, tuple(float(x) for x in rank[:-1])) for rank, a in best)
    return Selection(chosen, top, note, len(candidates))
