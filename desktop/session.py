"""The edge session as a QObject: signals for what the edge tells us, async methods for commands.

It wraps the Qt-free asyncio client (``edge_server.bus.client``). Under qasync the
client's callbacks run on the GUI thread's loop, so they may emit signals directly.
Expected failures (wrong password, edge gone, refused command) become signals with a
human message; they never escape as exceptions into widget code.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

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
    TOPIC_QUEUE,
    AcceptOffer,
    AgentList,
    AgentState,
    AgentStateChanged,
    AgentStatus,
    CompleteTask,
    DeclineOffer,
    ForceState,
    Kicked,
    ListAgents,
    ListQueues,
    Message,
    OfferMade,
    OfferRescinded,
    Ok,
    QueueList,
    QueueStatus,
    ReasonCode,
    Role,
    SetState,
    Snapshot,
    SubmitWrapUp,
    TaskAssigned,
    TaskEnded,
    WrapUpEnded,
    WrapUpStarted,
)

log = logging.getLogger("sb.ui")

_CLOSE_TIMEOUT_S = 2.0
#: Tasks whose wrap-up ended, remembered so a late accept reply cannot bring one back.
_FINISHED_REMEMBERED = 256


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

    Work (routing) signals; after a snapshot (login or resume) they are emitted again for
    everything the snapshot holds, right after logged_in / snapshot_refreshed, so views
    drop what the snapshot lacks on those and redraw from these:
        offer_received(OfferMade): a task rings at this agent.
        offer_rescinded(OfferRescinded): the offer is gone (taken, customer left...).
        task_assigned(TaskAssigned): the task is this agent's work (accept reply or push).
        task_ended(TaskEnded): the other side ended an assigned task.
        wrapup_started(WrapUpStarted): after-call work began for a task.
        wrapup_ended(WrapUpEnded): after-call work ended (submitted, timer, logout).
        queue_status_published(QueueStatus): a queue's live statistics (supervisors).
        queues_listed(list[QueueStatus]): the answer to list_queues.

    Other subsystems (interactions, customers: see desktop/interactions_hub.py):
        push_received(Message): a push this class does not interpret itself.
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
    offer_received = Signal(object)
    offer_rescinded = Signal(object)
    task_assigned = Signal(object)
    task_ended = Signal(object)
    wrapup_started = Signal(object)
    wrapup_ended = Signal(object)
    queue_status_published = Signal(object)
    queues_listed = Signal(list)
    push_received = Signal(object)

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
        # Pushes that arrive between the login reply and the end of login() wait here, so
        # views see the snapshot first and the changes after it, in the edge's order.
        self._held: list[tuple[Message, int]] | None = None
        self._finished: OrderedDict[str, None] = OrderedDict()
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
        self._held = []
        try:
            return await self._login(
                edge, username, password, server_key=server_key, client_keys=client_keys,
                language=language, sip_contact=sip_contact,
            )
        finally:
            self._held = None  # also when cancelled: pushes must never be held for good

    async def _login(
        self,
        edge: str,
        username: str,
        password: str,
        *,
        server_key: bytes | None,
        client_keys: tuple[bytes, bytes] | None,
        language: str,
        sip_contact: str,
    ) -> bool:
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
        self._emit_work(ok.snapshot)
        held, self._held = self._held or [], None
        for body, seq in held:
            self._on_client_push(body, seq)
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

    async def accept_offer(self, offer: OfferMade) -> TaskAssigned | None:
        """Take the offered task; the assignment is emitted as task_assigned (None: refused)."""
        client = self._require("accept_offer")
        if client is None:
            return None
        body = AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id)
        reply = await self._request("accept_offer", client, body)
        if not isinstance(reply, TaskAssigned):
            return None
        log.info("accepted offer %d: task %s", offer.offer_id, reply.task.task_id)
        # Pushes after the reply may have been handled before this coroutine resumed; a task
        # whose wrap-up already ended must not reappear from the (older) reply.
        if reply.task.task_id not in self._finished:
            self.task_assigned.emit(reply)
        return reply

    async def decline_offer(self, offer: OfferMade, reason: str = "") -> bool:
        """Turn the offer down; the task goes back to its place in the queue."""
        client = self._require("decline_offer")
        if client is None:
            return False
        body = DeclineOffer(offer_id=offer.offer_id, task_id=offer.task.task_id, reason=reason)
        reply = await self._request("decline_offer", client, body)
        if isinstance(reply, Ok):
            log.info("declined offer %d (task %s)", offer.offer_id, offer.task.task_id)
        return isinstance(reply, Ok)

    async def complete_task(self, task_id: str) -> bool:
        """The agent finished the task; wrap-up may follow (wrapup_started)."""
        client = self._require("complete_task")
        if client is None:
            return False
        reply = await self._request("complete_task", client, CompleteTask(task_id=task_id))
        if isinstance(reply, Ok):
            log.info("completed task %s", task_id)
        return isinstance(reply, Ok)

    async def submit_wrapup(self, task_id: str, code: str = "", notes: str = "", follow_up: bool = False) -> bool:
        """End the after-call work of a task with a wrap-up code, notes and the follow-up flag."""
        client = self._require("submit_wrapup")
        if client is None:
            return False
        body = SubmitWrapUp(task_id=task_id, code=code, notes=notes, follow_up=follow_up)
        reply = await self._request("submit_wrapup", client, body)
        if isinstance(reply, Ok):
            log.info("submitted wrap-up of task %s: %s", task_id, code or "-")
        return isinstance(reply, Ok)

    async def list_queues(self) -> list[QueueStatus] | None:
        """Supervisor: every queue's live statistics; also emitted as queues_listed."""
        client = self._require("list_queues")
        if client is None:
            return None
        reply = await self._request("list_queues", client, ListQueues())
        if not isinstance(reply, QueueList):
            return None
        self.queues_listed.emit(list(reply.queues))
        return list(reply.queues)

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

    async def call(self, command: str, body: Message) -> Message | None:
        """Send any registered request; the reply, or None after command_failed was emitted.

        For subsystem hubs (interactions, customers) that interpret their own replies.
        """
        client = self._require(command)
        if client is None:
            return None
        return await self._request(command, client, body)

    async def request(self, body: Message, *, timeout: float | None = None) -> Message:
        """Send a registered request; its reply, or SwitchboardError (refused with its code and details,
        timed out, not logged in). For callers that must tell one refusal from another (a save CONFLICT,
        a form's per-field errors); :meth:`call` suits those that only show a message."""
        client = self._client
        if client is None or not self.is_logged_in:
            raise SwitchboardError(ErrorCode.NOT_LOGGED_IN, "not logged in")
        return await client.request(body, timeout=timeout)

    async def close(self) -> None:
        """Drop the connection without logging out (the edge times the session out)."""
        await self._teardown()

    # --- client callbacks (run on the loop, i.e. the GUI thread) --------------------

    def _on_client_push(self, body: Message, seq: int) -> None:
        if self._held is not None:
            self._held.append((body, seq))
            return
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
        elif isinstance(body, OfferMade):
            log.info("offer %d: task %s from queue %s", body.offer_id, body.task.task_id, body.task.queue)
            self.offer_received.emit(body)
        elif isinstance(body, OfferRescinded):
            log.info("offer %d rescinded: %s", body.offer_id, body.reason)
            self.offer_rescinded.emit(body)
        elif isinstance(body, TaskAssigned):
            self.task_assigned.emit(body)
        elif isinstance(body, TaskEnded):
            log.info("task %s ended: %s", body.task_id, body.reason)
            self.task_ended.emit(body)
        elif isinstance(body, WrapUpStarted):
            self.wrapup_started.emit(body)
        elif isinstance(body, WrapUpEnded):
            self._finished[body.task_id] = None
            while len(self._finished) > _FINISHED_REMEMBERED:
                self._finished.popitem(last=False)
            self.wrapup_ended.emit(body)
        else:
            self.push_received.emit(body)

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
        self._emit_work(snapshot)

    def _on_published(self, topic: bytes, body: Message) -> None:
        if isinstance(body, AgentStateChanged):
            self.agent_status_published.emit(body.status)
        elif isinstance(body, QueueStatus):
            self.queue_status_published.emit(body)

    # --- internals ------------------------------------------------------------------

    def _adopt_snapshot(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self.clock.sync(snapshot.server_time_ms)
        self._apply_own(snapshot.me)

    def _emit_work(self, snapshot: Snapshot) -> None:
        """Replay the work a snapshot holds as the signals live pushes would have given."""
        for offer in snapshot.offers:
            self.offer_received.emit(offer)
        for task in snapshot.tasks:
            self.task_assigned.emit(TaskAssigned(task=task))
        for wrapup in snapshot.wrapups:
            self.wrapup_started.emit(wrapup)

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
            endpoint, server_key=server_key, client_keys=client_keys, topics=[TOPIC_AGENT, TOPIC_QUEUE]
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
        self._held = None
        self._finished.clear()
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
