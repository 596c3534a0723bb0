"""Routing engine at site scale, in simulated time, as fast as the engine goes.

2,000 agents (1 voice + 4 chats each), 300 queues over 60 skills, ~5,000
waiting tasks, 200 arrivals/s and ~400 agent events/s (accepts, declines,
missed offers, completions, wrap-ups, breaks), then a burst of 5,000 tasks in
one simulated second. A simulated host answers offers and completes work; it
fires the engine's own timers (offer timeouts, plan steps, ACW, expiry).

Latency is ``time.perf_counter_ns`` around each ``engine.handle`` call (the
engine only: no journaling, no network). ``arrivals_per_s_max`` is the burst's
arrivals divided by the engine time spent on every event of that second.
The long-lived state is gc.freeze()d after the preload; collections that still
happen inside a measured call are counted in the latencies and reported.

Last line: decision_p50_ms=… decision_p99_ms=… decision_p999_ms=… arrivals_per_s_max=… rss_mb=…
"""
from __future__ import annotations

import gc
import heapq
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edge_server.contract.messages import AgentState  # noqa: E402
from edge_server.routing import RoutingEngine  # noqa: E402
from edge_server.routing import decisions as dec  # noqa: E402
from edge_server.routing import events as ev  # noqa: E402
from edge_server.routing.model import (  # noqa: E402
    AcwMode,
    AgentConfig,
    PlanStep,
    QueueConfig,
    SiteRoutingConfig,
    Strategy,
    TaskSpec,
)
from edge_server.routing.timers import TimerBook  # noqa: E402

SEED = 20260101
N_AGENTS = 2000
N_QUEUES = 300
N_SKILLS = 60
TARGET_WAITING = 5000
ARRIVALS_PER_S = 200
STEADY_S = 90
BURST = 5000
T0 = 1_767_225_600_000


def percentile(sorted_values: list[int], p: float) -> float:
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def build_config(rng: random.Random) -> SiteRoutingConfig:
    skills = [f"s{i:02d}" for i in range(N_SKILLS)]
    agents = []
    for i in range(N_AGENTS):
        own = rng.sample(skills, 8)
        agents.append(AgentConfig(
            username=f"agent{i:04d}",
            skills={s: rng.randint(1, 5) for s in own},
            languages=("zh", "en") if i % 3 else ("zh",),
            team=f"team{i % 40:02d}",
            capacity={"voice": 1, "chat": 4},
        ))
    strategies = [Strategy.LONGEST_IDLE] * 6 + [Strategy.BEST_SKILL, Strategy.LEAST_OCCUPIED,
                                                  Strategy.FEWEST_INTERACTIONS, Strategy.ROUND_ROBIN]
    queues = []
    for i in range(N_QUEUES):
        voice = i % 5 < 3
        need = rng.sample(skills, 1 if i % 3 else 2)
        # Relax at 45 s: the first skill down to level 1, a second skill dropped (widen).
        relax = {s: (1 if k == 0 else 0) for k, s in enumerate(need)}
        plan = [PlanStep(after_s=45, skills=relax), PlanStep(after_s=120, priority_delta=1)]
        if i % 10 == 0:
            plan.append(PlanStep(after_s=240, overflow_queue=f"q{(i + 1) % N_QUEUES:03d}"))
        queues.append(QueueConfig(
            queue=f"q{i:03d}",
            channel="voice" if voice else "chat",
            skills={s: rng.randint(1, 3) for s in need},
            strategy=Strategy.RING_ALL if i % 50 == 7 else strategies[i % len(strategies)],
            ring_all_max=4,
            plan=tuple(plan),
            acw_mode=AcwMode.TIMED if voice else AcwMode.NONE,
            acw_s=5,
            offer_timeout_s=15,
            max_missed=3,
            max_wait_s=900,
            sl_target_s=30,
        ))
    return SiteRoutingConfig(agents=tuple(agents), queues=tuple(queues))


