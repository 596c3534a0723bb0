"""Hostile or broken input never kills the server: fuzz, huge frames, floods, origins, silence."""
from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

import aiohttp
import pytest

from edge_server.channels.webchat import WebchatServer
from edge_server.channels.webchat import protocol as p
from edge_server.channels.webchat.visitor import Visitor, VisitorError
from edge_server.contract import interactions as ci
from edge_server.interactions.service import InteractionService
from tests.edge_server.channels.webchat.webchat_helpers import LIMITS, Agent, info_of, wait_for, webchat_cfg

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_fuzzed_frames_get_errors_and_the_socket_stays(chat: WebchatServer, svc: InteractionService) -> None:
    rnd = random.Random(4)
    bad: list[str | bytes] = [
        "", "{", "null", "[]", '"x"', "{}", '{"type":"nope"}', '{"type":"send"}',
        '{"type":"send","client_msg_id":5,"text":"x"}', '{"type":"typing","on":"yes"}',
        '{"type":"read","seq":"1"}', '{"type":"rate","score":[]}', '{"type":"hello","client":7}',
        '{"type":"resume","after_seq":1e400}', '{"type":"send","client_msg_id":"\\ud800","text":"x"}', b"\x00\xff binary",
    ]
    bad += [bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 200))).decode("latin-1") for _ in range(40)]
    bad += [json.dumps({"type": rnd.choice(["send", "start", "rate", "typing"]),
                        rnd.choice(["text", "score", "on", "client_msg_id"]): rnd.choice([None, 1, [], {}, "s"])})
            for _ in range(40)]
    async with Visitor(chat.base_url) as v:
        await v.start("hi")
        v.frames.clear()
        for frame in bad:
            await v.send_raw(frame)
        # Every one answered (an error, or the second hello/duplicate case) and the socket still works.
        await v.wait_for(lambda: len(v.errors()) >= len(bad) - 2, timeout=10, what="errors")
        assert {e.code for e in v.errors()} <= {"malformed", "conflict", "invalid_argument", "throttled"}
        await asyncio.sleep(2.1)  # let the rate-limit bucket refill
        ack = await v.send("still alive")
        assert ack.seq == 2
        live = svc.live(ack.interaction_id)
        assert live is not None and [mm.text for mm in live.messages] == ["hi", "still alive"]
    # And other visitors were never affected.
    async with Visitor(chat.base_url) as other:
        assert other.welcome is not None and other.welcome.state == "prechat"


async def test_frames_before_hello_are_refused(chat: WebchatServer) -> None:
    async with aiohttp.ClientSession() as s, s.ws_connect(f"{chat.base_url}/widget/ws") as ws:
        await ws.send_str(p.encode(p.Send(client_msg_id="x", text="hi")))
        f = p.decode_server((await ws.receive(timeout=5)).data)
        assert isinstance(f, p.ErrorOut) and f.code == "not_logged_in"


async def test_huge_frame_closes_1009_with_an_error_frame(chat: WebchatServer) -> None:
    async with aiohttp.ClientSession() as s, s.ws_connect(f"{chat.base_url}/widget/ws") as ws:
        await ws.send_str(p.encode(p.Hello()))
        assert isinstance(p.decode_server((await ws.receive(timeout=5)).data), p.Welcome)
        await ws.send_str('{"type":"send","client_msg_id":"a","text":"' + "x" * 20000 + '"}')
        msg = await ws.receive(timeout=5)
        f = p.decode_server(msg.data)
        assert isinstance(f, p.ErrorOut) and f.code == "too_large"
        msg = await ws.receive(timeout=5)
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        assert ws.close_code == 1009
    # Far beyond the hard limit: aiohttp closes 1009 by itself; the server lives on.
    async with aiohttp.ClientSession() as s, s.ws_connect(f"{chat.base_url}/widget/ws") as ws:
        await ws.send_str("y" * (2 << 20))
        while (await ws.receive(timeout=5)).type not in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            pass
        assert ws.close_code == 1009
    async with Visitor(chat.base_url) as v:
        assert v.welcome is not None


