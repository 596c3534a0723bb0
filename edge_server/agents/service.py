"""The edge's request handler for sessions, agent state, supervision and administration.

Every command follows one shape: check, build events, ``commit`` (apply to the
live directory at once, then wait until the store has them durably), and only
then reply, push to the agent's session and publish to watchers.
"""
from __future__ import annotations

import logging
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from edge_server.agents.admin import AdminOps
from edge_server.agents.directory import Directory, Session, token_hash
from edge_server.agents.passwords import LoginThrottle, verify_password_async
from edge_server.contract import events as ev
from edge_server.contract import messages as m
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.store import StoreError

if TYPE_CHECKING:
    from edge_server.bus.server import BusServer, Connection
    from edge_server.work.service import WorkService
    from edge_server.config import AuthSection
    from edge_server.contract.messages import RequestSpec
    from edge_server.store import Store

log = logging.getLogger("sb.agents")


def wall_ms() -> int:
    return time.time_ns() // 1_000_000

#: A request handler of another service: (connection, body, username of the session) -> reply.
UserRoute = Callable[["Connection", Any, str], Awaitable[m.Message]]


class RouteProvider(Protocol):
    """A service that serves requests (work, interactions, customers...); roles are checked here."""

    routes: dict[str, UserRoute]


class LogoutListener(Protocol):
    """A service told when an agent logs out (themselves, forced by a supervisor, account disabled).

    Not when a desktop goes silent: that agent's active work waits for them.
    """

    async def agent_logged_out(self, username: str, by: str) -> Any: ...