class Sim:
    """The host: the engine's timers, plus scheduled agent/customer behaviour."""

    def __init__(self, engine: RoutingEngine, rng: random.Random) -> None:
        self.engine = engine
        self.rng = rng
        self.timers = TimerBook()
        self.agenda: list[tuple[int, int, ev.RoutingEvent]] = []
        self.n = 0
        self.now = T0
        self.tasks = 0
        self.samples: list[int] = []  # ns per handled event, when recording
        self.recording = False
        self.counts: dict[str, int] = {}
        self.busy_ns = 0
        self.abandon: dict[str, int] = {}
        self.handle_ms: dict[str, int] = {}
        self.queue_names = [q.queue for q in engine.config.queues]
        self.queue_weights = [1.0 / (1 + i % 7) for i in range(len(self.queue_names))]

    def at(self, t: int, event_of: ev.RoutingEvent) -> None:
        self.n += 1
        heapq.heappush(self.agenda, (t, self.n, event_of))

    def handle(self, event: ev.RoutingEvent) -> None:
        t0 = time.perf_counter_ns()
        out = self.engine.handle(event)
        dt = time.perf_counter_ns() - t0
        self.busy_ns += dt
        if self.recording:
            self.samples.append(dt)
        name = type(event).__name__
        self.counts[name] = self.counts.get(name, 0) + 1
        self.timers.apply(out)
        rng = self.rng
        now = event.now_ms
        for d in out:
            kind = type(d)
            if kind is dec.Offer:
                r = rng.random()
                if r < 0.95:
                    self.at(now + rng.randint(500, 4000), ev.OfferAccepted(now_ms=0, task_id=d.task_id, agent=d.agent))
                elif r < 0.98:
                    self.at(now + 2000, ev.OfferDeclined(now_ms=0, task_id=d.task_id, agent=d.agent))
                # else: no answer, the engine's offer timer fires
            elif kind is dec.Assigned:
                self.abandon.pop(d.task_id, None)
                mean = self.handle_ms.pop(d.task_id, 30_000)
                self.at(now + int(rng.expovariate(1.0 / mean)) + 1000, ev.TaskCompleted(now_ms=0, task_id=d.task_id))
            elif kind is dec.AgentAutoNotReady:
                self.at(now + 30_000, ev.AgentStateChanged(now_ms=0, agent=d.agent, state=AgentState.READY))

    def arrive(self, t: int) -> None:
        self.tasks += 1
        rng = self.rng
        queue = rng.choices(self.queue_names, self.queue_weights)[0]
        tid = f"t{self.tasks}"
        voice = int(queue[1:]) % 5 < 3
        # Handle times sized so ~200 completions/s keep ~5,000 tasks waiting (Little's law).
        self.handle_ms[tid] = 5_000 if voice else 15_000
        spec = TaskSpec(task_id=tid, queue=queue, priority=2 if rng.random() < 0.05 else 0,
                        customer_id=f"c{rng.randrange(50_000)}")
        self.at(t, ev.TaskArrived(now_ms=0, task=spec))
        if rng.random() < 0.3:  # impatient callers hang up
            self.at(t + rng.randint(60_000, 400_000), ev.TaskCancelled(now_ms=0, task_id=tid))

    def run_until(self, t_end: int) -> None:
        """Process agenda and engine timers in time order up to t_end."""
        while True:
            nxt_timer = self.timers.next_at()
            nxt_agenda = self.agenda[0][0] if self.agenda else None
            if nxt_timer is None and nxt_agenda is None:
                break
            if nxt_agenda is None or (nxt_timer is not None and nxt_timer <= nxt_agenda):
                if nxt_timer > t_end:  # type: ignore[operator]
                    break
                fired = self.timers.pop_due(nxt_timer)  # type: ignore[arg-type]
                assert fired is not None
                self.now = fired.now_ms
                self.handle(fired)
            else:
                if nxt_agenda > t_end:
                    break
                t, _, event = heapq.heappop(self.agenda)
                self.now = t
                self.handle(type(event)(**{**_fields(event), "now_ms": t}))
        self.now = max(self.now, t_end)


def _fields(event: ev.RoutingEvent) -> dict[str, object]:
    return {f: getattr(event, f) for f in event.__struct_fields__}


