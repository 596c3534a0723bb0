"""A stand-in for desktop.session.EdgeSession with the same signals and async methods.

Widget tests drive it by emitting its signals as the edge would, and read back
the commands the widgets sent. tests/desktop/test_session_parity.py keeps it in step
with the real session.
"""
from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QObject, Signal

from edge_server.contract.messages import (
    AgentState,
    AgentStatus,
    Message,
    OfferMade,
    QueueStatus,
    ReasonCode,
    ReasonKind,
    Role,
    Snapshot,
    TaskAssigned,
    TaskInfo,
    WrapUpStarted,
)

T0 = 1_700_000_000_000


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now_ms: int) -> None:
        self.ms = now_ms

    def now_ms(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


REASONS = [
    ReasonCode(code="lunch", kind=ReasonKind.NOT_READY, label_en="Lunch", label_zh="午餐"),
    ReasonCode(code="break", kind=ReasonKind.NOT_READY, label_en="Break", label_zh="小休"),
    ReasonCode(code="training", kind=ReasonKind.NOT_READY, label_en="Training", label_zh="培训"),
    ReasonCode(code="resolved", kind=ReasonKind.WRAPUP, label_en="Resolved", label_zh="已解决"),
    ReasonCode(code="follow_up", kind=ReasonKind.WRAPUP, label_en="Needs follow-up", label_zh="需跟进"),
    ReasonCode(code="notes", kind=ReasonKind.WRAPUP, label_en="Notes", label_zh="记录"),
]


def status(
    username: str = "alice",
    state: AgentState = AgentState.NOT_READY,
    reason: str = "",
    since_ms: int = T0,
    *,
    display_name: str | None = None,
    team: str = "Support",
    role: Role = Role.AGENT,
    connected: bool = True,
) -> AgentStatus:
    return AgentStatus(
        username=username,
        display_name=display_name or username.capitalize(),
        team=team,
        role=role,
        state=state,
        reason=reason,
        since_ms=since_ms,
        connected=connected,
    )


def snapshot(
    role: Role = Role.AGENT,
    me: AgentStatus | None = None,
    *,
    offers: list[OfferMade] | None = None,
    tasks: list[TaskInfo] | None = None,
    wrapups: list[WrapUpStarted] | None = None,
) -> Snapshot:
    me = me or status(role=role)
    return Snapshot(
        me=me, role=role, reason_codes=list(REASONS), seq=1, server_time_ms=T0,
        offers=offers or [], tasks=tasks or [], wrapups=wrapups or [],
    )


def task(
    task_id: str = "t1",
    *,
    customer: str = "张伟 Zhang Wei",
    queue: str = "billing.zh",
    queue_en: str = "Billing (Mandarin)",
    queue_zh: str = "账单（中文）",
    channel: str = "chat",
    priority: int = 0,
    subject: str = "Invoice 2024-113 charged twice",
    arrived_ms: int = T0 - 45_000,
    attributes: dict[str, str] | None = None,
    interaction_id: str = "",
) -> TaskInfo:
    return TaskInfo(
        task_id=task_id, queue=queue, queue_name_en=queue_en, queue_name_zh=queue_zh, channel=channel,
        priority=priority, customer_name=customer, customer_id=f"c-{task_id}", subject=subject,
        arrived_ms=arrived_ms, attributes=attributes or {}, interaction_id=interaction_id,
    )


def offer(
    offer_id: int = 1, info: TaskInfo | None = None, *, now_ms: int = T0, timeout_ms: int = 20_000
) -> OfferMade:
    return OfferMade(offer_id=offer_id, task=info or task(), expires_ms=now_ms + timeout_ms,
                     timeout_ms=timeout_ms)


def queue_status(queue: str = "billing.zh", **kw: Any) -> QueueStatus:
    names = {
        "billing.zh": ("Billing (Mandarin)", "账单（中文）"),
        "tech.en": ("Technical support (English)", "技术支持（英文）"),
        "sales": ("Sales", "销售"),
    }
    en, zh = names.get(queue, (queue, ""))
    kw.setdefault("name_en", en)
    kw.setdefault("name_zh", zh)
    return QueueStatus(queue=queue, **kw)


class FakeSession(QObject):
    logged_in = Signal(object)
    login_failed = Signal(str, str)
    state_changed = Signal(object)
    link_state_changed = Signal(str)
    session_lost = Signal(str)
    kicked = Signal(str)
    agent_status_published = Signal(object)
    agents_listed = Signal(list)
    snapshot_refreshed = Signal(object)
    command_failed = Signal(str, str)
    logged_out = Signal()
    offer_received = Signal(object)
    offer_rescinded = Signal(object)
    task_assigned = Signal(object)
    task_ended = Signal(object)
    wrapup_started = Signal(object)
    wrapup_ended = Signal(object)
    queue_status_published = Signal(object)
    queues_listed = Signal(list)
    push_received = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[Any, ...]] = []
        self.edge = "tcp://127.0.0.1:7700"
        self.link_state = "up"
        self.agents: list[AgentStatus] = []
        self.snapshot: Snapshot | None = None
        self.last_login_error = None
        self.login_result: Snapshot | None = None  # what login() answers; None: it fails
        self.command_delay_s = 0.0
        self.queues: list[QueueStatus] = []
        self.accept_ok = True  # accept_offer answers TaskAssigned; False: refused (None)
        self.commands_ok = True  # decline / complete / submit answer Ok; False: refused
        #: call() replies per command: a Message, or a function body -> Message (None: refused).
        self.replies: dict[str, Any] = {}

    @property
    def is_logged_in(self) -> bool:
        return self.snapshot is not None

    # --- test helpers: play the edge ---------------------------------------------------

    def play_login(self, snap: Snapshot) -> None:
        """What EdgeSession emits for a login: state, logged_in, then the snapshot's work."""
        self.snapshot = snap
        self.state_changed.emit(snap.me)
        self.logged_in.emit(snap)
        self._play_work(snap)

    def play_snapshot_refreshed(self, snap: Snapshot) -> None:
        self.snapshot = snap
        self.snapshot_refreshed.emit(snap)
        self._play_work(snap)

    def _play_work(self, snap: Snapshot) -> None:
        for o in snap.offers:
            self.offer_received.emit(o)
        for t in snap.tasks:
            self.task_assigned.emit(TaskAssigned(task=t))
        for w in snap.wrapups:
            self.wrapup_started.emit(w)

    def session_calls(self) -> list[tuple[Any, ...]]:
        """The calls of the session's own commands (not the hub's ``call()`` requests)."""
        return [c for c in self.calls if c[0] != "call"]

    def requests(self, command: str) -> list[Message]:
        """The bodies of the hub's ``call(command, body)`` requests, in order."""
        return [c[2] for c in self.calls if c[0] == "call" and c[1] == command]

    def sent(self, name: str) -> list[tuple[Any, ...]]:
        """The calls of one command, in order."""
        return [c for c in self.calls if c[0] == name]

    # --- the session API ----------------------------------------------------------------

    async def login(self, edge: str, username: str, password: str, **kw: Any) -> bool:
        self.calls.append(("login", edge, username, password))
        await asyncio.sleep(0)
        if self.login_result is None:
            return False
        self.edge = edge
        self.play_login(self.login_result)
        return True

    async def set_state(self, state: AgentState, reason: str = "") -> AgentStatus | None:
        self.calls.append(("set_state", state, reason))
        await asyncio.sleep(self.command_delay_s)
        return None

    async def force_state(
        self, username: str, state: AgentState, reason: str = ""
    ) -> AgentStatus | None:
        self.calls.append(("force_state", username, state, reason))
        await asyncio.sleep(0)
        return None

    async def list_agents(self) -> list[AgentStatus] | None:
        self.calls.append(("list_agents",))
        await asyncio.sleep(0)
        self.agents_listed.emit(list(self.agents))
        return list(self.agents)

    async def accept_offer(self, offer: OfferMade) -> TaskAssigned | None:
        self.calls.append(("accept_offer", offer.offer_id, offer.task.task_id))
        await asyncio.sleep(self.command_delay_s)
        if not self.accept_ok:
            self.command_failed.emit("accept_offer", "The edge server refused: offer gone")
            return None
        reply = TaskAssigned(task=offer.task, offer_id=offer.offer_id)
        self.task_assigned.emit(reply)
        return reply

    async def decline_offer(self, offer: OfferMade, reason: str = "") -> bool:
        self.calls.append(("decline_offer", offer.offer_id, offer.task.task_id, reason))
        await asyncio.sleep(self.command_delay_s)
        return self.commands_ok

    async def complete_task(self, task_id: str) -> bool:
        self.calls.append(("complete_task", task_id))
        await asyncio.sleep(self.command_delay_s)
        return self.commands_ok

    async def submit_wrapup(self, task_id: str, code: str = "", notes: str = "", follow_up: bool = False) -> bool:
        self.calls.append(("submit_wrapup", task_id, code, notes) + ((follow_up,) if follow_up else ()))
        await asyncio.sleep(self.command_delay_s)
        return self.commands_ok

    async def list_queues(self) -> list[QueueStatus] | None:
        self.calls.append(("list_queues",))
        await asyncio.sleep(0)
        self.queues_listed.emit(list(self.queues))
        return list(self.queues)

    async def logout(self, timeout: float = 3.0) -> None:
        self.calls.append(("logout", timeout))
        await asyncio.sleep(0)
        self.snapshot = None
        self.logged_out.emit()

    async def call(self, command: str, body: Message) -> Message | None:
        """Answer from ``self.replies[command]`` (a Message, or a callable body -> Message)."""
        self.calls.append(("call", command, body))
        await asyncio.sleep(self.command_delay_s)
        reply = self.replies.get(command)
        if callable(reply):
            reply = reply(body)
        if reply is None:
            self.command_failed.emit(command, f"{command} failed")
        return reply

    async def request(self, body: Message, *, timeout: float | None = None) -> Message:
        """Answer from ``self.replies`` by the body's registered name; None (or a SwitchboardError in
        ``self.replies``) raises, as the real session does."""
        from edge_server.contract.errors import ErrorCode, SwitchboardError
        from edge_server.contract.messages import type_name

        command = type_name(body)
        self.calls.append(("request", command, body))
        await asyncio.sleep(self.command_delay_s)
        reply = self.replies.get(command)
        if callable(reply):
            reply = reply(body)
        if isinstance(reply, SwitchboardError):
            raise reply
        if reply is None:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"{command} failed")
        return reply

    async def close(self) -> None:
        self.calls.append(("close",))
        self.snapshot = None
