"""Offline full-text search: load DuckDB's ``fts`` extension from its PyPI package.

``INSTALL fts`` downloads from the network, which sites may not have; the
``duckdb-extension-fts`` wheel (pinned to the same version as duckdb) ships the
extension file, which we ``LOAD`` by path. Loading once per database instance
is enough: reader cursors of the same database see it too.

What works (tested in tests/edge_server/store/test_fts.py, duckdb 1.5.5):

* English: the defaults (``stemmer='porter'``) — "refunds" finds "refund".
* Chinese: the tokenizer splits on spaces and punctuation only, so an
  unsegmented sentence is ONE token and a word inside it is not found.
  Segment CJK text before indexing and before querying with the same rule.
  ``cjk_bigrams`` is a dictionary-free rule that works: every CJK run becomes
  its overlapping character pairs ("订单状态" -> "订单 单状 状态"), other text is
  left alone; a query for "订单" then matches. The porter stemmer leaves CJK
  tokens untouched, so one index can hold both languages.

Usage::

    load_fts(con)
    con.execute("PRAGMA create_fts_index('docs', 'id', 'body_indexed')")
    con.execute("SELECT id FROM (SELECT id, fts_main_docs.match_bm25(id, ?) AS s FROM docs) "
                "WHERE s IS NOT NULL ORDER BY s DESC", [cjk_bigrams(query)])
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import duckdb

from edge_server.store.errors import StoreError

_PACKAGE = "duckdb_extension_fts"


def extension_path() -> Path:
    """The fts extension file matching the installed duckdb; StoreError if missing."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise StoreError(
            f"full-text search needs the Python package duckdb-extension-fts=={duckdb.__version__} "
            f"(same version as duckdb); install it"
        )
    base = Path(next(iter(spec.submodule_search_locations)))
    path = base / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if not path.is_file():
        found = sorted(p.name for p in (base / "extensions").glob("v*")) if base.exists() else []
        raise StoreError(
            f"duckdb-extension-fts has no extension for duckdb {duckdb.__version__} (it has "
            f"{found or 'none'}); install duckdb-extension-fts=={duckdb.__version__}"
        )
    return path


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the fts extension into ``con``'s database, never from the network."""
    path = extension_path()
    # LOAD takes no bound parameters; the path is ours (site-packages), quotes escaped anyway.
    literal = str(path).replace("'", "''")
    try:
        con.execute(f"LOAD '{literal}'")
    except duckdb.Error as e:
        raise StoreError(
            f"cannot load the full-text-search extension {path}: {e}; reinstall "
            f"duckdb-extension-fts=={duckdb.__version__}"
        ) from e


# CJK Unified Ideographs (+ extension A), Hiragana/Katakana, Hangul syllables.
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


def cjk_bigrams(text: str) -> str:
    """Space-separated overlapping pairs for each CJK run; other words unchanged.

    Whitespace is normalised to single spaces (the result is for the index, not display).
    """

    def pairs(m: re.Match[str]) -> str:
        run = m.group(0)
        if len(run) == 1:
            return f" {run} "
        return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "

    return " ".join(_CJK_RUN.sub(pairs, text).split())
