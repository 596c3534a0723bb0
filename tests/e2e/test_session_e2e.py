"""The real edge process with the real client library: login, state, supervision, security, recovery."""
from __future__ import annotations

import asyncio
import time

import msgspec
import pytest
import zmq
import zmq.asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge_server.contract import messages as m
from edge_server.contract import wire
from edge_server.contract.errors import ErrorCode, SwitchboardError

from e2e_support import EdgeProcess, client_keys, make_client, server_key  # type: ignore[import-not-found]

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]


async def _wait_for(pred, timeout: float = 5.0, interval: float = 0.02) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


async def _subscriber(edge: EdgeProcess, name: str):  # noqa: ANN202
    from edge_server.bus.client import EdgeSubscriber

    sub = EdgeSubscriber(edge.pub, server_key=server_key(edge), client_keys=client_keys(edge, name),
                         topics=[m.TOPIC_AGENT])
    seen: list[tuple[float, m.AgentStatus]] = []
    sub.on_message = lambda topic, body: seen.append((time.monotonic(), body.status))
    await sub.start()
    return sub, seen


async def test_login_state_change_reaches_supervisor(edge: EdgeProcess) -> None:
    async with make_client(edge, "desk1") as alice, make_client(edge, "sup1") as sup:
        ok = await alice.login("alice", "switchboard")
        assert ok.snapshot.me.state == m.AgentState.NOT_READY
        assert ok.snapshot.role == m.Role.AGENT
        assert {r.code for r in ok.snapshot.reason_codes} >= {"break", "lunch"}
        await sup.login("sup", "switchboard")
        sub, seen = await _subscriber(edge, "sup1")
        try:
            await asyncio.sleep(0.3)  # PUB/SUB joins asynchronously (slow-joiner)
            reply = await alice.request(m.SetState(state=m.AgentState.READY))
            assert isinstance(reply, m.AgentStateChanged) and reply.status.state == m.AgentState.READY
            await _wait_for(lambda: any(s.username == "alice" and s.state == "ready" for _, s in seen))
            agents = await sup.request(m.ListAgents())
            assert isinstance(agents, m.AgentList)
            me = next(a for a in agents.agents if a.username == "alice")
            assert me.state == m.AgentState.READY and me.connected
            forced = await sup.request(m.ForceState(username="alice", state=m.AgentState.NOT_READY,
                                                    reason="meeting"))
            assert isinstance(forced, m.AgentStateChanged) and forced.by == "sup"
            snap = await alice.request(m.GetSnapshot())
            assert isinstance(snap, m.Snapshot)
            assert (snap.me.state, snap.me.reason) == (m.AgentState.NOT_READY, "meeting")
        finally:
            await sub.close()


async def test_wrong_password_is_refused_then_throttled(edge: EdgeProcess) -> None:
    async with make_client(edge, "desk1") as c:
        for _ in range(5):
            with pytest.raises(SwitchboardError) as info:
                await c.login("bob", "wrong-password")
            assert info.value.code == ErrorCode.AUTH_FAILED
        with pytest.raises(SwitchboardError) as info:
            await c.login("bob", "switchboard")  # right password, but locked out for now
        assert info.value.code == ErrorCode.THROTTLED
        assert info.value.details["retry_after_s"] > 0
        # ...and this desktop is locked out too (per-key throttle against password spraying)...
        with pytest.raises(SwitchboardError) as info:
            await c.login("alice", "switchboard")
        assert info.value.code == ErrorCode.THROTTLED
    async with make_client(edge, "desk2") as other:  # ...but other desktops and users are not
        ok = await other.login("alice", "switchboard")
        assert ok.snapshot.me.username == "alice"


async def test_roles_are_checked_on_every_command(edge: EdgeProcess) -> None:
    async with make_client(edge, "desk1") as c:
        with pytest.raises(SwitchboardError) as info:
            await c.request(m.SetState(state=m.AgentState.READY))
        assert info.value.code == ErrorCode.NOT_LOGGED_IN
        await c.login("alice", "switchboard")
        for req in (m.ListAgents(), m.ListUsers(),
                    m.ForceState(username="bob", state=m.AgentState.READY),
                    m.AddUser(username="eve", display_name="Eve", password="longenough1")):
            with pytest.raises(SwitchboardError) as info:
                await c.request(req)
            assert info.value.code == ErrorCode.FORBIDDEN, req
        with pytest.raises(SwitchboardError) as info:
            await c.request(m.SetState(state=m.AgentState.NOT_READY, reason="no-such-reason"))
        assert info.value.code == ErrorCode.INVALID_ARGUMENT


