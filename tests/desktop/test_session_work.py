"""EdgeSession's work signals and commands over a real CURVE bus (BusServer + a scripted edge).

The edge's routing is played by a small handler so every push and reply is known;
the sockets, framing, sessions and the PUB stream are the real ones.
"""
from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.session import EdgeSession
from desktop_fakes import REASONS, T0, offer, queue_status, status, task
from edge_server.bus.config import BusConfig
from edge_server.bus.connection import Connection
from edge_server.bus.keys import generate_keypair, load_keypair
from edge_server.bus.server import BusServer
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import (
    TOPIC_QUEUE,
    AcceptOffer,
    CompleteTask,
    DeclineOffer,
    ListQueues,
    Login,
    LoginOk,
    Logout,
    Message,
    OfferMade,
    OfferRescinded,
    Ok,
    QueueList,
    RequestSpec,
    Role,
    Snapshot,
    SubmitWrapUp,
    TaskAssigned,
    TaskEnded,
    TaskInfo,
    WrapUpEnded,
    WrapUpStarted,
)


@dataclass
class ScriptedEdge:
    """Plays the edge's work side: answers the work requests, pushes what a test tells it to."""

    role: Role = Role.AGENT
    offers: list[OfferMade] = field(default_factory=list)
    tasks: list[TaskInfo] = field(default_factory=list)
    wrapups: list[WrapUpStarted] = field(default_factory=list)
    pushes_with_login: list[Message] = field(default_factory=list)  # pushed before the reply goes
    refuse_accept: bool = False
    requests: list[Message] = field(default_factory=list)
    bus: BusServer | None = None
    session_id: str = ""

    async def handle_request(self, conn: Connection, spec: RequestSpec, body: Message) -> Message:
        assert self.bus is not None
        self.requests.append(body)
        match body:
            case Login(username=user):
                self.session_id = f"s-{user}"
                self.bus.open_session(conn, self.session_id)
                for p in self.pushes_with_login:
                    self.bus.push(self.session_id, p)
                snap = Snapshot(
                    me=status(user, role=self.role), role=self.role, reason_codes=list(REASONS),
                    server_time_ms=T0, offers=self.offers, tasks=self.tasks, wrapups=self.wrapups,
                )
                return LoginOk(session_token=secrets.token_hex(8), snapshot=snap, heartbeat_ms=100,
                               pub_port=self.bus.pub_port)
            case AcceptOffer(offer_id=offer_id, task_id=task_id):
                if self.refuse_accept:
                    raise SwitchboardError(ErrorCode.CONFLICT, "the offer is no longer open")
                return TaskAssigned(task=task(task_id), offer_id=offer_id)
            case DeclineOffer() | CompleteTask() | SubmitWrapUp():
                return Ok()
            case ListQueues():
                return QueueList(queues=[queue_status("billing.zh", waiting=2), queue_status("sales")])
            case Logout():
                self.bus.close_session(self.session_id)
                return Ok()
        raise SwitchboardError(ErrorCode.NOT_FOUND, f"the scripted edge does not do {spec.name}")

    async def session_silent(self, session_id: str) -> None:
        pass

    def push(self, body: Message) -> None:
        assert self.bus is not None
        self.bus.push(self.session_id, body)


@dataclass
class Keys:
    server: Any
    client: tuple[bytes, bytes]
    allow: Path


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    _, server_secret = generate_keypair(tmp_path / "edge", "edge")
    client_public, client_secret = generate_keypair(tmp_path / "desktops", "desk1")
    allow = tmp_path / "allowed"
    allow.mkdir()
    (allow / "desk1.key").write_bytes(client_public.read_bytes())
    ck = load_keypair(client_secret)
    return Keys(load_keypair(server_secret), (ck.public, ck.secret), allow)


def _run(qtbot: QtBot, coro, timeout_ms: int = 5000):  # noqa: ANN001, ANN202
    task_ = asyncio.get_running_loop().create_task(coro)
    qtbot.waitUntil(task_.done, timeout=timeout_ms)
    return task_.result()


@pytest.fixture
def edge(qtbot: QtBot, qloop: asyncio.AbstractEventLoop, keys: Keys) -> Iterator[ScriptedEdge]:
    handler = ScriptedEdge()
    cfg = BusConfig(router_endpoint="tcp://127.0.0.1:0", pub_endpoint="tcp://127.0.0.1:0",
                    heartbeat_ms=100, silence_ms=1000)
    server = BusServer(cfg, keys.server, keys.allow, handler)
    handler.bus = server
    _run(qtbot, server.__aenter__())
    try:
        yield handler
    finally:
        _run(qtbot, server.__aexit__(None, None, None))


def _login(qtbot: QtBot, s: EdgeSession, edge: ScriptedEdge, keys: Keys) -> None:
    assert edge.bus is not None
    ok = _run(qtbot, s.login(edge.bus.router_address, "alice", "pw", server_key=keys.server.public,
                             client_keys=keys.client))
    assert ok


def _record(s: EdgeSession) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []
    for name in ("logged_in", "offer_received", "offer_rescinded", "task_assigned", "task_ended",
                 "wrapup_started", "wrapup_ended", "queue_status_published", "queues_listed"):
        getattr(s, name).connect(lambda arg, name=name: seen.append((name, arg)))
    return seen


