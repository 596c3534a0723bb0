"""Web chat latency through the real edge: 200 visitors on real WebSockets, 50 agents on the real bus.

A generated site (50 chat agents, capacity 4 each) runs in a real edge subprocess with the web chat on a
free port. Each agent logs in, goes Ready, accepts every offer and answers every visitor message at once
(its reply's client_msg_id names the visitor's). Each visitor opens a chat and sends MESSAGES messages,
each after the previous reply; ~10 % of the visitors have their socket dropped mid-conversation and
resume (after_seq + resend of unacked sends). Latency: visitor send -> agent push, and agent request ->
visitor frame, on one process clock. Lost: a message or reply never seen; duplicated: one client_msg_id
seen under two seqs. Needs app.py to serve the web chat (ready line ``webchat=<url>``).
Last line: chat_p50_ms=… chat_p99_ms=… lost=… duplicated=…
"""
from __future__ import annotations

import asyncio
import random
import socket
import tempfile
import time
import uuid
from pathlib import Path

from _harness import edge_site, percentile  # type: ignore[import-not-found]

VISITORS = 200
AGENTS = 50
MESSAGES = 10
DROP_SHARE = 0.10


def site_file(path: Path) -> Path:
    lines = ['[[skills]]\nid = "chat"\nname_en = "Chat"\n',
             '[[queues]]\nid = "web"\nname_en = "Web chat"\nskills = { chat = 1 }\n'
             'routing = { channel = "chat", offer_timeout_s = 30, max_missed = 0 }\n']
    for i in range(AGENTS):
        lines.append(f'[[users]]\nusername = "a{i:03d}"\ndisplay_name = "Agent {i}"\npassword = "benchpass"\n'
                     'skills = { chat = 3 }\n')
    path.write_text("\n".join(lines))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run(site: dict, chat_url: str) -> tuple[list[float], int, int]:
    from edge_server.bus.client import EdgeClient
    from edge_server.bus.client_config import load_client_config
    from edge_server.channels.webchat.visitor import Visitor
    from edge_server.contract import interactions as ci
    from edge_server.contract import messages as m

    cfg = load_client_config(site["desktop_config"])
    lat: list[float] = []
    sent_at: dict[str, float] = {}  # client_msg_id -> perf_counter at send (visitor's and agents')
    agent_seen: dict[str, int] = {}  # visitor cmid -> seq seen by the agent
    duplicated = 0
    background: set[asyncio.Task[object]] = set()

    def spawn(coro: object) -> None:
        t = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        background.add(t)
        t.add_done_callback(background.discard)

    def on_push(c: EdgeClient):  # noqa: ANN202
        async def reply(msg: ci.ChatMessage) -> None:
            rid = "r-" + msg.client_msg_id
            sent_at[rid] = time.perf_counter()
            await c.request(ci.SendChatMessage(interaction_id=msg.interaction_id, client_msg_id=rid,
                                               text="ok " + msg.text))

        def handler(body: m.Message, seq: int) -> None:
            nonlocal duplicated
            if isinstance(body, m.OfferMade):
                spawn(c.request(m.AcceptOffer(offer_id=body.offer_id, task_id=body.task.task_id)))
            elif isinstance(body, ci.ChatMessage) and body.author_kind == ci.AuthorKind.CUSTOMER:
                t0 = sent_at.get(body.client_msg_id)
                if body.client_msg_id in agent_seen:
                    duplicated += agent_seen[body.client_msg_id] != body.seq
                    return
                agent_seen[body.client_msg_id] = body.seq
                if t0 is not None:
                    lat.append((time.perf_counter() - t0) * 1000)
                spawn(reply(body))
        return handler

    agents = [EdgeClient(site["address"], server_key=cfg.server_key, client_keys=cfg.client_keys,
                         client_id=f"a{i:03d}", request_timeout_s=30) for i in range(AGENTS)]
    for i, c in enumerate(agents):
        await c.start()
        c.on_push = on_push(c)
        await c.login(f"a{i:03d}", "benchpass")
        await c.request(m.SetState(state=m.AgentState.READY))

    rnd = random.Random(7)
    droppers = set(rnd.sample(range(VISITORS), int(VISITORS * DROP_SHARE)))
    lost = 0

    async def visitor(i: int) -> None:
        nonlocal lost, duplicated
        v = Visitor(chat_url)

        def seen(msg: object) -> None:
            cmid = getattr(msg, "client_msg_id", "")
            t0 = sent_at.get(cmid)
            if cmid.startswith("r-") and t0 is not None:
                lat.append((time.perf_counter() - t0) * 1000)
        v.on_message = seen  # type: ignore[assignment]
        async with v:
            await asyncio.sleep(rnd.uniform(0, 2))
            mine: list[str] = []
            for k in range(MESSAGES):
                cmid = uuid.uuid4().hex
                mine.append(cmid)
                sent_at[cmid] = time.perf_counter()
                if k == 0:
                    await v.start(f"visitor {i} hello", client_msg_id=cmid, timeout=30)
                else:
                    await v.send_nowait(f"visitor {i} message {k}", client_msg_id=cmid)
                if i in droppers and k == MESSAGES // 2:
                    await v.reconnect()
                try:
                    await v.wait_for(lambda: any(mm.client_msg_id == "r-" + cmid for mm in v.messages.values()),
                                     timeout=30, what="the agent's reply")
                except Exception:  # noqa: BLE001 - counted as lost, the run goes on
                    pass
            await asyncio.sleep(1.0)
            got = {mm.client_msg_id for mm in v.messages.values()}
            lost += sum(1 for c in mine if c not in agent_seen) + sum(1 for c in mine if "r-" + c not in got)
            duplicated += v.duplicates

    await asyncio.gather(*(visitor(i) for i in range(VISITORS)))
    await asyncio.gather(*background, return_exceptions=True)
    for c in agents:
        await c.close()
    return lat, lost, duplicated


def main() -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        with edge_site(site_file(Path(tmp) / "site.toml"), extra_env={
                "SWITCHBOARD__WEBCHAT__PORT": str(port), "SWITCHBOARD__WEBCHAT__QUEUE": "web"}) as site:
            lat, lost, dup = asyncio.run(run(site, f"http://127.0.0.1:{port}"))
    print(f"visitors={VISITORS} agents={AGENTS} messages_each={MESSAGES} samples={len(lat)}")
    print(f"chat_p50_ms={percentile(lat, 50):.2f} chat_p99_ms={percentile(lat, 99):.2f} lost={lost} duplicated={dup}")


if __name__ == "__main__":
    main()
