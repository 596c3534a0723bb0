"""Routing through the real edge process: task created by a client -> offer received by a desktop client.

A generated site (AGENTS agents, each with 4 chats of capacity) runs in a real edge subprocess; AGENTS
desktop clients log in and go Ready, accept every offer at once and complete each task HOLD_S later.
A supervisor client creates tasks at RATE per second for DURATION_S. The latency is measured from just
before create_task is sent to the OfferMade push arriving at the agent's client (same process clock).
Last line: e2e_p50_ms=… e2e_p99_ms=…
"""
from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from _harness import edge_site, percentile  # type: ignore[import-not-found]

AGENTS = 60
RATE = 200
DURATION_S = 10
HOLD_S = 0.5


def site_file(path: Path) -> Path:
    lines = ['[[skills]]\nid = "chat"\nname_en = "Chat"\n',
             '[[queues]]\nid = "web"\nname_en = "Web chat"\nskills = { chat = 1 }\n'
             'routing = { channel = "chat", offer_timeout_s = 30, max_missed = 0 }\n',
             '[[users]]\nusername = "sup"\ndisplay_name = "Sup"\nrole = "supervisor"\npassword = "benchpass"\n']
    for i in range(AGENTS):
        lines.append(f'[[users]]\nusername = "a{i:03d}"\ndisplay_name = "Agent {i}"\npassword = "benchpass"\n'
                     'skills = { chat = 3 }\n')
    path.write_text("\n".join(lines))
    return path


async def run(site: dict) -> tuple[list[float], int]:
    from edge_server.bus.client import EdgeClient
    from edge_server.bus.client_config import load_client_config
    from edge_server.contract import messages as m

    cfg = load_client_config(site["desktop_config"])
    keys = cfg.client_keys
    sent: dict[str, float] = {}
    latencies: list[float] = []
    done = 0

    def client(name: str) -> EdgeClient:
        return EdgeClient(site["address"], server_key=cfg.server_key, client_keys=keys,
                          client_id=name, request_timeout_s=30)

    agents = [client(f"a{i:03d}") for i in range(AGENTS)]
    tasks: set[asyncio.Task[None]] = set()

    async def work(c: EdgeClient, offer: m.OfferMade) -> None:
        nonlocal done
        await c.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
        await asyncio.sleep(HOLD_S)
        await c.request(m.CompleteTask(task_id=offer.task.task_id))
        done += 1

    def on_push(c: EdgeClient):  # noqa: ANN202
        def handler(body: m.Message, seq: int) -> None:
            if isinstance(body, m.OfferMade):
                t0 = sent.get(body.task.task_id)
                if t0 is not None:
                    latencies.append((time.perf_counter() - t0) * 1000)
                t = asyncio.get_running_loop().create_task(work(c, body))
                tasks.add(t)
                t.add_done_callback(tasks.discard)
        return handler

    for i, c in enumerate(agents):
        await c.start()
        c.on_push = on_push(c)
        await c.login(f"a{i:03d}", "benchpass")
        await c.request(m.SetState(state=m.AgentState.READY))
    sup = client("sup")
    await sup.start()
    await sup.login("sup", "benchpass")
    total = RATE * DURATION_S
    start = time.perf_counter()

    async def create(i: int) -> None:
        tid = f"t{i:06d}"
        sent[tid] = time.perf_counter()
        await sup.request(m.CreateTask(queue="web", task_id=tid, customer_name=f"visitor {i}"))

    creators = []
    for i in range(total):
        target = start + i / RATE
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        creators.append(asyncio.get_running_loop().create_task(create(i)))
    await asyncio.gather(*creators)
    deadline = time.perf_counter() + 60
    while len(latencies) < total and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.gather(*tasks, return_exceptions=True)
    for c in [*agents, sup]:
        await c.close()
    return latencies, total


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with edge_site(site_file(Path(tmp) / "site.toml"),
                       extra_env={"SWITCHBOARD__AUTH__MIN_PASSWORD_LENGTH": "8"}) as site:
            lat, total = asyncio.run(run(site))
    print(f"agents={AGENTS} rate={RATE}/s tasks={total} offers_measured={len(lat)}")
    print(f"e2e_p50_ms={percentile(lat, 50):.2f} e2e_p99_ms={percentile(lat, 99):.2f}")


if __name__ == "__main__":
    main()
