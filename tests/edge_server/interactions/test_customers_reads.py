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
        for before in (0, 1_700_000_100_000):
            plan = _plan(con, reads.TIMELINE_SQL, ["c42", before, before, 21])
            assert "Index Scan" in plan, plan
        entries, more = reads._timeline(con, "c42", 1_700_000_100_000, 5)
        assert more and [e.interaction_id for e in entries] == [f"i{g}" for g in range(95042, 72000, -5000)]
    finally:
        con.close()
