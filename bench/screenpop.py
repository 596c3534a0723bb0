"""Screen-pop bench on 100,000 customers and 2,000,000 past interactions (bench/screenpop_data.py).

Stage 1 (this file today): the edge part. A real Store (store process, DuckDB file, reader
threads) on a copy of the cached data, the real CustomerService; N=200 get_customer requests
(card + newest 20 timeline entries) for random customers, a tenth of them among the heavy
ones (hundreds of interactions), timed from the request to the encoded reply. Also search
latency per kind of query and the full-text index build over the store's messages.

Stage 2 (the lead, once H1 wires CustomerService into app.py and H4b's ScreenPopPanel exists):
a real edge on this data, a real desktop panel offscreen, 200 tasks; offer received → the
panel's ``rendered(customer_id)``; last line ``screenpop_p50_ms=… screenpop_p95_ms=…``.

    python bench/screenpop.py [--n 200] [--customers 100000] [--interactions 2000000]

Last line: edge_get_customer_p50_ms=… edge_get_customer_p95_ms=…
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import shutil
import tempfile
import time
from pathlib import Path

from _harness import percentile  # type: ignore[import-not-found]
from screenpop_data import ensure  # type: ignore[import-not-found]

SEARCHES = {
    "name (zh)": "王伟",
    "name (en)": "Henry Hall",
    "phone": "138 0001 2345",
    "phone digits": "12345",
    "email": "user2468@example.com",
    "tag": "tag:vip",
    "message (zh)": "退款",
    "message (en)": "delivery issue",
}


def _customer_id(g: int) -> str:
    return hashlib.md5(f"c{g}".encode()).hexdigest()  # noqa: S324 - the generator's ids, not security


async def run(store_dir: Path, n: int, customers: int) -> None:
    from edge_server.agents.loading import load_directory
    from edge_server.contract import interactions as ci
    from edge_server.contract.wire import encode_body
    from edge_server.interactions.customers import CustomerService
    from edge_server.store import Store
    from edge_server.work import projections as _work_projections  # noqa: F401

    store = await Store.open(store_dir, fsync=False)
    try:
        svc = CustomerService(store, await load_directory(store))
        rng = random.Random(4)
        picks = [rng.randrange(1000) if k % 10 == 0 else rng.randrange(customers) for k in range(n)]
        get = svc.routes["get_customer"]
        await get(None, ci.GetCustomer(customer_id=_customer_id(picks[0])), "bench")  # warm caches
        lat: list[float] = []
        sizes: list[int] = []
        entries = 0
        for g in picks:
            t0 = time.perf_counter()
            view = await get(None, ci.GetCustomer(customer_id=_customer_id(g), timeline_limit=20), "bench")
            data = bytes(encode_body(view))
            lat.append((time.perf_counter() - t0) * 1000)
            sizes.append(len(data))
            entries += len(view.timeline)
        print(f"get_customer x{n}: p50 {percentile(lat, 50):.2f} ms, p95 {percentile(lat, 95):.2f} ms, "
              f"max {max(lat):.2f} ms; {entries / n:.1f} entries, reply {sum(sizes) / n / 1024:.1f} KiB avg",
              flush=True)
        tl: list[float] = []
        for g in range(0, 1000, 50):  # heavy customers: a later page
            t0 = time.perf_counter()
            await svc.routes["get_timeline"](None, ci.GetTimeline(customer_id=_customer_id(g), before_ms=1_720_000_000_000,
                                                                  limit=50), "bench")
            tl.append((time.perf_counter() - t0) * 1000)
        print(f"get_timeline (heavy customers, page 50): p50 {percentile(tl, 50):.2f} ms, "
              f"p95 {percentile(tl, 95):.2f} ms", flush=True)

        async def searches(label: str) -> None:
            for kind, query in SEARCHES.items():
                times = []
                hits = 0
                for _ in range(5):
                    t0 = time.perf_counter()
                    hits = len(await svc.search(query))
                    times.append((time.perf_counter() - t0) * 1000)
                print(f"search {label} {kind:14} {query!r:24} hits={hits:3} p50 {percentile(times, 50):7.1f} ms "
                      f"max {max(times):7.1f} ms", flush=True)

        svc._fts_tried_ms = time.time_ns() // 1_000_000  # no background rebuild during the first round
        await searches("no-index")
        t0 = time.perf_counter()
        status = await svc.refresh_fts(force=True)
        print(f"fts rebuild: {status.messages} messages in {(time.perf_counter() - t0):.1f} s "
              f"(store side {status.took_ms} ms)", flush=True)
        await searches("indexed ")
        await svc.close()
        print(f"edge_get_customer_p50_ms={percentile(lat, 50):.2f} edge_get_customer_p95_ms={percentile(lat, 95):.2f}")
    finally:
        await store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--interactions", type=int, default=2_000_000)
    a = ap.parse_args()
    cached = ensure(a.customers, a.interactions)
    with tempfile.TemporaryDirectory(prefix="sb-screenpop-") as tmp:
        # A copy: the run journals nothing, but the FTS build writes into the database file.
        work = Path(tmp) / "store"
        shutil.copytree(cached, work)
        asyncio.run(run(work, a.n, a.customers))


if __name__ == "__main__":
    main()
