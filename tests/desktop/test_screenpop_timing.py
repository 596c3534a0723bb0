"""show_task -> rendered for a customer with 20 timeline entries, offscreen: p50/p95 over 200 runs.

The edge is the in-process FakeSession (answers at once), so this is the widget part of the
screen-pop budget; bench/screenpop.py measures it end to end against a real edge and store.
"""
from __future__ import annotations

import statistics
import time

from pytestqt.qtbot import QtBot

from desktop.interactions_hub import InteractionsHub
from desktop.screenpop.panel import ScreenPopPanel
from desktop_fakes import FakeSession, snapshot
from edge_server.contract import interactions as ci
from edge_server.contract.messages import Role, TaskInfo
from test_screenpop_data import NOW, entries, wang

RUNS = 200
#: The widget goal is 30 ms (see the report for measured figures); the assertion only guards against
#: gross regressions on a shared 2-core box, at the end-to-end budget of 150 ms.
P95_LIMIT_MS = 150.0


def test_show_task_to_rendered_p95(qtbot: QtBot, session: FakeSession, capsys) -> None:  # noqa: ANN001
    session.snapshot = snapshot(Role.AGENT)
    other = wang()
    other.customer_id, other.name, other.tags = "c-li", "李娜 Li Na", ["企业客户"]
    views = {
        "c-wang": ci.CustomerView(card=wang(), timeline=entries(20, prefix="w"), has_more=True),
        "c-li": ci.CustomerView(card=other, timeline=entries(20, prefix="l"), has_more=True),
    }
    session.replies["get_customer"] = lambda body: views[body.customer_id]
    p = ScreenPopPanel(InteractionsHub(session), now_ms=lambda: NOW)  # type: ignore[arg-type]
    qtbot.addWidget(p)
    p.resize(460, 900)
    p.show()
    qtbot.waitExposed(p)
    samples: list[float] = []
    for run in range(RUNS + 10):
        customer = "c-wang" if run % 2 == 0 else "c-li"  # a different customer each time: real repaints
        start = time.perf_counter()
        with qtbot.waitSignal(p.rendered, timeout=3000) as sig:
            p.show_task(TaskInfo(task_id=f"t{run}", queue="q", customer_id=customer, interaction_id=f"x{run}"))
        elapsed = (time.perf_counter() - start) * 1000
        assert sig.args == [customer] and p.timeline.timeline_model.rowCount() == 20
        if run >= 10:  # the first runs warm caches (fonts, icons, style)
            samples.append(elapsed)
    samples.sort()
    p50 = statistics.median(samples)
    p95 = samples[int(0.95 * len(samples)) - 1]
    with capsys.disabled():
        print(f"\nscreenpop_widget_p50_ms={p50:.1f} screenpop_widget_p95_ms={p95:.1f} runs={len(samples)}")
    assert p95 < P95_LIMIT_MS
