"""Serializable engine state, so the edge can recover after a restart without a full replay.

A snapshot holds the configuration and every piece of runtime state the
engine's decisions depend on (including the last statistics it emitted), so a
restored engine continues with exactly the decisions the original would have
made. Indices (pools, free sets) are rebuilt, not stored.
"""
from __future__ import annotations

import msgspec

from edge_server.contract.messages import AgentState
from edge_server.routing.decisions import Explanation
from edge_server.routing.model import AgentConfig, QueueConfig, SiteRoutingConfig, TaskSpec
from edge_server.routing.stats import QueueStats

SNAPSHOT_VERSION = 1


class AgentRecord(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    name: str
    presence: AgentState
    reason: str
    missed: int
    handled: int
    idle_since_ms: int
    retired: bool
    retired_config: AgentConfig | None = None  # kept for an agent no longer in the configuration


class OfferRecord(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    offer_id: int
    agent: str
    at_ms: int
    timer: str


class TaskRecord(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    spec: TaskSpec
    seq: int
    arrival_ms: int
    channel: str
    queue: str
    entered_ms: int
    state: int
    priority: int
    prio_carry: int
    step: int
    reqs: dict[str, int]
    language: str
    extra_agents: tuple[str, ...]
    extra_teams: tuple[str, ...]
    sticky: tuple[str, ...]
    callback: bool
    offers: tuple[OfferRecord, ...]
    excluded: tuple[tuple[str, str], ...]  # (agent, timer key)
    agent: str
    accepted_ms: int
    completed_ms: int
    explanation: Explanation | None


class QueueRecord(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    name: str
    retired: bool
    retired_config: QueueConfig | None = None  # kept for a queue no longer in the configuration
    counters: list[int]
    open: bool
    rr_last: int
    last_stats: QueueStats | None
    last_spp: float | None
    last_total: int


class TimerRecord(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    key: str
    at_ms: int
    kind: str
    ref: int
    name: str


class EngineSnapshot(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    version: int = SNAPSHOT_VERSION
    config: SiteRoutingConfig
    now_ms: int
    started: bool
    task_seq: int
    offer_seq: int
    agents: tuple[AgentRecord, ...]
    queues: tuple[QueueRecord, ...]
    tasks: tuple[TaskRecord, ...]  # in seq order
    timers: tuple[TimerRecord, ...]  # in arming order
    customers: tuple[tuple[str, str, int], ...]  # (customer, agent, ms), oldest first


def encode_snapshot(snap: EngineSnapshot) -> bytes:
    return msgspec.msgpack.encode(snap)


def decode_snapshot(data: bytes) -> EngineSnapshot:
    return msgspec.msgpack.decode(data, type=EngineSnapshot)
