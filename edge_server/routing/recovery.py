"""Snapshot capture and rebuild: restart the engine where it was, with identical decisions to come.

Friend module of engine.py (reads and sets its internals). Rebuild order
matters: agents and queues are created in their original order (retired ones
included) so internal ids and tie-breaks are the same as in the original run.
"""
from __future__ import annotations

import msgspec

from edge_server.routing.agents import OfferRec
from edge_server.routing.engine import RoutingEngine
from edge_server.routing.errors import RoutingError
from edge_server.routing.reporting import Reporter
from edge_server.routing.snapshot import (
    SNAPSHOT_VERSION,
    AgentRecord,
    EngineSnapshot,
    OfferRecord,
    QueueRecord,
    TaskRecord,
    TimerRecord,
)
from edge_server.routing.strategies import Scorer
from edge_server.routing.tasks import TaskRuntime, TaskState

_WAITING = TaskState.WAITING
_OFFERED = TaskState.OFFERED


def capture(engine: RoutingEngine) -> EngineSnapshot:
    """Everything needed to continue exactly where ``engine`` is."""
    retired_agents = {a.name for a in engine._agent_list if a.retired}
    agents = tuple(
        AgentRecord(
            name=a.name,
            presence=a.presence,
            reason=a.reason,
            missed=a.missed,
            handled=a.handled,
            idle_since_ms=a.idle_since_ms,
            retired=a.retired,
            retired_config=a.config if a.name in retired_agents else None,
        )
        for a in engine._agent_list
    )
    queues = tuple(
        QueueRecord(
            name=q.name,
            retired=q.retired,
            retired_config=q.config if q.retired else None,
            counters=q.counters.as_list(),
            open=q.open,
            rr_last=q.rr_last,
            last_stats=q.last_stats,
            last_spp=q.last_spp,
            last_total=q.last_total,
        )
        for q in engine._queues.values()
    )
    tasks = tuple(
        TaskRecord(
            spec=t.spec,
            seq=t.seq,
            arrival_ms=t.arrival_ms,
            channel=t.channel,
            queue=t.queue,
            entered_ms=t.entered_ms,
            state=int(t.state),
            priority=t.priority,
            prio_carry=t.prio_carry,
            step=t.step,
            reqs=dict(t.reqs),
            language=t.language,
            extra_agents=t.extra_agents,
            extra_teams=t.extra_teams,
            sticky=t.sticky,
            callback=t.callback,
            offers=tuple(
                OfferRecord(
                    offer_id=oid,
                    agent=engine._agent_list[aid].name,
                    at_ms=engine._offers[oid].at_ms,
                    timer=engine._offers[oid].timer,
                )
                for aid, oid in t.offers.items()
            ),
            excluded=tuple((engine._agent_list[aid].name, key) for aid, key in t.excluded.items()),
            agent=t.agent.name if t.agent is not None else "",
            accepted_ms=t.accepted_ms,
            completed_ms=t.completed_ms,
            explanation=t.explanation,
        )
        for t in sorted(engine._tasks.values(), key=lambda t: t.seq)
    )
    timers = tuple(
        TimerRecord(key=k, at_ms=v[0], kind=v[1], ref=v[2], name=v[3]) for k, v in engine._timers.items()
    )
    return EngineSnapshot(
        config=engine._config,
        now_ms=engine._now,
        started=engine._started,
        task_seq=engine._task_seq,
        offer_seq=engine._offer_seq,
        agents=agents,
        queues=queues,
        tasks=tasks,
        timers=timers,
        customers=tuple((c, a, ms) for c, (a, ms) in engine._customers.items()),
    )


