"""Web chat latency through the real edge: 200 visitors on real WebSockets, 50 agents on the real bus.

A generated site (50 chat agents, capacity 4 chats each) runs in a real edge process (fsync on, CURVE
on) with the web chat on a free port. Each agent logs in, goes Ready, accepts every offer, reads the
chat's transcript on accept (the visitor's first line was written before anyone accepted) and answers
every visitor message at once. Each visitor opens a chat and sends MESSAGES messages, each after the
agent's reply plus a think time; ~10 % of the visitors have their socket dropped mid-conversation and
resume (after_seq + resend of the unacked send). The visitors run in their own process (two busy
asyncio loops in one process would measure each other), the agents in this one.

Latency ("chat"): visitor send -> the agent's push, and agent request -> the visitor's frame; the send
time travels inside the text (``@<monotonic ns>``, one clock for every process on the machine). The
first message of each chat waits in the queue for an accept: it is reported as ``connect_*`` and kept
out of the chat latency. Lost: a message or reply never seen; duplicated: one client_msg_id under two
seqs on either side. Load average (this machine is shared) is printed before and after.

  python bench/chat_latency.py                  # the full run
  python bench/chat_latency.py --timeline       # p99 and CPU per second: where the slow ones are
  python bench/chat_latency.py --profile-edge /tmp/edge.prof   # cProfile of the edge's loop

Last line: chat_p50_ms=… chat_p99_ms=… lost=… duplicated=…
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _harness import ROOT, percentile, run_main  # type: ignore[import-not-found]

from edge_server.app import READY_MARKER

VISITORS = 200
AGENTS = 50
MESSAGES = 10
DROP_SHARE = 0.10
#: A visitor reads the reply and types the next line: uniform in this range (seconds). Real visitors
#: take 5-30 s; this keeps 200 chats at ~100-150 messages/s each way, far above a real site's pace.
THINK_S = (0.2, 1.0)
PASSWORD = "benchpass"


def site_file(path: Path, agents: int) -> Path:
    lines = ['[[skills]]\nid = "chat"\nname_en = "Chat"\n',
             '[[queues]]\nid = "web"\nname_en = "Web chat"\nskills = { chat = 1 }\n'
             'routing = { channel = "chat", offer_timeout_s = 30, max_missed = 0 }\n']
    for i in range(agents):
        lines.append(f'[[users]]\nusername = "a{i:03d}"\ndisplay_name = "Agent {i}"\npassword = "{PASSWORD}"\n'
                     'skills = { chat = 3 }\n')
    path.write_text("\n".join(lines))
    return path


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rpartition(")")[2].split()[1]) == pid:
                    out.append(int(d.name))
            except (OSError, ValueError, IndexError):
                continue
    return out


def system_busy_s() -> float:
    """CPU seconds the whole machine has been busy (every process, every core), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def sample_cpu(pids: dict[str, int], out: list[tuple[float, dict[str, float]]]) -> None:
    """Every second: the CPU each of ``pids`` and the machine as a whole used in it (who had the cores)."""
    last = {k: cpu_s(v) for k, v in pids.items()} | {"machine": system_busy_s()}
    while True:
        await asyncio.sleep(1.0)
        now = {k: cpu_s(v) for k, v in pids.items()} | {"machine": system_busy_s()}
        out.append((time.monotonic(), {k: now[k] - last[k] for k in now}))
        last = now


class LoopLag:
    """How late this process's loop runs a 5 ms timer: a busy or starved client inflates what it measures."""

    def __init__(self) -> None:
        self.lag: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            t = time.monotonic()
            await asyncio.sleep(0.005)
            self.lag.append((time.monotonic() - t - 0.005) * 1000)

    async def stop(self) -> list[float]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        return self.lag


def stamp() -> str:
    return f"@{time.monotonic_ns()}"


def age_ms(text: str) -> float | None:
    """Milliseconds since the ``@<ns>`` stamp at the end of ``text`` (None: no stamp)."""
    _, at, ns = text.rpartition("@")
    if not at or not ns.isdigit():
        return None
    return (time.monotonic_ns() - int(ns)) / 1e6


