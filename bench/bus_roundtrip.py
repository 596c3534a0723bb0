"""Round trip of a durable command through the real edge vs a bare pyzmq echo, both CURVE over TCP.

Command: the desktop client library sends set_state; the edge checks it, journals the event with
fdatasync, replies. Baseline: a bare DEALER/ROUTER echo (CURVE, separate process) in the same run.
Last line: roundtrip_p50_ms=… roundtrip_p99_ms=… baseline_p99_ms=… ratio_p99=…
"""
from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time

import zmq
import zmq.asyncio

from _harness import edge_site, percentile  # type: ignore[import-not-found]

N = 3000
WARMUP = 200

ECHO_SERVER = textwrap.dedent(
    """
    import sys, zmq
    ctx = zmq.Context()
    s = ctx.socket(zmq.ROUTER)
    s.curve_server = True
    s.curve_publickey, s.curve_secretkey = sys.argv[1].encode(), sys.argv[2].encode()
    port = s.bind_to_random_port("tcp://127.0.0.1")
    print(port, flush=True)
    while True:
        parts = s.recv_multipart()
        if parts[-1] == b"quit":
            break
        s.send_multipart(parts)
    """
)


async def baseline() -> list[float]:
    spub, ssec = zmq.curve_keypair()
    proc = subprocess.Popen([sys.executable, "-c", ECHO_SERVER, spub.decode(), ssec.decode()],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    ctx = zmq.asyncio.Context()
    s = ctx.socket(zmq.DEALER)
    s.curve_serverkey = spub
    s.curve_publickey, s.curve_secretkey = zmq.curve_keypair()
    s.connect(f"tcp://127.0.0.1:{port}")
    payload = b"x" * 80
    times: list[float] = []
    for i in range(N + WARMUP):
        t = time.perf_counter()
        await s.send(payload)
        await s.recv()
        if i >= WARMUP:
            times.append((time.perf_counter() - t) * 1000)
    await s.send(b"quit")
    s.close(0)
    ctx.term()
    proc.wait(timeout=10)
    return times


async def edge_roundtrip(site: dict) -> list[float]:
    from edge_server.bus.client import EdgeClient
    from edge_server.bus.client_config import load_client_config
    from edge_server.contract.messages import AgentState, SetState

    cfg = load_client_config(site["desktop_config"])
    keys = cfg.client_keys
    times: list[float] = []
    async with EdgeClient(site["address"], server_key=cfg.server_key, client_keys=keys,
                          client_id="bench") as client:
        await client.login("alice", "switchboard")
        states = [SetState(state=AgentState.READY), SetState(state=AgentState.NOT_READY, reason="break")]
        for i in range(N + WARMUP):
            t = time.perf_counter()
            await client.request(states[i % 2])
            if i >= WARMUP:
                times.append((time.perf_counter() - t) * 1000)
        await client.logout()
    return times


def main() -> None:
    base = asyncio.run(baseline())
    with edge_site() as site:
        rt = asyncio.run(edge_roundtrip(site))
    b99 = percentile(base, 99)
    r50, r99 = percentile(rt, 50), percentile(rt, 99)
    print(f"baseline echo: p50={percentile(base, 50):.3f} ms p99={b99:.3f} ms ({N} round trips)")
    print(f"edge set_state (durable): p50={r50:.3f} ms p99={r99:.3f} ms p99.9={percentile(rt, 99.9):.3f} ms")
    print(f"roundtrip_p50_ms={r50:.3f} roundtrip_p99_ms={r99:.3f} baseline_p99_ms={b99:.3f} ratio_p99={r99 / b99:.2f}")


if __name__ == "__main__":
    main()
