"""Sessions on the server, driven by raw DEALERs: dedup, silence, resume, replay, ordering."""
from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from edge_server.bus.server import BusServer
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Kicked, Login, LoginOk, Resume, ResumeOk
from edge_server.contract.wire import PROTOCOL_VERSION, Kind
from tests.edge_server.bus.bus_helpers import (
    BusTestHandler,
    Count,
    CountReply,
    Echo,
    EchoReply,
    KeySet,
    RawPeer,
    WhoAmI,
    body_of,
    error_of,
    running_server,
    wait_for,
)


async def _login(peer: RawPeer, user: str = "alice", *, rid: str | None = None) -> LoginOk:
    rid = await peer.request("login", Login(username=user, password="pw"), rid=rid)
    return body_of(await peer.recv_for(rid), LoginOk)


async def _pushes(peer: RawPeer, n: int, timeout: float = 2.0) -> list[tuple[int, str]]:
    got: list[tuple[int, str]] = []
    while len(got) < n:
        frame = await peer.recv(timeout)
        if frame.k is Kind.PUSH:
            got.append((frame.seq, body_of(frame, EchoReply).text))
    return got


def _push(server: BusServer, sid: str, text: str) -> int:
    return server.push(sid, EchoReply(text=text))


# --- de-duplication ------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_repeated_request_is_answered_from_the_first_run(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        peer = RawPeer(server.router_address, keyset)
        try:
            rid = await peer.request("test.count", Count())
            first = await peer.recv_for(rid)
            await peer.request("test.count", Count(), rid=rid)  # the same (cid, rid) again
            second = await peer.recv_for(rid)
            assert body_of(first, CountReply) == body_of(second, CountReply) == CountReply(calls=1)
            assert handler.counted == 1

            # concurrently: the repeat arrives while the first is still running
            rid = uuid.uuid4().hex
            await peer.request("test.count", Count(delay_ms=300), rid=rid)
            await peer.request("test.count", Count(delay_ms=300), rid=rid)
            replies = [body_of(await peer.recv_for(rid), CountReply) for _ in range(2)]
            assert replies == [CountReply(calls=2), CountReply(calls=2)]
            assert handler.counted == 2

            # another client id with the same rid is another request
            await peer.request("test.count", Count(), rid=rid, cid="someone-else")
            assert body_of(await peer.recv_for(rid), CountReply) == CountReply(calls=3)

            # idempotent requests are simply run again
            for _ in range(2):
                await peer.request("test.echo", Echo(text="e"), rid="same")
                assert (await peer.recv_for("same")).k is Kind.REPLY
            assert handler.calls.count("test.echo") == 2
        finally:
            peer.close()


