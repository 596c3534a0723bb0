"""The routing engine: pure, synchronous, deterministic. Events in, decisions out.

Contract for the host (the edge's single asyncio loop):

* Call ``handle(event)`` for every input, one at a time, in the order they
  happened. Every event carries ``now_ms`` (the host's clock); the engine never
  reads a clock, starts no thread and does no I/O. A ``now_ms`` earlier than the
  previous event's is treated as equal (time never runs backwards inside).
* ``handle`` returns the decisions for that event, in the order they must be
  executed. Journal the event (and, if wanted, the decisions) before executing
  them: replaying the same events into an engine built from the same
  configuration reproduces every decision, bit for bit, whatever the hash seed.
* Timers are decisions: ``SetTimer(key, at_ms)`` asks the host to call back
  with ``TimerFired(key)`` at ``at_ms``; ``CancelTimer(key)`` withdraws it. Keys
  are never re-armed while pending. ``timers.TimerBook`` does this for
  simulations.
* Offers: ``Offer`` reserves a slot of the agent's capacity until the host
  reports ``OfferAccepted`` (answered by ``Assigned``), ``OfferDeclined`` or
  ``OfferTimedOut``, or the engine sends ``Rescind`` (ring-all taken elsewhere,
  customer gone, agent unavailable, timer expired). An agent has at most one
  pending offer. A late accept is answered with ``EventRefused``.
* Stale or impossible events (unknown task, accept after a rescind...) are
  answered with ``EventRefused`` and change nothing; only a bad configuration
  (``ConfigError``) or an unknown event type (``RoutingError``) raise.
* ``StatsChanged`` and ``QueuePositions`` close every event's list for the
  queues it touched; they are derived and need not be journaled.
* ``snapshot()`` / ``RoutingEngine.restore()`` (recovery.py) let the edge restart from a
  snapshot plus the events journaled after it.

Matching is event-driven. Invariant after every event: no waiting task has a
free, eligible agent it was not excluded from. A new or re-queued task takes
the best free agent by its queue's strategy; a freed agent takes the best
waiting task over all its pools by (priority desc, arrival asc, sequence), so
order holds across every queue the agent serves.
"""
from __future__ import annotations

import heapq
import logging
from collections.abc import Callable
from typing import Any


from edge_server.contract.messages import REASON_MISSED, AgentState
from edge_server.routing import decisions as dec
from edge_server.routing import events as ev
from edge_server.routing.agents import AgentRuntime, OfferRec
from edge_server.routing.capacity import can_take, compile_blocks, effective_capacity
from edge_server.routing.errors import RoutingError
from edge_server.routing.hours import is_open, next_change_ms
from edge_server.routing.model import (
    AcwMode,
    ClosedAction,
    FinalAction,
    QueueConfig,
    SiteRoutingConfig,
    Strategy,
    TaskKind,
)
from edge_server.routing.plans import fold, step_at_ms
from edge_server.routing.pools import EligibilityIndex, Pool, PoolKey
from edge_server.routing.queues import QueueRuntime
from edge_server.routing.snapshot import EngineSnapshot
from edge_server.routing.reporting import Reporter, queue_stats, slope
from edge_server.routing.stats import QueueStats
from edge_server.routing.strategies import RANK_ORDER, TASK_RANK_ORDER, Scorer, select
from edge_server.routing.tasks import TaskRuntime, TaskState
from edge_server.routing.validation import normalize_config, validate_config

_log = logging.getLogger("sb.routing")

_WAITING = TaskState.WAITING
_OFFERED = TaskState.OFFERED
_ACTIVE = TaskState.ACTIVE
_WRAPUP = TaskState.WRAPUP
_READY = AgentState.READY
_LOGGED_OUT = AgentState.LOGGED_OUT

#: Timer payload: (at_ms, kind, numeric reference, name reference).
_Timer = tuple[int, str, int, str]


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


