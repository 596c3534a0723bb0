"""A mixed, interactive workload: a list of small integer actions interpreted against a live Host.

The same action list always produces the same event sequence (the host reacts
to the engine's decisions, e.g. accepts the n-th pending offer), so hypothesis
can generate and shrink action lists, and seeded runs can be replayed in a
subprocess under another hash seed.
"""
from __future__ import annotations

import random
from collections.abc import Sequence

from edge_server.contract.messages import AgentState
from edge_server.routing import events as ev
from edge_server.routing.model import (
    AcwMode,
    BusinessHours,
    ClosedAction,
    FinalAction,
    OpenInterval,
    PlanStep,
    QueueConfig,
    SiteRoutingConfig,
    Strategy,
    TaskKind,
    TaskSpec,
)
from tests.edge_server.routing.routing_sim import Host, agent, site

Action = tuple[int, int, int]
N_KINDS = 12
T0 = 1_767_225_600_000  # 2026-01-01T00:00Z


def mixed_config() -> SiteRoutingConfig:
    """Every feature at once: strategies, plans, ACW modes, sticky, blending, hours."""
    agents = [
        agent("ann", team="a", languages=("en",), sales=3, support=2, vip=1),
        agent("bob", team="a", languages=("en", "fr"), sales=1, support=4),
        agent("cid", team="b", capacity={"chat": 3}, support=5),
        agent("dee", team="b", capacity={"voice": 1, "chat": 2}, languages=("fr",), sales=2, vip=2),
        agent("eve", team="b", sales=4, support=1),
        agent("fay", team="c", capacity={"voice": 1}, vip=3),
    ]
    office = BusinessHours(tz="Asia/Shanghai", open=tuple(OpenInterval(day=d, start="08:00", end="20:00") for d in range(6)))
    queues = [
        QueueConfig(queue="sales", skills={"sales": 2}, acw_mode=AcwMode.TIMED, acw_s=5, max_missed=2,
                    offer_timeout_s=8, sticky_wait_s=5, decline_cooldown_s=6,
                    plan=(PlanStep(after_s=10, skills={"sales": 1}), PlanStep(after_s=30, priority_delta=1),
                          PlanStep(after_s=60, overflow_queue="general"))),
        QueueConfig(queue="support", channel="chat", skills={"support": 1}, strategy=Strategy.LEAST_OCCUPIED,
                    acw_mode=AcwMode.MANUAL, acw_s=30, wrapup_codes=("ok", "ko"), offer_timeout_s=10),
        QueueConfig(queue="vip", skills={"vip": 1}, strategy=Strategy.RING_ALL, offer_timeout_s=6,
                    plan=(PlanStep(after_s=20, add_teams=("a",), priority_delta=2),)),
        QueueConfig(queue="general", strategy=Strategy.ROUND_ROBIN, offer_timeout_s=7, max_wait_s=300,
                    plan=(PlanStep(after_s=120, final_action=FinalAction.VOICEMAIL),)),
        QueueConfig(queue="camp", strategy=Strategy.FEWEST_INTERACTIONS, offer_timeout_s=9),
        QueueConfig(queue="expert", channel="chat", skills={"support": 3}, strategy=Strategy.BEST_SKILL,
                    plan=(PlanStep(after_s=15, final_action=FinalAction.CALLBACK),
                          PlanStep(after_s=25, drop_language=True, skills={"support": 1}))),
        QueueConfig(queue="office", hours=office, closed_action=ClosedAction.OVERFLOW, closed_overflow_queue="general",
                    skills={"sales": 1}),
    ]
    return site(agents, queues)


def random_actions(seed: int, n: int) -> list[Action]:
    rng = random.Random(seed)
    return [(rng.randrange(N_KINDS), rng.randrange(100), rng.randrange(100)) for _ in range(n)]


