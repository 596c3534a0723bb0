"""The fast message search gives match_bm25's ranking (scores and membership), and misses nothing newer."""
from __future__ import annotations

import random
import time
from pathlib import Path

import duckdb
import pytest

from edge_server.interactions import customer_reads as reads
from edge_server.store import Store
from edge_server.store.fts import cjk_bigrams
from edge_server.store.store import DB_FILE
from tests.edge_server.interactions.customers_helpers import SEGMENT_BYTES

_WORDS = ["delivery", "delivered", "issue", "issues", "refund", "refunds", "parcel", "late", "broken", "kettle",
          "invoice", "the", "my", "is", "退款", "发票", "订单状态", "我想申请退款", "物流", "包裹没到"]

# The previous implementation: match_bm25 evaluated for every message.
_OLD = f"""SELECT m.message_id, m.score FROM (
               SELECT message_id, score FROM (
                   SELECT message_id, private, {reads._FTS_SCHEMA}.match_bm25(message_id, ?) AS score FROM messages)
               WHERE score IS NOT NULL AND NOT private) m
           ORDER BY m.score DESC"""


def _fill(con: duckdb.DuckDBPyConnection, n: int) -> None:
    rng = random.Random(7)
    rows = []
    for k in range(n):
        text = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 9)))
        private = k % 11 == 0
        rows.append((f"i{k % 40}", k, f"m{k}", 1_700_000_000_000 + k, "customer", text,
                     "" if private else cjk_bigrams(text), private))
    con.executemany("""INSERT INTO messages (interaction_id, seq, message_id, ts_ms, author_kind, body, body_indexed,
                                            private) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", rows)
    con.execute("""INSERT INTO interactions (interaction_id, customer_id, channel, state, created_ms)
                   SELECT 'i' || g, CASE WHEN g = 39 THEN '' ELSE 'c' || g END, 'chat', 'closed', 0
                   FROM generate_series(0, 39) s(g)""")


@pytest.mark.asyncio
async def test_postings_give_match_bm25_scores_and_the_scan_covers_rows_after_the_build(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = await Store.open(data, fsync=False, segment_bytes=SEGMENT_BYTES)
    await store.close()
    con = duckdb.connect(str(data / DB_FILE))
    try:
        _fill(con, 600)
        status = reads.rebuild_fts(con, 0, int(time.time() * 1000))
        assert status.rebuilt and status.messages == 600
        owner = dict(con.execute("SELECT interaction_id, customer_id FROM interactions").fetchall())
        body = dict(con.execute("SELECT message_id, body FROM messages").fetchall())
        iid_of = dict(con.execute("SELECT message_id, interaction_id FROM messages").fetchall())
        checked = 0
        for query in ["delivery issue", "退款", "refunds kettle", "订单", "the late parcel", "delivered", "物流 发票"]:
            old = con.execute(_OLD, [cjk_bigrams(query)]).fetchall()
            old = [(mid, score) for mid, score in old if owner[iid_of[mid]]]
            assert old, query  # the corpus has hits for every query
            new = reads._bm25_top(con, cjk_bigrams(query), 10_000)
            # Every hit, in the same order of scores (ties may swap): the same multiset of (score, message).
            assert len(new) == len(old), query
            new_keys = sorted((iid, snip) for _, snip, iid in new)
            assert new_keys == sorted((iid_of[mid], body[mid][:reads.SNIPPET_CHARS]) for mid, _ in old), query
            top = reads._bm25_top(con, cjk_bigrams(query), 20)
            # The top 20 hold every message scoring above the 20th best score (those at it may tie).
            cut = sorted((round(s, 9) for _, s in old), reverse=True)[min(19, len(old) - 1)]
            assert len(top) == min(20, len(old))
            top_ids = {(iid, snip) for _, snip, iid in top}
            for mid, s in old:
                if round(s, 9) > cut:
                    assert (iid_of[mid], body[mid][:reads.SNIPPET_CHARS]) in top_ids, (query, mid)
            assert all(cid != "" for cid, _, _ in top)
            checked += 1
        assert checked == 7
        assert reads._bm25_top(con, cjk_bigrams("nothing matches this"), 10) == []

        # A message appended after the build is not in the index but the scan finds it (rowid bound).
        con.execute("""INSERT INTO messages (interaction_id, seq, message_id, ts_ms, author_kind, body, body_indexed)
                       VALUES ('i5', 10000, 'late1', 1, 'customer', '新的投诉内容', ?)""", [cjk_bigrams("新的投诉内容")])
        hits = reads._by_messages(con, "投诉", 50)
        assert hits == [("c5", "新的投诉内容", "i5")]  # ts_ms=1 is older than everything: rowid, not clock
        assert reads._bm25_top(con, cjk_bigrams("投诉"), 10) == []
    finally:
        con.close()
