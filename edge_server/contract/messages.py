"""Typed bodies of requests, replies and pushes, and the registry that names them.

A request type is registered with the role it needs (None: callable before
login) and the type of its reply; the edge checks both for every command, so a
role check can never be forgotten for a new command.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from edge_server.contract.errors import ErrorCode, SwitchboardError


class Role(enum.StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_ROLE_RANK = {Role.AGENT: 0, Role.SUPERVISOR: 1, Role.ADMIN: 2}


class AgentState(enum.StrEnum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    NOT_READY = "not_ready"
    ACW = "acw"  # after-call work


class ReasonKind(enum.StrEnum):
    NOT_READY = "not_ready"
    WRAPUP = "wrapup"


#: Reason the edge itself sets when a desktop goes silent.
REASON_DISCONNECTED = "disconnected"
#: Reason routing sets after too many missed offers.
REASON_MISSED = "missed"


class Message(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Base of every body; the registered name is its wire type."""


# --- shared value types -------------------------------------------------------


class ReasonCode(Message):
    code: str
    kind: ReasonKind
    label_en: str
    label_zh: str = ""


class AgentStatus(Message):
    username: str
    display_name: str
    team: str = ""
    role: Role = Role.AGENT
    state: AgentState = AgentState.LOGGED_OUT
    reason: str = ""
    since_ms: int = 0  # wall-clock epoch ms when the state began
    connected: bool = False  # a desktop session is live (heartbeats arriving)


class UserInfo(Message):
    username: str
    display_name: str
    role: Role
    disabled: bool = False
    team: str = ""
    languages: list[str] = []
    skills: dict[str, int] = {}  # skill -> proficiency 1..5


# --- work: tasks, offers, wrap-up, queues (routing) ----------------------------


class TaskInfo(Message):
    """What a desktop shows about one unit of work (a call, chat, email...)."""

    task_id: str
    queue: str
    queue_name_en: str = ""
    queue_name_zh: str = ""
    channel: str = "chat"
    kind: str = "inbound"  # inbound | outbound
    priority: int = 0
    customer_name: str = ""
    customer_id: str = ""
    subject: str = ""  # one line of context for the toast and the list
    arrived_ms: int = 0  # when the customer started waiting (epoch ms)
    assigned_ms: int = 0  # when an agent accepted it (0: not yet)
    attributes: dict[str, str] = {}
    interaction_id: str = ""  # the interaction this task is a leg of ("" for bare routing tasks)


class OfferMade(Message):
    """Pushed: a task rings at this agent until ``expires_ms`` unless accepted or declined."""

    offer_id: int
    task: TaskInfo
    expires_ms: int
    timeout_ms: int
    ring_all: bool = False


class OfferRescinded(Message):
    """Pushed: the offer is gone (taken by another agent, customer left, expired...)."""

    offer_id: int
    task_id: str
    reason: str  # taken | cancelled | expired | agent_unavailable | voicemail | timed_out | declined


class TaskAssigned(Message):
    """Reply to accept_offer and push: the task is now this agent's work."""

    task: TaskInfo
    offer_id: int = 0


class TaskEnded(Message):
    """Pushed: an assigned task ended and needs no wrap-up (or ended from the other side)."""

    task_id: str
    reason: str  # completed | cancelled | hangup | customer_left | abandoned | supervisor | expired


class WrapUpStarted(Message):
    """Pushed: after-call work for a task; ``until_ms`` None = until the agent submits."""

    task_id: str
    until_ms: int | None = None
    codes: list[str] = []  # allowed wrap-up codes; empty = any (or none)


class WrapUpEnded(Message):
    task_id: str
    code: str = ""
    by: str = "agent"  # agent | timer | logout


class QueueStatus(Message):
    """Live statistics of a queue; published on topic ``queue`` on every change."""

    queue: str
    name_en: str = ""
    name_zh: str = ""
    open: bool = True
    waiting: int = 0
    offered: int = 0
    oldest_arrival_ms: int | None = None  # longest wait = now - this
    answered: int = 0
    abandoned: int = 0
    service_level_pct: float | None = None
    sl_target_s: float = 20.0
    sl_goal_pct: float = 80.0
    aht_s: float | None = None
    staffed: int = 0  # eligible agents in Ready
    ewt_next_s: float | None = None  # estimated wait of the next arrival


# --- session ------------------------------------------------------------------


class Login(Message):
    username: str
    password: str
    client_version: str = ""
    sip_contact: str = ""  # where the gateway can reach this desktop's softphone
    language: str = ""


class Snapshot(Message):
    """Everything a desktop needs to draw itself from nothing."""

    me: AgentStatus
    role: Role
    reason_codes: list[ReasonCode] = []
    seq: int = 0  # the session's push sequence this snapshot is current at
    server_time_ms: int = 0
    offers: list[OfferMade] = []  # ringing at this agent now
    tasks: list[TaskInfo] = []  # assigned to this agent, including those in wrap-up
    wrapups: list[WrapUpStarted] = []  # after-call work in progress


