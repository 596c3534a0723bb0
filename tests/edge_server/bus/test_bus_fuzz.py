"""Hypothesis throws random bytes and random frames at a live server; it must keep serving.

The server runs on its own event loop in a real thread, so each example is a plain
synchronous send/receive and the server is shared by the whole batch.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import msgspec
import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge_server.contract.messages import REQUESTS
from edge_server.contract.wire import PROTOCOL_VERSION, Frame, Kind, decode_frame, encode_body, encode_frame
from tests.edge_server.bus.bus_helpers import (
    Echo,
    EchoReply,
    KeySet,
    body_of,
    running_server,
)


@contextmanager
def _server_thread(keyset: KeySet) -> Iterator[dict[str, Any]]:
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def serve() -> None:
        async with running_server(keyset) as (server, handler):
            state["handler"] = handler
            state["loop"] = asyncio.get_running_loop()
            state["stop"] = asyncio.Event()
            state["address"] = server.router_address
            ready.set()
            await state["stop"].wait()

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as e:  # surfaced in the test thread below
            state["error"] = e
            ready.set()

    thread = threading.Thread(target=run, name="fuzzed-edge")
    thread.start()
    try:
        assert ready.wait(10), "server thread did not start"
        assert "error" not in state, state.get("error")
        yield state
    finally:
        if "loop" in state:
            state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(10)
        assert not thread.is_alive(), "server thread did not stop"
    if "error" in state:
        raise state["error"]


_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1)
            | st.floats(allow_nan=False) | st.text(max_size=20) | st.binary(max_size=20))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=8)
_body_fields = st.sampled_from(["text", "delay_ms", "username", "password", "session_token", "last_seq",
                                "state", "reason", "include_disabled", "toml_text"])
_bodies = st.dictionaries(_body_fields, _values, max_size=4) | _values

_frames = st.fixed_dictionaries(
    {},
    optional={
        "v": st.just(PROTOCOL_VERSION) | st.integers(min_value=-5, max_value=2**32) | _scalars,
        "k": st.sampled_from([k.value for k in Kind]) | st.text(max_size=4) | _scalars,
        # Deferred: the test.* requests are registered by the directory's fixture, after import.
        "t": st.deferred(lambda: st.sampled_from(sorted(REQUESTS))) | st.text(max_size=20) | _scalars,
        "rid": st.text(max_size=40) | _scalars,
        "cid": st.text(max_size=20) | _scalars,
        "seq": st.integers(min_value=-(2**63), max_value=2**64 - 1) | _scalars,
        "body": _bodies,
    },
)

#: Requests that need no session: the ones a stranger can drive into the handler.
def _open_requests() -> list[str]:
    return sorted(name for name, spec in REQUESTS.items() if spec.role is None)

# Well-typed frames with random content get past the frame decoder into dispatch,
# body decoding, sessions, dedup and the handler.
_plausible = st.builds(
    lambda v, k, t, rid, cid, seq, body: encode_frame(Frame(
        v=v, k=k, t=t, rid=rid, cid=cid, seq=seq, body=msgspec.Raw(msgspec.msgpack.encode(body)))),
    v=st.sampled_from([PROTOCOL_VERSION] * 5 + [0, PROTOCOL_VERSION + 1]),
    k=st.sampled_from([Kind.REQUEST] * 5 + list(Kind)),
    t=st.deferred(lambda: st.sampled_from(_open_requests() * 3 + sorted(REQUESTS))) | st.text(max_size=12),
    rid=st.sampled_from(["r1", "r2"]) | st.text(max_size=12),  # repeats exercise dedup
    cid=st.sampled_from(["fuzz", ""]) | st.text(max_size=8),
    seq=st.integers(min_value=-(2**63), max_value=2**64 - 1),
    body=_bodies,
)

# Valid request frames whose bodies are loose field maps: these reach the handler
# (a fuzzed login opens a session, so later session-only requests get through too).
_requests = st.builds(
    lambda t, rid, body: encode_frame(Frame(
        v=PROTOCOL_VERSION, k=Kind.REQUEST, t=t, rid=rid, cid="fuzz", body=msgspec.Raw(msgspec.msgpack.encode(body)))),
    t=st.deferred(lambda: st.sampled_from(_open_requests() * 2 + sorted(REQUESTS))),
    rid=st.sampled_from(["r1", "r2", "r3"]) | st.uuids().map(str),
    body=st.fixed_dictionaries({}, optional={f: st.text(max_size=8) | st.integers(0, 50) | _scalars
                                             for f in ("text", "delay_ms", "username", "password", "session_token",
                                                       "last_seq", "state", "reason")}),
)

_payloads = st.one_of(
    st.lists(st.binary(max_size=300), min_size=1, max_size=3),
    _frames.map(lambda f: [msgspec.msgpack.encode(f)]),
    st.lists(_frames.map(msgspec.msgpack.encode), min_size=2, max_size=3),
    _plausible.map(lambda b: [b]),
    _requests.map(lambda b: [b]),
    _requests.map(lambda b: [b]),
    _requests.map(lambda b: [b]),
)


def _dealer(ctx: zmq.Context[zmq.Socket[bytes]], address: str, keyset: KeySet) -> zmq.Socket[bytes]:
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    sock.rcvtimeo = 3000  # every receive is bounded
    sock.curve_serverkey = keyset.server.public
    sock.curve_publickey, sock.curve_secretkey = keyset.client
    sock.connect(address)
    return sock


def _echo_round_trip(sock: zmq.Socket[bytes], text: str) -> None:
    """A valid request after the fuzz input still gets its reply; every frame on the way decodes."""
    rid = uuid.uuid4().hex
    sock.send(encode_frame(Frame(v=PROTOCOL_VERSION, k=Kind.REQUEST, t="test.echo", rid=rid,
                                 body=encode_body(Echo(text=text)))))
    while True:
        frame = decode_frame(sock.recv(), 64 * 1024 * 1024)  # zmq.Again after 3 s fails the test
        assert frame.v == PROTOCOL_VERSION
        assert frame.k in (Kind.ERROR, Kind.REPLY, Kind.HEARTBEAT, Kind.PUSH)
        if frame.k is Kind.REPLY and frame.rid == rid:
            assert body_of(frame, EchoReply) == EchoReply(text=text)
            return


def test_random_bytes_and_frames_never_stop_the_server(keyset: KeySet, caplog: pytest.LogCaptureFixture) -> None:
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
    try:
        with caplog.at_level(logging.INFO, logger="sb.bus"), _server_thread(keyset) as state:
            address = state["address"]
            sock = _dealer(ctx, address, keyset)
            try:
                count = 0

                @settings(max_examples=200, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
                @given(payload=_payloads)
                def fuzz(payload: list[bytes]) -> None:
                    nonlocal count
                    count += 1
                    sock.send_multipart(payload)
                    _echo_round_trip(sock, f"after example {count}")

                fuzz()
                assert count >= 100  # hypothesis really ran the batch
                fuzzed = len(state["handler"].calls) - count  # minus our own echo per example
                assert fuzzed >= 3, "the fuzz hardly got past the decoder"  # typically 10-40
                # and a brand-new client is served too
                other = _dealer(ctx, address, keyset)
                try:
                    _echo_round_trip(other, "fresh client")
                finally:
                    other.close(linger=0)
            finally:
                sock.close(linger=0)
    finally:
        ctx.term()
    bugs = [r.getMessage() for r in caplog.records if "bug" in r.getMessage()]
    assert bugs == []  # every input was answered by design, not by the catch-all
