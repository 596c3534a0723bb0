"""Diagnostics over an engine's private state: the invariant check and "why is this task waiting".

Friend module of engine.py: it reads the engine's internals and changes nothing.
Both are O(state) and meant for tests, support tools and supervisors' questions,
not for the per-event path.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from edge_server.contract.messages import AgentState
from edge_server.routing import decisions as dec
from edge_server.routing.capacity import can_take
from edge_server.routing.model import Strategy, TaskKind
from edge_server.routing.strategies import RANK_ORDER
from edge_server.routing.tasks import TaskState

if TYPE_CHECKING:
    from edge_server.routing.engine import RoutingEngine

_WAITING = TaskState.WAITING
_OFFERED = TaskState.OFFERED
_ACTIVE = TaskState.ACTIVE
_WRAPUP = TaskState.WRAPUP
_LOGGED_OUT = AgentState.LOGGED_OUT


def check_invariants(engine: RoutingEngine) -> None:
    """Raise AssertionError if internal state is inconsistent. O(state): for tests and support."""
    for ch, members in engine._avail.items():
        for aid in members:
            a = engine._agent_list[aid]
            assert a.ready and a.offer is None, f"{a!r} free on {ch} but not ready/unreserved"
            assert can_take(a.load, a.capacity, engine._blocks, ch), f"{a!r} free on {ch} without capacity"
    for a in engine._agent_list:
        expected: dict[str, int] = {}
        for t in a.tasks.values():
            assert t.state in (_ACTIVE, _WRAPUP) and t.agent is a, f"{t!r} listed on {a!r}"
            expected[t.channel] = expected.get(t.channel, 0) + 1
        if a.offer is not None:
            o = a.offer
            assert o.task.state is _OFFERED and o.task.offers.get(a.id) == o.offer_id
            assert o.offer_id in engine._offers and o.timer in engine._timers, f"offer of {a!r} without timer"
            expected[o.task.channel] = expected.get(o.task.channel, 0) + 1
        # Load may exceed a capacity lowered by a configuration change (work in progress
        # is never cut); that offers never exceed it is checked at the offer itengine.
        assert expected == a.load, f"{a!r} load {a.load} != tasks {expected}"
    for rec in engine._offers.values():
        assert rec.agent.offer is rec, f"offer {rec.offer_id} not held by its agent"
    for q in engine._queues.values():
        assert q.line == sorted(q.line), f"line of {q.name} out of order"
        assert q.offered == sum(1 for t in engine._tasks.values() if t.queue == q.name and t.state is _OFFERED)
    in_pools = 0
    for pool in engine._pools.values():
        assert pool.line == sorted(pool.line)
        for entry in pool.line:
            t = entry[3]
            assert t.state is _WAITING and t.pool is pool and entry is t.key
            in_pools += 1
    waiting = [t for t in engine._tasks.values() if t.state is _WAITING]
    assert in_pools == len(waiting), "a waiting task is missing from the pools"
    for t in waiting:
        assert t.pool is not None and not t.offers
        free = engine._avail.get(t.channel, set()) & t.pool.eligible
        if t.kind is TaskKind.OUTBOUND:
            free &= engine._idle
        free -= set(t.excluded)
        if engine._queues[t.queue].config.strategy is not Strategy.CUSTOM:
            assert not free, f"{t!r} waits while {sorted(free)} are free for it"
    for t in engine._tasks.values():
        if t.state is _OFFERED:
            assert t.offers and all(engine._offers[o].task is t for o in t.offers.values())


def why_waiting(engine: RoutingEngine, task_id: str) -> dec.Explanation | None:
    """Why a waiting task has no agent right now: each filter with the agents left after it."""
    t = engine._tasks.get(task_id)
    if t is None or t.pool is None:
        return None
    pool = t.pool
    agents = [engine._agent_list[i] for i in sorted(pool.eligible)]
    logged = [a for a in agents if a.presence is not _LOGGED_OUT]
    ready = [a for a in logged if a.ready]
    unreserved = [a for a in ready if a.offer is None]
    fits = [a for a in unreserved if can_take(a.load, a.capacity, engine._blocks, t.channel)]
    idle = [a for a in fits if not any(a.load.values())] if t.kind is TaskKind.OUTBOUND else fits
    allowed = [a for a in idle if a.id not in t.excluded]
    qc = engine._queues[t.queue].config
    return dec.Explanation(
        trigger="query",
        strategy=qc.strategy.value,
        rank_order=RANK_ORDER[qc.strategy],
        requirements=dict(t.reqs),
        language=t.language,
        targeted=pool.key.agents,
        teams=pool.key.teams,
        filters=(
            dec.FilterStep("skills", len(agents)),
            dec.FilterStep("logged_in", len(logged)),
            dec.FilterStep("state", len(ready)),
            dec.FilterStep("reserved", len(unreserved)),
            dec.FilterStep("capacity", len(fits)),
            dec.FilterStep("idle" if t.kind is TaskKind.OUTBOUND else "blending", len(idle)),
            dec.FilterStep("not_declined", len(allowed)),
        ),
        candidates=len(allowed),
        top=tuple(dec.Candidate(a.name, ()) for a in allowed[: engine._config.explain_top]),
        note=f"step {t.step} of {len(qc.plan)}" + (" (sticky phase)" if t.sticky else ""),
    )