@contextlib.contextmanager
def edge_process(agents: int, profile: Path | None) -> Iterator[dict[str, Any]]:
    """A fresh site and its edge as a real process (optionally under cProfile); yields its addresses."""
    with tempfile.TemporaryDirectory(prefix="sb-chat-bench-") as tmp:
        data = Path(tmp) / "data"
        run_main("keys", "init", "--data-dir", str(data))
        run_main("admin", "--data-dir", str(data), "import", str(site_file(Path(tmp) / "site.toml", agents)))
        run_main("keys", "issue", "bench", "--data-dir", str(data), "--out", str(Path(tmp) / "client"))
        env = dict(os.environ, SWITCHBOARD__EDGE__DATA_DIR=str(data),
                   SWITCHBOARD__EDGE__LOG_DIR=str(Path(tmp) / "log"),
                   SWITCHBOARD__BUS__ROUTER_ENDPOINT="tcp://127.0.0.1:0",
                   SWITCHBOARD__BUS__PUB_ENDPOINT="tcp://127.0.0.1:0",
                   SWITCHBOARD__EDGE__LOG_LEVEL="WARNING",
                   SWITCHBOARD__WEBCHAT__PORT="0", SWITCHBOARD__WEBCHAT__QUEUE="web")
        cmd = [sys.executable, str(ROOT / "main.py"), "edge"]
        if profile is not None:  # the edge's loop is its main thread: cProfile sees every callback
            cmd = [sys.executable, "-m", "cProfile", "-o", str(profile), str(ROOT / "main.py"), "edge"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            deadline = time.monotonic() + 30
            line = ""
            while time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line or READY_MARKER in line:
                    break
            if READY_MARKER not in line:
                raise RuntimeError("edge did not start")
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            yield {"address": fields["router"], "webchat": fields["webchat"], "pid": proc.pid,
                   "desktop_config": Path(tmp) / "client" / "desktop.toml"}
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


# --- the agents (this process) ---------------------------------------------------------------------


class Agents:
    def __init__(self, address: str, desktop_config: Path, count: int) -> None:
        self.address = address
        self.desktop_config = desktop_config
        self.count = count
        self.lat: list[float] = []  # visitor send -> agent push
        self.when: list[float] = []  # monotonic time of each sample (the latency over the run)
        self.seen: dict[str, int] = {}  # visitor client_msg_id -> seq the agents saw it under
        self.duplicated = 0
        self.clients: list[Any] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self.errors: list[BaseException] = []
        self._answered: set[str] = set()
        self.accept_ms: list[float] = []  # AcceptOffer round trips
        self.offer_age_ms: list[float] = []  # how long the chat waited before it rang here

    def _spawn(self, coro: Any) -> None:
        t = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(t)
        t.add_done_callback(self._done)

    def _done(self, t: asyncio.Task[Any]) -> None:
        self._tasks.discard(t)
        if not t.cancelled() and t.exception() is not None:
            self.errors.append(t.exception())  # type: ignore[arg-type]

    async def start(self) -> None:
        from edge_server.bus.client import EdgeClient
        from edge_server.bus.client_config import load_client_config
        from edge_server.contract import messages as m

        cfg = load_client_config(self.desktop_config)
        # Each login verifies an argon2 hash (~0.15 s of CPU on the edge): a few at a time, so that on a
        # busy machine the 50 of them do not all hit the request timeout together.
        gate = asyncio.Semaphore(4)

        async def one(i: int) -> None:
            c = EdgeClient(self.address, server_key=cfg.server_key, client_keys=cfg.client_keys,
                           client_id=f"a{i:03d}", request_timeout_s=120)
            await c.start()
            c.on_push = self._handler(c)
            self.clients.append(c)
            async with gate:
                await c.login(f"a{i:03d}", PASSWORD)
            await c.request(m.SetState(state=m.AgentState.READY))

        await asyncio.gather(*(one(i) for i in range(self.count)))

    def _handler(self, c: Any) -> Any:
        from edge_server.contract import interactions as ci
        from edge_server.contract import messages as m

        def answer(msg: ci.ChatMessage) -> None:
            # A message comes twice (its push and the transcript read on accept): answered once.
            if self.seen.setdefault(msg.client_msg_id, msg.seq) != msg.seq:
                self.duplicated += 1  # one client_msg_id under two seqs: the edge stored it twice
                return
            if msg.client_msg_id in self._answered:
                return
            self._answered.add(msg.client_msg_id)
            if not msg.client_msg_id.endswith("-0"):  # the first line waited in the queue: not chat latency
                ms = age_ms(msg.text)
                if ms is not None:
                    self.lat.append(ms)
                    self.when.append(time.monotonic())
            self._spawn(c.request(ci.SendChatMessage(interaction_id=msg.interaction_id,
                                                     client_msg_id="r-" + msg.client_msg_id,
                                                     text="ok " + msg.text.rpartition("@")[0] + stamp())))

        async def accept(offer: m.OfferMade) -> None:
            t = time.monotonic()
            await c.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
            self.accept_ms.append((time.monotonic() - t) * 1000)
            self.offer_age_ms.append(time.time() * 1000 - offer.task.arrived_ms)
            # What the customer wrote before the accept is in the transcript, not in a push.
            detail = await c.request(ci.GetInteraction(interaction_id=offer.task.interaction_id))
            for mm in detail.messages:
                if mm.author_kind == ci.AuthorKind.CUSTOMER:
                    answer(mm)

        def handler(body: Any, seq: int) -> None:
            if isinstance(body, m.OfferMade):
                self._spawn(accept(body))
            elif isinstance(body, ci.ChatMessage) and body.author_kind == ci.AuthorKind.CUSTOMER:
                answer(body)
        return handler

    async def close(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for c in self.clients:
            await c.close()


# --- the visitors (their own process) ----------------------------------------------------------------


async def run_visitors(url: str, count: int, messages: int, seed: int = 7) -> dict[str, Any]:
    import aiohttp

    from edge_server.channels.webchat.visitor import Visitor

    rnd = random.Random(seed)
    droppers = set(rnd.sample(range(count), int(count * DROP_SHARE)))
    lat: list[float] = []
    when: list[float] = []
    connect: list[float] = []
    opened: list[float] = []
    connected_at: list[float] = []  # when each chat had its first answer (the storm of opens is over after)
    sent: list[str] = []
    missing = 0
    duplicated = 0
    reconnects = 0

    async def visitor(i: int, session: aiohttp.ClientSession) -> None:
        nonlocal missing, duplicated, reconnects
        v = Visitor(url, session=session)
        got: set[str] = set()

        def seen(mm: Any) -> None:
            cmid = mm.client_msg_id
            if cmid.startswith("r-") and cmid not in got:
                got.add(cmid)
                ms = age_ms(mm.text)
                if ms is not None:
                    lat.append(ms)
                    when.append(time.monotonic())
        v.on_message = seen
        await asyncio.sleep(rnd.uniform(0, 2))  # arrivals spread over two seconds
        async with v:
            for k in range(messages):
                cmid = f"{uuid.uuid4().hex}-{k}"
                sent.append(cmid)
                t0 = time.monotonic()
                if k == 0:
                    await v.start(f"visitor {i} hello {stamp()}", client_msg_id=cmid, timeout=60)
                    opened.append((time.monotonic() - t0) * 1000)
                else:
                    await v.send_nowait(f"visitor {i} message {k} {stamp()}", client_msg_id=cmid)
                if i in droppers and k == messages // 2:
                    await v.reconnect(timeout=30)
                    reconnects += 1
                try:
                    await v.wait_for(lambda c=cmid: "r-" + c in got, timeout=60, what="the agent's reply")
                except Exception:  # noqa: BLE001 - counted as missing, the run goes on
                    missing += 1
                if k == 0:
                    connect.append((time.monotonic() - t0) * 1000)
                    connected_at.append(time.monotonic())
                await asyncio.sleep(rnd.uniform(*THINK_S))
            duplicated += v.duplicates

    cpu0 = sum(os.times()[:2])
    gc.freeze()  # the bench's own full collections would show up as chat latency
    lag = LoopLag()
    lag.start()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(visitor(i, session) for i in range(count)))
    loop_lag = await lag.stop()
    return {"loop_lag": loop_lag, "cpu": sum(os.times()[:2]) - cpu0, "lat": lat, "when": when,
            "connect": connect, "connected_at": connected_at, "opened": opened, "sent": sent, "missing": missing, "duplicated": duplicated,
            "reconnects": reconnects}


def visitors_main(url: str, count: int, messages: int, out: Path) -> None:
    out.write_text(json.dumps(asyncio.run(run_visitors(url, count, messages))))


# --- the run -------------------------------------------------------------------------------------------


async def run(site: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    agents = Agents(site["address"], site["desktop_config"], args.agents)
    await agents.start()
    gc.freeze()  # the bench's own full collections would show up as chat latency
    store_pids = children(site["pid"])  # the edge's store process (DuckDB)
    edge_pids = [site["pid"], *store_pids]
    lag = LoopLag()
    lag.start()
    samples: list[tuple[float, dict[str, float]]] = []
    sampler = asyncio.get_running_loop().create_task(sample_cpu(
        {"edge": site["pid"], "store": store_pids[0] if store_pids else 0, "agents": os.getpid()}, samples))
    cpu0 = [cpu_s(p) for p in edge_pids] + [sum(os.times()[:2])]
    t0 = time.monotonic()
    try:
        if args.one_process:
            res = await run_visitors(site["webchat"], args.visitors, args.messages)
        else:
            with tempfile.NamedTemporaryFile(suffix=".json") as f:
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, __file__, "--visitors-only", site["webchat"], "--visitors", str(args.visitors),
                    "--messages", str(args.messages), "--out", f.name)
                if await proc.wait() != 0:
                    raise RuntimeError("the visitors' process failed")
                res = json.loads(Path(f.name).read_text())
        elapsed = time.monotonic() - t0
        cpu1 = [cpu_s(p) for p in edge_pids] + [sum(os.times()[:2])]
        agents_lag = await lag.stop()
        sampler.cancel()
        await asyncio.sleep(0.5)  # the last replies' pushes
    finally:
        await agents.close()
    lost = res["missing"] + sum(1 for c in res["sent"] if c not in agents.seen)
    return {
        "to_agent": agents.lat, "to_visitor": res["lat"], "when": agents.when + res["when"], "t0": t0,
        "all_connected": max(res["connected_at"], default=t0),
        "opened": res["opened"], "connect": res["connect"], "accept": agents.accept_ms, "waited": agents.offer_age_ms,
        "lost": lost, "duplicated": res["duplicated"] + agents.duplicated, "reconnects": res["reconnects"],
        "elapsed": elapsed, "sent": len(res["sent"]), "errors": agents.errors,
        "cpu": {"edge": cpu1[0] - cpu0[0], "store": sum(cpu1[1:-1]) - sum(cpu0[1:-1]),
                "agents": cpu1[-1] - cpu0[-1], "visitors": res["cpu"]},
        "cpu_by_second": samples, "lag_agents": agents_lag, "lag_visitors": res["loop_lag"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--visitors", type=int, default=VISITORS)
    ap.add_argument("--agents", type=int, default=AGENTS)
    ap.add_argument("--messages", type=int, default=MESSAGES)
    ap.add_argument("--one-process", action="store_true", help="visitors and agents on one loop")
    ap.add_argument("--profile-edge", type=Path, metavar="FILE", help="run the edge under cProfile, stats here")
    ap.add_argument("--timeline", action="store_true",
                    help="also print p99 and the CPU of each process (and of the machine) per second of the run")
    ap.add_argument("--visitors-only", metavar="URL", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.visitors_only:
        visitors_main(args.visitors_only, args.visitors, args.messages, args.out)
        return
    load0 = os.getloadavg()
    with edge_process(args.agents, args.profile_edge) as site:
        r = asyncio.run(run(site, args))
    load1 = os.getloadavg()
    lat = r["to_agent"] + r["to_visitor"]
    for e in r["errors"][:5]:
        print(f"agent request failed: {e!r}")
    print(f"visitors={args.visitors} agents={args.agents} messages_each={args.messages} "
          f"visitor_messages={r['sent']} reconnects={r['reconnects']} samples={len(lat)} "
          f"elapsed_s={r['elapsed']:.1f} msgs_per_s={2 * r['sent'] / r['elapsed']:.0f} "
          f"processes={'1' if args.one_process else '2'}+edge")
    print(f"to_agent_p50_ms={percentile(r['to_agent'], 50):.2f} to_agent_p99_ms={percentile(r['to_agent'], 99):.2f} "
          f"to_visitor_p50_ms={percentile(r['to_visitor'], 50):.2f} "
          f"to_visitor_p99_ms={percentile(r['to_visitor'], 99):.2f} "
          f"open_p50_ms={percentile(r['opened'], 50):.0f} open_p99_ms={percentile(r['opened'], 99):.0f} "
          f"connect_p50_ms={percentile(r['connect'], 50):.0f} connect_p99_ms={percentile(r['connect'], 99):.0f}")
    # While the 200 chats open (a store read each for the customer and for the agent's screen-pop) the
    # chats already going share the two cores with that storm; after it, the steady state.
    steady = [ms for w, ms in zip(r["when"], lat, strict=True) if w > r["all_connected"]]
    print(f"steady_after_s={r['all_connected'] - r['t0']:.1f} steady_samples={len(steady)} "
          f"steady_p50_ms={percentile(steady, 50):.2f} steady_p99_ms={percentile(steady, 99):.2f}")
    if args.timeline:
        print(f"accept_p50_ms={percentile(r['accept'], 50):.0f} accept_p99_ms={percentile(r['accept'], 99):.0f} "
              f"waited_p50_ms={percentile(r['waited'], 50):.0f} waited_p99_ms={percentile(r['waited'], 99):.0f}")
        by_s: dict[int, list[float]] = {}
        for w, ms in zip(r["when"], lat, strict=True):
            by_s.setdefault(int(w - r["t0"]), []).append(ms)
        print("p99_by_second " + " ".join(f"{k}:{percentile(v, 99):.0f}/{len(v)}" for k, v in sorted(by_s.items())))
        # CPU seconds per second: edge, its store process, the agents' process and the whole machine
        # (everything else - the visitors' process, other users of the box - is machine minus those).
        print("cpu_by_second " + " ".join(
            f"{int(t - r['t0'])}:" + "/".join(f"{c[k]:.2f}" for k in ("edge", "store", "agents", "machine"))
            for t, c in r["cpu_by_second"]))
    lag_a, lag_v = r["lag_agents"], r["lag_visitors"]
    print("cpu_s " + " ".join(f"{k}={v:.1f}" for k, v in r["cpu"].items())
          + f" client_loop_lag_p99_ms agents={percentile(lag_a, 99):.1f} visitors={percentile(lag_v, 99):.1f}"
          f" max agents={max(lag_a, default=0):.0f} visitors={max(lag_v, default=0):.0f}")
    print(f"loadavg_before={load0[0]:.2f},{load0[1]:.2f},{load0[2]:.2f} "
          f"loadavg_after={load1[0]:.2f},{load1[1]:.2f},{load1[2]:.2f} cores={os.cpu_count()}")
    print(f"chat_p50_ms={percentile(lat, 50):.2f} chat_p99_ms={percentile(lat, 99):.2f} "
          f"lost={r['lost']} duplicated={r['duplicated']}")


if __name__ == "__main__":
    main()
