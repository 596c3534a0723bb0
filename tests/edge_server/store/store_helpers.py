"""Event factories, file helpers and read functions shared by the store tests.

The read functions are module-level on purpose: ``Store.read`` runs them in
the store process, which imports them from here by name.
"""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import duckdb
import msgspec

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


def rows(cur: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Any query's rows, as tuples (the return annotation makes them tuples again in the test)."""
    return cur.execute(sql, list(params)).fetchall()


def one(cur: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> tuple[Any, ...] | None:
    return cur.execute(sql, list(params)).fetchone()


def store_process_pid(cur: duckdb.DuckDBPyConnection) -> int:
    """Pid of the process running reads: proves they do not run in the test's process."""
    import os

    return os.getpid()


def mark_then_count(cur: duckdb.DuckDBPyConnection, marker: str, seconds: float) -> int:
    """A slow read that announces itself: creates ``marker``, sleeps, counts the events.

    The test waits for the marker to kill the store process while the read runs.
    """
    import time

    Path(marker).touch()
    time.sleep(seconds)
    row = cur.execute("SELECT count(*) FROM events").fetchone()
    return int(row[0]) if row else 0


class FailureWindow(msgspec.Struct, frozen=True):
    user: str
    since_ms: int


def failures_in(cur: duckdb.DuckDBPyConnection, window: FailureWindow) -> int:
    """Takes a Struct: the store process must decode it as one, not as a dict."""
    row = cur.execute(
        "SELECT count(*) FROM login_failures WHERE username = ? AND ts_ms >= ?",
        [window.user, window.since_ms],
    ).fetchone()
    return int(row[0]) if row else 0


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie nobody reaped yet counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def count_as_text(cur: duckdb.DuckDBPyConnection) -> int:
    """Annotated int, returns text: the edge must refuse the mismatch."""
    return "not a number"  # type: ignore[return-value]
