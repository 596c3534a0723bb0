"""The store process: DuckDB lives there, reads are named functions, and its death loses nothing."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from edge_server.contract.messages import AgentState
from edge_server.store import Store, StoreError, repos
from edge_server.store.db_client import MAX_RESTARTS
from tests.edge_server.store.store_helpers import (
    FailureWindow,
    count_as_text,
    event_seqs,
    failed_login,
    failures_in,
    mark_then_count,
    rows,
    state,
    store_process_pid,
    user,
)

REPO = Path(__file__).resolve().parents[3]


async def _until(condition: Callable[[], bool], what: str, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.01)


def _kill_store_process(store: Store) -> int:
    pid = store.process_id
    assert pid is not None and pid != os.getpid()
    os.kill(pid, signal.SIGKILL)
    return pid


@pytest.mark.asyncio
async def test_reads_run_in_the_store_process(store: Store) -> None:
    pid = await store.read(store_process_pid)
    assert pid == store.process_id
    assert pid != os.getpid()


def test_the_edge_process_never_loads_duckdb(tmp_path: Path) -> None:
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from edge_server.contract.events import LoginFailed\n"
        "from edge_server.store import Store, repos\n"
        "from edge_server.work import projections\n"
        "async def main():\n"
        "    async with await Store.open(Path(sys.argv[1])) as store:\n"
        "        await store.append([LoginFailed(ts_ms=1, username='ann', reason='x')])\n"
        "        assert await store.read(repos.count_login_failures, 'ann', 0) == 1\n"
        "        assert await store.read(repos.load_users) == []\n"
        "asyncio.run(main())\n"
        "loaded = sorted(m for m in sys.modules if 'duckdb' in m)\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "data")],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()


@pytest.mark.asyncio
async def test_read_your_writes_across_the_process_boundary(data_dir: Path) -> None:
    # A 30 s linger: only the readers' flush requests can make these reads quick.
    async with await Store.open(data_dir, linger_s=30.0) as store:

        async def write_then_read(i: int) -> None:
            store.append([user(f"u{i}", password_hash=f"h{i}")])  # not awaited
            row = await store.read(repos.get_user, f"u{i}")
            assert row is not None and row.password_hash == f"h{i}"
            assert isinstance(row, repos.UserRow)

        started = time.monotonic()
        await asyncio.gather(*(write_then_read(i) for i in range(30)))
        for i in range(10):
            store.append([state("ann", AgentState.READY if i % 2 else AgentState.NOT_READY, f"r{i}")])
        states = await store.read(repos.load_agent_states)
        assert states["ann"].reason == "r9" and states["ann"].state is AgentState.READY
        assert time.monotonic() - started < 10.0
        assert store.applied_seq == 40


@pytest.mark.asyncio
async def test_the_edge_gathers_records_into_one_transaction(data_dir: Path) -> None:
    async with await Store.open(data_dir, linger_s=30.0) as store:
        for i in range(50):
            assert await store.append([failed_login(f"g{i}")]) == i + 1  # acknowledged one by one
        # Still lingering in the edge: the store process has been sent nothing yet.
        assert store.applied_seq == 0 and store.stats().transactions == 0
        assert await store.read(event_seqs) == list(range(1, 51))  # the reader ends the linger
        assert store.stats().transactions == 1


@pytest.mark.asyncio
async def test_read_functions_are_named_and_typed(store: Store) -> None:
    await store.append([failed_login("eve"), failed_login("eve")])

    def nested(cur: duckdb.DuckDBPyConnection) -> int:
        return 1

    with pytest.raises(TypeError, match="lambda"):
        await store.read(lambda cur: 1)
    with pytest.raises(TypeError, match="nested"):
        await store.read(nested)
    with pytest.raises(TypeError, match="encodable"):
        await store.read(rows, "SELECT ?", object())
    # Struct arguments arrive as Structs, results come back as the annotation says.
    assert await store.read(failures_in, FailureWindow(user="eve", since_ms=0)) == 2
    assert await store.read(rows, "SELECT 1 AS a, 'x' AS b") == [(1, "x")]
    # The read function's own errors keep their type, with the store process's traceback.
    with pytest.raises(duckdb.CatalogException) as info:
        await store.read(rows, "SELECT * FROM no_such_table")
    assert any("raised in the store process" in note for note in info.value.__notes__)
    with pytest.raises(TypeError, match="return annotation"):
        await store.read(count_as_text)
    assert await store.read(event_seqs) == [1, 2]  # and the store still serves


@pytest.mark.asyncio
async def test_store_process_logs_reach_the_edge_logging(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="sb.store"):
        async with await Store.open(data_dir) as store:
            pid = store.process_id
    migrating = [r for r in caplog.records if r.getMessage().startswith("migrating")]
    assert migrating, [r.getMessage() for r in caplog.records]
    assert migrating[0].name == "sb.store" and migrating[0].process == pid
    assert migrating[0].processName == "sb-store"


@pytest.mark.asyncio
async def test_killed_store_process_is_restarted_and_loses_nothing(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with await Store.open(data_dir) as store:
        acked = [await store.append([failed_login(f"a{i}")]) for i in range(20)]
        assert await store.read(event_seqs) == acked
        old = _kill_store_process(store)
        # The journal keeps acknowledging while the database is away.
        acked += [await store.append([failed_login(f"b{i}")]) for i in range(20)]
        unawaited = store.append([failed_login("c")])
        assert await store.read(event_seqs) == list(range(1, 42))
        assert await store.read(repos.count_login_failures, "c", 0) == 1
        assert await unawaited == 41
        assert store.process_id != old
        assert store.process_restarts == 1
        assert store.failure is None
        assert any("stopped unexpectedly" in r.getMessage() for r in caplog.records)
    async with await Store.open(data_dir) as store:
        assert store.recovery.replayed == 0
        assert await store.read(event_seqs) == list(range(1, 42))


@pytest.mark.asyncio
async def test_read_in_flight_is_retried_once_then_fails(data_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "reading"
    async with await Store.open(data_dir) as store:
        await store.append([failed_login("x")])
        read = asyncio.ensure_future(store.read(mark_then_count, str(marker), 1.0))
        await _until(marker.exists, "the read to start")
        marker.unlink()
        _kill_store_process(store)
        assert await read == 1  # ran again in the new store process
        assert marker.exists() and store.process_restarts == 1

        marker.unlink()
        read = asyncio.ensure_future(store.read(mark_then_count, str(marker), 5.0))
        for attempt in range(2):
            await _until(marker.exists, f"attempt {attempt + 1} of the read")
            marker.unlink()
            _kill_store_process(store)
        with pytest.raises(StoreError, match="stopped twice"):
            await read
        assert await store.read(event_seqs) == [1]  # the store itself goes on


@pytest.mark.asyncio
async def test_a_store_process_that_keeps_dying_fails_the_store(data_dir: Path) -> None:
    async with await Store.open(data_dir) as store:
        await store.append([failed_login("x")])
        for _ in range(MAX_RESTARTS):
            pid = _kill_store_process(store)
            assert await store.read(event_seqs) == [1]  # served by a new process
            assert store.process_id != pid
        _kill_store_process(store)
        await _until(lambda: store.failure is not None, "the store to give up")
        assert "times within" in str(store.failure)
        with pytest.raises(StoreError, match="not being updated"):
            await store.read(event_seqs)
        with pytest.raises(StoreError, match="refuses writes"):
            store.append([failed_login("y")])
    # Nothing was lost: a new edge starts a new store process.
    async with await Store.open(data_dir) as store:
        assert await store.read(event_seqs) == [1]


@pytest.mark.asyncio
async def test_database_held_by_another_process_fails_the_open(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "sys.stdin.read()", str(data_dir / "switchboard.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        with pytest.raises(StoreError, match="another process holds the database"):
            await Store.open(data_dir)
    finally:
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()
    async with await Store.open(data_dir) as store:  # the refusal released the data dir
        assert await store.append([failed_login("x")]) == 1
