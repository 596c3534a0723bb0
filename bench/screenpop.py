"""Screen-pop bench on 100,000 customers and 2,000,000 past interactions (bench/screenpop_data.py).

Stage 1 (this file today): the edge part. A real Store (store process, DuckDB file, reader
threads) on a copy of the cached data, the real CustomerService; N=200 get_customer requests
(card + newest 20 timeline entries) for random customers, a tenth of them among the heavy
ones (hundreds of interactions), timed from the request to the encoded reply. Also search
latency per kind of query and the full-text index build over the store's messages.

Stage 2: a real edge process on a copy of this data (plus the demo site), the real desktop
session and ScreenPopPanel offscreen (qasync loop), logged in as an agent in Ready; a supervisor
client creates N tasks for random customers one after another; from the offer received at the
desktop to the panel's ``rendered(customer_id)`` (card and newest 20 timeline entries painted).
The offer is then cancelled and the next task created.

    python bench/screenpop.py [--n 200] [--customers 100000] [--interactions 2000000] [--stage 1|2|both]

Last line: screenpop_p50_ms=… screenpop_p95_ms=… (stage 2; stage 1 alone ends with
edge_get_customer_p50_ms=… edge_get_customer_p95_ms=…)
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


async def rendered_run(site: dict, n: int, customers: int) -> tuple[list[float], list[float]]:
    """Stage 2: offer received → ScreenPopPanel.rendered, in the real desktop classes."""
    from desktop.interactions_hub import InteractionsHub
    from desktop.screenpop.panel import ScreenPopPanel
    from desktop.session import EdgeSession
    from edge_server.bus.client import EdgeClient
    from edge_server.bus.client_config import load_client_config
    from edge_server.contract import messages as m

    cfg = load_client_config(site["desktop_config"])
    loop = asyncio.get_running_loop()
    session = EdgeSession(client_id="bench-desktop")
    if not await session.login(site["address"], "li.wei", "switchboard", server_key=cfg.server_key,
                               client_keys=cfg.client_keys):
        raise SystemExit(f"login failed: {session.last_login_error}")
    hub = InteractionsHub(session)
    panel = ScreenPopPanel(hub)
    panel.resize(420, 900)
    panel.show()
    await session.set_state(m.AgentState.READY)
    sup = EdgeClient(site["address"], server_key=cfg.server_key, client_keys=cfg.client_keys,
                     client_id="bench-sup", request_timeout_s=30)
    await sup.start()
    await sup.login("sup", "switchboard")
    state: dict[str, object] = {}

    def on_offer(offer: m.OfferMade) -> None:
        state["offer_t"] = time.perf_counter()
        state["offer"] = offer
        panel.show_task(offer.task)

    def on_rendered(customer_id: str) -> None:
        fut = state.get("fut")
        if isinstance(fut, asyncio.Future) and not fut.done() and customer_id == state.get("customer"):
            fut.set_result(time.perf_counter())

    def on_rescinded(body: m.OfferRescinded) -> None:
        gone = state.get("gone")
        if isinstance(gone, asyncio.Future) and not gone.done():
            gone.set_result(None)

    session.offer_received.connect(on_offer)
    session.offer_rescinded.connect(on_rescinded)
    panel.rendered.connect(on_rendered)
    rng = random.Random(7)
    pop: list[float] = []
    arrival: list[float] = []
    for k in range(n + 5):  # the first five warm up
        g = rng.randrange(1000) if k % 10 == 0 else rng.randrange(customers)
        cid = _customer_id(g)
        state.update(customer=cid, fut=loop.create_future(), gone=loop.create_future())
        t0 = time.perf_counter()
        created = await sup.request(m.CreateTask(queue="billing.zh", task_id=f"pop{k}", customer_id=cid,
                                                 customer_name=f"customer {g}", subject="screen-pop bench"))
        assert isinstance(created, m.TaskCreated) and created.accepted, created
        t_rendered = await asyncio.wait_for(state["fut"], 30)  # type: ignore[arg-type]
        if k >= 5:
            pop.append((t_rendered - state["offer_t"]) * 1000)  # type: ignore[operator]
            arrival.append((t_rendered - t0) * 1000)
        await sup.request(m.CancelTask(task_id=f"pop{k}"))
        await asyncio.wait_for(state["gone"], 30)  # type: ignore[arg-type]
    await sup.close()
    await session.logout()
    panel.close()
    return pop, arrival


def stage2(cached: Path, n: int, customers: int) -> None:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    from _harness import edge_site  # type: ignore[import-not-found]

    app = QApplication.instance() or QApplication([])
    with edge_site(prepare=lambda data: shutil.copytree(cached, data / "store")) as site:
        pop, arrival = asyncio.run(rendered_run(site, n, customers), loop_factory=lambda: qasync.QEventLoop(app))
    print(f"create_task -> rendered (incl. routing): p50 {percentile(arrival, 50):.1f} ms, "
          f"p95 {percentile(arrival, 95):.1f} ms", flush=True)
    print(f"screenpop_p50_ms={percentile(pop, 50):.1f} screenpop_p95_ms={percentile(pop, 95):.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--interactions", type=int, default=2_000_000)
    ap.add_argument("--stage", choices=("1", "2", "both"), default="both")
    a = ap.parse_args()
    cached = ensure(a.customers, a.interactions)
    if a.stage in ("1", "both"):
        with tempfile.TemporaryDirectory(prefix="sb-screenpop-") as tmp:
            # A copy: the run journals nothing, but the FTS build writes into the database file.
            work = Path(tmp) / "store"
            shutil.copytree(cached, work)
            asyncio.run(run(work, a.n, a.customers))
    if a.stage in ("2", "both"):
        stage2(cached, a.n, a.customers)


if __name__ == "__main__":
    main()
