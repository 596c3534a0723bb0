"""Child process for the kill -9 test: appends forever, printing each acknowledged seq.

Usage: python store_kill_child.py DATA_DIR LINGER_S
A line ``ack <seq>`` is printed (and flushed) only after the append's future
resolved, so every printed seq is a promise the parent holds the store to.
``ready <pid>`` first names the store process, which must die with this one.
"""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from edge_server.contract.events import LoginFailed
from edge_server.store import Store
from edge_server.work import projections as _work_projections  # noqa: F401 - as the edge does


async def main(data_dir: Path, linger_s: float) -> None:
    store = await Store.open(data_dir, linger_s=linger_s)
    out = sys.stdout

    async def appender(w: int) -> None:
        i = 0
        while True:
            events = [
                LoginFailed(ts_ms=i, username=f"w{w}", reason=f"{i}-{k}") for k in range(1 + i % 3)
            ]
            last = await store.append(events)
            for seq in range(last - len(events) + 1, last + 1):
                out.write(f"ack {seq}\n")
            out.flush()
            i += 1

    print(f"ready {store.process_id}", flush=True)
    await asyncio.gather(*(appender(w) for w in range(4)))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), float(sys.argv[2])))
