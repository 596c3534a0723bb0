"""The timeline query uses the interactions(customer_id) index, with and without a page boundary."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from edge_server.interactions import customer_reads as reads
from edge_server.store import Store
from edge_server.store.store import DB_FILE
from tests.edge_server.interactions.customers_helpers import SEGMENT_BYTES


def _plan(con: duckdb.DuckDBPyConnection, sql: str, args: list[object]) -> str:
    # DuckDB picks index scans when the query runs, so EXPLAIN ANALYZE (not EXPLAIN) shows the choice.
    return "\n".join(r[1] for r in con.execute("EXPLAIN ANALYZE " + sql, args).fetchall())


@pytest.mark.asyncio
async def test_timeline_plan_uses_the_customer_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = await Store.open(data, fsync=False, segment_bytes=SEGMENT_BYTES)
    await store.close()
    con = duckdb.connect(str(data / DB_FILE))
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("""INSERT INTO interactions (interaction_id, customer_id, channel, state, created_ms)
                       SELECT 'i' || g, 'c' || (g % 5000), 'chat', 'closed', 1700000000000 + g
                       FROM generate_series(0, 199999) s(g)""")
        for before, before_id in ((0, ""), (1_700_000_100_000, ""), (1_700_000_095_042, "i95042")):
            plan = _plan(con, reads.TIMELINE_SQL, reads.timeline_args("c42", before, before_id, 21))
            assert "Index Scan" in plan, plan
        entries, more = reads._timeline(con, "c42", 1_700_000_100_000, 5)
        assert more and [e.interaction_id for e in entries] == [f"i{g}" for g in range(95042, 72000, -5000)]
    finally:
        con.close()


@pytest.mark.asyncio
async def test_timeline_pages_by_ms_and_id_never_skip_ties_and_name_queues(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = await Store.open(data, fsync=False, segment_bytes=SEGMENT_BYTES)
    await store.close()
    con = duckdb.connect(str(data / DB_FILE))
    try:
        con.execute("INSERT INTO queues (queue, name_en, name_zh) VALUES ('support', 'Support', '支持')")
        # 7 interactions, 5 of them created in the same millisecond: pages of 2 must cut through the tie.
        con.execute("""INSERT INTO interactions (interaction_id, customer_id, channel, queue, state, created_ms)
                       VALUES ('a', 'c1', 'chat', 'support', 'closed', 1000), ('b', 'c1', 'chat', 'support', 'closed', 2000),
                              ('c', 'c1', 'chat', 'gone', 'closed', 2000), ('d', 'c1', 'chat', 'support', 'closed', 2000),
                              ('e', 'c1', 'chat', 'support', 'closed', 2000), ('f', 'c1', 'chat', 'support', 'closed', 2000),
                              ('g', 'c1', 'chat', 'support', 'closed', 3000), ('x', 'c2', 'chat', 'support', 'closed', 2000)""")
        seen: list[str] = []
        before_ms, before_id, more = 0, "", True
        while more:
            page = reads.timeline(con, "c1", before_ms, 2, before_id)
            seen += [e.interaction_id for e in page.entries]
            more = page.has_more
            before_ms, before_id = page.entries[-1].created_ms, page.entries[-1].interaction_id
        assert seen == ["g", "f", "e", "d", "c", "b", "a"]
        # Without an id the old meaning holds: strictly older than before_ms.
        assert [e.interaction_id for e in reads.timeline(con, "c1", 2000, 10).entries] == ["a"]
        entries = {e.interaction_id: e for e in reads.timeline(con, "c1", 0, 10).entries}
        assert (entries["g"].queue_name_en, entries["g"].queue_name_zh) == ("Support", "支持")
        assert (entries["c"].queue_name_en, entries["c"].queue_name_zh) == ("gone", "")  # unknown queue: its id
        view = reads.customer_view(con, "c1", 1)
        assert view is None  # no customers row: no card
        con.execute("INSERT INTO customers (customer_id, name, created_ms, updated_ms) VALUES ('c1', 'Li', 0, 0)")
        view = reads.customer_view(con, "c1", 1)
        assert view is not None and view.has_more and view.timeline[0].queue_name_zh == "支持"
    finally:
        con.close()
