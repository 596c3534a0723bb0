"""kill -9 of the edge in the middle of a web chat: nothing acknowledged is lost, nothing is doubled.

A real edge process (the demo site, CURVE on), a visitor on a real WebSocket that reconnects by itself,
and the agent as a real bus client (alice, on the web chat's queue). Both sides write; once their
messages are acknowledged (the visitor's ack frames, the agent's send replies) the edge is killed with
SIGKILL and started again on the same data directory and ports. The visitor reconnects and resumes on
its own, the agent's session resumes; every acknowledged message is then there exactly once and in
order on both sides, and the chat goes on to its end and rating.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import ROOT, EdgeProcess, make_client  # type: ignore[import-not-found]

from edge_server.app import READY_MARKER
from edge_server.cli.keys import init_server_keys, issue_client
from edge_server.site_paths import SitePaths
from edge_server.channels.webchat import protocol as p
from edge_server.channels.webchat.visitor import Visitor
from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from tests.edge_server.channels.webchat.webchat_helpers import Agent, import_site_template, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]

PASSWORD = "switchboard"  # the demo site's


@pytest.fixture
def edge(tmp_path: Path) -> Iterator[EdgeProcess]:
    """The demo site with CURVE keys and one approved desktop, built in this process (the same files
    ``main.py keys``/``admin import`` write, without four interpreter start-ups), then a real edge process."""
    data = tmp_path / "data"
    paths = SitePaths(data)
    init_server_keys(paths)
    issue_client(paths, "desk1", "tcp://127.0.0.1:0", tmp_path / "clients" / "desk1")
    asyncio.run(import_site_template(data, (ROOT / "resources" / "demo" / "site.toml").read_text("utf-8")))
    e = EdgeProcess(tmp=tmp_path, data_dir=data)
    e.start()
    yield e
    e.stop()


def webchat_url(edge: EdgeProcess) -> str:
    """The web chat address from the edge's latest ready line (``... webchat=http://127.0.0.1:PORT ...``)."""
    line = next(x for x in reversed(edge.logs) if READY_MARKER in x)
    fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
    return fields["webchat"]


def check_exactly_once_in_order(seen: dict[int, str], acked: list[tuple[str, int]], side: str) -> None:
    """``seen``: seq -> client_msg_id on one side; ``acked``: (client_msg_id, seq) in acknowledgement order."""
    for cmid, seq in acked:
        assert seen.get(seq) == cmid, f"{side}: acknowledged {cmid} (seq {seq}) is missing or replaced"
    cmids = [c for c in seen.values() if c]
    assert len(cmids) == len(set(cmids)), f"{side}: a message is there twice: {sorted(cmids)}"
    order = [seq for _, seq in acked]
    assert order == sorted(order), f"{side}: acknowledged out of order {acked}"


