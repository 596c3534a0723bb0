"""The work service: the routing engine's host on the edge's event loop.

Every input to the engine is journaled as a ``RoutingInput`` event before the
engine's decisions are executed (offers pushed, timers armed, statistics
published); the engine is deterministic, so replaying the journaled inputs at
start rebuilds it exactly, including offers still ringing and timers pending.
Presence changes are journaled in the same batch as the agent's state event, so
the directory and the engine can never disagree after a crash.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from edge_server.agents.directory import Directory
from edge_server.contract import events as cev
from edge_server.contract import messages as m
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.routing import RoutingEngine
from edge_server.routing import decisions as dec
from edge_server.routing import events as rev
from edge_server.routing.model import SiteRoutingConfig, TaskKind, TaskSpec
from edge_server.work.reads import routing_inputs
from edge_server.work.site_config import build_config

if TYPE_CHECKING:
    from edge_server.bus.server import BusServer, Connection
    from edge_server.store import Store

log = logging.getLogger("sb.work")

#: Attribute keys the host keeps in TaskSpec.attributes so a replay restores what desktops show.
_A_NAME, _A_SUBJECT, _A_CUSTOMER = "sb.customer_name", "sb.subject", "sb.customer_id"
#: The interaction a task is a leg of (set by the interactions service).
A_INTERACTION = "sb.interaction"


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class AgentWork:
    """What one agent has right now, for pushes and snapshots."""

    offers: dict[int, m.OfferMade] = field(default_factory=dict)
    tasks: dict[str, m.TaskInfo] = field(default_factory=dict)
    wrapups: dict[str, m.WrapUpStarted] = field(default_factory=dict)


class PresenceSink:
    """What the work service needs from the agent service (set by the composition root)."""

    async def routing_set_not_ready(self, username: str, reason: str) -> None:  # pragma: no cover
        raise NotImplementedError


class WorkListener(Protocol):
    """Told about routing's decisions on the edge loop (live only, never during replay).

    ``journal_extra`` runs synchronously right after the engine decided, before anything
    is journaled: the events it returns are appended in the same batch as the routing
    input, so a crash never separates them (it also updates the listener's live state).
    ``after_durable`` runs once that batch is durable and the decisions executed: the time
    to push what changed. Both must not block (schedule coroutines instead).
    """

    def journal_extra(self, event: rev.RoutingEvent, decisions: Sequence[dec.Decision]) -> list[cev.Event]: ...

    def after_durable(self) -> None: ...


class WorkService:
    def __init__(self, directory: Directory, store: Store, *, now_ms: Callable[[], int] = wall_ms) -> None:
        self._dir = directory
        self._store = store
        self._now_ms = now_ms
        self._engine = RoutingEngine(SiteRoutingConfig())
        self._config = SiteRoutingConfig()
        self._work: dict[str, AgentWork] = {}
        self._infos: dict[str, m.TaskInfo] = {}
        self._owner: dict[str, str] = {}  # task id -> agent it is assigned to
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._bus: BusServer | None = None
        self._presence: PresenceSink | None = None
        self._replaying = False
        self._listeners: list[WorkListener] = []
        # Listener events decided in prepare() but not yet handed to the store (see _take_extra).
        self._unjournaled: list[cev.Event] = []
        self.routes: dict[str, Callable[[Connection, Any, str], Awaitable[m.Message]]] = {
            "create_task": self._create_task,
            "cancel_task": self._cancel_task,
            "accept_offer": self._accept_offer,
            "decline_offer": self._decline_offer,
            "complete_task": self._complete_task,
            "submit_wrapup": self._submit_wrapup,
            "list_queues": self._list_queues,
            "explain_task": self._explain_task,
        }

    def attach(self, bus: BusServer, presence: PresenceSink) -> None:
        self._bus = bus
        self._presence = presence

    def add_listener(self, listener: WorkListener) -> None:
        self._listeners.append(listener)

    @property
    def engine(self) -> RoutingEngine:
        return self._engine

    def owner_of(self, task_id: str) -> str | None:
        """The agent a task is assigned to (also through its wrap-up), None otherwise."""
        return self._owner.get(task_id)

    def task_info(self, task_id: str) -> m.TaskInfo | None:
        return self._infos.get(task_id)

    def queue_statuses(self) -> list[m.QueueStatus]:
        out = []
        for name in sorted(self._dir.queues):
            stats = self._engine.queue_stats(name)
            if stats is not None:
                out.append(self._queue_status(name, stats))
        return out

    def queue_config(self, queue: str) -> Any:
        """The routing configuration of a queue (QueueConfig) or None."""
        return next((q for q in self._config.queues if q.queue == queue), None)

    # --- start: replay, then bring the configuration up to date ----------------

    async def recover(self) -> int:
        """Rebuild the engine from the journaled inputs; returns how many were replayed."""
        payloads = await self._store.read(routing_inputs)
        self._replaying = True
        try:
            for raw in payloads:
                event = rev.decode_event(raw)
                self._apply(event, self._engine.handle(event))
        finally:
            self._replaying = False
        return len(payloads)

    async def start(self) -> None:
        """After recover(): apply the current site configuration and arm the pending timers."""
        config = build_config(self._dir)
        if config != self._config:
            await self._input(rev.ConfigChanged(now_ms=self._now_ms(), config=config))
        for key, at_ms in self._engine.pending_timers().items():
            self._arm(key, at_ms)

    async def reconfigure(self) -> None:
        """Users, skills or queues changed (admin): apply without a restart."""
        config = build_config(self._dir)
        if config != self._config:
            await self._input(rev.ConfigChanged(now_ms=self._now_ms(), config=config))

    def close(self) -> None:
        for h in self._timers.values():
            h.cancel()
        self._timers.clear()

    # --- the one input path ------------------------------------------------------

    def prepare(self, event: rev.RoutingEvent) -> tuple[cev.RoutingInput, list[dec.Decision]]:
        """Feed the engine now (single writer) and return the journal event + decisions to execute."""
        decisions = self._engine.handle(event)
        self._apply(event, decisions)
        for listener in self._listeners:
            self._unjournaled.extend(listener.journal_extra(event, decisions))
        return cev.RoutingInput(ts_ms=event.now_ms, payload=rev.encode_event(event)), decisions

    def _take_extra(self) -> list[cev.Event]:
        out, self._unjournaled = self._unjournaled, []
        return out

    async def _input(self, event: rev.RoutingEvent, extra_events: Sequence[cev.Event] = ()) -> list[dec.Decision]:
        """Feed one input; ``extra_events`` (and the listeners' events) are journaled in its batch."""
        journal, decisions = self.prepare(event)
        await _durable(self._store.append([journal, *extra_events, *self._take_extra()]))
        await self.execute(decisions)
        return decisions

    async def input_many(
        self, events: Sequence[rev.RoutingEvent], extra_events: Sequence[cev.Event] = (),
    ) -> list[list[dec.Decision]]:
        """Several inputs journaled in one batch (a transfer: new leg + end of the old one)."""
        journals: list[cev.Event] = []
        results: list[list[dec.Decision]] = []
        for event in events:
            journal, decisions = self.prepare(event)
            journals.append(journal)
            results.append(decisions)
        await _durable(self._store.append([*journals, *extra_events, *self._take_extra()]))
        for decisions in results:
            await self.execute(decisions)
        return results

    def _notify(self) -> None:
        for listener in self._listeners:
            try:
                listener.after_durable()
            except Exception:  # a listener's bug must not stop routing
                log.exception("work listener failed")

    def presence_event(
        self, username: str, state: m.AgentState, reason: str, *, login: bool = False
    ) -> rev.RoutingEvent | None:
        """The routing input for an agent's presence change (None: routing does not know the agent)."""
        if username not in self._dir.users or self._engine.agent_presence(username) is None:
            return None
        now = self._now_ms()
        current = self._engine.agent_presence(username)
        if state == m.AgentState.LOGGED_OUT:
            if current is not None and current[0] == m.AgentState.LOGGED_OUT:
                return None
            return rev.AgentLoggedOut(now_ms=now, agent=username, reason=reason)
        if login or (current is not None and current[0] == m.AgentState.LOGGED_OUT):
            return rev.AgentLoggedIn(now_ms=now, agent=username, state=state, reason=reason)
        return rev.AgentStateChanged(now_ms=now, agent=username, state=state, reason=reason)

    # --- bookkeeping shared by live handling and replay ------------------------------

    def _apply(self, event: rev.RoutingEvent, decisions: Sequence[dec.Decision]) -> None:
        if isinstance(event, rev.ConfigChanged):
            self._config = event.config
        elif isinstance(event, rev.TaskArrived):
            self._infos[event.task.task_id] = self._info_from_spec(event.task)
        elif isinstance(event, rev.TaskCancelled):
            agent = self._owner.get(event.task_id)
            if agent and not any(isinstance(d, dec.AcwStarted) for d in decisions):
                self._work_of(agent).tasks.pop(event.task_id, None)
                self._forget(event.task_id)
        for d in decisions:
            match d:
                case dec.Offer():
                    info = self._infos.get(d.task_id) or m.TaskInfo(task_id=d.task_id, queue=d.queue)
                    self._work_of(d.agent).offers[d.offer_id] = m.OfferMade(
                        offer_id=d.offer_id, task=info, expires_ms=d.expires_ms, timeout_ms=d.timeout_ms,
                        ring_all=d.ring_all)
                case dec.Rescind():
                    self._work_of(d.agent).offers.pop(d.offer_id, None)
                case dec.Assigned():
                    w = self._work_of(d.agent)
                    w.offers.pop(d.offer_id, None)
                    info = self._infos.get(d.task_id) or m.TaskInfo(task_id=d.task_id, queue=d.queue)
                    info = msgspec.structs.replace(info, assigned_ms=event.now_ms)
                    self._infos[d.task_id] = w.tasks[d.task_id] = info
                    self._owner[d.task_id] = d.agent
                case dec.AcwStarted():
                    self._work_of(d.agent).wrapups[d.task_id] = m.WrapUpStarted(
                        task_id=d.task_id, until_ms=d.until_ms, codes=list(d.wrapup_codes))
                case dec.AcwEnded():
                    w = self._work_of(d.agent)
                    w.wrapups.pop(d.task_id, None)
                    w.tasks.pop(d.task_id, None)  # kept through wrap-up so a fresh login still shows it
                    self._forget(d.task_id)
                case dec.TaskExpired() | dec.TaskRejected():
                    self._forget(d.task_id)
                case dec.FinalActionTaken() if d.action == "voicemail":
                    self._forget(d.task_id)
                case _:
                    pass
        if isinstance(event, rev.TaskCompleted) and not any(
            isinstance(d, (dec.AcwStarted, dec.EventRefused)) for d in decisions
        ):
            agent = self._owner.get(event.task_id)
            if agent:
                self._work_of(agent).tasks.pop(event.task_id, None)
            self._forget(event.task_id)

    def _forget(self, task_id: str) -> None:
        self._infos.pop(task_id, None)
        self._owner.pop(task_id, None)

    def _work_of(self, agent: str) -> AgentWork:
        w = self._work.get(agent)
        if w is None:
            w = self._work[agent] = AgentWork()
        return w

    def _info_from_spec(self, spec: TaskSpec) -> m.TaskInfo:
        q = self._dir.queues.get(spec.queue)
        attrs = {k: v for k, v in spec.attributes.items() if not k.startswith("sb.")}
        return m.TaskInfo(
            task_id=spec.task_id,
            queue=spec.queue,
            queue_name_en=q.name_en if q else spec.queue,
            queue_name_zh=q.name_zh if q else "",
            channel=spec.channel or self._queue_channel(spec.queue),
            kind=spec.kind.value,
            priority=spec.priority,
            customer_name=spec.attributes.get(_A_NAME, ""),
            customer_id=spec.customer_id,
            subject=spec.attributes.get(_A_SUBJECT, ""),
            arrived_ms=spec.arrived_ms,
            attributes=attrs,
            interaction_id=spec.attributes.get(A_INTERACTION, ""),
        )

    def _queue_channel(self, queue: str) -> str:
        for q in self._config.queues:
            if q.queue == queue:
                return q.channel
        return ""

    def work_view(self, username: str) -> tuple[list[m.OfferMade], list[m.TaskInfo], list[m.WrapUpStarted]]:
        w = self._work.get(username)
        if w is None:
            return [], [], []
        return list(w.offers.values()), list(w.tasks.values()), list(w.wrapups.values())

    # --- executing decisions (live only) ------------------------------------------------

    async def execute(self, decisions: Sequence[dec.Decision]) -> None:
        assert self._bus is not None and self._presence is not None
        extra = self._take_extra()
        if extra:  # listener events of an input journaled by someone else (AgentService.commit)
            await _durable(self._store.append(extra))
        for d in decisions:
            match d:
                case dec.Offer():
                    offer = self._work_of(d.agent).offers.get(d.offer_id)
                    if offer is not None:
                        self._push(d.agent, offer)
                    log.info("offer %d: task %s -> %s (%s)", d.offer_id, d.task_id, d.agent,
                             d.explanation.strategy)
                case dec.Rescind():
                    self._push(d.agent, m.OfferRescinded(offer_id=d.offer_id, task_id=d.task_id, reason=d.reason))
                case dec.AcwStarted():
                    self._push(d.agent, m.WrapUpStarted(task_id=d.task_id, until_ms=d.until_ms,
                                                        codes=list(d.wrapup_codes)))
                case dec.AcwEnded():
                    self._push(d.agent, m.WrapUpEnded(task_id=d.task_id, code=d.wrapup_code, by=d.by))
                case dec.AgentAutoNotReady():
                    await self._presence.routing_set_not_ready(d.agent, d.reason)
                case dec.SetTimer():
                    self._arm(d.key, d.at_ms)
                case dec.CancelTimer():
                    h = self._timers.pop(d.key, None)
                    if h is not None:
                        h.cancel()
                case dec.StatsChanged():
                    self._bus.publish(m.TOPIC_QUEUE, self._queue_status(d.queue, d.stats))
                case dec.EventRefused():
                    log.debug("routing refused %s: %s", d.event, d.reason)
                case dec.Escalated() | dec.Overflowed() | dec.FinalActionTaken() | dec.TaskExpired() | dec.TaskRejected():
                    log.info("routing: %s", msgspec.json.encode(d).decode())
                case _:
                    pass
        self._notify()

    def _push(self, agent: str, body: m.Message) -> None:
        session = self._dir.session_of(agent)
        if session is not None:
            assert self._bus is not None
            self._bus.push(session.session_id, body)

    def _arm(self, key: str, at_ms: int) -> None:
        old = self._timers.pop(key, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        delay = max(0.0, (at_ms - self._now_ms()) / 1000)
        self._timers[key] = loop.call_later(delay, self._fire, key)

    def _fire(self, key: str) -> None:
        self._timers.pop(key, None)
        task = asyncio.get_running_loop().create_task(self._input(rev.TimerFired(now_ms=self._now_ms(), key=key)))
        task.add_done_callback(_log_failure)

    def _queue_status(self, queue: str, s: Any) -> m.QueueStatus:
        q = self._dir.queues.get(queue)
        return m.QueueStatus(
            queue=queue,
            name_en=q.name_en if q else queue,
            name_zh=q.name_zh if q else "",
            open=s.open,
            waiting=s.waiting,
            offered=s.offered,
            oldest_arrival_ms=s.oldest_arrival_ms,
            answered=s.answered,
            abandoned=s.abandoned,
            service_level_pct=s.service_level_pct,
            sl_target_s=s.sl_target_s,
            sl_goal_pct=s.sl_goal_pct,
            aht_s=s.aht_s,
            staffed=s.staffed,
            ewt_next_s=(s.seconds_per_position * (s.waiting - s.offered + 1))
            if s.seconds_per_position is not None else None,
        )

    # --- requests ---------------------------------------------------------------------

    async def _create_task(self, conn: Connection, req: m.CreateTask, user: str) -> m.TaskCreated:
        return await self.create_internal(
            queue=req.queue, task_id=req.task_id, channel=req.channel, kind=req.kind, priority=req.priority,
            customer_name=req.customer_name, customer_id=req.customer_id, subject=req.subject,
            attributes=req.attributes, skills=req.skills, language=req.language,
            preferred_agents=req.preferred_agents, direct_agent=req.direct_agent, time_limit_s=req.time_limit_s,
        )

    def task_spec(
        self, *, queue: str, task_id: str = "", channel: str = "", kind: str = "inbound", priority: int = 0,
        customer_name: str = "", customer_id: str = "", subject: str = "", attributes: dict[str, str] | None = None,
        skills: dict[str, int] | None = None, language: str = "", preferred_agents: Sequence[str] = (),
        direct_agent: str = "", time_limit_s: float = 0.0, arrived_ms: int = 0,
    ) -> TaskSpec:
        """A checked TaskSpec (NOT_FOUND, INVALID_ARGUMENT, CONFLICT) for create_task and in-process callers."""
        if queue not in self._dir.queues:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no queue {queue!r}", queue=queue)
        try:
            task_kind = TaskKind(kind)
        except ValueError as e:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"kind must be inbound or outbound, not {kind!r}") from e
        task_id = task_id or uuid.uuid4().hex
        if task_id in self._infos or self._engine.task_state(task_id) is not None:
            raise SwitchboardError(ErrorCode.CONFLICT, f"task {task_id!r} exists already", task_id=task_id)
        attrs = dict(attributes or {})
        attrs.update({_A_NAME: customer_name, _A_SUBJECT: subject})
        return TaskSpec(
            task_id=task_id, queue=queue, channel=channel, kind=task_kind, priority=priority,
            attributes=attrs, skills=skills, language=language,
            preferred_agents=tuple(preferred_agents), direct_agent=direct_agent,
            customer_id=customer_id, time_limit_s=time_limit_s, arrived_ms=arrived_ms or self._now_ms(),
        )

    async def create_internal(self, *, extra_events: Sequence[cev.Event] = (), **spec: Any) -> m.TaskCreated:
        """Create a task in-process (channels, interactions); ``spec`` as ``task_spec``.

        ``extra_events`` are journaled in the same batch as the task's arrival.
        """
        task = self.task_spec(**spec)
        decisions = await self._input(rev.TaskArrived(now_ms=self._now_ms(), task=task), extra_events)
        rejected = next((d for d in decisions if isinstance(d, dec.TaskRejected)), None)
        if rejected is not None:
            return m.TaskCreated(task_id=task.task_id, accepted=False, reason=rejected.reason)
        return m.TaskCreated(task_id=task.task_id)

    async def cancel_internal(self, task_id: str, reason: str, *, extra_events: Sequence[cev.Event] = ()) -> bool:
        """The customer left: a waiting/ringing task is abandoned, an assigned one completes; False if gone."""
        if self._engine.task_state(task_id) is None:
            return False
        agent = self._owner.get(task_id)
        await self._input(rev.TaskCancelled(now_ms=self._now_ms(), task_id=task_id, reason=reason), extra_events)
        if agent:
            self._push(agent, m.TaskEnded(task_id=task_id, reason=reason))
        return True

    async def complete_internal(self, task_id: str, *, extra_events: Sequence[cev.Event] = ()) -> bool:
        """The agent ended the work of an assigned task; True if wrap-up started."""
        agent = self._owner.get(task_id)
        decisions = await self._input(rev.TaskCompleted(now_ms=self._now_ms(), task_id=task_id), extra_events)
        refused = next((d for d in decisions if isinstance(d, dec.EventRefused)), None)
        if refused is not None:
            raise SwitchboardError(ErrorCode.CONFLICT, f"the task cannot end now: {refused.reason}", task_id=task_id)
        acw = any(isinstance(d, dec.AcwStarted) for d in decisions)
        if not acw and agent:
            self._push(agent, m.TaskEnded(task_id=task_id, reason="completed"))
        return acw

    async def replace_leg(
        self, old_task_id: str, new_task: TaskSpec, *, reason: str, extra_events: Sequence[cev.Event] = ()
    ) -> m.TaskCreated:
        """Transfer: the new leg arrives and the old one ends without wrap-up, in one journaled batch.

        The transferring agent sees only TaskEnded(reason); the interaction's wrap-up is the
        last agent's.
        """
        now = self._now_ms()
        agent = self._owner.get(old_task_id)
        inputs: list[rev.RoutingEvent] = [rev.TaskArrived(now_ms=now, task=new_task),
                                          rev.TaskCompleted(now_ms=now, task_id=old_task_id, wrapup=False)]
        results = await self.input_many(inputs, extra_events)
        if agent:
            self._push(agent, m.TaskEnded(task_id=old_task_id, reason=reason))
        rejected = next((d for d in results[0] if isinstance(d, dec.TaskRejected)), None)
        if rejected is not None:
            return m.TaskCreated(task_id=new_task.task_id, accepted=False, reason=rejected.reason)
        return m.TaskCreated(task_id=new_task.task_id)

    async def _cancel_task(self, conn: Connection, req: m.CancelTask, user: str) -> m.Ok:
        if self._engine.task_state(req.task_id) is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no task {req.task_id!r}", task_id=req.task_id)
        agent = self._owner.get(req.task_id)
        await self._input(rev.TaskCancelled(now_ms=self._now_ms(), task_id=req.task_id, reason=req.reason))
        if agent:  # after any wrap-up push, so the desktop knows why the task is in wrap-up
            self._push(agent, m.TaskEnded(task_id=req.task_id, reason=req.reason))
        return m.Ok()

    async def _accept_offer(self, conn: Connection, req: m.AcceptOffer, user: str) -> m.TaskAssigned:
        offer = self._work_of(user).offers.get(req.offer_id)
        if offer is None or offer.task.task_id != req.task_id:
            raise SwitchboardError(ErrorCode.CONFLICT, "this offer is no longer available",
                                   offer_id=req.offer_id, task_id=req.task_id)
        decisions = await self._input(rev.OfferAccepted(now_ms=self._now_ms(), task_id=req.task_id, agent=user))
        if not any(isinstance(d, dec.Assigned) for d in decisions):
            raise SwitchboardError(ErrorCode.CONFLICT, "this offer is no longer available",
                                   offer_id=req.offer_id, task_id=req.task_id)
        return m.TaskAssigned(task=self._work_of(user).tasks[req.task_id], offer_id=req.offer_id)

    async def _decline_offer(self, conn: Connection, req: m.DeclineOffer, user: str) -> m.Ok:
        offer = self._work_of(user).offers.get(req.offer_id)
        if offer is None or offer.task.task_id != req.task_id:
            raise SwitchboardError(ErrorCode.CONFLICT, "this offer is no longer available", offer_id=req.offer_id)
        await self._input(rev.OfferDeclined(now_ms=self._now_ms(), task_id=req.task_id, agent=user,
                                            reason=req.reason))
        return m.Ok()

    async def _complete_task(self, conn: Connection, req: m.CompleteTask, user: str) -> m.Ok:
        if req.task_id not in self._work_of(user).tasks:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"task {req.task_id!r} is not yours", task_id=req.task_id)
        if req.task_id in self._work_of(user).wrapups:
            raise SwitchboardError(ErrorCode.CONFLICT, "the task is in wrap-up already", task_id=req.task_id)
        decisions = await self._input(rev.TaskCompleted(now_ms=self._now_ms(), task_id=req.task_id))
        if not any(isinstance(d, dec.AcwStarted) for d in decisions):
            self._push(user, m.TaskEnded(task_id=req.task_id, reason="completed"))
        return m.Ok()

    async def _submit_wrapup(self, conn: Connection, req: m.SubmitWrapUp, user: str) -> m.Ok:
        w = self._work_of(user).wrapups.get(req.task_id)
        if w is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no wrap-up for task {req.task_id!r}", task_id=req.task_id)
        if w.codes and req.code not in w.codes:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"wrap-up code must be one of {w.codes}",
                                   codes=w.codes)
        extra: list[cev.Event] = []
        info = self._infos.get(req.task_id)
        if info is not None and info.interaction_id:
            # The interaction's disposition is journaled with the routing input that ends the wrap-up.
            extra.append(cev.WrapUpRecorded(ts_ms=self._now_ms(), interaction_id=info.interaction_id, agent=user,
                                            disposition=req.code, notes=req.notes, follow_up=req.follow_up))
        decisions = await self._input(rev.WrapUpSubmitted(now_ms=self._now_ms(), agent=user, task_id=req.task_id,
                                                          wrapup_code=req.code), extra)
        refused = next((d for d in decisions if isinstance(d, dec.EventRefused)), None)
        if refused is not None:
            raise SwitchboardError(ErrorCode.CONFLICT, f"wrap-up refused: {refused.reason}")
        return m.Ok()

    async def _list_queues(self, conn: Connection, req: m.ListQueues, user: str) -> m.QueueList:
        out = []
        for name in sorted(self._dir.queues):
            stats = self._engine.queue_stats(name)
            if stats is not None:
                out.append(self._queue_status(name, stats))
        return m.QueueList(queues=out)

    async def _explain_task(self, conn: Connection, req: m.ExplainTask, user: str) -> m.TaskExplanation:
        state = self._engine.task_state(req.task_id)
        if state is None:
            return m.TaskExplanation(task_id=req.task_id, state="gone")
        pos = self._engine.position(req.task_id)
        why = self._engine.explain(req.task_id) or self._engine.why_waiting(req.task_id)
        return m.TaskExplanation(
            task_id=req.task_id, state=state,
            position=pos.position if pos else None, ewt_s=pos.ewt_s if pos else None,
            explanation=msgspec.to_builtins(why) if why is not None else {},
        )


async def _durable(fut: asyncio.Future[int]) -> None:
    from edge_server.store import StoreError

    try:
        await fut
    except StoreError as e:
        raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the edge cannot save changes: {e}") from e


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("routing timer failed", exc_info=task.exception())
