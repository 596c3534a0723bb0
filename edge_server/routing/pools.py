"""Pools: waiting tasks grouped by who may take them, each kept in (priority, age) order.

A pool's key says which agents are eligible (skills at minimum levels,
language, explicit agents, teams) and for which channel and kind; tasks of any
queue with the same key share it. Every agent keeps the pools it is eligible
for, so a freed agent looks only at the heads of its own pools, and a new task
only at the free agents of its pool: both are incremental, nothing is polled.

Lines are sorted lists maintained with bisect: removal of an offered task is
exact (no stale entries to skip) and an in-order scan past tasks an agent
declined is a plain slice walk.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from typing import NamedTuple

from edge_server.routing.tasks import TaskKey, TaskRuntime


class PoolKey(NamedTuple):
    channel: str
    kind: str
    skills: tuple[tuple[str, int], ...] | None  # None: no skill-based members (explicit agents only)
    language: str
    agents: tuple[str, ...]  # explicit members, regardless of skills and language
    teams: tuple[str, ...]  # member teams, regardless of skills and language


class Pool:
    __slots__ = ("key", "channel", "inbound", "eligible", "line", "persistent")

    def __init__(self, key: PoolKey, eligible: set[int], persistent: bool) -> None:
        self.key = key
        self.channel = key.channel  # copied out of the key: read in the hottest loop
        self.inbound = key.kind == "inbound"
        self.eligible = eligible  # agent ids (configuration-based, not state-based)
        self.line: list[TaskKey] = []
        # Pools derived from queue configuration stay for reuse; ad-hoc ones (direct,
        # sticky, per-task skill overrides) are dropped when they empty, to bound memory.
        self.persistent = persistent

    def insert(self, task: TaskRuntime) -> None:
        insort(self.line, task.key)

    def remove(self, task: TaskRuntime) -> None:
        line = self.line
        i = bisect_left(line, task.key)
        if i >= len(line) or line[i][3] is not task:
            raise AssertionError(f"{task!r} not in its pool line")
        del line[i]

    def first_for(self, agent_id: int) -> TaskKey | None:
        """The best task in line that ``agent_id`` has not been excluded from."""
        for entry in self.line:
            excluded = entry[3].excluded
            if not excluded or agent_id not in excluded:
                return entry
        return None


class EligibilityIndex:
    """Skill/language/team -> agent ids, for computing a pool's eligible set by intersection."""

    def __init__(self) -> None:
        self.by_name: dict[str, int] = {}
        self.all: set[int] = set()
        self.skill: dict[str, list[set[int]]] = {}  # skill -> [unused, >=1, >=2, ..., >=5]
        self.language: dict[str, set[int]] = {}
        self.team: dict[str, set[int]] = {}

    def add(self, agent_id: int, name: str, skills: dict[str, int], languages: tuple[str, ...], team: str) -> None:
        self.by_name[name] = agent_id
        self.all.add(agent_id)
        for skill, level in skills.items():
            levels = self.skill.setdefault(skill, [set() for _ in range(6)])
            for lv in range(1, min(level, 5) + 1):
                levels[lv].add(agent_id)
        for lang in languages:
            self.language.setdefault(lang, set()).add(agent_id)
        if team:
            self.team.setdefault(team, set()).add(agent_id)

    def eligible(self, key: PoolKey) -> set[int]:
        result: set[int]
        if key.skills is None:
            result = set()
        else:
            sets: list[set[int]] = []
            for skill, level in key.skills:
                levels = self.skill.get(skill)
                sets.append(levels[max(1, min(level, 5))] if levels else set())
            if key.language:
                sets.append(self.language.get(key.language, set()))
            if sets:
                sets.sort(key=len)  # intersect from the smallest: cost of the rarest requirement
                result = set(sets[0])
                for s in sets[1:]:
                    result &= s
            else:
                result = set(self.all)
        for name in key.agents:
            aid = self.by_name.get(name)
            if aid is not None:
                result.add(aid)
        for team in key.teams:
            result |= self.team.get(team, set())
        return result
