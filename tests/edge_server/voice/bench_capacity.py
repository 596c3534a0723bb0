"""Capacity benchmark (not a test): N bridged customer calls (2 legs each) in one worker; prints CPU and setup times.

Run: .venv/bin/python -m tests.edge_server.voice.bench_capacity 12
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from edge_server.voice import protocol as p
from edge_server.voice.gateway import VoiceGateway
from tests.edge_server.voice.test_gateway_calls import cpu_seconds
from tests.edge_server.voice.voice_helpers import Recorder, gateway_config, sipp


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def main(n: int) -> None:
    events = Recorder()
    setups: list[float] = []
    async with VoiceGateway(gateway_config(legs_per_worker=min(27, 2 * n + 2)), events) as gw:
        wid = gw.worker_ids()[0]
        pid = gw.worker_pid(wid)
        c0, t0 = cpu_seconds(pid), time.monotonic()
        await asyncio.sleep(2)
        idle = (cpu_seconds(pid) - c0) / (time.monotonic() - t0)
        tmp = Path(tempfile.mkdtemp())
        with sipp(tmp, 0, "-sn", "uas", "-rtp_echo", "-m", str(n), name="agent") as agent, \
                sipp(tmp, gw.config.sip_base_port, "-l", str(n), "-r", "10", "-m", str(n), scenario="uac_load.xml",
                     name="caller"):
            agent_sip = int(agent.args[agent.args.index("-p") + 1])

            async def handle(call: p.CallIncoming) -> None:
                await gw.answer(call.call_id)
                t = time.perf_counter()
                leg = await gw.call_agent(call.call_id, f"sip:agent@127.0.0.1:{agent_sip}")
                if await gw.wait_answered(leg, 5):
                    setups.append((time.perf_counter() - t) * 1000)
                    await gw.bridge(call.call_id, leg)

            tasks = [asyncio.create_task(handle(await events.incoming.get())) for _ in range(n)]
            await asyncio.gather(*tasks)
            c0, t0 = cpu_seconds(pid), time.monotonic()
            await asyncio.sleep(5)
            busy = (cpu_seconds(pid) - c0) / (time.monotonic() - t0)
            print(f"{n} bridged calls ({2 * n} legs) in one worker: CPU {busy * 100:.1f} % of a core "
                  f"(idle {idle * 100:.1f} %), {(busy - idle) / n * 100:.2f} % per bridged call, RSS {rss_mb(pid):.0f} MB; "
                  f"agent leg setup median {statistics.median(setups):.1f} ms, max {max(setups):.1f} ms "
                  f"({len(setups)}/{n} answered)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
