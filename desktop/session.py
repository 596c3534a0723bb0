"""The edge session as a QObject: signals for what the edge tells us, async methods for commands.

It wraps the Qt-free asyncio client (``edge_server.bus.client``). Under qasync the
client's callbacks run on the GUI thread's loop, so they may emit signals directly.
Expected failures (wrong password, edge gone, refused command) become signals with a
human message; they never escape as exceptions into widget code.
"""
from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QObject, Signal

from desktop import __version__
from desktop.clock import ServerClock
from desktop.tasks import spawn
from desktop.texts import describe_error
from edge_server.bus.client import EdgeClient, EdgeSubscriber, LinkState
from edge_server.bus.errors import BusError
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import (
    TOPIC_AGENT,
    AgentList,
    AgentState,
    AgentStateChanged,
    AgentStatus,
    ForceState,
    Kicked,
    ListAgents,
    Message,
    ReasonCode,
    Role,
    SetState,
    Snapshot,
)

log = logging.getLogger("sb.ui")

_CLOSE_TIMEOUT_S = 2.0


class EdgeSession(QObject):
    """One agent's session with the edge.

    Signals:
        logged_in(Snapshot): login succeeded; the snapshot draws the desktop from nothing.
        login_failed(str code, str message): the ErrorCode value and a human explanation.
        state_changed(AgentStatus): this agent's own state changed (reply, push or snapshot).
        link_state_changed(str): a LinkState value: connecting, up, reconnecting, closed.
        session_lost(str message): the edge no longer knows the session; log in again.
        kicked(str reason): the edge ended the session (logged in elsewhere, forced out...).
        agent_status_published(AgentStatus): another agent's status, from the PUB fan-out
            or from the reply to force_state (supervisor view).
        agents_listed(list[AgentStatus]): the answer to list_agents.
        snapshot_refreshed(Snapshot): a resume needed a fresh snapshot (missed pushes lost).
        command_failed(str command, str message): a command was refused or timed out.
        logged_out(): the session ended from this side.
    """

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

    def __init__(
        self,
        *,
        client_id: str,
        clock: ServerClock | None = None,
        login_timeout_s: float = 10.0,
        request_timeout_s: float = 10.0,
        heartbeat_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._client_id = client_id
        self.clock = clock or ServerClock()
        self._login_timeout_s = login_timeout_s
        self._request_timeout_s = request_timeout_s
        self._heartbeat_ms = heartbeat_ms
        self._client: EdgeClient | None = None
        self._subscriber: EdgeSubscriber | None = None
        self._edge = ""
        self._snapshot: Snapshot | None = None
        self._me: AgentStatus | None = None
        self.last_login_error: SwitchboardError | None = None

    # --- what widgets read ------------------------------------------------------

    @property
    def edge(self) -> str:
        return self._edge

    @property
    def is_logged_in(self) -> bool:
        return self._client is not None and self._snapshot is not None

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    @property
    def me(self) -> AgentStatus | None:
        return self._me

    @property
    def role(self) -> Role | None:
        return self._snapshot.role if self._snapshot else None

    @property
    def reason_codes(self) -> list[ReasonCode]:
        return list(self._snapshot.reason_codes) if self._snapshot else []

    @property
    def link_state(self) -> str:
        return str(self._client.link_state) if self._client else LinkState.CLOSED.value

    # --- commands -----------------------------------------------------------------

    async def login(
        self,
        edge: str,
        username: str,
        password: str,
        *,
        server_key: bytes | None = None,
        client_keys: tuple[bytes, bytes] | None = None,
        language: str = "",
        sip_contact: str = "",
    ) -> bool:
        """Connect and log in; emits logged_in or login_failed and returns which."""
        await self._teardown()
        self._edge = edge
        self.last_login_error = None
        client: EdgeClient | None = None
        try:
            try:
                client = EdgeClient(
                    edge,
                    server_key=server_key,
                    client_keys=client_keys,
                    client_id=self._client_id,
                    heartbeat_ms=self._heartbeat_ms,
                    request_timeout_s=self._request_timeout_s,
                )
                client.on_push = self._on_client_push
                client.on_link_state = self._on_client_link_state
                client.on_session_lost = self._on_client_session_lost
                client.on_snapshot = self._on_client_snapshot
                self._client = client
                await client.start()
                # Waiting for the link first gives the client's own diagnosis on failure
                # (unreachable, or our CURVE key refused) within the login timeout.
                await client.wait_up(self._login_timeout_s)
                ok = await client.login(
                    username,
                    password,
                    client_version=__version__,
                    language=language,
                    sip_contact=sip_contact,
                )
            except (BusError, ValueError) as e:
                # start() refuses a malformed endpoint (BusError); the constructor refuses
                # half a CURVE configuration (ValueError). Both are the user's to fix.
                raise SwitchboardError(ErrorCode.UNAVAILABLE, f"cannot connect to {edge}: {e}") from e
        except SwitchboardError as e:
            log.warning("login of %s at %s failed: %s (%s)", username, edge, e.message, e.code)
            self._client = None
            if client is not None:
                await self._close_quietly(client, "client")
            self.last_login_error = e
            self.login_failed.emit(e.code.value, describe_error(e, edge=edge))
            return False

        self._adopt_snapshot(ok.snapshot)
        log.info(
            "logged in as %s (%s) at %s, pub port %d",
            username, ok.snapshot.role, edge, ok.pub_port,
        )
        if ok.snapshot.role.allows(Role.SUPERVISOR) and ok.pub_port:
            await self._start_subscriber(edge, ok.pub_port, server_key, client_keys)
        self.logged_in.emit(ok.snapshot)
        return True

    async def set_state(self, state: AgentState, reason: str = "") -> AgentStatus | None:
        """Ask the edge to change this agent's state; the confirmed status is emitted."""
        client = self._require("set_state")
        if client is None:
            return None
        reply = await self._request("set_state", client, SetState(state=state, reason=reason))
        if not isinstance(reply, AgentStateChanged):
            return None
        self._apply_own(reply.status)
        return reply.status

    async def force_state(
        self, username: str, state: AgentState, reason: str = ""
    ) -> AgentStatus | None:
        """Supervisor: set another agent's state (LOGGED_OUT forces them out)."""
        client = self._require("force_state")
        if client is None:
            return None
        body = ForceState(username=username, state=state, reason=reason)
        reply = await self._request("force_state", client, body)
        if not isinstance(reply, AgentStateChanged):
            return None
        self.agent_status_published.emit(reply.status)
        if self._me is not None and reply.status.username == self._me.username:
            self._apply_own(reply.status)
        return reply.status

    async def list_agents(self) -> list[AgentStatus] | None:
        """Supervisor: every agent of the site; also emitted as agents_listed."""
        client = self._require("list_agents")
        if client is None:
            return None
        reply = await self._request("list_agents", client, ListAgents())
        if not isinstance(reply, AgentList):
            return None
        self.agents_listed.emit(list(reply.agents))
        return list(reply.agents)

    async def logout(self, timeout: float = 3.0) -> None:
        """Log out (bounded by ``timeout``) and close the connection; emits logged_out."""
        client = self._client
        if client is not None and self._snapshot is not None:
            try:
                await asyncio.wait_for(client.logout(), timeout)
            except TimeoutError:
                log.warning("logout got no answer within %.1f s; closing anyway", timeout)
            except SwitchboardError as e:
                log.warning("logout failed: %s (%s); closing anyway", e.message, e.code)
        await self._teardown()
        log.info("logged out")
        self.logged_out.emit()

    async def close(self) -> None:
        """Drop the connection without logging out (the edge times the session out)."""
        await self._teardown()

    # --- client callbacks (run on the loop, i.e. the GUI thread) --------------------

    def _on_client_push(self, body: Message, seq: int) -> None:
        if isinstance(body, AgentStateChanged):
            if self._me is None or body.status.username == self._me.username:
                self._apply_own(body.status)
            else:
                self.agent_status_published.emit(body.status)
        elif isinstance(body, Kicked):
            log.warning("the edge ended the session: %s", body.reason)
            self._snapshot = None
            self.kicked.emit(body.reason)
            spawn(self._teardown(), name="session-teardown-kicked")
        else:
            # Later subsystems (offers, messages) add their own signals here.
            log.debug("push #%d of type %s is not handled yet", seq, type(body).__name__)

    def _on_client_link_state(self, state: LinkState) -> None:
        log.debug("link to %s: %s", self._edge, state)  # the client logs it at INFO
        self.link_state_changed.emit(str(state))

    def _on_client_session_lost(self, err: SwitchboardError) -> None:
        log.warning("session lost: %s (%s)", err.message, err.code)
        self._snapshot = None
        self.session_lost.emit(describe_error(err, edge=self._edge))
        spawn(self._teardown(), name="session-teardown-lost")

    def _on_client_snapshot(self, snapshot: Snapshot) -> None:
        log.info("resumed with a fresh snapshot at seq %d", snapshot.seq)
        self._me = None  # the snapshot's status replaces ours even if it is older
        self._adopt_snapshot(snapshot)
        self.snapshot_refreshed.emit(snapshot)

    def _on_published(self, topic: bytes, body: Message) -> None:
        if isinstance(body, AgentStateChanged):
            self.agent_status_published.emit(body.status)

    # --- internals ------------------------------------------------------------------

    def _adopt_snapshot(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self.clock.sync(snapshot.server_time_ms)
        self._apply_own(snapshot.me)

    def _apply_own(self, status: AgentStatus) -> None:
        """Emit state_changed once per real change, never going back in time.

        The edge both replies to set_state and pushes the same change, and the two can
        arrive in either order; since_ms orders them.
        """
        current = self._me
        if current is not None and (status == current or status.since_ms < current.since_ms):
            return
        self._me = status
        if self._snapshot is not None:
            self._snapshot.me = status
        log.info("own state: %s %s", status.state, status.reason or "-")
        self.state_changed.emit(status)

    def _require(self, command: str) -> EdgeClient | None:
        if self._client is None or self._snapshot is None:
            self.command_failed.emit(
                command,
                describe_error(SwitchboardError(ErrorCode.NOT_LOGGED_IN, "not logged in")),
            )
            return None
        return self._client

    async def _request(self, command: str, client: EdgeClient, body: Message) -> Message | None:
        try:
            return await client.request(body)
        except SwitchboardError as e:
            log.warning("%s failed: %s (%s)", command, e.message, e.code)
            self.command_failed.emit(command, describe_error(e, edge=self._edge))
            return None

    async def _start_subscriber(
        self,
        edge: str,
        pub_port: int,
        server_key: bytes | None,
        client_keys: tuple[bytes, bytes] | None,
    ) -> None:
        scheme, _, rest = edge.partition("://")
        host = rest.rpartition(":")[0]
        if scheme != "tcp" or not host:
            log.warning("no PUB stream for %s: only tcp endpoints carry a pub port", edge)
            return
        endpoint = f"tcp://{host}:{pub_port}"
        sub = EdgeSubscriber(
            endpoint, server_key=server_key, client_keys=client_keys, topics=[TOPIC_AGENT]
        )
        sub.on_message = self._on_published
        try:
            await sub.start()
        except BusError as e:
            # The supervisor view still works from list_agents; it just won't tick live.
            log.warning("cannot subscribe to %s: %s", endpoint, e)
            err = SwitchboardError(ErrorCode.UNAVAILABLE, str(e))
            self.command_failed.emit("subscribe", describe_error(err, edge=endpoint))
            return
        self._subscriber = sub

    async def _teardown(self) -> None:
        sub, self._subscriber = self._subscriber, None
        client, self._client = self._client, None
        self._snapshot = None
        self._me = None
        if sub is not None:
            await self._close_quietly(sub, "subscriber")
        if client is not None:
            await self._close_quietly(client, "client")

    @staticmethod
    async def _close_quietly(closable: EdgeClient | EdgeSubscriber, what: str) -> None:
        """Close with a bound; a failure is logged (with traceback) but must not stop teardown."""
        try:
            await asyncio.wait_for(closable.close(), _CLOSE_TIMEOUT_S)
        except TimeoutError:
            log.warning("closing the %s took longer than %.1f s", what, _CLOSE_TIMEOUT_S)
        except Exception:
            log.exception("closing the %s failed", what)
