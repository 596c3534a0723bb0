"""EdgeSession with the real client and real sockets, but no edge answering."""
from __future__ import annotations

import asyncio
import socket

from pytestqt.qtbot import QtBot

from desktop.session import EdgeSession
from edge_server.contract.messages import AgentState


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session(qtbot: QtBot) -> EdgeSession:
    s = EdgeSession(client_id="test-offline", login_timeout_s=0.6, request_timeout_s=0.6, heartbeat_ms=100)
    return s


def test_unreachable_edge_fails_login_with_a_human_message(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    s = _session(qtbot)
    edge = f"tcp://127.0.0.1:{_unused_port()}"
    links: list[str] = []
    s.link_state_changed.connect(links.append)
    with qtbot.waitSignal(s.login_failed, timeout=5000) as sig:
        task = qloop.create_task(s.login(edge, "alice", "pw"))
    qtbot.waitUntil(task.done, timeout=5000)
    assert task.result() is False
    code, message = sig.args
    assert code == "unavailable"
    assert edge in message and "cannot be reached" in message
    assert not s.is_logged_in
    assert links[0] == "connecting" and links[-1] == "closed"  # the client was closed again


def test_malformed_endpoint_fails_login(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    s = _session(qtbot)
    with qtbot.waitSignal(s.login_failed, timeout=5000) as sig:
        task = qloop.create_task(s.login("tcp://no port here", "alice", "pw"))
    qtbot.waitUntil(task.done, timeout=5000)
    assert sig.args[0] == "unavailable"
    assert s.last_login_error is not None and "no port here" in s.last_login_error.message


def test_commands_before_login_fail_politely(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    s = _session(qtbot)
    failures: list[tuple[str, str]] = []
    s.command_failed.connect(lambda cmd, msg: failures.append((cmd, msg)))
    task = qloop.create_task(s.set_state(AgentState.READY))
    qtbot.waitUntil(task.done, timeout=2000)
    assert task.result() is None
    assert failures == [("set_state", "Your session has ended. Please log in again.")]