class Workload:
    """Interprets actions against a Host; ``events`` is what was sent, in order."""

    def __init__(self, config: SiteRoutingConfig | None = None, *, check: bool = True, simple: bool = False,
                 login: bool = True) -> None:
        self.config = config or mixed_config()
        self.host = Host(self.config, check=check)
        self.simple = simple  # plain arrivals only (no sticky, direct, language, outbound)
        self.now = T0
        self.n_tasks = 0
        self.agents = [a.username for a in self.config.agents]
        self.queues = [q.queue for q in self.config.queues]
        if login and not simple:
            self.login_all()

    def login_all(self) -> None:
        for i, name in enumerate(self.agents):
            self.host.send(ev.AgentLoggedIn(now_ms=T0, agent=name, state=(AgentState.READY, AgentState.NOT_READY)[i % 2]))

    def _send(self, event: ev.RoutingEvent) -> None:
        self.host.advance(event.now_ms)  # a real host fires due timers first
        self.host.send(event)

    def run(self, actions: Sequence[Action]) -> Host:
        for kind, x, y in actions:
            self.step(kind % N_KINDS, x, y)
        return self.host

    def step(self, kind: int, x: int, y: int) -> None:
        self.now += 1 + (y % 7) * 150
        now = self.now
        e = self.host.engine
        if kind in (0, 1, 10):
            self._arrive(now, x, y)
        elif kind in (2, 3, 4) or (kind == 11 and y % 4):
            offers = e.pending_offers()
            if offers:
                task, who = offers[x % len(offers)]
                if kind != 4:
                    self._send(ev.OfferAccepted(now_ms=now, task_id=task, agent=who))
                elif y % 2:
                    self._send(ev.OfferDeclined(now_ms=now, task_id=task, agent=who))
                else:
                    self._send(ev.OfferTimedOut(now_ms=now, task_id=task, agent=who))
        elif kind == 5:
            active = sorted(self.host.active)
            if active:
                self._send(ev.TaskCompleted(now_ms=now, task_id=active[x % len(active)]))
        elif kind == 6:
            wrapping = sorted(self.host.wrapup)
            if wrapping:
                task = wrapping[x % len(wrapping)]
                who = self.host.wrapup[task][0]
                code = ("ok", "ko", "bogus", "")[y % 4]
                self._send(ev.WrapUpSubmitted(now_ms=now, agent=who, task_id=task, wrapup_code=code))
        elif kind == 7:
            who = self.agents[x % len(self.agents)]
            choice = y % 6
            if choice == 0:
                self._send(ev.AgentLoggedIn(now_ms=now, agent=who, state=AgentState.READY))
            elif choice in (1, 5):
                self._send(ev.AgentStateChanged(now_ms=now, agent=who, state=AgentState.READY))
            elif choice == 2:
                self._send(ev.AgentStateChanged(now_ms=now, agent=who, state=AgentState.NOT_READY, reason="break"))
            elif choice == 3:
                self._send(ev.AgentLoggedOut(now_ms=now, agent=who))
            else:
                self._send(ev.AgentStateChanged(now_ms=now, agent=who, state=AgentState.ACW))
        elif kind == 8:
            ids = e.task_ids()
            if ids:
                self._send(ev.TaskCancelled(now_ms=now, task_id=ids[x % len(ids)]))
        elif kind == 9:
            self.now += (y % 15 + 1) * 1000
            self.host.advance(self.now)
        else:
            self._reconfigure(now, x, y)

    def _arrive(self, now: int, x: int, y: int) -> None:
        self.n_tasks += 1
        queue = self.queues[x % len(self.queues)]
        extra: dict[str, object] = {}
        option = 0 if self.simple else (y // 3) % 6
        if option == 1:
            extra["customer_id"] = f"c{x % 4}"
        elif option == 2:
            extra["preferred_agents"] = (self.agents[y % len(self.agents)],)
        elif option == 3:
            extra["direct_agent"] = self.agents[y % len(self.agents)]
        elif option == 4 and queue == "camp":
            extra["kind"] = TaskKind.OUTBOUND
        elif option == 5:
            extra["language"] = ("en", "fr")[y % 2]
        if y % 11 == 0:
            extra["time_limit_s"] = 20.0
        spec = TaskSpec(task_id=f"t{self.n_tasks}", queue=queue, priority=y % 3, **extra)  # type: ignore[arg-type]
        self._send(ev.TaskArrived(now_ms=now, task=spec))

    def _reconfigure(self, now: int, x: int, y: int) -> None:
        """Toggle one skill of one agent (and sometimes a queue's strategy)."""
        cfg = self.host.config
        agents = list(cfg.agents)
        i = x % len(agents)
        skills = dict(agents[i].skills)
        skill = ("sales", "support", "vip")[y % 3]
        if skill in skills:
            del skills[skill]
        else:
            skills[skill] = 1 + y % 5
        agents[i] = type(agents[i])(username=agents[i].username, skills=skills, languages=agents[i].languages,
                                    team=agents[i].team, capacity=agents[i].capacity)
        self._send(ev.ConfigChanged(now_ms=now, config=SiteRoutingConfig(
            agents=tuple(agents), queues=cfg.queues, default_capacity=cfg.default_capacity, blocks=cfg.blocks)))
