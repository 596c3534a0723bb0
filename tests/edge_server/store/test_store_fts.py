"""Full-text search offline: the extension loads from its wheel; English and Chinese are found."""
from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from edge_server.store import StoreError, fts

DOCS = [
    (1, "The customer asked about a refund for order 1234"),
    (2, "客户询问退款事宜"),
    (3, "我想查询订单状态"),
    (4, "Delivery is late again"),
]


def _search(con: duckdb.DuckDBPyConnection, query: str) -> list[int]:
    rows = con.execute(
        "SELECT id FROM (SELECT id, fts_main_docs.match_bm25(id, ?) AS score FROM docs) "
        "WHERE score IS NOT NULL ORDER BY score DESC",
        [query],
    ).fetchall()
    return [r[0] for r in rows]


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(tmp_path / "fts.duckdb"))
    yield c
    c.close()


def test_english_and_chinese_are_found(con: duckdb.DuckDBPyConnection) -> None:
    fts.load_fts(con)
    con.execute("CREATE TABLE docs (id INTEGER, body VARCHAR, body_indexed VARCHAR)")
    for doc_id, body in DOCS:
        con.execute("INSERT INTO docs VALUES (?, ?, ?)", [doc_id, body, fts.cjk_bigrams(body)])
    con.execute("PRAGMA create_fts_index('docs', 'id', 'body_indexed')")
    assert _search(con, "refunds") == [1]  # porter stemming
    assert _search(con, fts.cjk_bigrams("订单")) == [3]
    assert _search(con, fts.cjk_bigrams("退款")) == [2]
    assert _search(con, fts.cjk_bigrams("查询订单")) == [3]
    # A reader cursor on the same database sees the extension and the index.
    cur = con.cursor()
    try:
        assert _search(cur, "delivery") == [4]
    finally:
        cur.close()


def test_unsegmented_chinese_is_one_token(con: duckdb.DuckDBPyConnection) -> None:
    """Why cjk_bigrams exists: without it a word inside a sentence is not found."""
    fts.load_fts(con)
    con.execute("CREATE TABLE docs (id INTEGER, body VARCHAR)")
    con.executemany("INSERT INTO docs VALUES (?, ?)", [list(d) for d in DOCS])
    con.execute("PRAGMA create_fts_index('docs', 'id', 'body', stemmer = 'none')")
    assert _search(con, "订单") == []
    assert _search(con, "我想查询订单状态") == [3]  # only the whole run matches


def test_cjk_bigrams_leaves_other_text_alone() -> None:
    assert fts.cjk_bigrams("订单状态 order 42 退") == "订单 单状 状态 order 42 退"
    assert fts.cjk_bigrams("plain text") == "plain text"


def test_missing_extension_package_is_a_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "duckdb_extension_fts" else real_find_spec(name, *a),
    )
    with pytest.raises(StoreError, match=f"duckdb-extension-fts=={duckdb.__version__}"):
        fts.extension_path()


def test_extension_for_another_duckdb_is_a_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duckdb, "__version__", "0.0.1")
    with pytest.raises(StoreError, match=r"has no extension for duckdb 0\.0\.1.*v1\."):
        fts.extension_path()
