#!/usr/bin/env python3
"""Platform pushes through the relay into a durable edge inbox.

Three processes: the relay (`main.py relay`, fdatasync before every acknowledgement), an "edge"
(RelayLink over CURVE into a journal inbox that fdatasyncs each record before the link acks it),
and this load generator (N signed HTTP pushes, C at a time). Last line:

    push_ack_p99_ms=… delivered_per_s=… lost=0 duplicated=0

delivered_per_s counts from the first push to the last record durable on the edge.
Usage: python bench/relay_throughput.py [-n 5000] [-c 16]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._harness import percentile  # noqa: E402
from edge_server.bus import keys as bus_keys  # noqa: E402
from edge_server.relay.server import READY_MARKER  # noqa: E402
from edge_server.relay.loopback import JournalInbox, push_body, sign  # noqa: E402


async def run_edge(link_addr: str, relay_key: str, secret: Path, inbox_dir: Path, n: int) -> None:
    """(child) RelayLink -> JournalInbox until n distinct messages are durable; prints JSON stats."""
    from edge_server.config import ChannelsSection
    from edge_server.relay.link import RelayLink

    inbox = JournalInbox(inbox_dir, asyncio.get_running_loop())
    print("edge-ready", flush=True)
    link = RelayLink(ChannelsSection(relay=link_addr, relay_server_key=relay_key), inbox,
                     keys=bus_keys.load_keypair(secret), window=1024)
    async with link:
        await inbox.wait_for(n, timeout=600)
        done = time.time()
    inbox.close()
    print(json.dumps({"done": done, "calls": inbox.calls}), flush=True)


async def load(url: str, n: int, concurrency: int) -> tuple[list[float], float]:
    import aiohttp

    lat: list[float] = []
    todo = iter(range(n))

    async def worker(http: aiohttp.ClientSession) -> None:
        for i in todo:
            body = push_body(f"m{i}", f"+8613{i % 97:09d}", f"message {i} " + "你好" * 20)
            t0 = time.perf_counter()
            async with http.post(url, data=body, headers={"x-signature": sign(body)}) as r:
                await r.read()
                if r.status != 200:
                    raise RuntimeError(f"push {i}: HTTP {r.status}")
            lat.append((time.perf_counter() - t0) * 1000)

    conn = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=conn) as http:
        start = time.time()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
    return lat, start


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=5000)
    ap.add_argument("-c", type=int, default=16, help="concurrent pushes")
    ap.add_argument("--edge", nargs=5, metavar=("LINK", "KEY", "SECRET", "DIR", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.edge:
        link, key, secret, d, n = args.edge
        asyncio.run(run_edge(link, key, Path(secret), Path(d), int(n)))
        return 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory(prefix="sb-relay-bench-") as tmp_s:
        tmp = Path(tmp_s)
        main_py = [sys.executable, str(ROOT / "main.py"), "relay", "--data-dir", str(tmp / "relay")]
        relay_key = subprocess.run([*main_py, "init"], env=env, check=True, capture_output=True,
                                   text=True).stdout.strip()
        _, secret = bus_keys.generate_keypair(tmp / "edge", "server")
        subprocess.run([*main_py, "approve", str(tmp / "edge" / "server.key")], env=env, check=True,
                       capture_output=True)
        cfg = tmp / "relay.toml"
        cfg.write_text('[relay]\nhttp_port = 0\nlink_endpoint = "tcp://127.0.0.1:0"\nlog_level = "WARNING"\n'
                       'handlers = "edge_server.relay.loopback:webhook_handlers"\n')
        relay = subprocess.Popen([*main_py, "--config", str(cfg)], env=env, stdout=subprocess.PIPE, text=True)
        edge = None
        try:
            assert relay.stdout is not None
            line = relay.stdout.readline()
            if READY_MARKER not in line:
                raise RuntimeError(f"relay did not start: {line!r}")
            fields = dict(x.split("=", 1) for x in line.split() if "=" in x)
            edge = subprocess.Popen([sys.executable, __file__, "--edge", fields["link"], relay_key, str(secret),
                                     str(tmp / "inbox"), str(args.n)], env=env, stdout=subprocess.PIPE, text=True)
            assert edge.stdout is not None
            edge.stdout.readline()
            lat, start = asyncio.run(load(f"{fields['http']}/hooks/loop/loop", args.n, args.c))
            pushed_s = time.time() - start
            stats = json.loads(edge.stdout.readline())
            edge.wait(30)
            got = JournalInbox.read_all(tmp / "inbox")
        finally:
            for proc in (edge, relay):
                if proc is not None and proc.poll() is None:
                    proc.terminate()
                    proc.wait(15)
        ids = [m.external_id for m in got]
        lost = len({f"m{i}" for i in range(args.n)} - set(ids))
        duplicated = len(ids) - len(set(ids))
        elapsed = stats["done"] - start
        print(f"pushes={args.n} concurrency={args.c} push_ack_p50_ms={percentile(lat, 50):.2f} "
              f"pushed_per_s={args.n / pushed_s:.0f} edge_calls={stats['calls']} elapsed_s={elapsed:.2f}")
        print(f"push_ack_p99_ms={percentile(lat, 99):.2f} delivered_per_s={args.n / elapsed:.0f} "
              f"lost={lost} duplicated={duplicated}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
