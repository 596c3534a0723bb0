"""EdgeClient against real servers: login, pushes, reconnect after restart or kill -9, resume."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from edge_server.bus.client import EdgeClient, LinkState
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Message, Snapshot
from edge_server.contract.wire import DEFAULT_MAX_FRAME_BYTES
from tests.edge_server.bus.bus_helpers import (
    BusTestHandler,
    Echo,
    EchoReply,
    KeySet,
    WhoAmI,
    running_server,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[3]


class Recorder:
    """Collects everything an EdgeClient reports."""

    def __init__(self, client: EdgeClient) -> None:
        self.states: list[LinkState] = []
        self.pushes: list[tuple[int, str]] = []
        self.snapshots: list[Snapshot] = []
        self.lost: list[SwitchboardError] = []
        client.on_link_state = self.states.append
        client.on_push = self._push
        client.on_snapshot = self.snapshots.append
        client.on_session_lost = self.lost.append

    def _push(self, body: Message, seq: int) -> None:
        assert isinstance(body, EchoReply)
        self.pushes.append((seq, body.text))


def _client(address: str, keyset: KeySet, **kw: object) -> EdgeClient:
    opts: dict[str, object] = dict(server_key=keyset.server.public, client_keys=keyset.client, client_id="desk1",
                                   heartbeat_ms=100, request_timeout_s=5.0)
    opts.update(kw)
    return EdgeClient(address, **opts)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_login_pushes_in_order_and_logout(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        async with _client(server.router_address, keyset) as client:
            rec = Recorder(client)
            await client.wait_up(3)
            ok = await client.login("alice", "pw", client_version="test")
            assert client.session_token == ok.session_token and client.last_seq == 0
            for i in range(1, 4):
                server.push("s-alice", EchoReply(text=f"p{i}"))
            await wait_for(lambda: len(rec.pushes) == 3, 3, "three pushes")
            assert rec.pushes == [(1, "p1"), (2, "p2"), (3, "p3")] and client.last_seq == 3
            await client.logout()
            assert client.session_token is None and client.last_seq == 0
            assert rec.lost == [] and rec.states == [LinkState.UP]


@pytest.mark.asyncio
async def test_edge_restart_on_the_same_port_reconnects_resumes_and_answers_the_pending_request(
    keyset: KeySet,
) -> None:
    tokens: dict[str, str] = {}
    async with running_server(keyset, BusTestHandler(tokens=tokens)) as (server_a, _):
        address = server_a.router_address
        client = _client(address, keyset)
        rec = Recorder(client)
        await client.start()
        await client.wait_up(3)
        await client.login("alice", "pw")
        server_a.push("s-alice", EchoReply(text="before"))
        await wait_for(lambda: rec.pushes == [(1, "before")], 3, "the first push")
    try:
        # server A is gone (sockets closed): the client notices the TCP disconnect at once
        await wait_for(lambda: client.link_state is LinkState.RECONNECTING, 2, "RECONNECTING")
        pending = asyncio.create_task(client.request(Echo(text="during the outage"), timeout=10))
        await asyncio.sleep(0.3)  # the outage lasts a while; the request must wait, not fail
        assert not pending.done()

        handler_b = BusTestHandler(tokens=tokens)  # the new edge finds the session in its "store"
        async with running_server(keyset, handler_b, router_endpoint=address) as (server_b, _):
            await client.wait_up(10)
            assert await asyncio.wait_for(pending, 10) == EchoReply(text="during the outage")
            # the new bus did not know the session: the app answered with a snapshot
            assert handler_b.resumed == [None]
            assert [s.seq for s in rec.snapshots] == [0] and client.last_seq == 0
            server_b.push("s-alice", EchoReply(text="after"))
            await wait_for(lambda: rec.pushes[-1:] == [(1, "after")], 3, "a push from the new edge")
            me = await client.request(WhoAmI(), timeout=3)
            assert isinstance(me, EchoReply) and me.session_id == "s-alice"
        assert rec.states[:4] == [LinkState.CONNECTING, LinkState.UP, LinkState.RECONNECTING, LinkState.UP]
        assert rec.lost == []
    finally:
        await client.close()
    assert client.link_state is LinkState.CLOSED


@pytest.mark.asyncio
async def test_a_session_the_new_edge_refuses_is_reported_lost(keyset: KeySet) -> None:
    async with running_server(keyset) as (server_a, _):
        address = server_a.router_address
        client = _client(address, keyset)
        rec = Recorder(client)
        await client.start()
        await client.login("alice", "pw")
    try:
        async with running_server(keyset, router_endpoint=address):  # fresh store: token unknown
            await client.wait_up(10)
            await wait_for(lambda: bool(rec.lost), 3, "on_session_lost")
            assert rec.lost[0].code is ErrorCode.SESSION_UNKNOWN
            assert client.session_token is None
            with pytest.raises(SwitchboardError) as e:
                await client.request(WhoAmI(), timeout=3)
            assert e.value.code is ErrorCode.NOT_LOGGED_IN
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_the_edge_notice_after_silence_makes_the_client_resume_on_the_same_link(keyset: KeySet) -> None:
    # The client heartbeats far slower than the edge's silence limit (a misconfiguration, or a
    # stalled uplink): the edge detaches the session, and says so at the next heartbeat.
    handler = BusTestHandler(login_heartbeat_ms=0)
    async with running_server(keyset, handler, heartbeat_ms=100, silence_ms=300) as (server, _):
        async with _client(server.router_address, keyset, heartbeat_ms=900) as client:
            rec = Recorder(client)
            await client.login("alice", "pw")
            await wait_for(lambda: bool(handler.silent), 2, "session_silent")
            server.push("s-alice", EchoReply(text="while detached"))
            await wait_for(lambda: bool(handler.resumed), 3, "the client's resume")
            assert handler.resumed[0] == 1  # the push made while detached is replayed
            await wait_for(lambda: rec.pushes == [(1, "while detached")], 2, "the replayed push")
            assert LinkState.RECONNECTING not in rec.states  # resumed without dropping the link
            assert rec.lost == [] and rec.snapshots == []


@pytest.mark.asyncio
async def test_requests_fail_with_unavailable_when_no_edge_answers(keyset: KeySet, tmp_path: Path) -> None:
    async with running_server(keyset) as (server, _):
        address = server.router_address
    async with _client(address, keyset) as client:  # nothing listens there any more
        with pytest.raises(SwitchboardError) as e:
            await client.request(Echo(text="anyone?"), timeout=0.3)
        assert e.value.code is ErrorCode.UNAVAILABLE and "could not be reached" in e.value.message
        assert client.link_state is LinkState.CONNECTING
        pending = asyncio.create_task(client.request(Echo(text="x"), timeout=10))
        await asyncio.sleep(0)  # let it register as pending before the close
    await asyncio.wait([pending], timeout=1)  # close() failed it; it finishes without its 10 s
    with pytest.raises(SwitchboardError) as e:
        pending.result()
    assert e.value.code is ErrorCode.UNAVAILABLE and "closed" in e.value.message


@pytest.mark.asyncio
async def test_not_a_request_type_is_refused_locally(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, _):
        async with _client(server.router_address, keyset) as client:
            with pytest.raises(SwitchboardError) as e:
                await client.request(EchoReply(text="a reply, not a request"), timeout=1)
            assert e.value.code is ErrorCode.UNKNOWN_TYPE
            with pytest.raises(SwitchboardError) as e:
                await client.request(Echo(text="x" * (DEFAULT_MAX_FRAME_BYTES + 10)), timeout=1)
            assert e.value.code is ErrorCode.TOO_LARGE


# --- a real edge process, killed with SIGKILL ----------------------------------------------


@contextmanager
def _edge_process(keyset: KeySet, tokens: Path, endpoint: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.edge_server.bus.bus_edge_proc", str(keyset.base / "edge" / "edge.key_secret"),
         str(keyset.allow_dir), str(tokens), endpoint],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # bounded by the pytest timeout; the child prints at once
        assert line.startswith("READY "), f"edge process did not start: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"  # type: ignore[union-attr]
        yield proc, line.split()[1]
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.e2e
@pytest.mark.asyncio
async def test_link_comes_back_up_after_the_edge_process_is_killed_and_restarted(
    keyset: KeySet, tmp_path: Path
) -> None:
    tokens = tmp_path / "tokens.json"
    with _edge_process(keyset, tokens, "tcp://127.0.0.1:0") as (proc, address):
        client = _client(address, keyset)
        rec = Recorder(client)
        await client.start()
        await client.wait_up(5)
        await client.login("alice", "pw")
        os.kill(proc.pid, signal.SIGKILL)
        await wait_for(lambda: client.link_state is LinkState.RECONNECTING, 3, "RECONNECTING")
    try:
        with _edge_process(keyset, tokens, address):
            await client.wait_up(10)
            assert await client.request(Echo(text="back"), timeout=5) == EchoReply(text="back")
            me = await client.request(WhoAmI(), timeout=5)
            assert isinstance(me, EchoReply) and me.session_id == "s-alice"
            assert [s.seq for s in rec.snapshots] == [0]
            assert rec.states[:4] == [LinkState.CONNECTING, LinkState.UP, LinkState.RECONNECTING, LinkState.UP]
    finally:
        await client.close()
