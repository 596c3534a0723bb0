"""Typed reads of the state tables: module-level functions over a cursor.

Use them through the store, which runs them in the store process:
``users = await store.read(repos.load_users)``,
``ann = await store.read(repos.get_user, "ann")``.
Arguments and results cross a process boundary as msgpack, so they are msgspec
Structs, lists, dicts and scalars, and each function's return annotation is
the type the caller gets back (the edge decodes the reply with it).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import msgspec

from edge_server.contract.messages import AgentState, ReasonKind, Role

if TYPE_CHECKING:  # these functions run in the store process; the edge only names them
    import duckdb

Cursor: TypeAlias = "duckdb.DuckDBPyConnection"


class UserRow(msgspec.Struct, frozen=True, kw_only=True):
    username: str
    display_name: str
    role: Role
    password_hash: str | None
    team: str
    languages: list[str]
    disabled: bool
    created_ms: int
    updated_ms: int
    skills: dict[str, int]  # skill -> proficiency


class SkillRow(msgspec.Struct, frozen=True, kw_only=True):
    skill: str
    name_en: str
    name_zh: str


class QueueRow(msgspec.Struct, frozen=True, kw_only=True):
    queue: str
    name_en: str
    name_zh: str
    skills: dict[str, int]
    config: dict[str, Any]


class ReasonCodeRow(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    kind: ReasonKind
    label_en: str
    label_zh: str


class AgentStateRow(msgspec.Struct, frozen=True, kw_only=True):
    username: str
    state: AgentState
    reason: str
    since_ms: int
    by: str


class SessionRow(msgspec.Struct, frozen=True, kw_only=True):
    session_id: str
    token_hash: str
    username: str
    client_id: str
    client_key: str
    sip_contact: str
    opened_ms: int
    closed_ms: int | None
    close_reason: str | None


_USER_COLUMNS = (
    "u.username, u.display_name, u.role, u.password_hash, u.team, u.languages, u.disabled, "
    "u.created_ms, u.updated_ms"
)
_SESSION_COLUMNS = (
    "session_id, token_hash, username, client_id, client_key, sip_contact, opened_ms, "
    "closed_ms, close_reason"
)


def _user(row: tuple[Any, ...], skills: dict[str, int]) -> UserRow:
    return UserRow(
        username=row[0],
        display_name=row[1],
        role=Role(row[2]),
        password_hash=row[3],
        team=row[4],
        languages=msgspec.json.decode(row[5], type=list[str]),
        disabled=row[6],
        created_ms=row[7],
        updated_ms=row[8],
        skills=skills,
    )


def load_users(cur: Cursor) -> list[UserRow]:
    """Every user (disabled ones too), by username, with their skills."""
    skills: dict[str, dict[str, int]] = {}
    for username, skill, proficiency in cur.execute(
        "SELECT username, skill, proficiency FROM agent_skills ORDER BY username, skill"
    ).fetchall():
        skills.setdefault(username, {})[skill] = proficiency
    rows = cur.execute(f"SELECT {_USER_COLUMNS} FROM users u ORDER BY u.username").fetchall()
    return [_user(r, skills.get(r[0], {})) for r in rows]


def get_user(cur: Cursor, username: str) -> UserRow | None:
    row = cur.execute(
        f"SELECT {_USER_COLUMNS} FROM users u WHERE u.username = ?", [username]
    ).fetchone()
    if row is None:
        return None
    skills = dict(
        cur.execute(
            "SELECT skill, proficiency FROM agent_skills WHERE username = ? ORDER BY skill",
            [username],
        ).fetchall()
    )
    return _user(row, skills)


def load_skills(cur: Cursor) -> list[SkillRow]:
    rows = cur.execute("SELECT skill, name_en, name_zh FROM skills ORDER BY skill").fetchall()
    return [SkillRow(skill=r[0], name_en=r[1], name_zh=r[2]) for r in rows]


def load_queues(cur: Cursor) -> list[QueueRow]:
    rows = cur.execute(
        "SELECT queue, name_en, name_zh, skills, config FROM queues ORDER BY queue"
    ).fetchall()
    return [
        QueueRow(
            queue=r[0],
            name_en=r[1],
            name_zh=r[2],
            skills=msgspec.json.decode(r[3], type=dict[str, int]),
            config=msgspec.json.decode(r[4], type=dict[str, Any]),
        )
        for r in rows
    ]


def load_reason_codes(cur: Cursor) -> list[ReasonCodeRow]:
    rows = cur.execute(
        "SELECT code, kind, label_en, label_zh FROM reason_codes ORDER BY kind, code"
    ).fetchall()
    return [
        ReasonCodeRow(code=r[0], kind=ReasonKind(r[1]), label_en=r[2], label_zh=r[3]) for r in rows
    ]


def load_agent_states(cur: Cursor) -> dict[str, AgentStateRow]:
    rows = cur.execute(
        'SELECT username, state, reason, since_ms, "by" FROM agent_state ORDER BY username'
    ).fetchall()
    return {
        r[0]: AgentStateRow(
            username=r[0], state=AgentState(r[1]), reason=r[2], since_ms=r[3], by=r[4]
        )
        for r in rows
    }


def _session(r: tuple[Any, ...]) -> SessionRow:
    return SessionRow(
        session_id=r[0],
        token_hash=r[1],
        username=r[2],
        client_id=r[3],
        client_key=r[4],
        sip_contact=r[5],
        opened_ms=r[6],
        closed_ms=r[7],
        close_reason=r[8],
    )


def find_session(cur: Cursor, token_hash: str) -> SessionRow | None:
    """The open session with this token hash, if any."""
    row = cur.execute(
        f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE token_hash = ? AND closed_ms IS NULL",
        [token_hash],
    ).fetchone()
    return _session(row) if row else None


def open_sessions(cur: Cursor) -> list[SessionRow]:
    rows = cur.execute(
        f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE closed_ms IS NULL "
        f"ORDER BY opened_ms, session_id"
    ).fetchall()
    return [_session(r) for r in rows]


def count_login_failures(cur: Cursor, username: str, since_ms: int) -> int:
    """Failed logins for ``username`` at or after ``since_ms``."""
    row = cur.execute(
        "SELECT count(*) FROM login_failures WHERE username = ? AND ts_ms >= ?",
        [username, since_ms],
    ).fetchone()
    return int(row[0]) if row else 0


def last_event_seq(cur: Cursor) -> int:
    """Seq of the newest row in the ``events`` table (0 when empty)."""
    row = cur.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()
    return int(row[0]) if row else 0


class DirectorySnapshot(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the edge's live directory is rebuilt from at start, read at one instant."""

    users: list[UserRow]
    skills: list[SkillRow]
    queues: list[QueueRow]
    reason_codes: list[ReasonCodeRow]
    agent_states: dict[str, AgentStateRow]
    open_sessions: list[SessionRow]


def load_directory_snapshot(cur: Cursor) -> DirectorySnapshot:
    """The load_* reads above in one read-only transaction: one round trip, one consistent view."""
    cur.execute("BEGIN TRANSACTION READ ONLY")
    try:
        return DirectorySnapshot(
            users=load_users(cur),
            skills=load_skills(cur),
            queues=load_queues(cur),
            reason_codes=load_reason_codes(cur),
            agent_states=load_agent_states(cur),
            open_sessions=open_sessions(cur),
        )
    finally:
        cur.execute("ROLLBACK")  # nothing was written; ends the snapshot
