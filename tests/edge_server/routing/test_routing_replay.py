"""Determinism: replay from a journal, restore from a snapshot, and no hash-seed dependence."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from edge_server.routing import RoutingEngine, RoutingError
from edge_server.routing import decisions as dec
from edge_server.routing import events as ev
from edge_server.routing.snapshot import decode_snapshot, encode_snapshot
from edge_server.routing.timers import TimerBook
from tests.edge_server.routing.routing_hashseed_run import digest
from tests.edge_server.routing.routing_workload import Workload, mixed_config, random_actions

SCRIPT = Path(__file__).with_name("routing_hashseed_run.py")
ROOT = Path(__file__).resolve().parents[3]


def test_decisions_do_not_depend_on_the_hash_seed() -> None:
    here = digest(11, 1500)
    for seed in ("0", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, str(SCRIPT), "11", "1500"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == here, f"PYTHONHASHSEED={seed} changed the decisions"


def test_journaled_events_replay_to_the_same_decisions() -> None:
    host = Workload(check=False).run(random_actions(3, 1200))
    journal = b"".join(len(raw).to_bytes(4, "big") + raw for raw in (ev.encode_event(e) for e, _ in host.log))
    engine = RoutingEngine(mixed_config())
    pos = 0
    for i, (_, expected) in enumerate(host.log):
        n = int.from_bytes(journal[pos:pos + 4], "big")
        event = ev.decode_event(journal[pos + 4:pos + 4 + n])
        pos += 4 + n
        assert engine.handle(event) == expected, f"diverged at event {i}"
    kinds = {type(d).__name__ for _, out in host.log for d in out}
    assert {"Offer", "Assigned", "Rescind", "Escalated", "Overflowed", "AcwStarted", "AcwEnded",
            "TaskExpired", "FinalActionTaken", "QueuePositions", "StatsChanged"} <= kinds, kinds


@pytest.mark.parametrize("cut", [0.25, 0.5, 0.9])
def test_restore_from_snapshot_continues_identically(cut: float) -> None:
    host = Workload(check=False).run(random_actions(5, 800))
    k = int(len(host.log) * cut)
    engine = RoutingEngine(mixed_config())
    for e, _ in host.log[:k]:
        engine.handle(e)
    data = encode_snapshot(engine.snapshot())
    restored = RoutingEngine.restore(decode_snapshot(data))
    restored.check_invariants()
    for i, (e, expected) in enumerate(host.log[k:], start=k):
        assert restored.handle(e) == expected, f"diverged at event {i}"
    assert restored.snapshot() == host.engine.snapshot()


def test_restore_rejects_an_unknown_version() -> None:
    snap = RoutingEngine(mixed_config()).snapshot()
    with pytest.raises(RoutingError, match="version"):
        RoutingEngine.restore(msgspec.structs.replace(snap, version=99))


def test_decisions_round_trip_through_msgpack() -> None:
    host = Workload(check=False).run(random_actions(9, 300))
    for _, out in host.log:
        assert dec.decode_decisions(dec.encode_decisions(out)) == out


def test_unknown_event_type_raises() -> None:
    with pytest.raises(RoutingError):
        RoutingEngine(mixed_config()).handle(ev.RoutingEvent(now_ms=0))  # the bare base is no event


def test_time_never_runs_backwards() -> None:
    engine = RoutingEngine(mixed_config())
    engine.handle(ev.AgentLoggedIn(now_ms=5000, agent="ann"))
    engine.handle(ev.AgentLoggedIn(now_ms=1000, agent="bob"))
    assert engine.now_ms == 5000


def test_timer_book() -> None:
    book = TimerBook()
    book.apply([dec.SetTimer(key="a", at_ms=30), dec.SetTimer(key="b", at_ms=10), dec.SetTimer(key="c", at_ms=20)])
    book.apply([dec.CancelTimer(key="c")])
    assert len(book) == 2 and "c" not in book and book.next_at() == 10
    assert book.pop_due(5) is None
    assert book.pop_due(100) == ev.TimerFired(now_ms=10, key="b")
    book.apply([dec.SetTimer(key="b", at_ms=40)])  # re-armed after firing
    assert book.pop_due(100) == ev.TimerFired(now_ms=30, key="a")
    assert book.pop_due(100) == ev.TimerFired(now_ms=40, key="b")
    assert book.next_at() is None and book.keys() == []
