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


# --- customers (edge_server/interactions/customers.py) ------------------------------
# Identities travel as [kind, value] pairs of contract.interactions.IdentityKind values.


class CustomerCreated(Event, tag="customer_created"):
    customer_id: str
    name: str = ""
    tier: str = ""
    vip: bool = False
    tags: list[str] = []
    notes: str = ""
    attributes: dict[str, str] = {}
    identities: list[tuple[str, str]] = []
    by: str = ""  # username, or "" when a channel created it automatically


class CustomerUpdated(Event, tag="customer_updated"):
    """The fields that are set replace the stored ones (None: unchanged)."""

    customer_id: str
    by: str
    name: str | None = None
    tier: str | None = None
    vip: bool | None = None
    tags: list[str] | None = None
    notes: str | None = None
    attributes: dict[str, str] | None = None


class IdentityLinked(Event, tag="identity_linked"):
    customer_id: str
    kind: str
    value: str
    by: str = ""


class CustomersMerged(Event, tag="customers_merged"):
    """merged_id's identities and interactions move to survivor_id; merged_id keeps merged_into."""

    survivor_id: str
    merged_id: str
    by: str
    reason: str = ""


class CustomerSplit(Event, tag="customer_split"):
    """identities (and the interactions that came on them) move from source_id to new_id."""

    source_id: str
    new_id: str
    identities: list[tuple[str, str]]
    interaction_ids: list[str]
    by: str
    name: str = ""
    reason: str = ""


# --- interactions (edge_server/interactions/) ---------------------------------------


class InteractionCreated(Event, tag="interaction_created"):
    interaction_id: str
    channel: str
    queue: str
    customer_id: str
    subject: str = ""
    identities: list[tuple[str, str]] = []  # what the customer came with on this channel
    attributes: dict[str, str] = {}


class InteractionStateChanged(Event, tag="interaction_state_changed"):
    interaction_id: str
    state: str  # contract.interactions.InteractionState
    agent: str = ""
    task_id: str = ""  # the routing leg
    reason: str = ""
    queue: str = ""  # set when the state change also moves it to a queue (a flow routing it)


class InteractionCustomerLinked(Event, tag="interaction_customer_linked"):
    interaction_id: str
    customer_id: str
    by: str = ""


class ParticipantChanged(Event, tag="participant_changed"):
    interaction_id: str
    username: str
    role: str  # owner | consult | conference | invited
    joined: bool  # False: left
    by: str = ""


class MessageAdded(Event, tag="message_added"):
    interaction_id: str
    seq: int
    message_id: str
    author_kind: str
    author: str = ""
    author_name: str = ""
    text: str = ""
    private: bool = False
    client_msg_id: str = ""
    attachments: list[dict[str, Any]] = []  # contract.interactions.Attachment as builtins


class DeliveryChanged(Event, tag="delivery_changed"):
    """An agent message's delivery on a cloud channel: queued -> sent -> delivered/read, or failed."""

    interaction_id: str
    seq: int
    state: str
    error: str = ""
    provider_id: str = ""  # the platform's id for the sent message (receipts refer to it)
    attempts: int = 0


class ReadMarked(Event, tag="read_marked"):
    interaction_id: str
    reader: str  # customer | agent
    seq: int


class WrapUpRecorded(Event, tag="wrapup_recorded"):
    interaction_id: str
    agent: str
    disposition: str = ""
    notes: str = ""
    follow_up: bool = False


class InteractionRated(Event, tag="interaction_rated"):
    interaction_id: str
    score: int  # 1..5
    comment: str = ""


class InteractionTransferred(Event, tag="interaction_transferred"):
    interaction_id: str
    from_agent: str
    task_id: str  # the new leg
    to_agent: str = ""
    to_queue: str = ""
    note: str = ""


class AttachmentStored(Event, tag="attachment_stored"):
    """The file is fsynced under <data>/attachments/<sha256> before this is journaled."""

    attachment_id: str
    interaction_id: str
    name: str
    content_type: str
    size: int
    sha256: str
    by: str = ""


class CannedSaved(Event, tag="canned_saved"):
    canned_id: str
    shortcut: str
    text: str
    title: str = ""
    scope: str = "personal"
    owner: str = ""
    language: str = ""
    by: str = ""


class CannedDeleted(Event, tag="canned_deleted"):
    canned_id: str
    by: str = ""


# --- designs, flows, forms (contract/designs.py; projections in flows/projections.py) ------------


class DesignDraftSaved(Event, tag="design_draft_saved"):
    design_id: str
    kind: str  # flow | form
    name: str
    draft_version: int
    document: str  # the document as JSON
    content_hash: str
    channel: str = ""
    by: str = ""


class DesignPublished(Event, tag="design_published"):
    design_id: str
    number: int
    document: str  # JSON, frozen
    content_hash: str
    message: str = ""
    by: str = ""


class DesignAliasSet(Event, tag="design_alias_set"):
    design_id: str
    alias: str
    revision: int
    by: str = ""


class DesignBindingSet(Event, tag="design_binding_set"):
    entry_kind: str
    entry_key: str
    design_id: str  # "" removes the binding
    by: str = ""


class FlowExecutionStarted(Event, tag="flow_execution_started"):
    execution_id: str
    design_id: str
    revision: int
    interaction_id: str = ""
    channel: str = ""


class FlowStepsRecorded(Event, tag="flow_steps_recorded"):
    """Steps of one execution, in order; ``steps`` are TraceStep as JSON-ready dicts."""

    execution_id: str
    steps: list[dict[str, Any]]


class FlowExecutionEnded(Event, tag="flow_execution_ended"):
    execution_id: str
    outcome: str
    error: str = ""


class FormSubmitted(Event, tag="form_submitted"):
    submission_id: str
    interaction_id: str
    design_id: str
    revision: int
    values: dict[str, Any]
    by: str = ""


class WorkOrderCreated(Event, tag="work_order_created"):
    order_id: str
    queue: str
    subject: str = ""
    fields: dict[str, str] = {}
    interaction_id: str = ""
    execution_id: str = ""
    task_id: str = ""


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
    CustomerCreated,
    CustomerUpdated,
    IdentityLinked,
    CustomersMerged,
    CustomerSplit,
    InteractionCreated,
    InteractionStateChanged,
    InteractionCustomerLinked,
    ParticipantChanged,
    MessageAdded,
    ReadMarked,
    WrapUpRecorded,
    InteractionRated,
    InteractionTransferred,
    AttachmentStored,
    CannedSaved,
    CannedDeleted,
    DeliveryChanged,
    DesignDraftSaved,
    DesignPublished,
    DesignAliasSet,
    DesignBindingSet,
    FlowExecutionStarted,
    FlowStepsRecorded,
    FlowExecutionEnded,
    FormSubmitted,
    WorkOrderCreated,
)


def event_kind(ev: Event) -> str:
    return type(ev).__struct_config__.tag  # type: ignore[return-value]