async def test_flood_is_told_to_slow_down(chat: WebchatServer, svc: InteractionService) -> None:
    async with Visitor(chat.base_url) as v:
        iid = (await v.start("hi")).interaction_id
        for i in range(60):
            await v.send_nowait(f"m{i}")
        await v.wait_for(lambda: not v.pending or any(e.code == "throttled" for e in v.errors()), timeout=10)
        await v.wait_for(lambda: len([f for f in v.frames if isinstance(f, (p.Ack, p.ErrorOut))]) >= 60, 10)
        throttled = [e for e in v.errors() if e.code == "throttled"]
        assert throttled and throttled[0].message == "slow down"
        live = svc.live(iid)
        assert live is not None
        acked = len(live.messages) - 1
        assert 15 <= acked < 60  # the burst went through, the rest was refused (and would be resent)
        acks = [f.client_msg_id for f in v.frames if isinstance(f, p.Ack)][1:]
        assert [mm.client_msg_id for mm in live.messages[1:]] == acks  # exactly the acked ones, in order


async def test_origin_is_checked_when_configured(tmp_path: Path, svc: InteractionService) -> None:
    async with WebchatServer(webchat_cfg(allowed_origins=["https://shop.example"]), svc, data_dir=tmp_path,
                             site_name="x", limits=LIMITS) as srv:
        async with Visitor(srv.base_url, origin="https://shop.example") as ok:
            assert ok.welcome is not None
        async with Visitor(srv.base_url, origin=srv.base_url) as same:  # the widget's own frame
            assert same.welcome is not None
        with pytest.raises(VisitorError, match="403"):
            async with Visitor(srv.base_url, origin="https://evil.example"):
                pass
        async with aiohttp.ClientSession() as s, s.get(f"{srv.base_url}/widget/frame.html") as r:
            assert "frame-ancestors https://shop.example" in r.headers["Content-Security-Policy"]


async def test_silent_socket_is_closed_and_visitor_marked_offline(tmp_path: Path, svc: InteractionService,
                                                                  bot: Agent) -> None:
    async with WebchatServer(webchat_cfg(heartbeat_s=0.2), svc, data_dir=tmp_path, site_name="x",
                             limits=LIMITS) as srv:
        async with aiohttp.ClientSession() as s, s.ws_connect(f"{srv.base_url}/widget/ws", autoping=False) as ws:
            await ws.send_str(p.encode(p.Hello()))
            await ws.receive(timeout=5)
            await ws.send_str(p.encode(p.Start(client_msg_id="c1", text="hi")))
            iid = ""
            pings = 0
            # Never answer: the server pings, then closes after two silent heartbeats.
            while True:
                msg = await ws.receive(timeout=5)
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                f = p.decode_server(msg.data)
                pings += isinstance(f, p.Ping)
                if isinstance(f, p.Ack):
                    iid = f.interaction_id
            assert pings >= 1 and iid
        # The agent is told the customer went away.
        await wait_for(lambda: not info_of(svc, iid).customer_online or None, what="customer offline")
        await bot.wait(ci.InteractionInfo, lambda i: i.interaction_id == iid and not i.customer_online)


async def test_a_client_that_answers_pings_stays(tmp_path: Path, svc: InteractionService) -> None:
    async with WebchatServer(webchat_cfg(heartbeat_s=0.2), svc, data_dir=tmp_path, site_name="x",
                             limits=LIMITS) as srv:
        async with Visitor(srv.base_url) as v:
            await asyncio.sleep(1.2)  # six heartbeats; the visitor answers each ping
            assert v.connected
            await v.start("still here")


async def test_shutdown_closes_visitor_sockets(tmp_path: Path, svc: InteractionService) -> None:
    srv = WebchatServer(webchat_cfg(), svc, data_dir=tmp_path, site_name="x", limits=LIMITS)
    async with srv:
        v = Visitor(srv.base_url)
        await v.connect()
    async with asyncio.timeout(5):
        while v.connected:
            await asyncio.sleep(0.02)
    await v.close()


async def test_a_bug_behind_a_frame_is_an_error_frame_and_the_socket_stays(
        chat: WebchatServer, svc: InteractionService, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fault the real service cannot be made to produce: injected into its instance for one send.
    async with Visitor(chat.base_url) as v:
        iid = (await v.start("hi")).interaction_id

        async def broken(*args: object, **kw: object) -> None:
            raise RuntimeError("injected bug")

        monkeypatch.setattr(svc, "customer_message", broken)
        with pytest.raises(VisitorError) as e:
            await v.send("boom", client_msg_id="boom")
        assert e.value.code == "internal" and "injected" not in str(e.value)  # no internals leak
        monkeypatch.undo()
        ack = await v.send("boom", client_msg_id="boom")  # the widget's resend goes through
        assert ack.seq == 2 and ack.interaction_id == iid
