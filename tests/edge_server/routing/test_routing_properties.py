"""Properties over generated event sequences (hypothesis).

- never over capacity, never two offers at one agent, never one task at two agents
  outside ring-all, offers only to Ready agents (checked by Host from the decisions);
- no stuck reservations: every outstanding offer has a live timer, and once every
  agent logs out no reservation is left;
- strict (priority, age) order across queues that share agents, and no waiting task
  left while a free eligible agent exists;
- replay of the journaled events reproduces every decision, also from a snapshot.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge_server.contract.messages import AgentState
from edge_server.routing import decisions as dec
from edge_server.routing import events as ev
from edge_server.routing.capacity import can_take
from edge_server.routing.engine import RoutingEngine
from edge_server.routing.model import QueueConfig, SiteRoutingConfig, Strategy
from edge_server.routing.snapshot import decode_snapshot, encode_snapshot
from tests.edge_server.routing.routing_sim import Host, ModelViolation, agent, site
from tests.edge_server.routing.routing_workload import N_KINDS, Action, Workload

ACTIONS = st.lists(
    st.tuples(st.integers(0, N_KINDS - 1), st.integers(0, 99), st.integers(0, 99)), min_size=40, max_size=250
)
FAST = settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(ACTIONS)
def test_capacity_offers_and_reservations_hold(actions: list[Action]) -> None:
    w = Workload()
    host = w.run(actions)  # Host raises ModelViolation / AssertionError on the first breach
    for name in w.agents:
        if host.engine.agent_presence(name)[0] is not AgentState.LOGGED_OUT:
            host.send(ev.AgentLoggedOut(now_ms=w.now + 1, agent=name))
    assert host.engine.pending_offers() == [] and host.offers == {}
    for name in w.agents:
        expected = {}
        for task, (who, ch, _q) in host.active.items():
            if who == name:
                expected[ch] = expected.get(ch, 0) + 1
        assert host.engine.agent_load(name) == expected, name


@FAST
@given(ACTIONS)
def test_replay_and_snapshot_reproduce_every_decision(actions: list[Action]) -> None:
    host = Workload(check=False).run(actions)
    journal = [(ev.encode_event(e), dec.encode_decisions(d)) for e, d in host.log]
    replay = RoutingEngine(Workload().config)
    cut = len(journal) // 2
    restored: RoutingEngine | None = None
    for i, (raw, expected) in enumerate(journal):
        if i == cut:
            restored = RoutingEngine.restore(decode_snapshot(encode_snapshot(replay.snapshot())))
            assert restored.snapshot() == replay.snapshot()
        event = ev.decode_event(raw)
        assert dec.encode_decisions(replay.handle(event)) == expected, f"replay diverged at event {i}"
        if restored is not None:
            assert dec.encode_decisions(restored.handle(event)) == expected, f"restored diverged at event {i}"


def shared_queues() -> SiteRoutingConfig:
    """Queues sharing agents; no plans, sticky waits or cooldowns, so order is fully observable."""
    common = {"decline_cooldown_s": 0, "sticky_wait_s": 0, "offer_timeout_s": 8}
    return site(
        [agent("ann", sales=3, support=2, vip=1), agent("bob", sales=1, support=4),
         agent("cid", capacity={"chat": 3}, support=5), agent("dee", capacity={"voice": 1, "chat": 2}, sales=2, vip=2),
         agent("eve", sales=4, support=1, vip=3)],
        [QueueConfig(queue="sales", skills={"sales": 2}, **common),
         QueueConfig(queue="support", channel="chat", skills={"support": 1}, strategy=Strategy.LEAST_OCCUPIED, **common),
         QueueConfig(queue="vip", skills={"vip": 1}, strategy=Strategy.RING_ALL, **common),
         QueueConfig(queue="general", strategy=Strategy.ROUND_ROBIN, **common),
         QueueConfig(queue="camp", skills={"sales": 1}, strategy=Strategy.FEWEST_INTERACTIONS, **common),
         QueueConfig(queue="expert", channel="chat", skills={"support": 3}, strategy=Strategy.BEST_SKILL, **common)],
    )


class OrderedHost(Host):
    """Host that also tracks waiting tasks from the outside and checks (priority, age) order."""

    def __init__(self, config: SiteRoutingConfig) -> None:
        super().__init__(config)
        self.waiting: dict[str, tuple[tuple[int, int, int], str, str]] = {}  # task -> (key, queue, channel)
        self.keys: dict[str, tuple[tuple[int, int, int], str, str]] = {}
        self.n = 0

    def eligible(self, who: str, queue: str) -> bool:
        qc = next(q for q in self.config.queues if q.queue == queue)
        skills = next(a.skills for a in self.config.agents if a.username == who)
        return all(skills.get(s, 0) >= lv for s, lv in qc.skills.items())

    def free_for(self, who: str, channel: str) -> bool:
        return (self.ready.get(who, False) and not any(a == who for _, a in self.offers)
                and can_take(self.load.get(who, {}), self.capacity.get(who, {}), self.blocks, channel))

    def _model(self, event: ev.RoutingEvent, out: list[dec.Decision]) -> None:
        if isinstance(event, ev.TaskArrived) and not any(type(d) is dec.TaskRejected for d in out):
            self.n += 1
            q = next(q for q in self.config.queues if q.queue == event.task.queue)
            info = ((-event.task.priority, event.now_ms, self.n), q.queue, event.task.channel or q.channel)
            self.keys[event.task.task_id] = self.waiting[event.task.task_id] = info
        if isinstance(event, ev.OfferDeclined) and not any(type(d) is dec.EventRefused for d in out):
            self._maybe_back(event.task_id, except_agent=event.agent)
        super()._model(event, out)
        for d in out:
            if type(d) in (dec.TaskExpired,) or (type(d) is dec.Rescind and d.reason in ("cancelled", "expired")):
                self.waiting.pop(d.task_id, None)
        if isinstance(event, ev.TaskCancelled):
            self.waiting.pop(event.task_id, None)
        # Work conservation, seen from outside: nobody free could take a waiting task.
        for task, (_key, queue, ch) in self.waiting.items():
            for who in self.capacity:
                if self.free_for(who, ch) and self.eligible(who, queue):
                    raise ModelViolation(f"{task} waits while {who} is free for it")

    def _maybe_back(self, task: str, except_agent: str) -> None:
        if not any(t == task and a != except_agent for t, a in self.offers) and task not in self.active:
            self.waiting[task] = self.keys[task]

    def _check_offer(self, d: dec.Offer, this_event: dict[str, int]) -> None:
        mine = self.keys[d.task_id][0]
        for task, (key, queue, ch) in self.waiting.items():
            if task != d.task_id and key < mine and self.eligible(d.agent, queue) and self.free_for(d.agent, ch):
                raise ModelViolation(f"{d.task_id} offered to {d.agent} before better waiting {task}")
        self.waiting.pop(d.task_id, None)
        super()._check_offer(d, this_event)

    def _drop_offer(self, task: str, who: str) -> None:
        super()._drop_offer(task, who)
        last = self.log[-1]
        taken_or_gone = any(
            (type(x) is dec.Rescind and x.task_id == task and x.reason in ("taken", "cancelled", "expired"))
            or (type(x) is dec.Assigned and x.task_id == task)
            for x in last[1]
        )
        if not taken_or_gone:
            self._maybe_back(task, except_agent=who)


@FAST
@given(ACTIONS)
def test_strict_priority_then_age_across_shared_queues(actions: list[Action]) -> None:
    w = Workload(shared_queues(), simple=True)
    w.host = OrderedHost(w.config)
    w.login_all()
    w.run(actions)