async def test_admin_adds_and_disables_a_user_over_the_wire(edge: EdgeProcess) -> None:
    async with make_client(edge, "sup1") as admin, make_client(edge, "desk2") as desk:
        await admin.login("admin", "switchboard")
        info = await admin.request(m.AddUser(username="wang.fang", display_name="王芳",
                                             password="longenough1", skills={"billing": 3}))
        assert isinstance(info, m.UserInfo) and info.display_name == "王芳"
        with pytest.raises(SwitchboardError) as err:
            await admin.request(m.AddUser(username="wang.fang", display_name="x", password="longenough1"))
        assert err.value.code == ErrorCode.CONFLICT
        await desk.login("wang.fang", "longenough1")
        kicked: list[m.Message] = []
        desk.on_push = lambda body, seq: kicked.append(body)
        await admin.request(m.SetUserDisabled(username="wang.fang", disabled=True))
        await _wait_for(lambda: any(isinstance(b, m.Kicked) for b in kicked))
        with pytest.raises(SwitchboardError) as err:
            await desk.login("wang.fang", "longenough1")
        assert err.value.code == ErrorCode.AUTH_FAILED


async def test_unknown_client_key_gets_nothing(edge: EdgeProcess) -> None:
    from edge_server.bus.client import EdgeClient

    stranger = EdgeClient(edge.router, server_key=server_key(edge), client_keys=zmq.curve_keypair(),
                          client_id="stranger", request_timeout_s=1.5)
    async with stranger:
        with pytest.raises(SwitchboardError) as info:
            await stranger.login("alice", "switchboard")
        assert info.value.code == ErrorCode.UNAVAILABLE
    async with make_client(edge, "desk1") as ok:  # and the edge still serves approved desktops
        await ok.login("alice", "switchboard")


async def test_silent_desktop_is_set_not_ready_within_5s(edge: EdgeProcess) -> None:
    async with make_client(edge, "sup1") as sup:
        await sup.login("sup", "switchboard")
        sub, seen = await _subscriber(edge, "sup1")
        try:
            alice = make_client(edge, "desk1")
            await alice.start()
            await alice.login("alice", "switchboard")
            await alice.request(m.SetState(state=m.AgentState.READY))
            await asyncio.sleep(0.3)
            gone_at = time.monotonic()
            await alice.close()  # no logout: the desktop just vanishes
            await _wait_for(
                lambda: any(s.username == "alice" and s.state == "not_ready" and s.reason == "disconnected"
                            for _, s in seen),
                timeout=6,
            )
            t = next(t for t, s in seen if s.username == "alice" and s.reason == "disconnected")
            assert t - gone_at < 5.0
        finally:
            await sub.close()


async def test_edge_killed_and_restarted_desktop_resumes_by_itself(edge: EdgeProcess) -> None:
    states: list[str] = []
    async with make_client(edge, "desk1", request_timeout_s=20) as alice:
        alice.on_link_state = lambda s: states.append(str(s))
        snapshots: list[m.Snapshot] = []
        alice.on_snapshot = snapshots.append
        await alice.login("alice", "switchboard")
        acked = []
        for i in range(20):
            st_ = m.SetState(state=m.AgentState.READY) if i % 2 else m.SetState(state=m.AgentState.NOT_READY,
                                                                                 reason="break")
            r = await alice.request(st_)
            acked.append(r)
        last = acked[-1].status.state
        edge.kill()
        edge.start()  # same ports
        await _wait_for(lambda: "reconnecting" in states and states[-1] == "up", timeout=20)
        snap = await alice.request(m.GetSnapshot())
        assert isinstance(snap, m.Snapshot)
        assert snap.me.state == last  # the last acknowledged change survived SIGKILL
        r = await alice.request(m.SetState(state=m.AgentState.ACW))
        assert r.status.state == m.AgentState.ACW