def main() -> None:
    rng = random.Random(SEED)
    t_build = time.perf_counter()
    engine = RoutingEngine(build_config(rng))
    sim = Sim(engine, rng)
    print(f"built engine in {time.perf_counter() - t_build:.2f}s")
    for i in range(N_AGENTS):
        sim.at(T0 + i, ev.AgentLoggedIn(now_ms=0, agent=f"agent{i:04d}", state=AgentState.READY))
    # Preload: a fast ramp until ~5,000 tasks wait, then steady arrivals.
    t = T0 + 5_000
    while True:
        for _ in range(100):
            sim.arrive(t)
            t += 2
        sim.run_until(t)
        waiting = sum(s.waiting - s.offered for s in (engine.queue_stats(q) for q in sim.queue_names) if s)
        if waiting >= TARGET_WAITING or t > T0 + 600_000:
            break
    print(f"preloaded {sim.tasks} tasks, {waiting} waiting, at +{(t - T0) / 1000:.0f}s simulated")
    gc.collect()
    gc.freeze()  # the long-lived state is now out of the collector's way
    # Background agent events: breaks (Not Ready for a while, then Ready).
    def breaks(t_from: int, t_to: int) -> None:
        step = 1000 // 5  # 5 breaks/s of 20-90 s: ~10 % of agents on a break at any time
        for tt in range(t_from, t_to, step):
            who = f"agent{rng.randrange(N_AGENTS):04d}"
            sim.at(tt, ev.AgentStateChanged(now_ms=0, agent=who, state=AgentState.NOT_READY, reason="break"))
            sim.at(tt + rng.randint(20_000, 90_000), ev.AgentStateChanged(now_ms=0, agent=who, state=AgentState.READY))

    # Steady state.
    start = t
    breaks(start, start + STEADY_S * 1000)
    for k in range(STEADY_S * ARRIVALS_PER_S):
        sim.arrive(start + k * 1000 // ARRIVALS_PER_S)
    gc_pauses: list[tuple[int, float]] = []  # (generation, ms) of collections while measuring
    gc_start: list[int] = [0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if not sim.recording:
            return
        if phase == "start":
            gc_start[0] = time.perf_counter_ns()
        else:
            gc_pauses.append((info["generation"], (time.perf_counter_ns() - gc_start[0]) / 1e6))

    gc.callbacks.append(on_gc)
    sim.recording = True
    counts_before = dict(sim.counts)
    wall = time.perf_counter()
    sim.run_until(start + STEADY_S * 1000)
    steady_wall = time.perf_counter() - wall
    steady = {k: v - counts_before.get(k, 0) for k, v in sim.counts.items()}
    agent_events = sum(v for k, v in steady.items() if k not in ("TaskArrived", "TimerFired", "TaskCancelled"))
    waiting = sum(s.waiting - s.offered for s in (engine.queue_stats(q) for q in sim.queue_names) if s)
    print(f"steady {STEADY_S}s simulated in {steady_wall:.1f}s wall: arrivals/s={steady.get('TaskArrived', 0) / STEADY_S:.0f} "
          f"agent_events/s={agent_events / STEADY_S:.0f} timers/s={steady.get('TimerFired', 0) / STEADY_S:.0f} "
          f"waiting_end={waiting}")
    # Burst: 5,000 arrivals within one simulated second, on top of everything else.
    b0 = start + STEADY_S * 1000
    for k in range(BURST):
        sim.arrive(b0 + k * 1000 // BURST)
    busy0 = sim.busy_ns
    arrivals0 = sim.counts.get("TaskArrived", 0)
    sim.run_until(b0 + 1000)
    burst_ns = sim.busy_ns - busy0
    burst_arrivals = sim.counts.get("TaskArrived", 0) - arrivals0
    arrivals_per_s = burst_arrivals / (burst_ns / 1e9)
    sim.run_until(b0 + 30_000)  # the aftermath: offers, accepts of the burst
    sim.recording = False
    waiting = sum(s.waiting - s.offered for s in (engine.queue_stats(q) for q in sim.queue_names) if s)
    samples = sorted(sim.samples)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"burst: {burst_arrivals} arrivals in {burst_ns / 1e6:.0f} ms of engine time; waiting after={waiting}; "
          f"events measured={len(samples)} max_ms={samples[-1] / 1e6:.2f}")
    gc.callbacks.remove(on_gc)
    by_gen = {g: [ms for gg, ms in gc_pauses if gg == g] for g in (0, 1, 2)}
    print("gc while measuring: " + " ".join(
        f"gen{g}={len(v)}x(max {max(v, default=0):.1f} ms)" for g, v in by_gen.items()))
    engine.check_invariants()
    print(
        f"decision_p50_ms={percentile(samples, 50) / 1e6:.3f} decision_p99_ms={percentile(samples, 99) / 1e6:.3f} "
        f"decision_p999_ms={percentile(samples, 99.9) / 1e6:.3f} arrivals_per_s_max={arrivals_per_s:.0f} "
        f"rss_mb={rss_mb:.0f}"
    )


if __name__ == "__main__":
    main()