class RoutingEngine:
    """See the module docstring for the event/decision contract."""

    def __init__(self, config: SiteRoutingConfig, scorer: Scorer | None = None) -> None:
        config = normalize_config(config)
        validate_config(config, has_scorer=scorer is not None)
        self._scorer = scorer
        self._config = config
        self._blocks = compile_blocks(config.blocks)
        self._now = 0
        self._started = False
        self._task_seq = 0
        self._offer_seq = 0
        self._agents: dict[str, AgentRuntime] = {}
        self._agent_list: list[AgentRuntime] = []
        self._queues: dict[str, QueueRuntime] = {}
        self._index = EligibilityIndex()
        self._pools: dict[PoolKey, Pool] = {}
        self._tasks: dict[str, TaskRuntime] = {}
        self._by_seq: dict[int, TaskRuntime] = {}
        self._offers: dict[int, OfferRec] = {}
        self._timers: dict[str, _Timer] = {}
        self._avail: dict[str, set[int]] = {}  # channel -> agents that may get an offer on it now
        self._idle: set[int] = set()  # free agents holding no work at all (blended outbound)
        self._ready: set[int] = set()
        self._customers: dict[str, tuple[str, int]] = {}  # customer -> (last agent, ms), oldest first
        self._sticky_window_ms = 0
        self._out: list[dec.Decision] = []
        self._report = Reporter()  # which queues this event touched (statistics, positions)
        self._freed: dict[int, None] = {}  # agents that became free during this event, in order
        self._requeued: list[TaskRuntime] = []  # tasks that became offerable during this event
        self._deferred: dict[int, None] = {}  # free agents whose best task rings all (see _match_agent)
        self._handlers: dict[type, Callable[[Any], None]] = {
            ev.AgentLoggedIn: self._on_logged_in,
            ev.AgentLoggedOut: self._on_logged_out,
            ev.AgentStateChanged: self._on_state_changed,
            ev.TaskArrived: self._on_task_arrived,
            ev.TaskCancelled: self._on_task_cancelled,
            ev.OfferAccepted: self._on_offer_accepted,
            ev.OfferDeclined: self._on_offer_declined,
            ev.OfferTimedOut: self._on_offer_timed_out,
            ev.TaskCompleted: self._on_task_completed,
            ev.WrapUpSubmitted: self._on_wrapup_submitted,
            ev.TimerFired: self._on_timer_fired,
            ev.ConfigChanged: self._on_config_changed,
            ev.StatsReset: self._on_stats_reset,
        }
        self._install(config)

    # ------------------------------------------------------------------ entry point

    def handle(self, event: ev.RoutingEvent) -> list[dec.Decision]:
        """Apply one event; return the decisions it caused, in execution order."""
        handler = self._handlers.get(type(event))
        if handler is None:
            raise RoutingError(f"not a routing event: {type(event).__name__}")
        if type(event) is ev.ConfigChanged:
            # Raise before anything changes: a rejected configuration leaves no trace.
            new_config = normalize_config(event.config)
            validate_config(new_config, has_scorer=self._scorer is not None)
            event = ev.ConfigChanged(now_ms=event.now_ms, config=new_config)
        if event.now_ms > self._now:
            self._now = event.now_ms
        out = self._out = []
        if not self._started:
            self._started = True
            for q in self._queues.values():
                self._arm_hours(q)
        handler(event)
        self._settle()
        self._report.flush(self._queues, self._by_seq, self._emit)
        self._out = []
        return out

    @property
    def now_ms(self) -> int:
        return self._now

    @property
    def config(self) -> SiteRoutingConfig:
        return self._config

    # ------------------------------------------------------------------ configuration

    def _install(self, config: SiteRoutingConfig) -> None:
        """(Re)build configuration-derived state; runtime state (load, tasks) is kept."""
        self._config = config
        self._blocks = compile_blocks(config.blocks)
        present = set()
        for ac in config.agents:
            present.add(ac.username)
            cap = effective_capacity(ac.capacity, config.default_capacity)
            a = self._agents.get(ac.username)
            if a is None:
                a = AgentRuntime(len(self._agent_list), ac, cap)
                self._agent_list.append(a)
                self._agents[a.name] = a
            else:
                a.config, a.capacity, a.retired = ac, cap, False
        for a in self._agent_list:
            if a.name not in present:
                a.retired = True
        self._index = index = EligibilityIndex()
        for a in self._agent_list:
            if not a.retired:
                index.add(a.id, a.name, a.config.skills, a.config.languages, a.config.team)
        listed = set()
        for qc in config.queues:
            listed.add(qc.queue)
            q = self._queues.get(qc.queue)
            if q is None:
                self._queues[qc.queue] = QueueRuntime(qc)
            else:
                q.config, q.retired = qc, False
        for q in self._queues.values():
            if q.name not in listed:
                q.retired = True
        self._sticky_window_ms = max((_ms(q.sticky_window_s) for q in config.queues), default=0)
        # Pools: keep the ones holding tasks (eligibility recomputed), drop the empty ones.
        for a in self._agent_list:
            a.pools = {}
        kept: dict[PoolKey, Pool] = {}
        for key, pool in self._pools.items():
            if pool.line:
                pool.eligible = index.eligible(key)
                kept[key] = pool
                for aid in sorted(pool.eligible):
                    self._agent_list[aid].pools[key] = pool
        self._pools = kept
        # Queue membership (for staffing and EWT).
        for a in self._agent_list:
            a.queues = ()
        member_of: dict[int, list[str]] = {}
        for q in self._queues.values():
            q.members = set() if q.retired else index.eligible(self._base_key(q.config))
            for aid in q.members:
                member_of.setdefault(aid, []).append(q.name)
        for aid, names in member_of.items():
            self._agent_list[aid].queues = tuple(names)
        for q in self._queues.values():
            q.staffed = q.servers = 0
        self._ready = set()
        for a in self._agent_list:
            if a.ready:
                self._staffing(a, +1)
        self._avail = {}
        self._idle = set()
        for a in self._agent_list:
            self._refresh(a)

    @staticmethod
    def _base_key(qc: QueueConfig) -> PoolKey:
        return PoolKey(
            qc.channel,
            TaskKind.INBOUND.value,
            tuple(sorted(qc.skills.items())),
            "",
            tuple(sorted(qc.agents)),
            tuple(sorted(qc.teams)),
        )

    def _on_config_changed(self, e: ev.ConfigChanged) -> None:
        new = e.config  # validated by handle()
        names = {a.username for a in new.agents}
        for a in self._agent_list:
            if not a.retired and a.name not in names and a.presence is not _LOGGED_OUT:
                self._logout(a, "removed")
        self._install(new)
        for t in list(self._tasks.values()):
            if t.state is _WAITING or t.state is _OFFERED:
                self._replan(t)
        for q in self._queues.values():
            self._arm_hours(q)
            self._report.moved(q.name, 0)
        self._requeued.extend(t for t in self._tasks.values() if t.state is _WAITING)

    def _replan(self, t: TaskRuntime) -> None:
        """Re-derive a queued task's requirements from the (new) plan of its queue."""
        if t.spec.direct_agent:
            return
        q = self._queues[t.queue]
        self._cancel_timer(f"step:{t.seq}:{t.step}")
        t.step = min(t.step, len(q.config.plan))
        placed = t.pool is not None
        if placed:
            self._unplace(t)
        self._apply_effect(t, q.config)
        if t.state is _WAITING:
            if placed:
                self._place(t)
            self._advance_plan(t)
        else:
            self._arm_step(t)

    def _on_stats_reset(self, e: ev.StatsReset) -> None:
        for q in self._queues.values():
            if not e.queue or q.name == e.queue:
                q.counters.reset()
                self._report.touched(q.name)

    # ------------------------------------------------------------------ agents

    def _agent(self, name: str, event: str) -> AgentRuntime | None:
        a = self._agents.get(name)
        if a is None or a.retired:
            self._refuse(event, "unknown_agent", agent=name)
            return None
        return a

    def _on_logged_in(self, e: ev.AgentLoggedIn) -> None:
        a = self._agent(e.agent, "agent_logged_in")
        if a is None:
            return
        if e.state is _LOGGED_OUT:
            self._refuse("agent_logged_in", "invalid_state", agent=a.name)
            return
        if a.presence is _LOGGED_OUT:
            a.handled = 0
            a.missed = 0
            a.idle_since_ms = self._now
        self._set_presence(a, e.state, e.reason)

    def _on_logged_out(self, e: ev.AgentLoggedOut) -> None:
        a = self._agent(e.agent, "agent_logged_out")
        if a is None:
            return
        if a.presence is _LOGGED_OUT:
            self._refuse("agent_logged_out", "not_logged_in", agent=a.name)
            return
        self._logout(a, e.reason)

    def _logout(self, a: AgentRuntime, reason: str) -> None:
        self._set_presence(a, _LOGGED_OUT, reason)
        # Wrap-up cannot outlive the session; active work stays until the host completes it.
        for t in sorted((t for t in a.tasks.values() if t.state is _WRAPUP), key=lambda t: t.seq):
            self._cancel_timer(f"acw:{t.seq}")
            self._emit(dec.AcwEnded(agent=a.name, task_id=t.task_id, queue=t.queue, wrapup_code="", by="logout"))
            self._finish(t)

    def _on_state_changed(self, e: ev.AgentStateChanged) -> None:
        a = self._agent(e.agent, "agent_state_changed")
        if a is None:
            return
        if a.presence is _LOGGED_OUT:
            self._refuse("agent_state_changed", "not_logged_in", agent=a.name)
            return
        if e.state is _LOGGED_OUT:
            self._refuse("agent_state_changed", "invalid_state", agent=a.name)
            return
        self._set_presence(a, e.state, e.reason)

    def _set_presence(self, a: AgentRuntime, state: AgentState, reason: str) -> None:
        was = a.ready
        a.presence, a.reason = state, reason
        now = a.ready
        if was != now:
            self._staffing(a, +1 if now else -1)
        if was and not now and a.offer is not None:
            self._release(a.offer, rescind="agent_unavailable", exclude=False)
        self._refresh(a)
        if now:
            self._freed[a.id] = None

    def _staffing(self, a: AgentRuntime, sign: int) -> None:
        if sign > 0:
            self._ready.add(a.id)
        else:
            self._ready.discard(a.id)
        for name in a.queues:
            q = self._queues[name]
            q.staffed += sign
            q.servers += sign * a.capacity.get(q.config.channel, 0)
            self._report.touched(name)

    def _refresh(self, a: AgentRuntime) -> None:
        """Recompute the agent's membership of the free sets after any change to it."""
        aid = a.id
        free = a.ready and a.offer is None
        avail = self._avail
        for ch in a.capacity:
            s = avail.get(ch)
            if s is None:
                s = avail[ch] = set()
            if free and can_take(a.load, a.capacity, self._blocks, ch):
                s.add(aid)
            else:
                s.discard(aid)
        if free and not any(a.load.values()):
            self._idle.add(aid)
        else:
            self._idle.discard(aid)

    # ------------------------------------------------------------------ tasks: arrival and placement

    def _on_task_arrived(self, e: ev.TaskArrived) -> None:
        spec = e.task
        now = self._now
        if spec.task_id in self._tasks:
            self._emit(dec.TaskRejected(task_id=spec.task_id, queue=spec.queue, reason="duplicate"))
            return
        q = self._queues.get(spec.queue)
        if q is None or q.retired:
            self._emit(dec.TaskRejected(task_id=spec.task_id, queue=spec.queue, reason="unknown_queue"))
            return
        if spec.direct_agent:
            da = self._agents.get(spec.direct_agent)
            if da is None or da.retired:
                self._emit(dec.TaskRejected(task_id=spec.task_id, queue=spec.queue, reason="unknown_agent"))
                return
        closed_from: QueueRuntime | None = None
        if not q.open:
            action = q.config.closed_action
            if action is ClosedAction.OVERFLOW:
                target = self._queues.get(q.config.closed_overflow_queue)
                if target is None or target.retired:
                    self._emit(dec.TaskRejected(task_id=spec.task_id, queue=q.name, reason="closed", action="reject"))
                    return
                closed_from, q = q, target
            elif action is not ClosedAction.QUEUE:
                self._emit(dec.TaskRejected(task_id=spec.task_id, queue=q.name, reason="closed", action=action.value))
                self._report.touched(q.name)
                return
        self._task_seq += 1
        arrival = spec.arrived_ms if 0 < spec.arrived_ms <= now else now
        t = TaskRuntime(spec, self._task_seq, arrival, spec.channel or q.config.channel, q.name, now)
        self._tasks[spec.task_id] = t
        self._by_seq[t.seq] = t
        if closed_from is not None:
            closed_from.counters.overflowed += 1
            self._report.touched(closed_from.name)
            self._emit(dec.Overflowed(task_id=t.task_id, from_queue=closed_from.name, to_queue=q.name, step=-1))
        limit = spec.time_limit_s or q.config.max_wait_s
        if limit > 0:
            self._set_timer(f"expire:{t.seq}", now + _ms(limit), "expire", t.seq)
        self._enter_queue(t, q)

    def _enter_queue(self, t: TaskRuntime, q: QueueRuntime) -> None:
        """Start the task's life in ``q`` (arrival or overflow): sticky phase, plan, placement."""
        t.queue = q.name
        t.entered_ms = self._now
        t.step = 0
        if not t.spec.direct_agent:
            t.sticky = self._sticky_agents(t, q.config)
            if t.sticky:
                self._set_timer(f"sticky:{t.seq}", self._now + _ms(q.config.sticky_wait_s), "sticky", t.seq)
        self._apply_effect(t, q.config)
        q.push_oldest(t)
        self._report.touched(q.name)
        self._place(t)
        self._advance_plan(t)

    def _sticky_agents(self, t: TaskRuntime, qc: QueueConfig) -> tuple[str, ...]:
        if qc.sticky_wait_s <= 0:
            return ()
        spec = t.spec
        names = set(spec.preferred_agents)
        if spec.last_agent:
            names.add(spec.last_agent)
        elif spec.customer_id:
            last = self._customers.get(spec.customer_id)
            if last is not None and self._now - last[1] <= _ms(qc.sticky_window_s):
                names.add(last[0])
        # Waiting for someone who is not even logged in would only delay the customer.
        return tuple(
            sorted(
                n
                for n in names
                if (a := self._agents.get(n)) is not None and not a.retired and a.presence is not _LOGGED_OUT
            )
        )

    def _apply_effect(self, t: TaskRuntime, qc: QueueConfig) -> None:
        eff = fold(t.spec, qc, t.step)
        t.reqs = eff.reqs
        t.language = eff.language
        t.extra_agents = eff.agents
        t.extra_teams = eff.teams
        t.callback = t.callback or eff.callback
        t.priority = t.spec.priority + t.prio_carry + eff.priority_delta
        t.rekey()

    def _pool_key(self, t: TaskRuntime) -> tuple[PoolKey, bool]:
        kind = t.kind.value
        if t.spec.direct_agent:
            return PoolKey(t.channel, kind, None, "", (t.spec.direct_agent,), ()), False
        if t.sticky:
            return PoolKey(t.channel, kind, None, "", t.sticky, ()), False
        qc = self._queues[t.queue].config
        agents = tuple(sorted(set(qc.agents).union(t.extra_agents)))
        teams = tuple(sorted(set(qc.teams).union(t.extra_teams)))
        key = PoolKey(t.channel, kind, tuple(sorted(t.reqs.items())), t.language, agents, teams)
        return key, t.spec.skills is None

    def _place(self, t: TaskRuntime) -> None:
        """Put a waiting task in its pool and its queue's line; it becomes offerable."""
        key, persistent = self._pool_key(t)
        pool = self._pools.get(key)
        if pool is None:
            pool = Pool(key, self._index.eligible(key), persistent)
            self._pools[key] = pool
            for aid in sorted(pool.eligible):
                self._agent_list[aid].pools[key] = pool
        elif persistent:
            pool.persistent = True
        t.pool = pool
        pool.insert(t)
        q = self._queues[t.queue]
        self._report.moved(q.name, q.insert(t))
        self._requeued.append(t)

    def _unplace(self, t: TaskRuntime) -> None:
        pool = t.pool
        if pool is None:
            return
        pool.remove(t)
        t.pool = None
        if not pool.line and not pool.persistent:
            del self._pools[pool.key]
            for aid in pool.eligible:
                self._agent_list[aid].pools.pop(pool.key, None)
        q = self._queues[t.queue]
        self._report.moved(q.name, q.remove(t))

    # ------------------------------------------------------------------ plans

    def _advance_plan(self, t: TaskRuntime) -> None:
        """Apply every plan step now due to a waiting task, then arm the next one."""
        if t.spec.direct_agent or t.state is not _WAITING:
            return
        q = self._queues[t.queue]
        plan = q.config.plan
        changed = False
        while t.step < len(plan):
            step = plan[t.step]
            if step_at_ms(t.entered_ms, step) > self._now:
                break
            index = t.step
            self._cancel_timer(f"step:{t.seq}:{index}")  # due now: an event beat its timer
            t.step += 1
            if step.overflow_queue:
                target = self._queues.get(step.overflow_queue)
                if target is not None and not target.retired:
                    self._overflow(t, q, target, index)
                    return
                continue
            if step.final_action is FinalAction.VOICEMAIL:
                self._emit(dec.FinalActionTaken(task_id=t.task_id, queue=q.name, action=FinalAction.VOICEMAIL.value))
                q.counters.overflowed += 1
                self._remove_waiting(t)
                return
            if not changed:
                self._unplace(t)
                changed = True
            self._apply_effect(t, q.config)
            if step.final_action is FinalAction.CALLBACK:
                self._emit(dec.FinalActionTaken(task_id=t.task_id, queue=q.name, action=FinalAction.CALLBACK.value))
            self._emit(
                dec.Escalated(
                    task_id=t.task_id,
                    queue=q.name,
                    step=index,
                    priority=t.priority,
                    requirements=dict(t.reqs),
                    language=t.language,
                    added_agents=t.extra_agents,
                    added_teams=t.extra_teams,
                )
            )
        if changed:
            self._place(t)
        self._arm_step(t)

    def _arm_step(self, t: TaskRuntime) -> None:
        plan = self._queues[t.queue].config.plan
        if t.spec.direct_agent or t.step >= len(plan):
            return
        key = f"step:{t.seq}:{t.step}"
        if key not in self._timers:
            self._set_timer(key, step_at_ms(t.entered_ms, plan[t.step]), "step", t.seq)

    def _overflow(self, t: TaskRuntime, src: QueueRuntime, dst: QueueRuntime, step: int) -> None:
        src.counters.overflowed += 1
        self._report.touched(src.name)
        self._unplace(t)
        self._cancel_timer(f"sticky:{t.seq}")
        self._cancel_timer(f"step:{t.seq}:{t.step}")
        t.sticky = ()
        # The priority raised so far is kept; the place in line (arrival, seq) always is.
        t.prio_carry = t.priority - t.spec.priority
        self._emit(dec.Overflowed(task_id=t.task_id, from_queue=src.name, to_queue=dst.name, step=step))
        self._enter_queue(t, dst)

    # ------------------------------------------------------------------ matching

    def _settle(self) -> None:
        """Match what this event freed: agents first (each takes its best task), then new tasks."""
        while self._freed or self._requeued:
            freed = list(self._freed)
            self._freed.clear()
            for aid in freed:
                self._match_agent(self._agent_list[aid])
            # Agents deferred to a ring-all task are looked at again once it rang (they may
            # have been left out by ring_all_max).
            self._freed.update(self._deferred)
            self._deferred.clear()
            if self._requeued:
                # Inbound before outbound (blending), then (priority, age): the best task
                # of the batch meets the free agents first.
                unique = {t.seq: t for t in self._requeued}
                tasks = sorted(unique.values(), key=lambda t: (t.kind is not TaskKind.INBOUND, t.key[:3]))
                self._requeued = []
                for t in tasks:
                    if t.state is _WAITING and t.pool is not None:
                        self._match_task(t)

    def _match_agent(self, a: AgentRuntime) -> None:
        if not a.ready or a.offer is not None:
            return
        aid = a.id
        free_on = {ch for ch, members in self._avail.items() if aid in members}
        heads: list[tuple[int, int, int, TaskRuntime]] = []
        with_tasks = 0
        fitting = 0
        outbound: list[Pool] = []
        # The hot loop of agent-driven matching: one look at the head of each pool.
        for pool in a.pools.values():
            if not pool.line:
                continue
            with_tasks += 1
            if not pool.inbound:
                outbound.append(pool)
                continue
            if pool.channel not in free_on:
                continue
            fitting += 1
            head = pool.first_for(aid)
            if head is not None:
                heads.append(head)
        note = ""
        if not heads and outbound and aid in self._idle:
            # Blended work: only an idle agent with no inbound task waiting for it gets outbound.
            note = "outbound: agent idle and no inbound task waiting for it"
            for pool in outbound:
                if pool.channel not in free_on:
                    continue
                fitting += 1
                head = pool.first_for(aid)
                if head is not None:
                    heads.append(head)
        if not heads:
            return
        top_n = self._config.explain_top
        best = heapq.nsmallest(max(top_n, 1), heads)
        t = best[0][3]
        pool = t.pool
        assert pool is not None
        if self._queues[t.queue].config.strategy is Strategy.RING_ALL:
            # Ring everyone free for it, not only this agent: hand it to task-driven matching,
            # which runs after every agent freed in this tick has picked its own best task.
            self._requeued.append(t)
            self._deferred[aid] = None
            return
        expl = dec.Explanation(
            trigger="agent",
            strategy=self._queues[t.queue].config.strategy.value,
            rank_order=TASK_RANK_ORDER,
            requirements=dict(t.reqs),
            language=t.language,
            targeted=pool.key.agents,
            teams=pool.key.teams,
            # Counted over pools holding tasks only: which empty pools are cached is
            # history, and an explanation must not depend on it (replays, restores).
            filters=(
                dec.FilterStep("pools_with_waiting_tasks", with_tasks),
                dec.FilterStep("capacity", fitting),
                dec.FilterStep("not_declined", len(heads)),
            ),
            candidates=len(heads),
            top=tuple(dec.Candidate(h[3].task_id, (float(h[0]), float(h[1]))) for h in best[:top_n]),
            note=note,
        )
        self._offer(t, [a], expl)

    def _match_task(self, t: TaskRuntime) -> None:
        pool = t.pool
        assert pool is not None
        free = self._avail.get(t.channel)
        if not free:
            return
        cands = pool.eligible & free
        if not cands:
            return
        n_free = len(cands)
        outbound = t.kind is TaskKind.OUTBOUND
        if outbound:
            cands &= self._idle
        if t.excluded:
            cands.difference_update(t.excluded)
        if not cands:
            return
        q = self._queues[t.queue]
        qc = q.config
        # Sorted: a scorer sees candidates in the same order in every run and every replay.
        agents = [self._agent_list[aid] for aid in sorted(cands)]
        sel = select(
            qc.strategy,
            agents,
            task=t.spec,
            reqs=t.reqs,
            rr_last=q.rr_last,
            scorer=self._scorer,
            now_ms=self._now,
            top_n=self._config.explain_top,
            ring_all_max=qc.ring_all_max,
        )
        if not sel.agents:
            return
        if qc.strategy is Strategy.ROUND_ROBIN:
            q.rr_last = sel.agents[0].id
        eligible = pool.eligible
        ready = len(self._ready.intersection(eligible))
        reserved = sum(1 for rec in self._offers.values() if rec.agent.id in eligible)
        filters = [
            dec.FilterStep("skills", len(eligible)),
            dec.FilterStep("state", ready),
            dec.FilterStep("reserved", ready - reserved),
            dec.FilterStep("capacity", n_free),
        ]
        if outbound:
            filters.append(dec.FilterStep("idle", len(self._idle.intersection(eligible))))
        filters.append(dec.FilterStep("not_declined", len(agents)))
        expl = dec.Explanation(
            trigger="task",
            strategy=qc.strategy.value,
            rank_order=RANK_ORDER[qc.strategy],
            requirements=dict(t.reqs),
            language=t.language,
            targeted=pool.key.agents,
            teams=pool.key.teams,
            filters=tuple(filters),
            candidates=len(agents),
            top=sel.top,
            note=sel.note,
        )
        self._offer(t, sel.agents, expl)

    # ------------------------------------------------------------------ offers

    def _offer(self, t: TaskRuntime, agents: list[AgentRuntime], expl: dec.Explanation) -> None:
        q = self._queues[t.queue]
        self._unplace(t)
        t.state = _OFFERED
        t.explanation = expl
        q.offered += 1
        timeout = _ms(q.config.offer_timeout_s)
        ring_all = len(agents) > 1 or q.config.strategy is Strategy.RING_ALL
        ch = t.channel
        now = self._now
        for a in agents:
            self._offer_seq += 1
            oid = self._offer_seq
            key = f"offer:{oid}"
            rec = OfferRec(oid, t, a, now, key)
            self._offers[oid] = rec
            t.offers[a.id] = oid
            a.offer = rec
            a.load[ch] = a.load.get(ch, 0) + 1
            self._refresh(a)
            self._emit(
                dec.Offer(
                    offer_id=oid,
                    task_id=t.task_id,
                    agent=a.name,
                    queue=q.name,
                    channel=ch,
                    kind=t.kind.value,
                    priority=t.priority,
                    timeout_ms=timeout,
                    expires_ms=now + timeout,
                    ring_all=ring_all,
                    callback=t.callback,
                    explanation=expl,
                )
            )
            self._set_timer(key, now + timeout, "offer", oid)

    def _release(self, rec: OfferRec, *, rescind: str | None, exclude: bool, requeue: bool = True) -> None:
        """End one outstanding offer without an accept; re-queue the task if nobody else rings."""
        t, a = rec.task, rec.agent
        del self._offers[rec.offer_id]
        del t.offers[a.id]
        self._cancel_timer(rec.timer)
        a.offer = None
        self._unload(a, t.channel)
        if rescind is not None:
            self._emit(dec.Rescind(offer_id=rec.offer_id, task_id=t.task_id, agent=a.name, reason=rescind))
        q = self._queues[t.queue]
        if exclude and q.config.decline_cooldown_s > 0:
            old = t.excluded.get(a.id)
            if old is not None:
                self._cancel_timer(old)
            key = f"unexclude:{t.seq}:{a.id}:{rec.offer_id}"
            t.excluded[a.id] = key
            self._set_timer(key, self._now + _ms(q.config.decline_cooldown_s), "unexclude", t.seq, a.name)
        self._refresh(a)
        self._freed[a.id] = None
        if requeue and t.state is _OFFERED and not t.offers:
            # Back in line at its original place: the key (priority, arrival, seq) never changed.
            t.state = _WAITING
            q.offered -= 1
            self._place(t)
            self._advance_plan(t)

    def _unload(self, a: AgentRuntime, channel: str) -> None:
        n = a.load.get(channel, 0) - 1
        if n > 0:
            a.load[channel] = n
        else:
            a.load.pop(channel, None)

    def _find_offer(self, task_id: str, agent: str, event: str) -> OfferRec | None:
        t = self._tasks.get(task_id)
        a = self._agents.get(agent)
        oid = t.offers.get(a.id) if t is not None and a is not None else None
        if oid is None:
            self._refuse(event, "no_such_offer", task_id=task_id, agent=agent)
            return None
        return self._offers[oid]

    def _on_offer_accepted(self, e: ev.OfferAccepted) -> None:
        rec = self._find_offer(e.task_id, e.agent, "offer_accepted")
        if rec is None:
            return
        t, a = rec.task, rec.agent
        now = self._now
        del self._offers[rec.offer_id]
        del t.offers[a.id]
        self._cancel_timer(rec.timer)
        a.offer = None
        a.missed = 0
        a.handled += 1
        a.tasks[t.seq] = t
        t.state = _ACTIVE
        t.agent = a
        t.accepted_ms = now
        q = self._queues[t.queue]
        q.offered -= 1
        wait = now - t.arrival_ms
        q.counters.record_answer(wait <= _ms(q.config.sl_target_s))
        self._report.touched(q.name)
        self._emit(dec.Assigned(offer_id=rec.offer_id, task_id=t.task_id, agent=a.name, queue=q.name, wait_ms=wait))
        # Ring-all: first accept wins; the others are rescinded in this same tick.
        for aid in sorted(t.offers):
            self._release(self._offers[t.offers[aid]], rescind="taken", exclude=False)
        self._cancel_task_timers(t)
        self._refresh(a)
        self._freed[a.id] = None

    def _on_offer_declined(self, e: ev.OfferDeclined) -> None:
        rec = self._find_offer(e.task_id, e.agent, "offer_declined")
        if rec is not None:
            self._release(rec, rescind=None, exclude=True)

    def _on_offer_timed_out(self, e: ev.OfferTimedOut) -> None:
        rec = self._find_offer(e.task_id, e.agent, "offer_timed_out")
        if rec is not None:
            self._missed(rec)

    def _missed(self, rec: OfferRec) -> None:
        a = rec.agent
        max_missed = self._queues[rec.task.queue].config.max_missed
        self._release(rec, rescind="timed_out", exclude=True)
        a.missed += 1
        if max_missed and a.missed >= max_missed and a.ready:
            self._emit(dec.AgentAutoNotReady(agent=a.name, reason=REASON_MISSED, missed=a.missed))
            self._set_presence(a, AgentState.NOT_READY, REASON_MISSED)

    # ------------------------------------------------------------------ completion, wrap-up, cancellation

    def _on_task_completed(self, e: ev.TaskCompleted) -> None:
        t = self._tasks.get(e.task_id)
        if t is None or t.state is not _ACTIVE:
            self._refuse("task_completed", "not_active", task_id=e.task_id)
            return
        self._complete(t, wrapup=e.wrapup)

    def _complete(self, t: TaskRuntime, *, wrapup: bool = True) -> None:
        a = t.agent
        assert a is not None
        qc = self._queues[t.queue].config
        t.completed_ms = self._now
        # Wrap-up cannot outlive the session (see _logout): work finished after the agent
        # logged out (or was removed) frees its slot now. Otherwise a manual wrap-up would hold
        # it with no timer, and the agent would log back in blocked on that channel.
        if (
            not wrapup
            or qc.acw_mode is AcwMode.NONE
            or (qc.acw_mode is AcwMode.TIMED and qc.acw_s <= 0)
            or a.presence is _LOGGED_OUT
        ):
            self._finish(t)
            return
        # Wrap-up holds the slot; the agent's presence is untouched, so a Not Ready chosen
        # during wrap-up is still in force when it ends (never silently flipped to Ready).
        t.state = _WRAPUP
        until = self._now + _ms(qc.acw_s) if qc.acw_s > 0 else None
        self._emit(
            dec.AcwStarted(agent=a.name, task_id=t.task_id, queue=t.queue, until_ms=until, wrapup_codes=qc.wrapup_codes)
        )
        if until is not None:
            self._set_timer(f"acw:{t.seq}", until, "acw", t.seq)

    def _on_wrapup_submitted(self, e: ev.WrapUpSubmitted) -> None:
        t = self._tasks.get(e.task_id)
        if t is None or t.state is not _WRAPUP or t.agent is None or t.agent.name != e.agent:
            self._refuse("wrapup_submitted", "not_in_wrapup", task_id=e.task_id, agent=e.agent)
            return
        codes = self._queues[t.queue].config.wrapup_codes
        if codes and e.wrapup_code not in codes:
            self._refuse("wrapup_submitted", "invalid_wrapup_code", task_id=e.task_id, agent=e.agent)
            return
        self._cancel_timer(f"acw:{t.seq}")
        self._emit(dec.AcwEnded(agent=e.agent, task_id=t.task_id, queue=t.queue, wrapup_code=e.wrapup_code, by="agent"))
        self._finish(t)

    def _finish(self, t: TaskRuntime) -> None:
        """The task is over and its slot free: statistics, customer history, agent freed."""
        a = t.agent
        assert a is not None
        now = self._now
        del a.tasks[t.seq]
        self._unload(a, t.channel)
        a.idle_since_ms = now
        q = self._queues[t.queue]
        q.counters.record_handle(now - t.accepted_ms)
        self._report.touched(q.name)
        cid = t.spec.customer_id
        if cid:
            self._customers.pop(cid, None)
            self._customers[cid] = (a.name, now)
            # Insertion order is time order: forget from the front what left the look-back window.
            horizon = now - self._sticky_window_ms
            customers = self._customers
            while customers:
                oldest = next(iter(customers))
                if customers[oldest][1] >= horizon:
                    break
                del customers[oldest]
        self._forget(t)
        self._refresh(a)
        self._freed[a.id] = None

    def _forget(self, t: TaskRuntime) -> None:
        self._cancel_task_timers(t)
        del self._tasks[t.task_id]
        del self._by_seq[t.seq]
        self._queues[t.queue].compact_oldest(self._by_seq)
        t.drop()

    def _on_task_cancelled(self, e: ev.TaskCancelled) -> None:
        t = self._tasks.get(e.task_id)
        if t is None or t.state is _WRAPUP:
            self._refuse("task_cancelled", "not_queued", task_id=e.task_id)
            return
        if t.state is _ACTIVE:
            self._complete(t)  # the customer hung up on the agent: that is the end of the work
            return
        q = self._queues[t.queue]
        q.counters.record_abandon(self._now - t.arrival_ms < _ms(q.config.sl_target_s))
        self._remove_queued(t, "cancelled")

    def _remove_queued(self, t: TaskRuntime, rescind: str) -> None:
        """Take a waiting or ringing task out for good (cancel, expiry)."""
        if t.state is _OFFERED:
            for aid in sorted(t.offers):
                self._release(self._offers[t.offers[aid]], rescind=rescind, exclude=False, requeue=False)
            self._queues[t.queue].offered -= 1
            self._report.touched(t.queue)
            self._forget(t)
        else:
            self._remove_waiting(t)

    def _remove_waiting(self, t: TaskRuntime) -> None:
        self._unplace(t)
        self._report.touched(t.queue)
        self._forget(t)

    # ------------------------------------------------------------------ timers

    def _set_timer(self, key: str, at_ms: int, kind: str, ref: int, name: str = "") -> None:
        self._timers[key] = (at_ms, kind, ref, name)
        self._emit(dec.SetTimer(key=key, at_ms=at_ms))

    def _cancel_timer(self, key: str) -> None:
        if self._timers.pop(key, None) is not None:
            self._emit(dec.CancelTimer(key=key))

    def _cancel_task_timers(self, t: TaskRuntime) -> None:
        self._cancel_timer(f"expire:{t.seq}")
        self._cancel_timer(f"sticky:{t.seq}")
        self._cancel_timer(f"step:{t.seq}:{t.step}")
        for key in t.excluded.values():
            self._cancel_timer(key)
        t.excluded.clear()

    def _on_timer_fired(self, e: ev.TimerFired) -> None:
        timer = self._timers.pop(e.key, None)
        if timer is None:
            self._refuse("timer_fired", "unknown_timer", task_id=e.key)
            return
        _, kind, ref, name = timer
        if kind == "offer":
            self._missed(self._offers[ref])
        elif kind == "hours":
            q = self._queues[name]
            self._arm_hours(q)
        else:
            t = self._by_seq.get(ref)
            if t is None:  # cannot happen while every task timer is cancelled with its task
                self._refuse("timer_fired", "task_gone", task_id=e.key)
                return
            if kind == "expire":
                self._expire(t)
            elif kind == "step":
                self._advance_plan(t)  # a ringing task applies due steps if it comes back
            elif kind == "sticky":
                t.sticky = ()
                if t.state is _WAITING:
                    self._unplace(t)
                    self._place(t)
            elif kind == "unexclude":
                t.excluded.pop(self._agents[name].id, None)
                if t.state is _WAITING:
                    self._requeued.append(t)
            elif kind == "acw":
                assert t.agent is not None
                self._emit(dec.AcwEnded(agent=t.agent.name, task_id=t.task_id, queue=t.queue, wrapup_code="", by="timer"))
                self._finish(t)

    def _expire(self, t: TaskRuntime) -> None:
        q = self._queues[t.queue]
        q.counters.expired += 1
        self._emit(dec.TaskExpired(task_id=t.task_id, queue=q.name, waited_ms=self._now - t.arrival_ms))
        self._remove_queued(t, "expired")

    def _arm_hours(self, q: QueueRuntime) -> None:
        key = f"hours:{q.name}"
        self._cancel_timer(key)
        hours = None if q.retired else q.config.hours
        is_now_open = is_open(hours, self._now)
        if is_now_open != q.open:
            q.open = is_now_open
            self._report.touched(q.name)
        nxt = next_change_ms(hours, self._now)
        if nxt is not None:
            self._set_timer(key, nxt, "hours", 0, q.name)

    # ------------------------------------------------------------------ output

    def _emit(self, d: dec.Decision) -> None:
        self._out.append(d)

    def _refuse(self, event: str, reason: str, *, task_id: str = "", agent: str = "") -> None:
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug("refused %s (%s) task=%s agent=%s", event, reason, task_id, agent)
        self._emit(dec.EventRefused(event=event, reason=reason, task_id=task_id, agent=agent))

    # ------------------------------------------------------------------ read-only accessors

    def queue_stats(self, queue: str) -> QueueStats | None:
        """Current statistics of a queue (longest wait = now - oldest_arrival_ms)."""
        q = self._queues.get(queue)
        return None if q is None else queue_stats(q, self._by_seq, slope(q))

    def position(self, task_id: str) -> dec.TaskPosition | None:
        """Position (1 = next) and EWT of a waiting task; None if it is not waiting in line."""
        t = self._tasks.get(task_id)
        if t is None or t.state is not _WAITING:
            return None
        q = self._queues[t.queue]
        pos = q.index(t) + 1
        spp = slope(q)
        return dec.TaskPosition(task_id, pos, None if spp is None else round(pos * spp, 1))

    def explain(self, task_id: str) -> dec.Explanation | None:
        """Why the task's last offer went where it did (None if never offered or gone)."""
        t = self._tasks.get(task_id)
        return None if t is None else t.explanation

    def task_state(self, task_id: str) -> str | None:
        t = self._tasks.get(task_id)
        return None if t is None else t.state.name.lower()

    def task_ids(self) -> list[str]:
        return list(self._tasks)

    def waiting(self, queue: str) -> list[str]:
        """Waiting (not ringing) task ids of a queue in line order."""
        q = self._queues.get(queue)
        return [] if q is None else [e[3].task_id for e in q.line]

    def agent_presence(self, agent: str) -> tuple[AgentState, str] | None:
        a = self._agents.get(agent)
        return None if a is None else (a.presence, a.reason)

    def agent_load(self, agent: str) -> dict[str, int]:
        a = self._agents.get(agent)
        return {} if a is None else dict(a.load)

    def pending_offers(self) -> list[tuple[str, str]]:
        """(task id, agent) of every outstanding offer, in offer order."""
        return [(r.task.task_id, r.agent.name) for r in self._offers.values()]

    def pending_timers(self) -> dict[str, int]:
        return {k: v[0] for k, v in self._timers.items()}

    # ------------------------------------------------------------------ diagnostics, snapshot / restore

    def why_waiting(self, task_id: str) -> dec.Explanation | None:
        """Why a waiting task has no agent right now: each filter with the agents left after it."""
        from edge_server.routing.diagnostics import why_waiting

        return why_waiting(self, task_id)

    def check_invariants(self) -> None:
        """Raise AssertionError if internal state is inconsistent. O(state): for tests and support."""
        from edge_server.routing.diagnostics import check_invariants

        check_invariants(self)

    def snapshot(self) -> EngineSnapshot:
        """Everything needed to continue exactly where this engine is (see recovery.py)."""
        from edge_server.routing.recovery import capture

        return capture(self)

    @classmethod
    def restore(cls, snap: EngineSnapshot, scorer: Scorer | None = None) -> RoutingEngine:
        """Rebuild an engine from ``snapshot()`` output; it continues with identical decisions."""
        from edge_server.routing.recovery import rebuild

        return rebuild(snap, scorer)
