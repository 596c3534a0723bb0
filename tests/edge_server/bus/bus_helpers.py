"""Shared helpers for the bus tests: CURVE keys in tmp_path, a tiny handler, a raw DEALER peer.

The contract has no request that works without a session and without side effects
(a "ping"), so the tests register a few ``test.*`` request types of their own.
"""
from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import pytest
import zmq
import zmq.asyncio

from edge_server.bus.config import BusConfig
from edge_server.bus.connection import Connection
from edge_server.bus.keys import ServerKeys, generate_keypair, load_keypair
from edge_server.bus.server import BusServer
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import (
    REQUESTS,
    AgentStatus,
    Login,
    LoginOk,
    Logout,
    Message,
    Ok,
    RequestSpec,
    Resume,
    ResumeOk,
    Role,
    Snapshot,
    decode_body,
    register_body,
    register_request,
)
from edge_server.contract.wire import PROTOCOL_VERSION, Frame, Kind, decode_frame, encode_body, encode_frame

M = TypeVar("M", bound=Message)

# --- test-only request types ----------------------------------------------------


class Echo(Message):
    text: str = ""
    delay_ms: int = 0


class EchoReply(Message):
    text: str
    session_id: str = ""


class Count(Message):
    delay_ms: int = 0


class CountReply(Message):
    calls: int


class WhoAmI(Message):
    pass


class Boom(Message):
    pass


class WrongReply(Message):
    pass


_TEST_BODIES = {"test.echo_reply": EchoReply, "test.count_reply": CountReply}
_TEST_REQUESTS = (
    ("test.echo", Echo, EchoReply, None, True),
    ("test.count", Count, CountReply, None, False),
    ("test.whoami", WhoAmI, EchoReply, Role.AGENT, True),
    ("test.boom", Boom, Ok, None, True),
    ("test.wrong_reply", WrongReply, Ok, None, True),
)


def register_test_messages() -> None:
    """Add the test.* requests to the global registry (idempotent)."""
    if "test.echo" in REQUESTS:
        return
    for name, cls in _TEST_BODIES.items():
        register_body(name, cls)
    for name, body, reply, role, idem in _TEST_REQUESTS:
        register_request(name, body, reply, role, idempotent=idem)


def unregister_test_messages() -> None:
    """Take them out again: a real edge refuses to start with requests it has no handler for."""
    from edge_server.contract import messages as m

    for name in [*_TEST_BODIES, *(r[0] for r in _TEST_REQUESTS)]:
        m.REQUESTS.pop(name, None)
        cls = m.BODY_TYPES.pop(name, None)
        if cls is not None:
            m.TYPE_NAMES.pop(cls, None)


# --- keys -------------------------------------------------------------------------


@dataclass
class KeySet:
    server: ServerKeys
    client: tuple[bytes, bytes]  # (public, secret) of an approved desktop
    allow_dir: Path
    base: Path

    def new_client(self, name: str) -> tuple[tuple[bytes, bytes], Path]:
        """A desktop key pair that is NOT yet approved; returns it and its public file."""
        pub, sec = generate_keypair(self.base / "desktops", name)
        k = load_keypair(sec)
        return (k.public, k.secret), pub


@pytest.fixture
def keyset(tmp_path: Path) -> KeySet:
    _, server_secret = generate_keypair(tmp_path / "edge", "edge")
    client_public, client_secret = generate_keypair(tmp_path / "desktops", "desk1")
    allow = tmp_path / "allowed"
    allow.mkdir()
    (allow / "desk1.key").write_bytes(client_public.read_bytes())
    ck = load_keypair(client_secret)
    return KeySet(load_keypair(server_secret), (ck.public, ck.secret), allow, tmp_path)


def fast_config(**kw: Any) -> BusConfig:
    base: dict[str, Any] = dict(router_endpoint="tcp://127.0.0.1:0", pub_endpoint="tcp://127.0.0.1:0",
                                heartbeat_ms=100, silence_ms=500)
    base.update(kw)
    return BusConfig(**base)


# --- handler ----------------------------------------------------------------------