class LoginOk(Message):
    session_token: str  # secret; present it to resume after a reconnect or edge restart
    snapshot: Snapshot
    heartbeat_ms: int  # how often each side sends heartbeats
    pub_port: int = 0  # TCP port of the edge's PUB socket on the same host (0: none)


class Resume(Message):
    session_token: str
    last_seq: int  # last push seq the client processed


class ResumeOk(Message):
    replayed: int = 0  # pushes re-sent after this reply, in order
    snapshot: Snapshot | None = None  # set when replay was impossible; seq restarts from it


class Logout(Message):
    pass


class Ok(Message):
    pass


class GetSnapshot(Message):
    pass


class SetState(Message):
    state: AgentState
    reason: str = ""


class ForceState(Message):
    """Supervisor sets another agent's state."""

    username: str
    state: AgentState
    reason: str = ""


class ListAgents(Message):
    pass


class AgentList(Message):
    agents: list[AgentStatus]


# --- pushes -------------------------------------------------------------------


class AgentStateChanged(Message):
    """Pushed to the agent's own session and published on topic ``agent``."""

    status: AgentStatus
    by: str = ""  # username of a supervisor who forced it, "system", or "" for self


class Kicked(Message):
    """The session ended from the edge side (logged in elsewhere, disabled, forced out)."""

    reason: str


# --- work requests --------------------------------------------------------------


class CreateTask(Message):
    """Put a unit of work in a queue (integrations, tests, the demo; channels do it internally)."""

    queue: str
    task_id: str = ""  # "": the edge assigns one
    channel: str = ""  # "": the queue's channel
    kind: str = "inbound"
    priority: int = 0
    customer_name: str = ""
    customer_id: str = ""
    subject: str = ""
    attributes: dict[str, str] = {}
    skills: dict[str, int] | None = None  # overrides the queue's requirements
    language: str = ""
    preferred_agents: list[str] = []
    direct_agent: str = ""
    time_limit_s: float = 0.0


class TaskCreated(Message):
    task_id: str
    accepted: bool = True
    reason: str = ""  # why not accepted: closed | unknown_queue | unknown_agent | duplicate


class CancelTask(Message):
    task_id: str
    reason: str = "cancelled"


class AcceptOffer(Message):
    offer_id: int
    task_id: str


class DeclineOffer(Message):
    offer_id: int
    task_id: str
    reason: str = ""


class CompleteTask(Message):
    """The agent finished the task (hung up, closed the chat); wrap-up may follow."""

    task_id: str


class SubmitWrapUp(Message):
    task_id: str
    code: str = ""
    notes: str = ""
    follow_up: bool = False  # the customer needs to be contacted again


class ListQueues(Message):
    pass


class QueueList(Message):
    queues: list[QueueStatus]


class ExplainTask(Message):
    task_id: str


class TaskExplanation(Message):
    task_id: str
    state: str  # waiting | offered | active | wrapup | gone
    position: int | None = None
    ewt_s: float | None = None
    explanation: dict[str, Any] = {}  # the routing engine's reasons: candidates, filters, scores


# --- admin --------------------------------------------------------------------


class ListUsers(Message):
    include_disabled: bool = True


class UserList(Message):
    users: list[UserInfo]


class AddUser(Message):
    username: str
    display_name: str
    password: str
    role: Role = Role.AGENT
    team: str = ""
    languages: list[str] = []
    skills: dict[str, int] = {}


class SetUserDisabled(Message):
    username: str
    disabled: bool = True


class SetPassword(Message):
    username: str
    password: str


class ImportSite(Message):
    toml_text: str


class ImportResult(Message):
    users: int = 0
    skills: int = 0
    queues: int = 0
    reason_codes: int = 0
    canned: int = 0
    warnings: list[str] = []


# --- registry -----------------------------------------------------------------

M = TypeVar("M", bound=Message)


@dataclass(frozen=True, slots=True)
class RequestSpec:
    name: str
    body: type[Message]
    reply: type[Message]
    role: Role | None  # None: allowed before login
    idempotent: bool  # False: de-duplicated by (client id, request id)


BODY_TYPES: dict[str, type[Message]] = {}
TYPE_NAMES: dict[type[Message], str] = {}
REQUESTS: dict[str, RequestSpec] = {}


def _body(name: str, cls: type[Message]) -> None:
    if name in BODY_TYPES or cls in TYPE_NAMES:
        raise RuntimeError(f"message type {name!r} registered twice")
    BODY_TYPES[name] = cls
    TYPE_NAMES[cls] = name


