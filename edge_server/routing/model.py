"""Routing configuration and task descriptions: immutable msgspec structs.

Channels are plain strings ("voice", "chat", "email", ...); capacity and the
cross-channel blocking rules give them meaning. Proficiency levels run 1..5;
a requirement of level ``n`` is met by any proficiency ``>= n``.
"""
from __future__ import annotations

import enum

import msgspec


class Strategy(enum.StrEnum):
    """How an agent is chosen among the free, eligible ones for a task."""

    LONGEST_IDLE = "longest_idle"  # longest since the agent last finished work (default)
    BEST_SKILL = "best_skill"  # highest summed proficiency on the task's required skills, then idle
    LEAST_OCCUPIED = "least_occupied"  # lowest load / capacity ratio, then idle
    FEWEST_INTERACTIONS = "fewest_interactions"  # fewest accepted tasks since login, then idle
    ROUND_ROBIN = "round_robin"  # next agent after the queue's last pick, in configuration order
    RING_ALL = "ring_all"  # offer to every candidate; the first accept wins, the rest are rescinded
    CUSTOM = "custom"  # the engine's pluggable Scorer decides (highest score wins)


class AcwMode(enum.StrEnum):
    NONE = "none"  # capacity is freed when the task completes
    TIMED = "timed"  # wrap-up lasts acw_s unless the agent submits earlier
    MANUAL = "manual"  # until the agent submits the wrap-up (acw_s > 0 caps it)


class TaskKind(enum.StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"  # blended/background work: only to idle agents no inbound task waits for


class FinalAction(enum.StrEnum):
    VOICEMAIL = "voicemail"  # the task leaves the queue; the host records a voicemail
    CALLBACK = "callback"  # the task keeps its place; the host turns it into a callback


class ClosedAction(enum.StrEnum):
    """What happens to a task that arrives while its queue is closed."""

    QUEUE = "queue"  # admit it anyway (e.g. email answered when agents return)
    REJECT = "reject"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"  # rejected now; the host schedules a callback for opening time
    OVERFLOW = "overflow"  # admitted into ``closed_overflow_queue`` instead


# Structs here use gc=False: they hold only values (never engine objects), so they cannot
# be part of a reference cycle; untracked, they neither trigger nor lengthen GC passes.


class OpenInterval(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    """One opening on a weekday, local time of the queue's zone; end "24:00" allowed."""

    day: int  # 0 = Monday ... 6 = Sunday
    start: str  # "HH:MM"
    end: str  # "HH:MM", after start; overnight opening = two intervals


class BusinessHours(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    tz: str  # IANA zone, e.g. "Asia/Shanghai"
    open: tuple[OpenInterval, ...] = ()
    holidays: tuple[str, ...] = ()  # local dates "YYYY-MM-DD", closed all day


class PlanStep(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    """One escalation step, applied ``after_s`` seconds after the task entered the queue.

    Effects accumulate over steps. A step never moves the task in line: its
    arrival time and sequence stay, only priority and the eligible agents change.
    """

    after_s: float
    skills: dict[str, int] = {}  # new minimum level per listed skill; 0 drops the requirement
    drop_language: bool = False
    add_agents: tuple[str, ...] = ()  # widen: these agents become eligible regardless of skills
    add_teams: tuple[str, ...] = ()  # widen: whole teams become eligible regardless of skills
    priority_delta: int = 0
    overflow_queue: str = ""  # move to that queue (place kept; its plan starts from step 0)
    final_action: FinalAction | None = None


def _default_capacity() -> dict[str, int]:
    return {"voice": 1, "chat": 4, "email": 1}


def _default_blocks() -> dict[str, tuple[str, ...]]:
    # A live voice call blocks new chats and emails; chats do not block voice.
    return {"voice": ("chat", "email")}


class AgentConfig(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    username: str
    skills: dict[str, int] = {}  # skill -> proficiency 1..5
    languages: tuple[str, ...] = ()
    team: str = ""
    capacity: dict[str, int] = {}  # channel -> concurrent tasks; empty: the site default


class QueueConfig(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    queue: str
    channel: str = "voice"  # default channel of its tasks; EWT counts servers on this channel
    skills: dict[str, int] = {}  # required skill -> minimum level (all must be met)
    agents: tuple[str, ...] = ()  # explicit members, eligible regardless of skills
    teams: tuple[str, ...] = ()  # member teams, eligible regardless of skills
    strategy: Strategy = Strategy.LONGEST_IDLE
    ring_all_max: int = 0  # ring-all: at most this many agents at once (0: all)
    plan: tuple[PlanStep, ...] = ()
    sl_target_s: float = 20.0  # service level: answered within this many seconds
    sl_percent: float = 80.0  # goal for the share answered within the target
    acw_mode: AcwMode = AcwMode.NONE
    acw_s: float = 0.0
    wrapup_codes: tuple[str, ...] = ()  # allowed codes; empty: any code (or none)
    hours: BusinessHours | None = None  # None: always open
    closed_action: ClosedAction = ClosedAction.QUEUE
    closed_overflow_queue: str = ""
    offer_timeout_s: float = 20.0
    max_missed: int = 3  # consecutive missed offers before Not Ready "missed"; 0: never
    decline_cooldown_s: float = 30.0  # an agent who declined/missed a task is not offered it again for this long
    sticky_wait_s: float = 20.0  # how long a task waits for its preferred/last agent before widening
    sticky_window_s: float = 7 * 86400.0  # look-back for "last agent who served this customer"
    max_wait_s: float = 0.0  # default time limit of its tasks (0: none)
    default_aht_s: float = 300.0  # AHT used for EWT until the queue has completed tasks


class SiteRoutingConfig(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    agents: tuple[AgentConfig, ...] = ()
    queues: tuple[QueueConfig, ...] = ()
    default_capacity: dict[str, int] = msgspec.field(default_factory=_default_capacity)
    blocks: dict[str, tuple[str, ...]] = msgspec.field(default_factory=_default_blocks)
    explain_top: int = 3  # candidates listed in each offer's explanation


class TaskSpec(msgspec.Struct, gc=False, frozen=True, kw_only=True):
    """A unit of work to route (a call, chat, email, callback, outbound attempt)."""

    task_id: str
    queue: str
    channel: str = ""  # "": the queue's channel
    kind: TaskKind = TaskKind.INBOUND
    priority: int = 0  # higher is served first (VIP); ties go to the longest waiter
    attributes: dict[str, str] = {}  # free-form, for scorers and explanations
    skills: dict[str, int] | None = None  # overrides the queue's requirements for this task
    language: str = ""  # required agent language ("" none)
    preferred_agents: tuple[str, ...] = ()
    last_agent: str = ""  # sticky: the host's knowledge of who served this customer last
    direct_agent: str = ""  # direct-to-agent: only this agent, plan steps do not apply
    customer_id: str = ""  # lets the engine find the last agent itself (sticky_window_s)
    time_limit_s: float = 0.0  # 0: the queue's max_wait_s
    arrived_ms: int = 0  # 0: the event's time; set it to keep an earlier place in line
