"""Store append: acknowledgement latency (journal write + fdatasync) and throughput.

Real files in a temp dir on the same file system as /tmp, fsync on, DuckDB
projection running alongside in the store process, as in the edge.
Sequential: one appender, one AgentStateChanged per append, awaiting each ack.
Concurrent: 8 appenders doing the same at once (group commit shares fsyncs).
Open: ``Store.open`` of a new and of an existing data dir (starts the store
process: its interpreter, DuckDB, migrations), median of OPENS.
``--switch-interval S`` sets ``sys.setswitchinterval`` first (it mattered while
DuckDB ran in this process and took the GIL; kept for comparisons).
Last line: append_p50_ms=… append_p99_ms=… events_per_s=… open_ms=…
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from edge_server.contract.events import AgentStateChanged  # noqa: E402
from edge_server.contract.messages import AgentState  # noqa: E402
from edge_server.store import Store, repos  # noqa: E402
from edge_server.work import projections as _work_projections  # noqa: E402,F401 - as the edge


SEQUENTIAL = 3000
WARMUP = 200
APPENDERS = 8
PER_APPENDER = 1000
STATES = [AgentState.READY, AgentState.NOT_READY]
OPENS = 5


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def event(i: int, user: str) -> AgentStateChanged:
    return AgentStateChanged(ts_ms=time.time_ns() // 1_000_000, username=user, state=STATES[i % 2])


async def sequential(store: Store) -> list[float]:
    times = []
    for i in range(SEQUENTIAL + WARMUP):
        ev = event(i, f"agent{i % 200}")
        t = time.perf_counter()
        await store.append([ev])
        if i >= WARMUP:
            times.append((time.perf_counter() - t) * 1000)
    return times


async def concurrent(store: Store) -> float:
    async def appender(w: int) -> None:
        for i in range(PER_APPENDER):
            await store.append([event(i, f"agent{w}-{i % 50}")])

    t = time.perf_counter()
    await asyncio.gather(*(appender(w) for w in range(APPENDERS)))
    return APPENDERS * PER_APPENDER / (time.perf_counter() - t)


async def open_times(tmp: Path) -> tuple[float, float]:
    """Median ms of Store.open on a new data dir, and on the same dir again."""
    new, again = [], []
    for i in range(OPENS):
        for times in (new, again):
            t = time.perf_counter()
            store = await Store.open(tmp / f"open{i}")
            times.append((time.perf_counter() - t) * 1000)
            await store.close()
    return percentile(new, 50), percentile(again, 50)


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sb-bench-store-") as tmp:
        open_new_ms, open_again_ms = await open_times(Path(tmp))
        async with await Store.open(Path(tmp) / "data") as store:
            lat = await sequential(store)
            before = store.stats()
            rate = await concurrent(store)
            after = store.stats()
            t = time.perf_counter()
            await store.read(repos.last_event_seq)
            catch_up_ms = (time.perf_counter() - t) * 1000
        fsyncs = after.journal_batches - before.journal_batches
        records = after.journal_records - before.journal_records
        p50, p90, p99 = (percentile(lat, p) for p in (50, 90, 99))
        print(f"sequential: {len(lat)} appends, p50 {p50:.3f} ms, p90 {p90:.3f} ms, "
              f"p99 {p99:.3f} ms, max {max(lat):.3f} ms")
        print(f"concurrent: {APPENDERS} appenders, {rate:.0f} events/s, {records} events in "
              f"{fsyncs} fsyncs (largest batch {after.largest_batch}); projector "
              f"{after.transactions} transactions, caught up {catch_up_ms:.0f} ms after the last ack")
        print(f"open: new data dir {open_new_ms:.0f} ms, existing {open_again_ms:.0f} ms "
              f"(median of {OPENS}, store process start included)")
        print(f"load average before/after: {LOAD_BEFORE} / {os.getloadavg()[0]:.2f}; "
              f"switch interval {sys.getswitchinterval() * 1000:g} ms")
        print(f"append_p50_ms={p50:.3f} append_p99_ms={p99:.3f} events_per_s={rate:.0f} "
              f"open_ms={open_new_ms:.0f}")


LOAD_BEFORE = f"{os.getloadavg()[0]:.2f}"

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=float, metavar="S",
                        help="sys.setswitchinterval(S) before starting (default: leave it)")
    opts = parser.parse_args()
    if opts.switch_interval is not None:
        sys.setswitchinterval(opts.switch_interval)
    asyncio.run(main())
