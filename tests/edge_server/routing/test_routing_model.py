"""Model and event structs: defaults, normalisation, and the journal codec."""
from __future__ import annotations

import msgspec
import pytest

from edge_server.contract.messages import AgentState
from edge_server.routing import ConfigError
from edge_server.routing import events as ev
from edge_server.routing.model import PlanStep, QueueConfig, SiteRoutingConfig, TaskSpec
from edge_server.routing.validation import normalize_config
from tests.edge_server.routing.routing_sim import agent, site

CONFIG = site([agent("ann", en=3)], [QueueConfig(queue="q", skills={"en": 1}, sl_target_s=20,
                                                 plan=(PlanStep(after_s=10, priority_delta=1),))])

ALL_EVENTS: list[ev.RoutingEvent] = [
    ev.AgentLoggedIn(now_ms=1, agent="ann", state=AgentState.READY),
    ev.AgentLoggedOut(now_ms=2, agent="ann", reason="end of shift"),
    ev.AgentStateChanged(now_ms=3, agent="ann", state=AgentState.NOT_READY, reason="lunch"),
    ev.TaskArrived(now_ms=4, task=TaskSpec(task_id="t", queue="q", priority=2, attributes={"vip": "1"},
                                            skills={"en": 2}, preferred_agents=("ann",))),
    ev.TaskCancelled(now_ms=5, task_id="t"),
    ev.OfferAccepted(now_ms=6, task_id="t", agent="ann"),
    ev.OfferDeclined(now_ms=7, task_id="t", agent="ann", reason="busy"),
    ev.OfferTimedOut(now_ms=8, task_id="t", agent="ann"),
    ev.TaskCompleted(now_ms=9, task_id="t"),
    ev.WrapUpSubmitted(now_ms=10, agent="ann", task_id="t", wrapup_code="sale"),
    ev.TimerFired(now_ms=11, key="offer:1"),
    ev.ConfigChanged(now_ms=12, config=CONFIG),
    ev.StatsReset(now_ms=13, queue="q"),
]


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: type(e).__name__)
def test_every_event_survives_the_journal(event: ev.RoutingEvent) -> None:
    decoded = ev.decode_event(ev.encode_event(event))
    assert type(decoded) is type(event) and decoded == event


def test_garbage_in_the_journal_raises_a_decode_error() -> None:
    with pytest.raises(msgspec.DecodeError):
        ev.decode_event(b"\xc1")
    with pytest.raises(msgspec.ValidationError):
        ev.decode_event(msgspec.msgpack.encode({"type": "no_such_event", "now_ms": 1}))


def test_normalisation_gives_declared_types() -> None:
    norm = normalize_config(CONFIG)
    assert norm == CONFIG
    assert type(norm.queues[0].sl_target_s) is float and type(norm.queues[0].plan[0].after_s) is float
    bad = SiteRoutingConfig(queues=(QueueConfig(queue="q", offer_timeout_s="soon"),))  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="wrong type"):
        normalize_config(bad)


def test_defaults() -> None:
    cfg = SiteRoutingConfig()
    assert cfg.default_capacity == {"voice": 1, "chat": 4, "email": 1}
    assert cfg.blocks == {"voice": ("chat", "email")}
    q = QueueConfig(queue="q")
    assert (q.channel, q.strategy.value, q.acw_mode.value, q.offer_timeout_s) == ("voice", "longest_idle", "none", 20.0)
