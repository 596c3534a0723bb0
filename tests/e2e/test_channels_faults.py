"""Cloud channels under faults, with the edge (and the relay) as real `main.py` processes and the
adapters' own fake platforms over real HTTP:

- a platform pushes the same message three times (answers lost, or retries racing the first
  delivery) -> one message in the transcript, one offer;
- the edge is killed with SIGKILL while an SMS is at the provider (answer never came) and while a
  WeChat reply is in back-off; after the restart each is sent exactly once (Aliyun: QuerySendDetails
  finds the SMS by OutId; WeChat: it never reached the platform), and an uplink the provider kept
  retrying through the outage is stored once;
- the provider answers 503 (certainly not processed: retried), 500 or nothing (may have been
  processed: never resent, failed with the reason shown to the agent);
- the relay layout: platforms push to `main.py relay`, the edge dials out; the relay is killed
  under load and comes back 10 s later on the same ports while the platforms keep retrying:
  nothing lost, nothing stored twice, each conversation in push order.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
from aiohttp import web

from channels_e2e_helpers import (
    ChannelEdge,
    Platforms,
    RelayProcess,
    channel_tables,
    free_port,
    write_edge_toml,
)
from e2e_support import ROOT, make_client
from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from tests.edge_server.interactions.interactions_helpers import Agent

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "switchboard"
QUEUE = "sales"  # li.wei is the only agent with the sales skill; alice logs in as li.wei's desk
PHONE = "+8613900139000"
CUSTOM_SEND = "/cgi-bin/message/custom/send"
T = TypeVar("T")


async def until(fn: Callable[[], Awaitable[T]], what: str, timeout_s: float = 10.0) -> T:
    deadline = time.monotonic() + timeout_s
    while True:
        v = await fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what} (last: {v!r})")
        await asyncio.sleep(0.05)


class Outage:
    """An aiohttp middleware on a fake: the next requests to ``path`` answer ``status`` without reaching it."""

    def __init__(self) -> None:
        self.plan: dict[str, list[int]] = {}
        self.down: set[str] = set()  # answer 503 until removed

    @web.middleware
    async def middleware(self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                         ) -> web.StreamResponse:
        if request.path in self.down:
            return web.Response(status=503, text="service unavailable")
        queued = self.plan.get(request.path)
        if queued:
            return web.Response(status=queued.pop(0), text="injected")
        return await handler(request)


@contextlib.asynccontextmanager
async def agent(edge: ChannelEdge, key: str, user: str, *, ready: bool = True) -> AsyncIterator[Agent]:
    client = make_client(edge, key, request_timeout_s=10.0)
    a = Agent(user, client)
    client.on_push = lambda body, seq: a.pushes.append(body)
    async with client:
        await client.login(user, PASSWORD)
        if ready:
            await client.request(m.SetState(state=m.AgentState.READY))
        yield a


async def accept_next(a: Agent, channel: ci.Channel, taken: set[str]) -> str:
    """Accept the next offer of ``channel`` not taken yet; the interaction id."""
    async def offer() -> m.OfferMade | None:
        return next((o for o in a.of(m.OfferMade) if o.task.interaction_id not in taken
                     and o.task.attributes.get("sb.channel", channel.value) == channel.value), None)

    o = await until(offer, f"an offer of a {channel.value} chat", 15)
    iid = o.task.interaction_id
    await a.request(m.AcceptOffer(offer_id=o.offer_id, task_id=o.task.task_id))
    info = (await a.request(ci.GetInteraction(interaction_id=iid))).info
    assert info.channel == channel, (info.channel, channel)
    taken.add(iid)
    return iid


async def transcript(a: Agent, iid: str) -> list[ci.ChatMessage]:
    return list((await a.request(ci.GetInteraction(interaction_id=iid))).messages)


def customer_texts(msgs: list[ci.ChatMessage]) -> list[str]:
    return [x.text for x in msgs if x.author_kind == ci.AuthorKind.CUSTOMER]


async def delivery_of(a: Agent, iid: str, seq: int) -> tuple[str, str]:
    msg = next(x for x in await transcript(a, iid) if x.seq == seq)
    return msg.delivery, msg.delivery_error


def edge_for(tmp_path: Path, site: Path, p: Platforms, **kw: Any) -> ChannelEdge:
    port = free_port()
    config = write_edge_toml(tmp_path, site, channel_tables(p, QUEUE, **kw), webhook_port=port)
    return ChannelEdge(tmp=tmp_path, data_dir=site, config=config)


@pytest.mark.asyncio
async def test_platform_retries_a_push_three_times_one_message(tmp_path: Path, site: Path) -> None:
    started = time.monotonic()
    async with Platforms() as p:
        edge = edge_for(tmp_path, site, p)
        edge.start()
        try:
            p.hook_urls(edge.webhooks)
            async with agent(edge, "desk2", "li.wei") as li:
                taken: set[str] = set()
                # WeChat: three attempts of one MsgId racing each other (the first still being stored),
                # then the same push again after its answer "was lost".
                first = p.wechat.message("o_retry_user", "text", Content="第一条")
                results = await asyncio.gather(*(p.wechat.push(first) for _ in range(3)))
                assert all(r.acknowledged and r.attempts == 1 for r in results)
                assert (await p.wechat.push(first)).acknowledged
                wx = await accept_next(li, ci.Channel.WECHAT, taken)
                # Weibo has no message id: the same push (same sender, time and text) three times.
                wb_msg = p.weibo.message(1234567001, "微博私信")
                for _ in range(3):
                    assert await p.weibo.push(p.weibo_url(edge.webhooks), wb_msg) == 1
                wb = await accept_next(li, ci.Channel.WEIBO, taken)
                # Aliyun uplink: same sequence_id three times (Aliyun retries until it sees {"code": 0}).
                up = [p.sms.aliyun_uplink(PHONE, "短信一条", 77001)]
                for _ in range(3):
                    assert await p.sms.push(p.sms_url(edge.webhooks, "inbound"), json_body=up, ack="aliyun") == 1
                sm = await accept_next(li, ci.Channel.SMS, taken)
                # A new message of each continues its chat (nothing new opened).
                await p.wechat.push(p.wechat.message("o_retry_user", "text", Content="第二条"))
                await p.weibo.push(p.weibo_url(edge.webhooks), p.weibo.message(1234567001, "第二条私信"))
                await p.sms.push(p.sms_url(edge.webhooks, "inbound"),
                                 json_body=[p.sms.aliyun_uplink(PHONE, "第二条短信", 77002)], ack="aliyun")
                assert customer_texts(await transcript(li, wx)) == ["第一条", "第二条"]
                assert customer_texts(await transcript(li, wb)) == ["微博私信", "第二条私信"]
                assert customer_texts(await transcript(li, sm)) == ["短信一条", "第二条短信"]
                assert len({o.task.interaction_id for o in li.of(m.OfferMade)}) == 3
        finally:
            edge.stop()
    assert time.monotonic() - started < 60


@pytest.mark.asyncio
async def test_edge_killed_mid_delivery_sends_once_after_restart(tmp_path: Path, site: Path) -> None:
    started = time.monotonic()
    outage = Outage()
    async with contextlib.AsyncExitStack() as stack:
        p = Platforms()
        p.wechat.app.middlewares.append(outage.middleware)
        await stack.enter_async_context(p)
        edge = edge_for(tmp_path, site, p)
        edge.start()
        stack.callback(lambda: edge.proc is not None and edge.proc.poll() is None and edge.stop())
        p.hook_urls(edge.webhooks)
        taken: set[str] = set()
        async with agent(edge, "desk2", "li.wei") as li:
            assert (await p.wechat.push(p.wechat.message("o_kill_user", "text", Content="在吗"))).acknowledged
            wx = await accept_next(li, ci.Channel.WECHAT, taken)
            await p.sms.push(p.sms_url(edge.webhooks, "inbound"),
                             json_body=[p.sms.aliyun_uplink(PHONE, "请回电", 88001)], ack="aliyun")
            sm = await accept_next(li, ci.Channel.SMS, taken)
            # WeChat is down (503: certainly not processed): the reply waits in back-off, retried.
            outage.down.add(CUSTOM_SEND)
            wx_reply = await li.request(ci.SendChatMessage(interaction_id=wx, client_msg_id="w1", text="稍等"))
            await until(lambda: _async(lambda: any("unavailable" in d.error or "503" in d.error
                                                    for d in li.of(ci.DeliveryChanged) if d.seq == wx_reply.seq)),
                        "the WeChat reply to be in back-off")
            # The SMS provider takes the message but its answer never comes back before the kill.
            p.sms.hang_next, p.sms.hang_s = 1, 4.0  # longer than the edge lives on
            sm_reply = await li.request(ci.SendChatMessage(interaction_id=sm, client_msg_id="s1", text="马上回电"))
            await until(lambda: _async(lambda: len(p.sms.sent) == 1), "the SMS to reach the provider")
        edge.kill9()
        # While the edge is down: WeChat comes back; the customer texts again and Aliyun keeps retrying.
        outage.down.clear()
        p.sms.hang_next = 0
        uplink = asyncio.create_task(p.sms.push(p.sms_url(edge.webhooks, "inbound"),
                                                json_body=[p.sms.aliyun_uplink(PHONE, "还在吗", 88002)],
                                                ack="aliyun"))
        await asyncio.sleep(0.5)
        assert not uplink.done()
        edge.start()
        assert await asyncio.wait_for(uplink, 15) > 1  # acknowledged only by the restarted edge
        async with agent(edge, "sup1", "sup", ready=False) as sup:
            await until(lambda: _async_eq(delivery_of(sup, wx, wx_reply.seq), "sent"), "the WeChat reply sent", 15)
            await until(lambda: _async_eq(delivery_of(sup, sm, sm_reply.seq), "sent"), "the SMS reply sent", 15)
            assert [b["text"]["content"] for b in p.wechat.state.sent] == ["稍等"]
            assert [s.text for s in p.sms.sent] == ["马上回电"]  # found by OutId, not sent again
            assert p.sms.requests["SendSms"] == 1 and p.sms.requests["QuerySendDetails"] >= 1
            # The receipt for it moves it to delivered; the uplink retried across the outage is there once.
            await p.sms.push(p.sms_url(edge.webhooks, "status"), json_body=[p.sms.aliyun_report(p.sms.sent[0])],
                             ack="aliyun")
            assert await delivery_of(sup, sm, sm_reply.seq) == ("delivered", "")
            assert customer_texts(await transcript(sup, sm)) == ["请回电", "还在吗"]
            assert customer_texts(await transcript(sup, wx)) == ["在吗"]
        await asyncio.sleep(1.0)  # a second send, if any were coming, would show now
        assert len(p.wechat.state.sent) == 1 and len(p.sms.sent) == 1
        edge.stop()
    assert time.monotonic() - started < 60


async def _async(fn: Callable[[], T]) -> T:
    return fn()


async def _async_eq(aw: Awaitable[tuple[str, str]], want: str) -> bool:
    return (await aw)[0] == want


@pytest.mark.asyncio
async def test_provider_500_and_timeouts_retry_only_when_certainly_not_sent(tmp_path: Path, site: Path) -> None:
    started = time.monotonic()
    outage = Outage()
    async with contextlib.AsyncExitStack() as stack:
        p = Platforms()
        p.wechat.app.middlewares.append(outage.middleware)
        p.sms.app.middlewares.append(outage.middleware)
        await stack.enter_async_context(p)
        edge = edge_for(tmp_path, site, p, wechat={"http_timeout_s": 1.0})
        edge.start()
        stack.callback(edge.stop)
        p.hook_urls(edge.webhooks)
        taken: set[str] = set()
        async with agent(edge, "desk2", "li.wei") as li:
            assert (await p.wechat.push(p.wechat.message("o_fault_user", "text", Content="你好"))).acknowledged
            wx = await accept_next(li, ci.Channel.WECHAT, taken)
            await p.sms.push(p.sms_url(edge.webhooks, "inbound"),
                             json_body=[p.sms.aliyun_uplink(PHONE, "你好", 99001)], ack="aliyun")
            sm = await accept_next(li, ci.Channel.SMS, taken)

            async def send(iid: str, text: str) -> int:
                return (await li.request(ci.SendChatMessage(interaction_id=iid, client_msg_id=text, text=text))).seq

            async def final(iid: str, seq: int) -> ci.DeliveryChanged:
                return await li.wait(ci.DeliveryChanged, lambda d: d.interaction_id == iid and d.seq == seq
                                     and d.delivery in ("sent", "failed"), timeout=10)

            # 503 (not processed) -> retried -> sent once.
            outage.plan[CUSTOM_SEND] = [503]
            a = await send(wx, "一")
            assert (await final(wx, a)).delivery == "sent"
            # 500: the platform may have acted on it: failed, the agent told why, never resent.
            outage.plan[CUSTOM_SEND] = [500]
            b = await send(wx, "二")
            failed_b = await final(wx, b)
            assert failed_b.delivery == "failed" and "HTTP 500" in failed_b.error and "did not confirm" in failed_b.error
            # No answer in time (the fake acts on it after 1.5 s; the edge waits 1 s): failed, not resent.
            p.wechat.delays[CUSTOM_SEND] = 1.5
            c = await send(wx, "三")
            failed_c = await final(wx, c)
            assert failed_c.delivery == "failed" and "may or may not have arrived" in failed_c.error
            p.wechat.delays.clear()
            d = await send(wx, "四")
            assert (await final(wx, d)).delivery == "sent"
            await until(lambda: _async(lambda: len(p.wechat.state.sent) == 3), "WeChat to act on the late one")
            # "三" reached WeChat (late, after "四"): the agent was right to be told "may have arrived".
            assert sorted(x["text"]["content"] for x in p.wechat.state.sent) == sorted(["一", "三", "四"])
            # SMS: a 500 and a timeout are asked about (QuerySendDetails by OutId) before any second send.
            outage.plan["/aliyun/"] = [500]
            e = await send(sm, "短信甲")
            assert (await final(sm, e)).delivery == "sent"
            p.sms.hang_next, p.sms.hang_s = 1, 1.5
            f = await send(sm, "短信乙")
            assert (await final(sm, f)).delivery == "sent"
            assert [s.text for s in p.sms.sent] == ["短信甲", "短信乙"]
            assert p.sms.requests["SendSms"] == 2 and p.sms.requests["QuerySendDetails"] >= 2
            rows = {x.seq: x for x in await transcript(li, wx)}
            assert [rows[s].delivery for s in (a, b, c, d)] == ["sent", "failed", "failed", "sent"]
            assert "HTTP 500" in rows[b].delivery_error
    assert time.monotonic() - started < 60


@pytest.mark.asyncio
async def test_relay_killed_under_load_nothing_lost_or_doubled_order_holds(tmp_path: Path, site: Path) -> None:
    started = time.monotonic()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    relay_dir = tmp_path / "relay"
    async with Platforms() as p:
        # The relay: its own key pair, the edge's public key approved, the same [[channels.*]] tables.
        from e2e_support import run_main

        relay_key = run_main("relay", "--data-dir", str(relay_dir), "init", env=env).strip()
        run_main("relay", "--data-dir", str(relay_dir), "approve", str(site / "keys" / "server.key"),
                 "--name", "site1", env=env)
        rc = tmp_path / "relay.toml"
        rc.write_text(f'[relay]\ndata_dir = "{relay_dir}"\nhttp_port = 0\nlink_endpoint = "tcp://127.0.0.1:0"\n'
                      f'heartbeat_s = 0.5\nlog_level = "WARNING"\n\n{channel_tables(p, QUEUE)}', encoding="utf-8")
        relay = RelayProcess(rc, env)
        relay.start()
        config = write_edge_toml(tmp_path, site, channel_tables(p, QUEUE), relay=relay.link, relay_key=relay_key)
        edge = ChannelEdge(tmp=tmp_path, data_dir=site, config=config)
        edge.start()
        try:
            assert edge.webhooks == ""  # pushes come through the relay only
            p.hook_urls(relay.http)
            users = [f"o_relay_user_{i}" for i in range(3)]
            per_user = 40
            acked: dict[str, list[str]] = {u: [] for u in users}
            async with agent(edge, "desk2", "li.wei") as li, aiohttp.ClientSession() as http:

                async def platform(user: str) -> None:
                    """WeChat's push, retried until a 200 (a patient platform: nothing lost upstream of us)."""
                    for i in range(per_user):
                        fields = p.wechat.message(user, "text", Content=f"{user} #{i:03d}")
                        while True:
                            query, body = p.wechat.signed_request(fields)
                            try:
                                async with http.post(p.wechat.webhook_url, params=query, data=body,
                                                     timeout=aiohttp.ClientTimeout(total=5)) as r:
                                    await r.read()
                                    if r.status == 200:
                                        break
                            except (aiohttp.ClientError, TimeoutError):
                                pass
                            await asyncio.sleep(0.1)
                        acked[user].append(f"{user} #{i:03d}")
                        await asyncio.sleep(0.02)

                load = asyncio.gather(*(platform(u) for u in users))
                await until(lambda: _async(lambda: sum(map(len, acked.values())) >= 30), "pushes to flow", 20)
                relay.kill9()
                at_kill = sum(map(len, acked.values()))
                await asyncio.sleep(10.0)  # the link is cut for 10 s; the platforms keep trying
                relay.start()
                await asyncio.wait_for(load, 40)
                assert at_kill < len(users) * per_user
                taken: set[str] = set()
                iids = [await accept_next(li, ci.Channel.WECHAT, taken) for _ in users]
                by_user: dict[str, list[str]] = {}
                for iid in iids:
                    await until(lambda iid=iid: _async_len(transcript(li, iid), per_user), "every push stored", 20)
                    texts = customer_texts(await transcript(li, iid))
                    by_user[texts[0].split(" #")[0]] = texts
                assert by_user == acked  # each conversation complete, once, in push order
        finally:
            edge.stop()
            relay.stop()
    assert time.monotonic() - started < 60


async def _async_len(aw: Awaitable[list[ci.ChatMessage]], n: int) -> bool:
    return len(customer_texts(await aw)) >= n

