"""Event factories and file helpers shared by the store tests."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import duckdb

from edge_server.contract.events import AgentStateChanged, LoginFailed, UserUpserted
from edge_server.contract.messages import AgentState, Role
from edge_server.store import segments

_clock = itertools.count(1_700_000_000_000)


def ts() -> int:
    """Strictly increasing fake wall-clock ms, so every event is distinguishable."""
    return next(_clock)


def failed_login(tag: str, reason: str = "bad password") -> LoginFailed:
    """An event whose ``username`` carries a marker the test can look for."""
    return LoginFailed(ts_ms=ts(), username=tag, reason=reason)


def state(user: str, st: AgentState = AgentState.READY, reason: str = "") -> AgentStateChanged:
    return AgentStateChanged(ts_ms=ts(), username=user, state=st, reason=reason)


def user(name: str, *, role: Role = Role.AGENT, **kw: Any) -> UserUpserted:
    kw.setdefault("display_name", name.title())
    return UserUpserted(ts_ms=ts(), username=name, role=role, **kw)


def segment_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "journal").glob("*.seg"))


def journal_record_ends(path: Path) -> list[int]:
    """Byte offset just past each valid record of a segment file."""
    data = path.read_bytes()
    res = segments.scan(data)
    ends, offset = [], 0
    for payload in segments.iter_payloads(data, res.count):
        offset += segments.HEADER.size + len(payload)
        ends.append(offset)
    return ends


def db_rows(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    """Query a closed store's database file directly (read-only)."""
    con = duckdb.connect(str(data_dir / "switchboard.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def event_seqs(cur: duckdb.DuckDBPyConnection) -> list[int]:
    return [r[0] for r in cur.execute("SELECT seq FROM events ORDER BY seq").fetchall()]
