"""Test helpers: build configs and events tersely, and drive an engine like the edge would.

``Host`` keeps the engine's timers (TimerBook), applies each event, checks the
engine's own invariants, and keeps an *external* model built only from the
decisions, so properties are checked against what the host would have seen,
not against the engine's private counters.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from edge_server.contract.messages import AgentState
from edge_server.routing import decisions as dec
from edge_server.routing import events as ev
from edge_server.routing.capacity import compile_blocks, effective_capacity
from edge_server.routing.engine import RoutingEngine
from edge_server.routing.model import AgentConfig, QueueConfig, SiteRoutingConfig, Strategy, TaskSpec
from edge_server.routing.timers import TimerBook

D = TypeVar("D", bound=dec.Decision)


def agent(name: str, team: str = "", languages: tuple[str, ...] = (), capacity: dict[str, int] | None = None,
          **skills: int) -> AgentConfig:
    return AgentConfig(username=name, skills=skills, team=team, languages=languages, capacity=capacity or {})


def site(agents: Iterable[AgentConfig], queues: Iterable[QueueConfig], **kw: Any) -> SiteRoutingConfig:
    return SiteRoutingConfig(agents=tuple(agents), queues=tuple(queues), **kw)


def login(now: int, name: str, state: AgentState = AgentState.READY) -> ev.AgentLoggedIn:
    return ev.AgentLoggedIn(now_ms=now, agent=name, state=state)


def arrive(now: int, task_id: str, queue: str = "q", **spec: Any) -> ev.TaskArrived:
    return ev.TaskArrived(now_ms=now, task=TaskSpec(task_id=task_id, queue=queue, **spec))


def of(decisions: Iterable[dec.Decision], kind: type[D]) -> list[D]:
    return [d for d in decisions if type(d) is kind]


def offered(decisions: Iterable[dec.Decision]) -> list[tuple[str, str]]:
    """(task, agent) of every Offer, in order."""
    return [(d.task_id, d.agent) for d in of(decisions, dec.Offer)]


class ModelViolation(AssertionError):
    pass


class Host:
    """An engine plus its timers plus an external model of offers and loads."""

    def __init__(self, config: SiteRoutingConfig, engine: RoutingEngine | None = None, *, check: bool = True,
                 scorer: Any = None) -> None:
        self.engine = engine or RoutingEngine(config, scorer)
        self.config = config
        self.timers = TimerBook()
        self.check = check
        self.now = 0
        self.log: list[tuple[ev.RoutingEvent, list[dec.Decision]]] = []
        self._configure(config)
        # External model, from decisions only.
        self.ready: dict[str, bool] = {}
        self.offers: dict[tuple[str, str], int] = {}  # (task, agent) -> offer id
        self.offer_channel: dict[tuple[str, str], str] = {}
        self.load: dict[str, dict[str, int]] = {}
        self.active: dict[str, tuple[str, str, str]] = {}  # task -> (agent, channel, queue)
        self.wrapup: dict[str, tuple[str, str]] = {}  # task -> (agent, channel)
        self.all_offers: list[dec.Offer] = []

    def _configure(self, config: SiteRoutingConfig) -> None:
        self.config = config
        self.blocks = compile_blocks(config.blocks)
        self.capacity = {a.username: effective_capacity(a.capacity, config.default_capacity) for a in config.agents}
        self.strategy = {q.queue: q.strategy for q in config.queues}

    # -- driving ------------------------------------------------------------------

    def send(self, event: ev.RoutingEvent) -> list[dec.Decision]:
        self.now = max(self.now, event.now_ms)
        out = self.engine.handle(event)
        self.log.append((event, out))
        self.timers.apply(out)
        self._model(event, out)
        if self.check:
            self.engine.check_invariants()
            # No stuck reservation: every outstanding offer has a live timer that will end it.
            for (task, who), oid in self.offers.items():
                if f"offer:{oid}" not in self.timers:
                    raise ModelViolation(f"offer {oid} of {task} to {who} has no timer")
        return out

    def advance(self, to_ms: int) -> list[dec.Decision]:
        """Fire every timer due up to ``to_ms`` at its own time; return all decisions."""
        out: list[dec.Decision] = []
        while (fired := self.timers.pop_due(to_ms)) is not None:
            out += self.send(fired)
        self.now = max(self.now, to_ms)
        return out

    def drain(self, limit_ms: int = 10**12) -> list[dec.Decision]:
        """Fire timers until none is left (or the limit is reached)."""
        out: list[dec.Decision] = []
        while (at := self.timers.next_at()) is not None and at <= limit_ms:
            out += self.advance(at)
        return out

    # -- external model -----------------------------------------------------------

    def _add(self, who: str, channel: str, n: int) -> None:
        per = self.load.setdefault(who, {})
        per[channel] = per.get(channel, 0) + n
        if per[channel] < 0:
            raise ModelViolation(f"negative load for {who} on {channel}")

    def _model(self, event: ev.RoutingEvent, out: list[dec.Decision]) -> None:
        refused = any(type(d) is dec.EventRefused for d in out)
        if isinstance(event, ev.AgentLoggedIn) and not refused:
            self.ready[event.agent] = event.state is AgentState.READY
        elif isinstance(event, ev.AgentStateChanged) and not refused:
            self.ready[event.agent] = event.state is AgentState.READY
        elif isinstance(event, ev.AgentLoggedOut) and not refused:
            self.ready[event.agent] = False
        elif isinstance(event, ev.OfferDeclined) and not refused:
            self._drop_offer(event.task_id, event.agent)
        elif isinstance(event, ev.TaskCompleted) and not refused:
            self._completed(event.task_id)
        elif isinstance(event, ev.TaskCancelled) and not refused and event.task_id in self.active:
            self._completed(event.task_id)
        elif isinstance(event, ev.ConfigChanged):
            self._configure(event.config)
            names = {a.username for a in event.config.agents}
            for who in list(self.ready):
                if who not in names:
                    self.ready[who] = False
        offers_this_event: dict[str, int] = {}
        for d in out:
            t = type(d)
            if t is dec.Offer:
                self._check_offer(d, offers_this_event)
            elif t is dec.Rescind:
                self._drop_offer(d.task_id, d.agent)
            elif t is dec.Assigned:
                ch = self.offer_channel.pop((d.task_id, d.agent))
                del self.offers[(d.task_id, d.agent)]
                self.active[d.task_id] = (d.agent, ch, d.queue)
            elif t is dec.AcwEnded:
                who, ch = self.wrapup.pop(d.task_id)
                self._add(who, ch, -1)
            elif t is dec.AgentAutoNotReady:
                self.ready[d.agent] = False

    def _check_offer(self, d: dec.Offer, this_event: dict[str, int]) -> None:
        self.all_offers.append(d)
        who = d.agent
        if not self.ready.get(who):
            raise ModelViolation(f"offer {d.offer_id} to {who} who is not Ready")
        if any(a == who for (_, a) in self.offers):
            raise ModelViolation(f"{who} offered twice (offer {d.offer_id})")
        others = [a for (task, a) in self.offers if task == d.task_id]
        if others and not (self.strategy.get(d.queue) is Strategy.RING_ALL and d.task_id in this_event):
            raise ModelViolation(f"task {d.task_id} offered to {who} while ringing at {others}")
        if d.task_id in self.active:
            raise ModelViolation(f"task {d.task_id} offered after it was assigned")
        cap = self.capacity[who]
        load = self.load.get(who, {})
        if load.get(d.channel, 0) + 1 > cap.get(d.channel, 0):
            raise ModelViolation(f"offer {d.offer_id} puts {who} over capacity on {d.channel}: {load}")
        for held, n in load.items():
            if n > 0 and d.channel in self.blocks.get(held, ()):
                raise ModelViolation(f"offer {d.offer_id} on {d.channel} while {who} holds {held}")
        this_event[d.task_id] = this_event.get(d.task_id, 0) + 1
        self.offers[(d.task_id, who)] = d.offer_id
        self.offer_channel[(d.task_id, who)] = d.channel
        self._add(who, d.channel, +1)

    def _drop_offer(self, task: str, who: str) -> None:
        if (task, who) not in self.offers:
            raise ModelViolation(f"offer of {task} to {who} ended but was not outstanding")
        del self.offers[(task, who)]
        self._add(who, self.offer_channel.pop((task, who)), -1)

    def _completed(self, task: str) -> None:
        who, ch, queue = self.active.pop(task)
        # Wrap-up (if the queue has it) keeps the slot until AcwEnded.
        out = self.log[-1][1]
        if any(type(d) is dec.AcwStarted and d.task_id == task for d in out):
            self.wrapup[task] = (who, ch)
        else:
            self._add(who, ch, -1)

    # -- conveniences -----------------------------------------------------------------

    def accept(self, now: int, task: str, who: str) -> list[dec.Decision]:
        return self.send(ev.OfferAccepted(now_ms=now, task_id=task, agent=who))

    def decline(self, now: int, task: str, who: str) -> list[dec.Decision]:
        return self.send(ev.OfferDeclined(now_ms=now, task_id=task, agent=who))

    def complete(self, now: int, task: str) -> list[dec.Decision]:
        return self.send(ev.TaskCompleted(now_ms=now, task_id=task))

    def ready_agent(self, now: int, who: str) -> list[dec.Decision]:
        return self.send(ev.AgentStateChanged(now_ms=now, agent=who, state=AgentState.READY))

    def not_ready(self, now: int, who: str, reason: str = "break") -> list[dec.Decision]:
        return self.send(ev.AgentStateChanged(now_ms=now, agent=who, state=AgentState.NOT_READY, reason=reason))