async def test_edge_killed_mid_chat_visitor_and_agent_resume_exactly_once(edge: EdgeProcess) -> None:
    url = webchat_url(edge)
    port = url.rsplit(":", 1)[1]
    states: list[str] = []
    async with make_client(edge, "desk1", request_timeout_s=30) as client:
        agent = Agent("alice", client)
        client.on_push = agent.on_push
        client.on_link_state = lambda s: states.append(str(s))
        await client.login("alice", PASSWORD)
        await client.request(m.SetState(state=m.AgentState.READY))
        async with Visitor(url, auto_reconnect=True, client=p.ClientInfo(lang="zh-CN")) as v:
            first = await v.start("你好，我的订单还没到", name="王芳", email="wang.fang@example.cn",
                                  client_msg_id="v-start")
            iid = first.interaction_id
            await agent.accept(iid)
            await v.wait_for(lambda: v.interaction is not None and v.interaction.state == "connected")
            acked: list[tuple[str, int]] = [("v-start", first.seq)]
            for i in range(4):
                ack = await v.send(f"visitor {i}", client_msg_id=f"v{i}")
                acked.append((f"v{i}", ack.seq))
                reply = await agent.say(iid, f"agent {i} 收到", client_msg_id=f"a{i}")
                acked.append((f"a{i}", reply.seq))
            # A burst the visitor does not wait for; the kill comes once every ack is in.
            burst = [await v.send_nowait(f"burst {i}", client_msg_id=f"b{i}") for i in range(5)]
            await v.wait_for(lambda: not v.pending, what="the burst acknowledged")
            acks = {f.client_msg_id: f.seq for f in v.frames if isinstance(f, p.Ack)}
            acked += [(c, acks[c]) for c in burst]

            await asyncio.to_thread(edge.kill)
            await v.wait_for(lambda: not v.connected, what="the visitor noticing the edge is gone")
            # Written while the edge is down: kept pending, resent by the client once it is back.
            down = await v.send_nowait("sent while the edge was down", client_msg_id="v-down")
            edge.extra_env["SWITCHBOARD__WEBCHAT__PORT"] = port  # the widget finds the edge where it was
            await asyncio.to_thread(edge.start)

            await v.wait_for(lambda: v.reconnects >= 1 and not v.pending, timeout=30,
                             what="the visitor's reconnect and the resend acknowledged")
            await wait_for(lambda: "reconnecting" in states and states[-1] == "up", 30, "the agent's resume")
            acks = {f.client_msg_id: f.seq for f in v.frames if isinstance(f, p.Ack)}
            acked.append((down, acks[down]))

            # The visitor: resumed after its last seq, each acknowledged message exactly once, in order.
            await v.wait_for(lambda: all(s in v.messages for _, s in acked), what="the visitor's catch-up")
            check_exactly_once_in_order({s: mm.client_msg_id for s, mm in v.messages.items()}, acked, "visitor")
            assert sorted(v.messages) == list(range(1, len(v.messages) + 1))
            assert v.duplicates == 0
            # A tab opened after the restart replays the whole recovered transcript from the journal.
            async with Visitor(url, token=v.token) as tab:
                assert tab.welcome is not None and tab.welcome.state == "chat"
                await tab.resume(0)
                await tab.wait_for(lambda: len(tab.messages) >= len(v.messages), what="the full replay")
                assert {s: mm.client_msg_id for s, mm in tab.messages.items()} == {
                    s: mm.client_msg_id for s, mm in v.messages.items()}
            # The agent: the transcript after the restart, merged with what was pushed before and after.
            detail = await agent.request(ci.GetInteraction(interaction_id=iid))
            assert detail.info.state == ci.InteractionState.CONNECTED
            assert [pp.username for pp in detail.info.participants] == ["alice"]
            agent_view = {mm.seq: mm.client_msg_id for mm in detail.messages}
            for mm in agent.of(ci.ChatMessage):
                assert agent_view.setdefault(mm.seq, mm.client_msg_id) == mm.client_msg_id
            check_exactly_once_in_order(agent_view, acked, "agent")
            assert [mm.seq for mm in detail.messages] == sorted(v.messages)

            # The chat goes on: both ways, then the end, the wrap-up and the rating.
            after = await v.send("还在吗？ still there?", client_msg_id="v-after")
            got = await agent.wait(ci.ChatMessage, lambda mm: mm.client_msg_id == "v-after", timeout=15)
            assert got.seq == after.seq == len(v.messages)
            answer = await agent.say(iid, "在的 yes", client_msg_id="a-after")
            await v.wait_message(lambda mm: mm.client_msg_id == "a-after")
            assert answer.seq == after.seq + 1
            await agent.request(ci.EndInteraction(interaction_id=iid))
            wrap = await agent.wait(m.WrapUpStarted, lambda w: w.task_id == iid)
            await agent.request(m.SubmitWrapUp(task_id=wrap.task_id, code="resolved", notes="after a restart"))
            await v.wait_for(lambda: v.interaction is not None and v.interaction.state == "closed")
            await v.rate(5, "恢复得很快")