async def _raw_dealer(edge: EdgeProcess, ctx: zmq.asyncio.Context) -> zmq.asyncio.Socket:
    s = ctx.socket(zmq.DEALER)
    s.linger = 0
    s.curve_serverkey = server_key(edge)
    s.curve_publickey, s.curve_secretkey = client_keys(edge, "desk2")
    s.connect(edge.router)
    return s


def _req(body: m.Message, rid: str, v: int = wire.PROTOCOL_VERSION) -> bytes:
    return wire.encode_frame(wire.Frame(v=v, k=wire.Kind.REQUEST, t=m.type_name(body), rid=rid, cid="raw",
                                        body=wire.encode_body(body)))


async def _recv_reply(s: zmq.asyncio.Socket, rid: str) -> wire.Frame:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if await s.poll(500):
            f = wire.decode_frame(await s.recv())
            if f.rid == rid and f.k in (wire.Kind.REPLY, wire.Kind.ERROR):
                return f
    raise AssertionError(f"no reply to {rid}")


async def test_protocol_version_mismatch_names_both_versions(edge: EdgeProcess) -> None:
    ctx = zmq.asyncio.Context()
    s = await _raw_dealer(edge, ctx)
    try:
        await s.send(_req(m.Login(username="alice", password="switchboard"), "r1", v=99))
        f = await _recv_reply(s, "r1")
        err = wire.error_from_frame(f)
        assert err.code == ErrorCode.PROTOCOL_VERSION
        assert "99" in err.message and str(wire.PROTOCOL_VERSION) in err.message
    finally:
        s.close()
        ctx.term()


async def test_duplicate_command_is_answered_once(edge: EdgeProcess) -> None:
    ctx = zmq.asyncio.Context()
    s = await _raw_dealer(edge, ctx)
    try:
        await s.send(_req(m.Login(username="bob", password="switchboard"), "login-1"))
        assert (await _recv_reply(s, "login-1")).k == wire.Kind.REPLY
        frame = _req(m.SetState(state=m.AgentState.READY), "dup-1")
        await s.send(frame)
        first = await _recv_reply(s, "dup-1")
        await s.send(frame)  # the desktop retried: same client id and request id
        second = await _recv_reply(s, "dup-1")
        assert first.k == second.k == wire.Kind.REPLY
        assert bytes(first.body) == bytes(second.body)  # the same since_ms: one state change, not two
    finally:
        s.close()
        ctx.term()


_frames = st.one_of(
    st.binary(max_size=512),
    st.builds(
        lambda v, k, t, rid, body: wire.encode_frame(
            wire.Frame(v=v, k=k, t=t, rid=rid, body=msgspec.Raw(msgspec.msgpack.encode(body)))),
        st.integers(-2, 3), st.sampled_from(list(wire.Kind)),
        st.sampled_from([*m.REQUESTS, "", "nope", "login_ok"]), st.text(max_size=8),
        st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.text(max_size=20),
                  st.dictionaries(st.text(max_size=10), st.one_of(st.text(max_size=10), st.integers(-2**31, 2**31)), max_size=4)),
    ),
)


async def test_fuzzed_frames_leave_the_edge_serving(edge: EdgeProcess) -> None:
    ctx = zmq.asyncio.Context()
    s = await _raw_dealer(edge, ctx)
    sent: list[bytes] = []

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_frames)
    def collect(frame: bytes) -> None:
        sent.append(frame)

    collect()
    try:
        for f in sent:
            await s.send(f)
        await s.send(wire.encode_frame(wire.Frame(v=wire.PROTOCOL_VERSION, k=wire.Kind.REQUEST, t="x" * 10,
                                                  rid="big", body=msgspec.Raw(b"\xc4" + b"\x00" * 4))))
        await s.send(b"\x00" * (wire.DEFAULT_MAX_FRAME_BYTES + 10))
    finally:
        s.close()
        ctx.term()
    assert edge.proc is not None and edge.proc.poll() is None, "edge died under fuzzing"
    async with make_client(edge, "desk1") as c:
        ok = await c.login("alice", "switchboard")
        assert ok.snapshot.me.username == "alice"
