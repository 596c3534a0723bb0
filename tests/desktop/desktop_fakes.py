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
    ReasonCode,
    ReasonKind,
    Role,
    Snapshot,
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


def snapshot(role: Role = Role.AGENT, me: AgentStatus | None = None) -> Snapshot:
    me = me or status(role=role)
    return Snapshot(me=me, role=role, reason_codes=list(REASONS), seq=1, server_time_ms=T0)


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

    @property
    def is_logged_in(self) -> bool:
        return self.snapshot is not None

    # --- test helpers: play the edge ---------------------------------------------------

    def play_login(self, snap: Snapshot) -> None:
        self.snapshot = snap
        self.state_changed.emit(snap.me)
        self.logged_in.emit(snap)

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

    async def logout(self, timeout: float = 3.0) -> None:
        self.calls.append(("logout", timeout))
        await asyncio.sleep(0)
        self.snapshot = None
        self.logged_out.emit()

    async def close(self) -> None:
        self.calls.append(("close",))
        self.snapshot = None
