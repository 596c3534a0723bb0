"""BusServer over real CURVE tcp sockets: replies, key allow-list, and every kind of bad input."""
from __future__ import annotations

import asyncio
import logging
import uuid

import msgspec
import pytest

from edge_server.bus.client import EdgeClient
from edge_server.bus.errors import BusError
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Ok
from edge_server.contract.wire import PROTOCOL_VERSION, Kind
from tests.edge_server.bus.bus_helpers import (
    Boom,
    Echo,
    EchoReply,
    KeySet,
    RawPeer,
    WhoAmI,
    WrongReply,
    error_of,
    running_server,
    wait_for,
)


@pytest.mark.asyncio
async def test_request_reply_over_curve_carries_the_proven_client_key(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        assert server.router_address.startswith("tcp://127.0.0.1:") and not server.router_address.endswith(":0")
        assert server.pub_port > 0 and server.pub_address.endswith(f":{server.pub_port}")
        async with EdgeClient(server.router_address, server_key=keyset.server.public, client_keys=keyset.client,
                              client_id="desk1", heartbeat_ms=100) as client:
            reply = await client.request(Echo(text="héllo 你好"), timeout=3)
            assert reply == EchoReply(text="héllo 你好")
            await client.login("alice", "pw")
            me = await client.request(WhoAmI(), timeout=3)
            assert isinstance(me, EchoReply)
            assert me.text == keyset.client[0].decode()  # User-Id from ZAP, not something the client claimed
            assert me.session_id == "s-alice"
        assert handler.calls == ["test.echo", "login", "test.whoami"]


@pytest.mark.asyncio
async def test_unknown_client_key_gets_nothing_until_approved_and_reloaded(keyset: KeySet) -> None:
    stranger, stranger_pub = keyset.new_client("desk2")
    async with running_server(keyset) as (server, handler):
        async with EdgeClient(server.router_address, server_key=keyset.server.public, client_keys=stranger,
                              client_id="desk2", heartbeat_ms=100) as client:
            with pytest.raises(SwitchboardError) as e:
                await client.request(Echo(text="let me in"), timeout=0.6)
            assert e.value.code is ErrorCode.UNAVAILABLE
            assert "refused this desktop's CURVE key" in e.value.message
            assert handler.calls == []  # the handler never saw it
            assert client.link_state.value == "connecting"

            # IT approves the desktop: copy its public key into the allow-list, reload, no restart.
            (keyset.allow_dir / "desk2.key").write_bytes(stranger_pub.read_bytes())
            server.reload_client_keys()
            await client.wait_up(8)
            assert await client.request(Echo(text="thanks"), timeout=3) == EchoReply(text="thanks")
        assert handler.calls == ["test.echo"]


@pytest.mark.asyncio
async def test_a_revoked_key_is_cut_off_on_reload_without_restart(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        async with EdgeClient(server.router_address, server_key=keyset.server.public, client_keys=keyset.client,
                              client_id="desk1", heartbeat_ms=100) as client:
            await client.login("alice", "pw")
            assert server.is_connected("s-alice")
            (keyset.allow_dir / "desk1.key").unlink()  # IT withdraws the desktop
            server.reload_client_keys()
            with pytest.raises(SwitchboardError) as e:
                await client.request(Echo(text="still me?"), timeout=0.5)
            assert e.value.code is ErrorCode.UNAVAILABLE
            assert not server.is_connected("s-alice")
        assert handler.calls == ["login"]


@pytest.mark.asyncio
async def test_a_raw_stranger_receives_not_a_single_byte(keyset: KeySet) -> None:
    stranger, _ = keyset.new_client("desk3")
    async with running_server(keyset) as (server, handler):
        peer = RawPeer(server.router_address, keyset, client=stranger)
        try:
            await peer.request("test.echo", Echo(text="x"))
            with pytest.raises(TimeoutError):
                await peer.recv(timeout=0.5)
        finally:
            peer.close()
        assert handler.calls == []


@pytest.mark.asyncio
async def test_allow_list_can_be_a_callable(keyset: KeySet) -> None:
    allowed: set[bytes] = set()
    from edge_server.bus.server import BusServer
    from tests.edge_server.bus.bus_helpers import BusTestHandler, fast_config

    handler = BusTestHandler()
    server = BusServer(fast_config(), keyset.server, lambda: set(allowed), handler)
    handler.bus = server
    async with server:
        peer = RawPeer(server.router_address, keyset)
        try:
            rid = await peer.request("test.echo", Echo(text="1"))
            with pytest.raises(TimeoutError):
                await peer.recv_for(rid, timeout=0.4)
            allowed.add(keyset.client[0])
            server.reload_client_keys()
        finally:
            peer.close()
        peer = RawPeer(server.router_address, keyset)  # a fresh connection re-runs the handshake
        try:
            rid = await peer.request("test.echo", Echo(text="2"))
            frame = await peer.recv_for(rid, timeout=3)
            assert frame.k is Kind.REPLY and frame.t == "test.echo_reply"
        finally:
            peer.close()


@pytest.mark.asyncio
async def test_protocol_errors_are_answered_with_typed_errors(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        peer = RawPeer(server.router_address, keyset)
        try:
            rid = await peer.request("test.echo", Echo(text="x"), v=PROTOCOL_VERSION + 6)
            code, msg, details = error_of(await peer.recv_for(rid))
            assert code == "protocol_version"
            assert str(PROTOCOL_VERSION) in msg and str(PROTOCOL_VERSION + 6) in msg
            assert details == {"ours": PROTOCOL_VERSION, "theirs": PROTOCOL_VERSION + 6}

            rid = await peer.request("no.such.thing", Echo(text="x"))
            code, msg, details = error_of(await peer.recv_for(rid))
            assert (code, details) == ("unknown_type", {"type": "no.such.thing"})

            rid = await peer.request("ok", Ok())  # a registered body, but not a request
            assert error_of(await peer.recv_for(rid))[0] == "unknown_type"

            rid = uuid.uuid4().hex  # a body of the wrong shape for its type
            await peer.send_frame(v=PROTOCOL_VERSION, k=Kind.REQUEST, t="test.echo", rid=rid,
                                  body=msgspec.Raw(msgspec.msgpack.encode({"text": 5})))
            code, msg, _ = error_of(await peer.recv_for(rid))
            assert code == "malformed" and "test.echo" in msg

            rid = uuid.uuid4().hex
            await peer.send_frame(v=PROTOCOL_VERSION, k=Kind.REQUEST, t="test.echo", rid=rid,
                                  body=msgspec.Raw(msgspec.msgpack.encode([1, 2])))
            assert error_of(await peer.recv_for(rid))[0] == "malformed"

            # an invalid msgpack body spoils the whole frame: the error cannot carry a rid
            await peer.send_frame(v=PROTOCOL_VERSION, k=Kind.REQUEST, t="test.echo", rid="r1",
                                  body=msgspec.Raw(b"\xc1"))
            frame = await peer.recv()
            assert frame.rid == "" and error_of(frame)[0] == "malformed"

            rid = await peer.request("test.echo", Echo(text="x" * (server._config.max_frame_bytes + 10)))
            code, _, details = error_of(await peer.recv_for(rid))
            assert code == "too_large" and details["limit"] == server._config.max_frame_bytes

            rid = await peer.request("test.whoami", WhoAmI())
            assert error_of(await peer.recv_for(rid))[0] == "not_logged_in"

            rid = uuid.uuid4().hex
            await peer.send_frame(v=PROTOCOL_VERSION, k=Kind.PUSH, t="test.echo", rid=rid)
            assert error_of(await peer.recv_for(rid))[0] == "malformed"

            # still serving on the same connection
            rid = await peer.request("test.echo", Echo(text="still here"))
            assert (await peer.recv_for(rid)).k is Kind.REPLY
        finally:
            peer.close()
        assert handler.calls == ["test.echo"]


@pytest.mark.asyncio
async def test_garbage_bytes_get_an_error_and_the_next_client_is_served(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        peer = RawPeer(server.router_address, keyset)
        try:
            await peer.send_raw(b"\x00\xffnot a frame at all")
            code, _, _ = error_of(await peer.recv())
            assert code == "malformed"
            await peer.send_raw(b"two", b"parts")
            code, msg, _ = error_of(await peer.recv())
            assert code == "malformed" and "2 parts" in msg
            await peer.send_raw(b"")
            assert error_of(await peer.recv())[0] == "malformed"
        finally:
            peer.close()
        other = RawPeer(server.router_address, keyset)
        try:
            rid = await other.request("test.echo", Echo(text="next"))
            frame = await other.recv_for(rid)
            assert frame.k is Kind.REPLY
        finally:
            other.close()


@pytest.mark.asyncio
async def test_a_peer_above_the_hard_limit_is_dropped_but_the_server_lives(keyset: KeySet) -> None:
    async with running_server(keyset, max_frame_bytes=1024) as (server, handler):
        peer = RawPeer(server.router_address, keyset)
        try:
            await peer.send_raw(b"x" * 5000)  # > 4 x 1024: libzmq drops the connection, no reply
            with pytest.raises(TimeoutError):
                await peer.recv(timeout=0.3)
        finally:
            peer.close()
        other = RawPeer(server.router_address, keyset)
        try:
            rid = await other.request("test.echo", Echo(text="ok"))
            assert (await other.recv_for(rid)).k is Kind.REPLY
        finally:
            other.close()


@pytest.mark.asyncio
async def test_handler_bugs_become_internal_errors_with_a_logged_traceback(
    keyset: KeySet, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_server(keyset) as (server, _):
        async with EdgeClient(server.router_address, server_key=keyset.server.public, client_keys=keyset.client,
                              client_id="desk1", heartbeat_ms=100) as client:
            with caplog.at_level(logging.ERROR, logger="sb.bus"):
                with pytest.raises(SwitchboardError) as e:
                    await client.request(Boom(), timeout=3)
                assert e.value.code is ErrorCode.INTERNAL
                with pytest.raises(SwitchboardError) as e:
                    await client.request(WrongReply(), timeout=3)
                assert e.value.code is ErrorCode.INTERNAL
            assert "deliberate bug" in caplog.text and "Traceback" in caplog.text
            assert "the contract says Ok" in caplog.text
            # The client checks reply types too: nothing untyped reaches the caller.
            assert await client.request(Echo(text="after"), timeout=3) == EchoReply(text="after")


@pytest.mark.asyncio
async def test_a_slow_request_does_not_hold_up_others(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, _):
        async with EdgeClient(server.router_address, server_key=keyset.server.public, client_keys=keyset.client,
                              client_id="desk1", heartbeat_ms=100) as client:
            slow = asyncio.create_task(client.request(Echo(text="slow", delay_ms=600), timeout=5))
            loop = asyncio.get_running_loop()
            t0 = loop.time()
            assert await client.request(Echo(text="fast"), timeout=5) == EchoReply(text="fast")
            assert loop.time() - t0 < 0.4
            assert not slow.done()
            assert await slow == EchoReply(text="slow")


@pytest.mark.asyncio
async def test_binding_a_taken_port_is_a_bus_error(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, _):
        with pytest.raises(BusError, match="cannot listen"):
            async with running_server(keyset, router_endpoint=server.router_address):
                pass


@pytest.mark.asyncio
async def test_publish_reaches_subscribers_of_that_topic_only(keyset: KeySet) -> None:
    from edge_server.bus.subscriber import EdgeSubscriber

    async with running_server(keyset) as (server, _):
        got: list[tuple[bytes, object]] = []
        async with (
            EdgeSubscriber(server.pub_address, server_key=keyset.server.public, client_keys=keyset.client,
                           topics=[b"agent"]) as sub,
        ):
            sub.on_message = lambda topic, body: got.append((topic, body))
            # PUB/SUB subscriptions take a moment to reach the publisher: publish until seen.
            async def until_seen() -> None:
                while not got:
                    server.publish(b"agents", EchoReply(text="other topic"))
                    server.publish(b"agent", EchoReply(text="mine"))
                    await asyncio.sleep(0.02)

            await asyncio.wait_for(until_seen(), 5)
            assert all(topic == b"agent" and body == EchoReply(text="mine") for topic, body in got)
            assert sub.last_seq[b"agent"] >= 1


@pytest.mark.asyncio
async def test_curve_off_is_allowed_for_dev_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="sb.bus"):
        async with running_server(None) as (server, _):
            async with EdgeClient(server.router_address, server_key=None, client_keys=None,
                                  client_id="dev", heartbeat_ms=100) as client:
                assert await client.request(Echo(text="plain"), timeout=3) == EchoReply(text="plain")
                me_err = None
                try:
                    await client.request(WhoAmI(), timeout=3)
                except SwitchboardError as e:
                    me_err = e
                assert me_err is not None and me_err.code is ErrorCode.NOT_LOGGED_IN
    assert "curve is OFF" in caplog.text


@pytest.mark.asyncio
async def test_shutdown_cancels_running_requests_and_frees_the_port(keyset: KeySet) -> None:
    async with running_server(keyset) as (server, handler):
        address = server.router_address
        peer = RawPeer(address, keyset)
        try:
            await peer.request("test.echo", Echo(text="forever", delay_ms=60_000))
            await wait_for(lambda: handler.calls == ["test.echo"], 3, "the slow request to start")
        finally:
            peer.close()
    # the same port binds again at once
    async with running_server(keyset, router_endpoint=address) as (again, _):
        assert again.router_address == address
