"""Appending: acknowledgement only after fsync, ordering, group commit, read-your-writes."""
from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import pytest

from edge_server.contract.messages import AgentState
from edge_server.store import Store, StoreError, repos
from tests.edge_server.store.store_helpers import (
    event_seqs,
    failed_login,
    journal_record_ends,
    one,
    rows,
    segment_files,
    state,
)


@pytest.mark.asyncio
async def test_future_resolves_only_after_the_record_is_fsynced(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: dict[str, int] = {}  # file -> end of the furthest pwrite
    synced: list[tuple[str, int]] = []  # (file, bytes written before it) at every fdatasync
    real_pwrite, real_fdatasync = os.pwrite, os.fdatasync

    def recording_pwrite(fd: int, data: bytes | memoryview, offset: int) -> int:
        n = real_pwrite(fd, data, offset)
        name = os.readlink(f"/proc/self/fd/{fd}")
        written[name] = max(written.get(name, 0), offset + n)
        return n

    def recording_fdatasync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        before = written.get(name, 0)
        real_fdatasync(fd)
        synced.append((name, before))

    monkeypatch.setattr(os, "pwrite", recording_pwrite)
    monkeypatch.setattr(os, "fdatasync", recording_fdatasync)
    checked: list[int] = []
    async with await Store.open(data_dir) as store:

        def on_done(fut: asyncio.Future[int]) -> None:
            # Runs on the loop the moment the future resolves: the record must
            # already be in the file, and a sync must already cover its bytes.
            seq = fut.result()
            (segment,) = segment_files(data_dir)
            ends = journal_record_ends(segment)
            assert len(ends) >= seq, f"seq {seq} acknowledged but not in the journal"
            covered = max((size for name, size in synced if name == str(segment)), default=0)
            assert covered >= ends[seq - 1], f"seq {seq} acknowledged before fdatasync"
            checked.append(seq)

        futures = []
        for i in range(40):
            fut = store.append([failed_login(f"user{i}")])
            fut.add_done_callback(on_done)
            futures.append(fut)
            if i % 3 == 0:
                await fut  # mix awaited and in-flight appends
        assert await asyncio.gather(*futures) == list(range(1, 41))
    assert sorted(checked) == list(range(1, 41))


@pytest.mark.asyncio
async def test_concurrent_appends_keep_call_order(store: Store) -> None:
    call_order: list[str] = []
    results: dict[str, int] = {}

    async def appender(w: int) -> None:
        for i in range(25):
            tags = [f"w{w}-{i}-{k}" for k in range(1 + (i % 3))]
            call_order.extend(tags)
            fut = store.append([failed_login(t) for t in tags])
            if i % 2:
                await asyncio.sleep(0)  # let other appenders interleave before we wait
            last = await fut
            for k, t in enumerate(tags):
                results[t] = last - len(tags) + 1 + k

    await asyncio.gather(*(appender(w) for w in range(12)))
    # Seqs follow the order of the append calls, with no gaps or duplicates.
    assert [results[t] for t in call_order] == list(range(1, len(call_order) + 1))
    seq_subjects = await store.read(rows, "SELECT seq, subject FROM events ORDER BY seq")
    assert [subject for _, subject in seq_subjects] == call_order
    projected = await store.read(one, "SELECT count(*) FROM login_failures")
    assert projected == (len(call_order),)


@pytest.mark.asyncio
async def test_group_commit_batches_waiting_appends(store: Store) -> None:
    futures = [store.append([failed_login(f"burst{i}")]) for i in range(300)]
    assert await asyncio.gather(*futures) == list(range(1, 301))
    burst = store.stats()
    # 300 appends issued without yielding cannot each have had their own fsync.
    assert burst.journal_records == 300
    assert burst.journal_batches <= 100, burst
    assert burst.largest_batch >= 3, burst

    async def appender(w: int) -> None:
        for i in range(40):
            await store.append([failed_login(f"c{w}-{i}")])

    await asyncio.gather(*(appender(w) for w in range(8)))
    after = store.stats()
    batches = after.journal_batches - burst.journal_batches
    assert after.journal_records == 300 + 320
    # Eight appenders waiting on each other's fsyncs share batches.
    assert batches < 320, after
    print(f"group commit: burst 300 events in {burst.journal_batches} fsyncs; "
          f"8 appenders x 40 in {batches} fsyncs")


@pytest.mark.asyncio
async def test_read_sees_every_append_made_before_it(store: Store) -> None:
    store.append([state("ann", AgentState.READY)])  # not awaited on purpose
    store.append([state("ann", AgentState.NOT_READY, "lunch")])
    states = await store.read(repos.load_agent_states)
    assert states["ann"].state is AgentState.NOT_READY
    assert states["ann"].reason == "lunch"
    assert store.applied_seq >= 2


@pytest.mark.asyncio
async def test_waiting_reader_cuts_the_projector_linger_short(data_dir: Path) -> None:
    async with await Store.open(data_dir, linger_s=30.0) as store:
        await store.append([failed_login("first")])
        # Unread, the projector would wait 30 s for more; a reader must not.
        started = time.monotonic()
        seqs = await store.read(event_seqs)
        assert seqs == [1]
        assert time.monotonic() - started < 5.0
        store.append([failed_login("second")])
        assert await store.read(event_seqs) == [1, 2]


@pytest.mark.asyncio
async def test_close_drains_everything_appended(data_dir: Path) -> None:
    store = await Store.open(data_dir, linger_s=10.0)
    futures = [store.append([failed_login(f"d{i}")]) for i in range(50)]
    await store.close()
    assert all(f.done() and f.result() == i + 1 for i, f in enumerate(futures))
    async with await Store.open(data_dir) as again:
        assert again.recovery.replayed == 0  # close applied them all
        assert await again.read(event_seqs) == list(range(1, 51))
        assert again.last_seq == 50


@pytest.mark.asyncio
async def test_append_and_read_after_close_raise(data_dir: Path) -> None:
    store = await Store.open(data_dir)
    await store.append([failed_login("x")])
    await store.close()
    await store.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        store.append([failed_login("y")])
    with pytest.raises(StoreError, match="closed"):
        await store.read(event_seqs)


@pytest.mark.asyncio
async def test_append_rejects_non_events_and_empty_lists(store: Store) -> None:
    with pytest.raises(ValueError):
        store.append([])
    with pytest.raises(TypeError):
        store.append(["not an event"])  # type: ignore[list-item]
    # A rejected call consumes no seq.
    assert await store.append([failed_login("ok")]) == 1


@pytest.mark.asyncio
async def test_reopen_continues_numbering(data_dir: Path) -> None:
    async with await Store.open(data_dir) as store:
        assert await store.append([failed_login("a"), failed_login("b")]) == 2
    async with await Store.open(data_dir) as store:
        assert store.last_seq == 2 and store.applied_seq == 2
        assert await store.append([failed_login("c")]) == 3
        assert await store.read(event_seqs) == [1, 2, 3]


@pytest.mark.asyncio
async def test_append_off_the_event_loop_is_refused(store: Store) -> None:
    with pytest.raises(RuntimeError):
        await asyncio.to_thread(store.append, [failed_login("from-a-thread")])
    assert await store.append([failed_login("on-the-loop")]) == 1


@pytest.mark.asyncio
async def test_store_process_runs_at_lower_priority(store: Store) -> None:
    await store.read(event_seqs)  # the store process serves by now
    pid = store.process_id
    assert pid is not None and pid != os.getpid()
    # Every thread of it (projector, readers), not just its main thread.
    tasks = list(Path(f"/proc/{pid}/task").iterdir())
    assert len(tasks) >= 3
    for task in tasks:
        nice = int(task.joinpath("stat").read_text().rsplit(")", 1)[1].split()[16])
        assert nice >= 10, (task.name, nice)
    (journal,) = [t for t in threading.enumerate() if t.name == "sb-store-journal"]
    assert journal.native_id is not None
    assert os.getpriority(os.PRIO_PROCESS, journal.native_id) < 10  # acks keep their priority
    # DuckDB stays out of the edge process: no projector thread here.
    assert not [t for t in threading.enumerate() if t.name.startswith(("sb-store-projector", "sb-store-read"))]


@pytest.mark.asyncio
async def test_reads_racing_close_get_a_result_or_store_error(data_dir: Path) -> None:
    store = await Store.open(data_dir, linger_s=10.0)
    store.append([failed_login("pending")])
    reads = [asyncio.ensure_future(store.read(event_seqs)) for _ in range(6)]
    await asyncio.sleep(0)  # the reads are now waiting for the projector
    await store.close()
    outcomes = await asyncio.gather(*reads, return_exceptions=True)
    for outcome in outcomes:
        assert outcome == [1] or isinstance(outcome, StoreError), outcome
