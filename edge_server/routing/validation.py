"""Checks a SiteRoutingConfig before the engine adopts it; errors name the key."""
from __future__ import annotations

import datetime as dt

import msgspec

from edge_server.routing.errors import ConfigError
from edge_server.routing.hours import parse_hhmm, zone
from edge_server.routing.model import ClosedAction, QueueConfig, SiteRoutingConfig, Strategy

MIN_LEVEL = 1
MAX_LEVEL = 5


def _check_levels(key: str, levels: dict[str, int], lowest: int) -> None:
    for skill, level in levels.items():
        if not skill:
            raise ConfigError(key, "empty skill name")
        if not lowest <= level <= MAX_LEVEL:
            raise ConfigError(f"{key}.{skill}", f"level {level} outside {lowest}..{MAX_LEVEL}")


def _check_queue(q: QueueConfig, names: set[str], agents: set[str], has_scorer: bool) -> None:
    key = f"queues[{q.queue}]"
    if not q.channel:
        raise ConfigError(f"{key}.channel", "empty channel")
    _check_levels(f"{key}.skills", q.skills, MIN_LEVEL)
    for a in q.agents:
        if a not in agents:
            raise ConfigError(f"{key}.agents", f"unknown agent {a!r}")
    if q.strategy is Strategy.CUSTOM and not has_scorer:
        raise ConfigError(f"{key}.strategy", "'custom' needs the engine to be given a scorer")
    if q.offer_timeout_s <= 0:
        raise ConfigError(f"{key}.offer_timeout_s", "must be > 0 (no infinite offers)")
    for field in ("acw_s", "decline_cooldown_s", "sticky_wait_s", "sticky_window_s", "max_wait_s", "sl_target_s"):
        if getattr(q, field) < 0:
            raise ConfigError(f"{key}.{field}", "must be >= 0")
    if q.default_aht_s <= 0:
        raise ConfigError(f"{key}.default_aht_s", "must be > 0")
    if q.max_missed < 0 or q.ring_all_max < 0:
        raise ConfigError(key, "max_missed and ring_all_max must be >= 0")
    if not 0 <= q.sl_percent <= 100:
        raise ConfigError(f"{key}.sl_percent", "must be within 0..100")
    if q.closed_action is ClosedAction.OVERFLOW and q.closed_overflow_queue not in names:
        raise ConfigError(f"{key}.closed_overflow_queue", f"unknown queue {q.closed_overflow_queue!r}")
    if q.hours is not None:
        zone(q.hours.tz)
        for i, iv in enumerate(q.hours.open):
            ikey = f"{key}.hours.open[{i}]"
            if not 0 <= iv.day <= 6:
                raise ConfigError(ikey, f"day {iv.day} outside 0 (Monday)..6 (Sunday)")
            try:
                start, end = parse_hhmm(iv.start), parse_hhmm(iv.end)
            except ValueError as e:
                raise ConfigError(ikey, str(e)) from e
            if end <= start:
                raise ConfigError(ikey, "end must be after start (split overnight hours in two)")
        for d in q.hours.holidays:
            try:
                dt.date.fromisoformat(d)
            except ValueError as e:
                raise ConfigError(f"{key}.hours.holidays", f"not a YYYY-MM-DD date: {d!r}") from e
    last = 0.0
    for i, step in enumerate(q.plan):
        skey = f"{key}.plan[{i}]"
        if step.after_s < last:
            raise ConfigError(f"{skey}.after_s", "steps must be in increasing after_s order")
        last = step.after_s
        _check_levels(f"{skey}.skills", step.skills, 0)
        if step.overflow_queue and step.overflow_queue not in names:
            raise ConfigError(f"{skey}.overflow_queue", f"unknown queue {step.overflow_queue!r}")
        if step.overflow_queue == q.queue:
            raise ConfigError(f"{skey}.overflow_queue", "a queue cannot overflow into itself")
        if step.overflow_queue and step.final_action is not None:
            raise ConfigError(skey, "a step either overflows or takes a final action, not both")
        for a in step.add_agents:
            if a not in agents:
                raise ConfigError(f"{skey}.add_agents", f"unknown agent {a!r}")


def normalize_config(config: SiteRoutingConfig) -> SiteRoutingConfig:
    """The config with every value of its declared type (e.g. ``20`` -> ``20.0`` for seconds).

    Struct constructors do not convert, but a journaled config decodes converted;
    normalizing on adoption makes a live engine and a replayed one identical.
    """
    try:
        return msgspec.convert(msgspec.to_builtins(config), type=SiteRoutingConfig)
    except msgspec.ValidationError as e:
        raise ConfigError("config", f"wrong type: {e}") from e


def validate_config(config: SiteRoutingConfig, *, has_scorer: bool) -> None:
    """Raise ConfigError for the first problem found; return None when the config is usable."""
    agents: set[str] = set()
    for a in config.agents:
        if not a.username:
            raise ConfigError("agents", "empty username")
        if a.username in agents:
            raise ConfigError(f"agents[{a.username}]", "duplicate username")
        agents.add(a.username)
        _check_levels(f"agents[{a.username}].skills", a.skills, MIN_LEVEL)
        for ch, n in a.capacity.items():
            if n < 0:
                raise ConfigError(f"agents[{a.username}].capacity.{ch}", "must be >= 0")
    for ch, n in config.default_capacity.items():
        if n < 0:
            raise ConfigError(f"default_capacity.{ch}", "must be >= 0")
    names: set[str] = set()
    for q in config.queues:
        if not q.queue:
            raise ConfigError("queues", "empty queue name")
        if q.queue in names:
            raise ConfigError(f"queues[{q.queue}]", "duplicate queue")
        names.add(q.queue)
    for q in config.queues:
        _check_queue(q, names, agents, has_scorer)
    _check_instant_overflow_cycles(config)
    if config.explain_top < 0:
        raise ConfigError("explain_top", "must be >= 0")


def _check_instant_overflow_cycles(config: SiteRoutingConfig) -> None:
    """Overflows at after_s == 0 must not loop back: a task would bounce between queues forever."""
    edges: dict[str, list[str]] = {}
    for q in config.queues:
        edges[q.queue] = [s.overflow_queue for s in q.plan if s.overflow_queue and s.after_s == 0]
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for nxt in edges.get(name, ()):
            if state.get(nxt) == 1:
                cycle = " -> ".join([*path[path.index(nxt):], nxt]) if nxt in path else f"{name} -> {nxt}"
                raise ConfigError(f"queues[{nxt}].plan", f"instant overflow loop: {cycle}")
            if state.get(nxt) is None:
                visit(nxt, [*path, nxt])
        state[name] = 2

    for q in config.queues:
        if state.get(q.queue) is None:
            visit(q.queue, [q.queue])
