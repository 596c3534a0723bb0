"""Events the host feeds the engine. Each carries ``now_ms``: the engine reads no clock.

Events are tagged msgspec structs so the host can journal them and decode them
back for a replay (``encode_event`` / ``decode_event``).
"""
from __future__ import annotations

from typing import Union

import msgspec

from edge_server.contract.messages import AgentState
from edge_server.routing.model import SiteRoutingConfig, TaskSpec


# Structs here use gc=False: they hold only values (never engine objects), so they cannot
# be part of a reference cycle; untracked, they neither trigger nor lengthen GC passes.


class RoutingEvent(msgspec.Struct, gc=False, frozen=True, kw_only=True, tag_field="type"):
    """Base of every input. ``now_ms`` is the host's clock (epoch ms) when the event happened."""

    now_ms: int


class AgentLoggedIn(RoutingEvent, tag="agent_logged_in"):
    agent: str
    state: AgentState = AgentState.NOT_READY  # READY, NOT_READY or ACW
    reason: str = ""


class AgentLoggedOut(RoutingEvent, tag="agent_logged_out"):
    agent: str
    reason: str = ""


class AgentStateChanged(RoutingEvent, tag="agent_state_changed"):
    """Presence set by the agent or a supervisor: READY, NOT_READY(reason) or ACW (manual)."""

    agent: str
    state: AgentState
    reason: str = ""


class TaskArrived(RoutingEvent, tag="task_arrived"):
    task: TaskSpec


class TaskCancelled(RoutingEvent, tag="task_cancelled"):
    """The customer left (hung up, closed the chat). Waiting or ringing: counted as abandoned."""

    task_id: str
    reason: str = ""


class OfferAccepted(RoutingEvent, tag="offer_accepted"):
    task_id: str
    agent: str


class OfferDeclined(RoutingEvent, tag="offer_declined"):
    task_id: str
    agent: str
    reason: str = ""


class OfferTimedOut(RoutingEvent, tag="offer_timed_out"):
    """The desktop or gateway saw no answer; the engine's own offer timer does the same."""

    task_id: str
    agent: str


class TaskCompleted(RoutingEvent, tag="task_completed"):
    """The accepted work ended (call hung up, chat closed); wrap-up may follow."""

    task_id: str
    wrapup: bool = True  # False: the work moved on (a transfer), this leg ends without wrap-up


class WrapUpSubmitted(RoutingEvent, tag="wrapup_submitted"):
    """The agent ended after-call work for ``task_id`` with a wrap-up code."""

    agent: str
    task_id: str
    wrapup_code: str = ""


class TimerFired(RoutingEvent, tag="timer_fired"):
    """A timer the engine asked for with SetTimer(key, at_ms) is due."""

    key: str


class ConfigChanged(RoutingEvent, tag="config_changed"):
    """Skills, queues and plans replaced without a restart; matching re-runs in the same tick."""

    config: SiteRoutingConfig


class StatsReset(RoutingEvent, tag="stats_reset"):
    """Start a new statistics interval (e.g. at local midnight); "" resets every queue."""

    queue: str = ""


AnyEvent = Union[
    AgentLoggedIn,
    AgentLoggedOut,
    AgentStateChanged,
    TaskArrived,
    TaskCancelled,
    OfferAccepted,
    OfferDeclined,
    OfferTimedOut,
    TaskCompleted,
    WrapUpSubmitted,
    TimerFired,
    ConfigChanged,
    StatsReset,
]

_encoder = msgspec.msgpack.Encoder()
_decoder: msgspec.msgpack.Decoder[AnyEvent] = msgspec.msgpack.Decoder(AnyEvent)  # type: ignore[arg-type]


def encode_event(event: RoutingEvent) -> bytes:
    return _encoder.encode(event)


def decode_event(data: bytes) -> RoutingEvent:
    """Decode one journaled event; msgspec errors propagate to the caller's border."""
    return _decoder.decode(data)