@pytest.fixture
def session(qloop: asyncio.AbstractEventLoop, qtbot: QtBot) -> Iterator[EdgeSession]:
    s = EdgeSession(client_id="test-work", login_timeout_s=5, request_timeout_s=5, heartbeat_ms=100)
    yield s
    _run(qtbot, s.close())


def test_snapshot_work_is_replayed_after_logged_in_and_held_pushes_after_that(
    qtbot: QtBot, edge: ScriptedEdge, keys: Keys, session: EdgeSession
) -> None:
    edge.offers = [offer(1, task("t3"), now_ms=T0)]
    edge.tasks = [task("t1"), task("t2")]
    edge.wrapups = [WrapUpStarted(task_id="t2", codes=["resolved"])]
    # Pushed while login is answered: they reach the desktop right behind the reply.
    edge.pushes_with_login = [OfferRescinded(offer_id=1, task_id="t3", reason="taken"),
                              TaskEnded(task_id="t1", reason="cancelled")]
    seen = _record(session)
    _login(qtbot, session, edge, keys)
    qtbot.waitUntil(lambda: len(seen) == 7, timeout=3000)
    assert [name for name, _ in seen] == [
        "logged_in", "offer_received", "task_assigned", "task_assigned", "wrapup_started",
        "offer_rescinded", "task_ended",
    ]
    assert seen[1][1].offer_id == 1
    assert [seen[2][1].task.task_id, seen[3][1].task.task_id] == ["t1", "t2"]
    assert seen[4][1].codes == ["resolved"]
    assert seen[5][1].reason == "taken" and seen[6][1].task_id == "t1"


def test_pushes_and_commands(qtbot: QtBot, edge: ScriptedEdge, keys: Keys, session: EdgeSession) -> None:
    _login(qtbot, session, edge, keys)
    seen = _record(session)
    made = offer(5, task("t5"), now_ms=T0)
    edge.push(made)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=3000)
    assert seen[0] == ("offer_received", made)

    assigned = _run(qtbot, session.accept_offer(made))
    assert isinstance(assigned, TaskAssigned) and assigned.task.task_id == "t5"
    assert seen[-1] == ("task_assigned", assigned)
    assert _run(qtbot, session.decline_offer(offer(6, task("t6")), "busy")) is True
    assert _run(qtbot, session.complete_task("t5")) is True
    edge.push(WrapUpStarted(task_id="t5", until_ms=T0 + 30_000, codes=["resolved"]))
    qtbot.waitUntil(lambda: seen[-1][0] == "wrapup_started", timeout=3000)
    assert _run(qtbot, session.submit_wrapup("t5", "resolved", "refund sent")) is True
    edge.push(WrapUpEnded(task_id="t5", code="resolved"))
    qtbot.waitUntil(lambda: seen[-1][0] == "wrapup_ended", timeout=3000)
    assert [type(r).__name__ for r in edge.requests[1:]] == [
        "AcceptOffer", "DeclineOffer", "CompleteTask", "SubmitWrapUp",
    ]
    assert edge.requests[1] == AcceptOffer(offer_id=5, task_id="t5")
    assert edge.requests[2] == DeclineOffer(offer_id=6, task_id="t6", reason="busy")
    assert edge.requests[4] == SubmitWrapUp(task_id="t5", code="resolved", notes="refund sent")


def test_refused_accept_is_a_command_failure(
    qtbot: QtBot, edge: ScriptedEdge, keys: Keys, session: EdgeSession
) -> None:
    edge.refuse_accept = True
    _login(qtbot, session, edge, keys)
    assigned: list[TaskAssigned] = []
    session.task_assigned.connect(assigned.append)
    with qtbot.waitSignal(session.command_failed, timeout=3000) as failed:
        assert _run(qtbot, session.accept_offer(offer(1))) is None
    assert failed.args == ["accept_offer", "The edge server refused: the offer is no longer open"]
    assert assigned == []


def test_supervisor_gets_queue_list_and_queue_stream(
    qtbot: QtBot, edge: ScriptedEdge, keys: Keys, session: EdgeSession
) -> None:
    edge.role = Role.SUPERVISOR
    _login(qtbot, session, edge, keys)
    seen = _record(session)
    queues = _run(qtbot, session.list_queues())
    assert [q.queue for q in queues] == ["billing.zh", "sales"]
    assert seen == [("queues_listed", queues)]
    assert edge.bus is not None
    # PUB/SUB joins asynchronously (the slow joiner): publish until one arrives.
    update = queue_status("billing.zh", waiting=5, service_level_pct=70.0)

    def arrived() -> bool:
        edge.bus.publish(TOPIC_QUEUE, update)  # type: ignore[union-attr]
        return any(name == "queue_status_published" for name, _ in seen)

    qtbot.waitUntil(arrived, timeout=3000)
    assert ("queue_status_published", update) in seen


def test_commands_before_login_fail_politely(qtbot: QtBot, session: EdgeSession) -> None:
    failures: list[str] = []
    session.command_failed.connect(lambda cmd, _msg: failures.append(cmd))
    assert _run(qtbot, session.accept_offer(offer(1))) is None
    assert _run(qtbot, session.decline_offer(offer(1))) is False
    assert _run(qtbot, session.complete_task("t1")) is False
    assert _run(qtbot, session.submit_wrapup("t1", "x")) is False
    assert _run(qtbot, session.list_queues()) is None
    assert failures == ["accept_offer", "decline_offer", "complete_task", "submit_wrapup", "list_queues"]