def rebuild(snap: EngineSnapshot, scorer: Scorer | None = None) -> RoutingEngine:
    """Rebuild an engine from ``snapshot()`` output; it continues with identical decisions."""
    if snap.version != SNAPSHOT_VERSION:
        raise RoutingError(f"snapshot version {snap.version} is not supported (expected 1)")
    # Retired agents and queues come first in their original order, so ids and
    # iteration orders match the original engine.
    agent_cfgs = {a.username: a for a in snap.config.agents}
    queue_cfgs = {q.queue: q for q in snap.config.queues}
    ordered_agents = []
    for rec in snap.agents:
        cfg = agent_cfgs.get(rec.name) or rec.retired_config
        if cfg is None:
            raise RoutingError(f"snapshot lacks the configuration of agent {rec.name!r}")
        ordered_agents.append(cfg)
    seen_agents = {r.name for r in snap.agents}
    ordered_agents += [a for a in snap.config.agents if a.username not in seen_agents]
    ordered_queues = []
    for qrec in snap.queues:
        qcfg = queue_cfgs.get(qrec.name) or qrec.retired_config
        if qcfg is None:
            raise RoutingError(f"snapshot lacks the configuration of queue {qrec.name!r}")
        ordered_queues.append(qcfg)
    seen_queues = {r.name for r in snap.queues}
    ordered_queues += [q for q in snap.config.queues if q.queue not in seen_queues]
    boot = msgspec.structs.replace(snap.config, agents=tuple(ordered_agents), queues=tuple(ordered_queues))
    engine = RoutingEngine(boot, scorer)
    engine._install(snap.config)  # marks the retired ones, keeps the boot order
    engine._now = snap.now_ms
    engine._started = snap.started
    engine._task_seq = snap.task_seq
    engine._offer_seq = snap.offer_seq
    for arec in snap.agents:
        a = engine._agents[arec.name]
        a.presence, a.reason, a.missed = arec.presence, arec.reason, arec.missed
        a.handled, a.idle_since_ms = arec.handled, arec.idle_since_ms
    for qrec in snap.queues:
        q = engine._queues[qrec.name]
        q.counters.load_list(qrec.counters)
        q.open, q.rr_last = qrec.open, qrec.rr_last
        q.last_stats, q.last_spp, q.last_total = qrec.last_stats, qrec.last_spp, qrec.last_total
    for trec in snap.tasks:
        _restore_task(engine, trec)
    for q in engine._queues.values():
        q.oldest.sort()  # a sorted list is a valid heap
    engine._offers = dict(sorted(engine._offers.items()))
    engine._timers = {r.key: (r.at_ms, r.kind, r.ref, r.name) for r in snap.timers}
    engine._customers = {c: (a, ms) for c, a, ms in snap.customers}
    engine._install(snap.config)  # recompute staffing and free sets from restored state
    engine._report, engine._requeued, engine._freed = Reporter(), [], {}
    return engine


def _restore_task(engine: RoutingEngine, r: TaskRecord) -> None:
    t = TaskRuntime(r.spec, r.seq, r.arrival_ms, r.channel, r.queue, r.entered_ms)
    t.state = TaskState(r.state)
    t.priority, t.prio_carry, t.step = r.priority, r.prio_carry, r.step
    t.reqs, t.language = dict(r.reqs), r.language
    t.extra_agents, t.extra_teams, t.sticky, t.callback = r.extra_agents, r.extra_teams, r.sticky, r.callback
    t.accepted_ms, t.completed_ms, t.explanation = r.accepted_ms, r.completed_ms, r.explanation
    t.rekey()
    t.excluded = {engine._agents[name].id: key for name, key in r.excluded}
    engine._tasks[t.task_id] = t
    engine._by_seq[t.seq] = t
    q = engine._queues[t.queue]
    if t.state <= _OFFERED:
        q.oldest.append((t.arrival_ms, t.seq))
    if t.state is _WAITING:
        engine._place(t)
    elif t.state is _OFFERED:
        q.offered += 1
        for o in sorted(r.offers, key=lambda o: o.offer_id):
            a = engine._agents[o.agent]
            rec = OfferRec(o.offer_id, t, a, o.at_ms, o.timer)
            engine._offers[o.offer_id] = rec
            t.offers[a.id] = o.offer_id
            a.offer = rec
            a.load[t.channel] = a.load.get(t.channel, 0) + 1
    else:
        a = engine._agents[r.agent]
        t.agent = a
        a.tasks[t.seq] = t
        a.load[t.channel] = a.load.get(t.channel, 0) + 1