@pytest.mark.asyncio
async def test_a_login_retried_from_a_new_connection_moves_the_session_there(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        a = RawPeer(server.router_address, keyset)
        try:
            ok_a = await _login(a, rid="login-1")
        finally:
            a.close()  # the reply "got lost" with this connection
        _push(server, "s-alice", "while away")
        b = RawPeer(server.router_address, keyset)
        b.cid = a.cid  # same desktop, new connection, same (cid, rid)
        try:
            ok_b = await _login(b, rid="login-1")
            assert ok_b.session_token == ok_a.session_token
            assert handler.calls.count("login") == 1
            assert await _pushes(b, 1) == [(1, "while away")]  # replayed after the reply
            rid = await b.request("test.whoami", WhoAmI())
            assert body_of(await b.recv_for(rid), EchoReply).session_id == "s-alice"
        finally:
            b.close()


# --- ordering around login/resume ---------------------------------------------------


@pytest.mark.asyncio
async def test_pushes_made_during_login_follow_its_reply(keyset: KeySet) -> None:
    handler = BusTestHandler(pushes_during_login=2)
    async with running_server(keyset, handler) as (server, _):
        peer = RawPeer(server.router_address, keyset)
        try:
            rid = await peer.request("login", Login(username="bob", password="pw"))
            kinds = [await peer.recv() for _ in range(3)]
            assert [f.k for f in kinds] == [Kind.REPLY, Kind.PUSH, Kind.PUSH]
            assert kinds[0].rid == rid and [f.seq for f in kinds[1:]] == [1, 2]
        finally:
            peer.close()


# --- liveness --------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_silent_session_is_reported_once_within_silence_plus_one_second(keyset: KeySet) -> None:
    silence_ms = 500
    async with running_server(keyset, silence_ms=silence_ms) as (server, handler):
        peer = RawPeer(server.router_address, keyset)
        try:
            await _login(peer)
            last_frame_at = time.monotonic()
            assert server.is_connected("s-alice")
            await wait_for(lambda: bool(handler.silent), silence_ms / 1000 + 1.0, "session_silent")
            sid, at = handler.silent[0]
            assert sid == "s-alice"
            assert silence_ms / 1000 <= at - last_frame_at <= silence_ms / 1000 + 1.0
            assert not server.is_connected("s-alice")
            await asyncio.sleep(silence_ms / 1000)  # another silence period: still reported only once
            assert len(handler.silent) == 1

            # The same connection speaks again: it is told its session was detached.
            await peer.send_frame(v=PROTOCOL_VERSION, k=Kind.HEARTBEAT, seq=0)
            frames = [await peer.recv(), await peer.recv()]
            notice = next(f for f in frames if f.k is Kind.ERROR)
            assert notice.rid == "" and error_of(notice)[0] == "session_unknown"
            assert any(f.k is Kind.HEARTBEAT for f in frames)
        finally:
            peer.close()


@pytest.mark.asyncio
async def test_heartbeats_keep_a_session_alive_and_are_answered(keyset: KeySet) -> None:
    async with running_server(keyset, heartbeat_ms=100, silence_ms=400) as (server, handler):
        peer = RawPeer(server.router_address, keyset)
        try:
            await _login(peer)
            _push(server, "s-alice", "one")
            assert await _pushes(peer, 1) == [(1, "one")]
            t_end = time.monotonic() + 1.0
            while time.monotonic() < t_end:
                await peer.send_frame(v=PROTOCOL_VERSION, k=Kind.HEARTBEAT, seq=1)
                frame = await peer.recv(1)
                assert frame.k is Kind.HEARTBEAT and frame.seq == 1  # the session's current seq
                await asyncio.sleep(0.1)
            assert handler.silent == []
            assert server.is_connected("s-alice")
        finally:
            peer.close()


# --- resume ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_pushes_missed_while_away_are_replayed_in_order_after_the_resume_reply(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        a = RawPeer(server.router_address, keyset)
        try:
            ok = await _login(a)
            for i in range(1, 4):
                _push(server, "s-alice", f"p{i}")
            assert await _pushes(a, 3) == [(1, "p1"), (2, "p2"), (3, "p3")]
        finally:
            a.close()
        for i in range(4, 7):
            assert _push(server, "s-alice", f"p{i}") == i  # buffered: nobody to send to
        b = RawPeer(server.router_address, keyset)
        try:
            rid = await b.request("resume", Resume(session_token=ok.session_token, last_seq=3))
            first = await b.recv()
            assert first.k is Kind.REPLY and first.rid == rid
            assert body_of(first, ResumeOk) == ResumeOk(replayed=3)
            assert await _pushes(b, 3) == [(4, "p4"), (5, "p5"), (6, "p6")]
            _push(server, "s-alice", "p7")
            assert await _pushes(b, 1) == [(7, "p7")]
        finally:
            b.close()
        assert handler.resumed == [3]


@pytest.mark.asyncio
async def test_resume_beyond_the_replay_buffer_falls_back_to_a_snapshot(keyset: KeySet) -> None:
    async with running_server(keyset, replay_buffer=3) as (server, handler):
        a = RawPeer(server.router_address, keyset)
        try:
            ok = await _login(a)
        finally:
            a.close()
        for i in range(1, 11):
            _push(server, "s-alice", f"p{i}")
        b = RawPeer(server.router_address, keyset)
        try:
            rid = await b.request("resume", Resume(session_token=ok.session_token, last_seq=0))
            reply = body_of(await b.recv_for(rid), ResumeOk)
            assert reply.snapshot is not None and reply.snapshot.seq == 10 and reply.replayed == 0
            assert handler.resumed == [None]
            _push(server, "s-alice", "after snapshot")
            assert await _pushes(b, 1) == [(11, "after snapshot")]
        finally:
            b.close()


@pytest.mark.asyncio
async def test_acknowledged_pushes_are_no_longer_replayable(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        a = RawPeer(server.router_address, keyset)
        try:
            await _login(a)
            for i in range(1, 4):
                _push(server, "s-alice", f"p{i}")
            await _pushes(a, 3)
            await a.send_frame(v=PROTOCOL_VERSION, k=Kind.HEARTBEAT, seq=3)  # "processed up to 3"
            assert (await a.recv()).k is Kind.HEARTBEAT
            conn_b = RawPeer(server.router_address, keyset)
            try:
                # Ask the bus directly, with the Connection it made for conn_b (white box: the
                # handler would need a token-less resume to show this over the wire).
                await conn_b.send_frame(v=PROTOCOL_VERSION, k=Kind.HEARTBEAT, seq=0)
                await conn_b.recv()
                conn = next(c for c in server._conns.values() if c.session_id is None)
                assert server.resume_session(conn, "s-alice", 1) is None  # 2 and 3 were trimmed
                assert server.resume_session(conn, "s-alice", 3) == 0
            finally:
                conn_b.close()
        finally:
            a.close()


@pytest.mark.asyncio
async def test_resuming_elsewhere_detaches_the_old_connection_and_tells_the_app(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        a = RawPeer(server.router_address, keyset)
        b = RawPeer(server.router_address, keyset)
        try:
            ok = await _login(a)
            rid = await b.request("resume", Resume(session_token=ok.session_token, last_seq=0))
            assert body_of(await b.recv_for(rid), ResumeOk) == ResumeOk(replayed=0)
            await wait_for(lambda: handler.detached == ["s-alice"], 2, "session_detached")
            rid = await a.request("test.whoami", WhoAmI())
            assert error_of(await a.recv_for(rid))[0] == "not_logged_in"
            _push(server, "s-alice", "to b")
            assert await _pushes(b, 1) == [(1, "to b")]
        finally:
            a.close()
            b.close()


@pytest.mark.asyncio
async def test_kick_pushes_then_ends_the_session(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, _):
        peer = RawPeer(server.router_address, keyset)
        try:
            await _login(peer)
            server.kick("s-alice", Kicked(reason="logged in elsewhere"))
            frame = await peer.recv()
            assert frame.k is Kind.PUSH and body_of(frame, Kicked).reason == "logged in elsewhere"
            with pytest.raises(SwitchboardError) as e:
                server.push("s-alice", EchoReply(text="x"))
            assert e.value.code is ErrorCode.SESSION_UNKNOWN
            assert not server.is_connected("s-alice") and server.current_seq("s-alice") == 0
            rid = await peer.request("test.whoami", WhoAmI())
            assert error_of(await peer.recv_for(rid))[0] == "not_logged_in"
        finally:
            peer.close()


@pytest.mark.asyncio
async def test_connections_without_a_session_are_forgotten_when_silent(keyset: KeySet) -> None:
    async with running_server(keyset, silence_ms=300) as (server, handler):
        peer = RawPeer(server.router_address, keyset)
        try:
            await peer.send_frame(v=PROTOCOL_VERSION, k=Kind.HEARTBEAT, seq=0)
            assert (await peer.recv()).k is Kind.HEARTBEAT
            assert len(server._conns) == 1  # white box: the table the liveness loop prunes
            await wait_for(lambda: not server._conns, 2, "the idle connection to be forgotten")
            assert handler.silent == []  # nothing to report: it never had a session
            rid = await peer.request("test.echo", Echo(text="back"))  # and it may come back any time
            assert (await peer.recv_for(rid)).k is Kind.REPLY
        finally:
            peer.close()