@dataclass
class BusTestHandler:
    """Plays the app layer: login opens a session, resume re-attaches or sends a snapshot."""

    tokens: dict[str, str] = field(default_factory=dict)  # token -> session id: the "store"
    bus: BusServer | None = None
    calls: list[str] = field(default_factory=list)
    counted: int = 0
    silent: list[tuple[str, float]] = field(default_factory=list)
    detached: list[str] = field(default_factory=list)
    resumed: list[int | None] = field(default_factory=list)
    login_heartbeat_ms: int = 100  # told to clients in LoginOk; 0 lets the client keep its own
    pushes_during_login: int = 0  # pushed right after open_session, before the reply is sent

    async def handle_request(self, conn: Connection, spec: RequestSpec, body: Message) -> Message:
        assert self.bus is not None
        self.calls.append(spec.name)
        match body:
            case Echo(text=text, delay_ms=delay):
                if delay:
                    await asyncio.sleep(delay / 1000)
                return EchoReply(text=text)
            case Count(delay_ms=delay):
                self.counted += 1
                calls = self.counted
                if delay:
                    await asyncio.sleep(delay / 1000)
                return CountReply(calls=calls)
            case WhoAmI():
                return EchoReply(text=conn.client_key, session_id=conn.session_id or "")
            case Boom():
                raise RuntimeError("deliberate bug")
            case WrongReply():
                return EchoReply(text="not what the contract says")
            case Login(username=user):
                sid = f"s-{user}"
                token = secrets.token_hex(8)
                self.tokens[token] = sid
                self.bus.open_session(conn, sid)
                for i in range(self.pushes_during_login):
                    self.bus.push(sid, EchoReply(text=f"during login {i + 1}"))
                if self.pushes_during_login:
                    await asyncio.sleep(0.05)  # other tasks run; the pushes must still wait
                return LoginOk(session_token=token, snapshot=self.snapshot(user, 0),
                               heartbeat_ms=self.login_heartbeat_ms)
            case Logout():
                if conn.session_id is not None:
                    self.bus.close_session(conn.session_id)
                return Ok()
            case Resume(session_token=presented, last_seq=last_seq):
                known = self.tokens.get(presented)
                if known is None:
                    raise SwitchboardError(ErrorCode.SESSION_UNKNOWN, "unknown session token")
                n = self.bus.resume_session(conn, known, last_seq)
                self.resumed.append(n)
                if n is not None:
                    return ResumeOk(replayed=n)
                seq = self.bus.current_seq(known)
                self.bus.open_session(conn, known, start_seq=seq)
                return ResumeOk(snapshot=self.snapshot(known, seq))
        raise SwitchboardError(ErrorCode.NOT_FOUND, f"test handler does not do {spec.name}")

    @staticmethod
    def snapshot(user: str, seq: int) -> Snapshot:
        return Snapshot(me=AgentStatus(username=user, display_name=user), role=Role.AGENT, seq=seq)

    async def session_silent(self, session_id: str) -> None:
        self.silent.append((session_id, time.monotonic()))

    async def session_detached(self, session_id: str) -> None:
        self.detached.append(session_id)


@contextlib.asynccontextmanager
async def running_server(
    keyset: KeySet | None, handler: BusTestHandler | None = None, **config: Any
) -> AsyncIterator[tuple[BusServer, BusTestHandler]]:
    handler = handler or BusTestHandler()
    cfg = fast_config(curve=keyset is not None, **config)
    server = BusServer(cfg, keyset.server if keyset else None,
                       keyset.allow_dir if keyset else (lambda: set()), handler)
    handler.bus = server
    async with server:
        yield server, handler


async def wait_for(cond: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition the code under test has no signal for (bounded, 10 ms steps)."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.01)


# --- a raw DEALER, for frames the real client would never send ------------------------


class RawPeer:
    """A DEALER that speaks bytes: for garbage, wrong versions, and exact (cid, rid) control."""

    def __init__(self, endpoint: str, keyset: KeySet | None, client: tuple[bytes, bytes] | None = None) -> None:
        self.ctx = zmq.asyncio.Context()
        self.sock = self.ctx.socket(zmq.DEALER)
        self.sock.linger = 0
        if keyset is not None:
            pub, sec = client or keyset.client
            self.sock.curve_serverkey = keyset.server.public
            self.sock.curve_publickey = pub
            self.sock.curve_secretkey = sec
        self.sock.connect(endpoint)
        self.cid = "raw-" + uuid.uuid4().hex[:6]

    async def send_raw(self, *parts: bytes) -> None:
        await asyncio.wait_for(self.sock.send_multipart(list(parts)), 2)

    async def send_frame(self, **fields: Any) -> None:
        await self.send_raw(encode_frame(Frame(**fields)))

    async def request(self, name: str, body: Message, *, rid: str | None = None, cid: str | None = None,
                      v: int = PROTOCOL_VERSION) -> str:
        rid = rid or uuid.uuid4().hex
        await self.send_frame(v=v, k=Kind.REQUEST, t=name, rid=rid, cid=self.cid if cid is None else cid,
                              body=encode_body(body))
        return rid

    async def recv(self, timeout: float = 2.0) -> Frame:
        data = await asyncio.wait_for(self.sock.recv(), timeout)
        return decode_frame(data, 64 * 1024 * 1024)

    async def recv_for(self, rid: str, timeout: float = 2.0) -> Frame:
        """Next REPLY/ERROR with this rid, skipping heartbeats, pushes and other replies."""
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.recv(max(0.01, deadline - time.monotonic()))
            if frame.k in (Kind.REPLY, Kind.ERROR) and frame.rid == rid:
                return frame

    def close(self) -> None:
        self.sock.close(linger=0)
        self.ctx.term()


def body_of(frame: Frame, cls: type[M]) -> M:
    assert frame.k in (Kind.REPLY, Kind.PUSH), f"expected a reply or push, got {frame.k}: {frame}"
    return decode_body(frame.t, frame.body, cls)


def error_of(frame: Frame) -> tuple[str, str, dict[str, Any]]:
    assert frame.k is Kind.ERROR, f"expected an error frame, got {frame.k}"
    body = msgspec.msgpack.decode(frame.body)
    return body["code"], body["message"], body.get("details", {})


async def settle(aw: Awaitable[Any], timeout: float = 5.0) -> Any:
    return await asyncio.wait_for(aw, timeout)