def register_request(
    name: str, body: type[Message], reply: type[Message], role: Role | None, *, idempotent: bool
) -> None:
    _body(name, body)
    if reply not in TYPE_NAMES:
        raise RuntimeError(f"reply type {reply.__name__} of {name!r} is not registered")
    REQUESTS[name] = RequestSpec(name, body, reply, role, idempotent)


def register_body(name: str, cls: type[Message]) -> None:
    """Register a reply or push type."""
    _body(name, cls)


def type_name(body: Message) -> str:
    return TYPE_NAMES[type(body)]


_decoders: dict[type, msgspec.msgpack.Decoder[Any]] = {}


def decode_body(name: str, raw: bytes | msgspec.Raw, expected: type[M] | None = None) -> M:
    """Decode a body of wire type ``name``; SwitchboardError on an unknown type or bad body."""
    cls = BODY_TYPES.get(name)
    if cls is None:
        raise SwitchboardError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {name!r}", type=name)
    if expected is not None and not issubclass(cls, expected):
        raise SwitchboardError(
            ErrorCode.MALFORMED, f"expected {expected.__name__}, got message type {name!r}"
        )
    dec = _decoders.get(cls)
    if dec is None:
        dec = _decoders[cls] = msgspec.msgpack.Decoder(cls)
    try:
        return dec.decode(raw)  # type: ignore[no-any-return]
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise SwitchboardError(ErrorCode.MALFORMED, f"bad body for {name!r}: {e}", type=name) from e


_bodies: list[tuple[str, type[Message]]] = [
    ("ok", Ok),
    ("snapshot", Snapshot),
    ("login_ok", LoginOk),
    ("resume_ok", ResumeOk),
    ("agent_list", AgentList),
    ("agent_state_changed", AgentStateChanged),
    ("kicked", Kicked),
    ("user_info", UserInfo),
    ("user_list", UserList),
    ("import_result", ImportResult),
    ("offer_made", OfferMade),
    ("offer_rescinded", OfferRescinded),
    ("task_assigned", TaskAssigned),
    ("task_ended", TaskEnded),
    ("wrapup_started", WrapUpStarted),
    ("wrapup_ended", WrapUpEnded),
    ("queue_status", QueueStatus),
    ("task_created", TaskCreated),
    ("queue_list", QueueList),
    ("task_explanation", TaskExplanation),
]
for _name, _cls in _bodies:
    register_body(_name, _cls)

register_request("login", Login, LoginOk, None, idempotent=False)
register_request("resume", Resume, ResumeOk, None, idempotent=False)
register_request("logout", Logout, Ok, Role.AGENT, idempotent=True)
register_request("get_snapshot", GetSnapshot, Snapshot, Role.AGENT, idempotent=True)
register_request("set_state", SetState, AgentStateChanged, Role.AGENT, idempotent=False)
register_request("force_state", ForceState, AgentStateChanged, Role.SUPERVISOR, idempotent=False)
register_request("list_agents", ListAgents, AgentList, Role.SUPERVISOR, idempotent=True)
register_request("create_task", CreateTask, TaskCreated, Role.SUPERVISOR, idempotent=False)
register_request("cancel_task", CancelTask, Ok, Role.SUPERVISOR, idempotent=False)
register_request("accept_offer", AcceptOffer, TaskAssigned, Role.AGENT, idempotent=False)
register_request("decline_offer", DeclineOffer, Ok, Role.AGENT, idempotent=False)
register_request("complete_task", CompleteTask, Ok, Role.AGENT, idempotent=False)
register_request("submit_wrapup", SubmitWrapUp, Ok, Role.AGENT, idempotent=False)
register_request("list_queues", ListQueues, QueueList, Role.SUPERVISOR, idempotent=True)
register_request("explain_task", ExplainTask, TaskExplanation, Role.SUPERVISOR, idempotent=True)
register_request("admin.list_users", ListUsers, UserList, Role.ADMIN, idempotent=True)
register_request("admin.add_user", AddUser, UserInfo, Role.ADMIN, idempotent=False)
register_request("admin.set_user_disabled", SetUserDisabled, UserInfo, Role.ADMIN, idempotent=False)
register_request("admin.set_password", SetPassword, Ok, Role.ADMIN, idempotent=False)
register_request("admin.import_site", ImportSite, ImportResult, Role.ADMIN, idempotent=False)

#: PUB topics (first message part) for fan-out streams.
TOPIC_AGENT = b"agent"
TOPIC_QUEUE = b"queue"

# Interactions, chat, customers: their types live in contract/interactions.py and register
# themselves here; imported last, once the registry above exists.
from edge_server.contract import interactions as _interactions  # noqa: E402,F401
# Form and flow documents, bindings, simulation and screen-pop forms (contract/designs.py).
from edge_server.contract import designs as _designs  # noqa: E402,F401