class AgentService:
    def __init__(
        self,
        directory: Directory,
        store: Store,
        auth: AuthSection,
        *,
        heartbeat_ms: int,
        work: WorkService | None = None,
        route_providers: Sequence[RouteProvider] = (),
        now_ms: Callable[[], int] = wall_ms,
    ) -> None:
        self._work = work
        self._dir = directory
        self._store = store
        self._heartbeat_ms = heartbeat_ms
        self._now_ms = now_ms
        self._bus: BusServer | None = None
        self._pub_port = 0
        self._throttle = LoginThrottle(auth.max_failures, auth.failure_window_s, auth.lockout_s)
        self.admin = AdminOps(directory, self._admin_commit, now_ms, auth.min_password_length)
        self._routes: dict[str, Callable[[Connection, Any], Awaitable[m.Message]]] = {
            "login": self._login,
            "resume": self._resume,
            "logout": self._logout,
            "get_snapshot": self._get_snapshot,
            "set_state": self._set_state,
            "force_state": self._force_state,
            "list_agents": self._list_agents,
            "admin.list_users": lambda c, b: self.admin.list_users(b),
            "admin.add_user": lambda c, b: self.admin.add_user(b),
            "admin.set_user_disabled": self._set_user_disabled,
            "admin.set_password": lambda c, b: self.admin.set_password(b),
            "admin.import_site": lambda c, b: self.admin.import_site(b),
        }
        # Providers that release an agent's work on logout (interactions: re-queue their chats).
        self._logout_listeners: list[LogoutListener] = [
            p for p in route_providers if callable(getattr(p, "agent_logged_out", None))  # type: ignore[misc]
        ]
        for provider in (work, *route_providers):
            if provider is None:
                continue
            for name, route in provider.routes.items():
                if name in self._routes:
                    raise RuntimeError(f"two handlers for request {name!r}")
                self._routes[name] = self._work_route(route)
        missing = set(m.REQUESTS) - set(self._routes)
        if missing:  # a registered request without a handler is our bug: fail at start, not at use
            raise RuntimeError(f"no handler for requests {sorted(missing)}")

    def attach_bus(self, bus: BusServer, pub_port: int) -> None:
        self._bus = bus
        self._pub_port = pub_port

    @property
    def bus(self) -> BusServer:
        assert self._bus is not None, "attach_bus() first"
        return self._bus

    # --- the one write path ----------------------------------------------------

    async def commit(self, events: Sequence[ev.Event], *, presence: tuple[str, m.AgentState, str, bool] | None = None) -> None:
        """Apply to the live directory (and routing), then wait until the store has them durably.

        ``presence`` = (username, state, reason, login): the agent's presence changes; its routing
        input is journaled in the same batch, and routing's decisions run once all is durable.
        """
        if not events:
            return
        batch = list(events)
        self._dir.apply_all(events)
        decisions: list = []  # type: ignore[type-arg]
        if presence is not None and self._work is not None:
            username, state, reason, login = presence
            rin = self._work.presence_event(username, state, reason, login=login)
            if rin is not None:
                journal, decisions = self._work.prepare(rin)
                batch.append(journal)
        try:
            await self._store.append(batch)
        except StoreError as e:
            log.critical("store refused events, commands fail until restart: %s", e)
            raise SwitchboardError(
                ErrorCode.UNAVAILABLE, f"the edge cannot save changes: {e}"
            ) from e
        if decisions and self._work is not None:
            await self._work.execute(decisions)

    async def _admin_commit(self, events: Sequence[ev.Event]) -> None:
        await self.commit(events)
        if self._work is not None:
            await self._work.reconfigure()  # skills, users, queues apply without a restart

    def _work_route(self, route: Callable[[Connection, Any, str], Awaitable[m.Message]]) -> Callable[[Connection, Any], Awaitable[m.Message]]:
        async def call(conn: Connection, body: Any) -> m.Message:
            return await route(conn, body, self._session_of(conn).username)

        return call

    async def routing_set_not_ready(self, username: str, reason: str) -> None:
        """Routing already made the agent Not Ready (missed offers): record and tell everyone."""
        await self.commit([ev.AgentStateChanged(ts_ms=self._now_ms(), username=username,
                                                state=m.AgentState.NOT_READY, reason=reason, by="system")])
        push = self._publish_status(username, "system")
        session = self._dir.session_of(username)
        if session is not None:
            self.bus.push(session.session_id, push)

    # --- RequestHandler protocol -----------------------------------------------

    async def handle_request(self, conn: Connection, spec: RequestSpec, body: m.Message) -> m.Message:
        if spec.role is not None:
            session = self._session_of(conn)
            user = self._dir.users[session.username]
            if not user.role.allows(spec.role):
                raise SwitchboardError(
                    ErrorCode.FORBIDDEN,
                    f"{spec.name} needs the {spec.role.value} role; {user.username} is {user.role.value}",
                )
        return await self._routes[spec.name](conn, body)

    async def session_silent(self, session_id: str) -> None:
        session = self._dir.sessions.get(session_id)
        if session is None:
            return
        session.connected = False
        p = self._dir.presence.get(session.username)
        if p is not None and not (
            p.state == m.AgentState.NOT_READY and p.reason == m.REASON_DISCONNECTED
        ):
            log.info("desktop of %s went silent: Not Ready (disconnected)", session.username)
            await self._change_state(
                session.username, m.AgentState.NOT_READY, m.REASON_DISCONNECTED, by="system"
            )
        else:
            self._publish_status(session.username, by="system")

    async def session_detached(self, session_id: str) -> None:
        session = self._dir.sessions.get(session_id)
        if session is not None:
            session.connected = False

    # --- helpers -----------------------------------------------------------------

    def _session_of(self, conn: Connection) -> Session:
        sid = conn.session_id
        session = self._dir.sessions.get(sid) if sid else None
        if session is None:
            raise SwitchboardError(ErrorCode.NOT_LOGGED_IN, "log in first")
        return session

    def _snapshot(self, username: str, seq: int) -> m.Snapshot:
        offers, tasks, wrapups = self._work.work_view(username) if self._work else ([], [], [])
        return m.Snapshot(
            me=self._dir.status(username),
            role=self._dir.users[username].role,
            reason_codes=self._dir.reason_code_list(),
            seq=seq,
            server_time_ms=self._now_ms(),
            offers=offers,
            tasks=tasks,
            wrapups=wrapups,
        )

    def _publish_status(self, username: str, by: str) -> m.AgentStateChanged:
        push = m.AgentStateChanged(status=self._dir.status(username), by=by)
        self.bus.publish(m.TOPIC_AGENT, push)
        return push

    async def _change_state(
        self, username: str, state: m.AgentState, reason: str, by: str
    ) -> m.AgentStateChanged:
        await self.commit(
            [ev.AgentStateChanged(ts_ms=self._now_ms(), username=username, state=state, reason=reason, by=by)],
            presence=(username, state, reason, False),
        )
        push = self._publish_status(username, by)
        session = self._dir.session_of(username)
        if session is not None:
            try:
                self.bus.push(session.session_id, push)
            except SwitchboardError as e:  # not on the bus (a desktop that never came back after a restart)
                log.debug("state push to %s skipped: %s", username, e.message)
        return push

    async def _end_session(self, session: Session, reason: str, by: str, *, kick: bool, release: bool = True) -> None:
        """``release``: the agent's work is released (LogoutListener); not when they log in again elsewhere,
        which is a desktop coming back (like a silent one, its work waits for it)."""
        now = self._now_ms()
        await self.commit(
            [
                ev.SessionClosed(ts_ms=now, session_id=session.session_id, reason=reason),
                ev.AgentStateChanged(
                    ts_ms=now, username=session.username, state=m.AgentState.LOGGED_OUT, by=by
                ),
            ],
            presence=(session.username, m.AgentState.LOGGED_OUT, reason, False),
        )
        if kick:
            self.bus.kick(session.session_id, m.Kicked(reason=reason))
        else:
            self.bus.close_session(session.session_id)
        self._publish_status(session.username, by)
        for listener in self._logout_listeners if release else ():  # after routing knows: nothing comes back
            try:
                await listener.agent_logged_out(session.username, by)
            except Exception:  # the logout stands; a listener's failure is logged, not the agent's
                log.exception("releasing the work of %s after logout failed", session.username)

    # --- session commands --------------------------------------------------------

    async def _login(self, conn: Connection, req: m.Login) -> m.LoginOk:
        keys = [f"user:{req.username}"] + ([f"key:{conn.client_key}"] if conn.client_key else [])
        wait = self._throttle.retry_after(*keys)
        if wait > 0:
            raise SwitchboardError(
                ErrorCode.THROTTLED,
                f"too many failed logins; try again in {int(wait) + 1} s",
                retry_after_s=int(wait) + 1,
            )
        user = self._dir.users.get(req.username)
        ok = await verify_password_async(user.password_hash if user else None, req.password)
        if not ok or user is None or user.disabled:
            reason = "disabled" if ok and user is not None else "bad_credentials"
            self._throttle.failed(*keys)
            log.warning("failed login for %r from key %s: %s", req.username, conn.client_key[:8], reason)
            await self.commit(
                [ev.LoginFailed(ts_ms=self._now_ms(), username=req.username[:64], reason=reason,
                                client_key=conn.client_key)]
            )
            if reason == "disabled":
                raise SwitchboardError(ErrorCode.AUTH_FAILED, "this account is disabled")
            raise SwitchboardError(ErrorCode.AUTH_FAILED, "wrong user name or password")
        self._throttle.succeeded(*keys)

        old = self._dir.session_of(user.username)
        if old is not None:
            await self._end_session(old, "logged in elsewhere", by="system", kick=True, release=False)
        if conn.session_id and conn.session_id in self._dir.sessions:
            prev = self._dir.sessions[conn.session_id]
            await self._end_session(prev, "logged in as another user", by="system", kick=False)

        token = secrets.token_urlsafe(32)
        session_id = uuid.uuid4().hex
        now = self._now_ms()
        await self.commit(
            [
                ev.SessionOpened(
                    ts_ms=now,
                    session_id=session_id,
                    token_hash=token_hash(token),
                    username=user.username,
                    client_id=conn.client_id,
                    client_key=conn.client_key,
                    sip_contact=req.sip_contact,
                ),
                ev.AgentStateChanged(
                    ts_ms=now, username=user.username, state=m.AgentState.NOT_READY, by="system"
                ),
            ],
            presence=(user.username, m.AgentState.NOT_READY, "", True),
        )
        self._dir.sessions[session_id].connected = True
        self.bus.open_session(conn, session_id)
        self._publish_status(user.username, by="system")
        log.info("%s logged in (%s) from client %s", user.username, user.role.value, conn.client_id)
        return m.LoginOk(
            session_token=token,
            snapshot=self._snapshot(user.username, self.bus.current_seq(session_id)),
            heartbeat_ms=self._heartbeat_ms,
            pub_port=self._pub_port,
        )

    async def _resume(self, conn: Connection, req: m.Resume) -> m.ResumeOk:
        session = self._dir.session_for_token(req.session_token)
        if session is None or (session.client_key and session.client_key != conn.client_key):
            raise SwitchboardError(ErrorCode.SESSION_UNKNOWN, "the session has ended; log in again")
        replayed = self.bus.resume_session(conn, session.session_id, req.last_seq)
        session.connected = True
        self._publish_status(session.username, by="system")
        if replayed is not None:
            log.info("%s resumed, %d pushes replayed", session.username, replayed)
            return m.ResumeOk(replayed=replayed)
        # The bus cannot replay (edge restarted, or the buffer overran): re-attach the session with
        # numbering continuing from where the bus is, and draw the desktop anew from a snapshot.
        seq = self.bus.current_seq(session.session_id)
        self.bus.open_session(conn, session.session_id, start_seq=seq)
        log.info("%s resumed with a snapshot at seq %d", session.username, seq)
        return m.ResumeOk(snapshot=self._snapshot(session.username, seq))

    async def _logout(self, conn: Connection, req: m.Logout) -> m.Ok:
        session = self._session_of(conn)
        await self._end_session(session, "logged out", by="", kick=False)
        return m.Ok()

    async def _get_snapshot(self, conn: Connection, req: m.GetSnapshot) -> m.Snapshot:
        session = self._session_of(conn)
        return self._snapshot(session.username, self.bus.current_seq(session.session_id))

    def _check_target_state(self, state: m.AgentState, reason: str) -> None:
        if state == m.AgentState.LOGGED_OUT:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "use logout to log out")
        if state == m.AgentState.NOT_READY and reason and not (
            self._dir.is_reason(reason, m.ReasonKind.NOT_READY) or reason in (m.REASON_DISCONNECTED, m.REASON_MISSED)
        ):
            raise SwitchboardError(
                ErrorCode.INVALID_ARGUMENT, f"unknown Not Ready reason {reason!r}", reason=reason
            )
        if state != m.AgentState.NOT_READY and reason:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "only Not Ready takes a reason")

    async def _set_state(self, conn: Connection, req: m.SetState) -> m.AgentStateChanged:
        session = self._session_of(conn)
        self._check_target_state(req.state, req.reason)
        return await self._change_state(session.username, req.state, req.reason, by="")

    async def _force_state(self, conn: Connection, req: m.ForceState) -> m.AgentStateChanged:
        supervisor = self._session_of(conn).username
        if req.username not in self._dir.users:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no agent {req.username!r}", username=req.username)
        target = self._dir.session_of(req.username)
        if req.state == m.AgentState.LOGGED_OUT:
            if target is not None:
                await self._end_session(target, f"logged out by {supervisor}", by=supervisor, kick=True)
            return m.AgentStateChanged(status=self._dir.status(req.username), by=supervisor)
        if target is None:
            raise SwitchboardError(
                ErrorCode.CONFLICT, f"{req.username} is not logged in", username=req.username
            )
        self._check_target_state(req.state, req.reason)
        log.info("%s forced %s to %s %s", supervisor, req.username, req.state.value, req.reason)
        return await self._change_state(req.username, req.state, req.reason, by=supervisor)

    async def _list_agents(self, conn: Connection, req: m.ListAgents) -> m.AgentList:
        return m.AgentList(agents=self._dir.statuses())

    async def _set_user_disabled(self, conn: Connection, req: m.SetUserDisabled) -> m.UserInfo:
        info = await self.admin.set_user_disabled(req)
        session = self._dir.session_of(req.username)
        if req.disabled and session is not None:
            await self._end_session(session, "account disabled", by=self._session_of(conn).username, kick=True)
        return info

    async def expire_unresumed(self) -> None:
        """After a restart: sessions whose desktop did not come back are treated as silent."""
        for sid, session in list(self._dir.sessions.items()):
            if not session.connected:
                await self.session_silent(sid)
