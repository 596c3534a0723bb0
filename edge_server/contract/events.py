"""Domain events: the append-only log the edge writes before it acknowledges a command.

Each event is a tagged msgspec struct; the store journals it, projects it into
DuckDB tables and keeps it in the ``events`` table. Later subsystems add their
own events here (routing, interactions, channels) with a projection each.
"""
from __future__ import annotations

from typing import Any

import msgspec

from edge_server.contract.messages import AgentState, ReasonKind, Role


class Event(msgspec.Struct, kw_only=True, omit_defaults=True, tag_field="event"):
    """Base of every event. ``ts_ms`` is wall-clock epoch ms set by the producer."""

    ts_ms: int


class UserUpserted(Event, tag="user_upserted"):
    username: str
    display_name: str
    role: Role
    password_hash: str | None = None  # None keeps the stored hash
    team: str = ""
    languages: list[str] = []
    disabled: bool = False


class UserDisabled(Event, tag="user_disabled"):
    username: str
    disabled: bool


class PasswordChanged(Event, tag="password_changed"):
    username: str
    password_hash: str


class SkillDefined(Event, tag="skill_defined"):
    skill: str
    name_en: str
    name_zh: str = ""


class AgentSkillsSet(Event, tag="agent_skills_set"):
    """Replaces the agent's whole skill set (skill -> proficiency 1..5)."""

    username: str
    skills: dict[str, int]


class QueueDefined(Event, tag="queue_defined"):
    queue: str
    name_en: str
    name_zh: str = ""
    skills: dict[str, int] = {}  # required skill -> minimum proficiency
    config: dict[str, Any] = {}  # routing settings (plans, SL target, ACW mode...) owned by routing


class ReasonCodeDefined(Event, tag="reason_code_defined"):
    code: str
    kind: ReasonKind
    label_en: str
    label_zh: str = ""


class SessionOpened(Event, tag="session_opened"):
    session_id: str
    token_hash: str  # sha256 hex of the session token; the token itself is never stored
    username: str
    client_id: str
    client_key: str = ""  # CURVE public key (z85) the session was opened from
    sip_contact: str = ""


class SessionClosed(Event, tag="session_closed"):
    session_id: str
    reason: str


class AgentStateChanged(Event, tag="agent_state_changed"):
    username: str
    state: AgentState
    reason: str = ""
    by: str = ""  # "" self, "system", or a supervisor's username


class LoginFailed(Event, tag="login_failed"):
    username: str
    reason: str
    client_key: str = ""


class RoutingInput(Event, tag="routing_input"):
    """One input event of the routing engine (msgpack from ``routing.events.encode_event``).

    The engine is deterministic, so these alone rebuild its state after a restart.
    """

    payload: bytes


EVENT_TYPES: tuple[type[Event], ...] = (
    UserUpserted,
    UserDisabled,
    PasswordChanged,
    SkillDefined,
    AgentSkillsSet,
    QueueDefined,
    ReasonCodeDefined,
    SessionOpened,
    SessionClosed,
    AgentStateChanged,
    LoginFailed,
    RoutingInput,
)


def event_kind(ev: Event) -> str:
    return type(ev).__struct_config__.tag  # type: ignore[return-value]
