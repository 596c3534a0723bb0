"""Projections of the identity, configuration and session events into state tables.

Rare administrative events are applied one statement per event; the kinds that
come in bursts (agent states, sessions, failed logins) are applied set-based
per run of consecutive events, with the same result as one by one.
Every projection tolerates being applied to a row that does not exist (an
UPDATE matching nothing), so no valid event can stop the projector.
"""
from __future__ import annotations

from collections.abc import Sequence

import msgspec

from edge_server.contract.events import (
    AgentSkillsSet,
    AgentStateChanged,
    LoginFailed,
    PasswordChanged,
    QueueDefined,
    ReasonCodeDefined,
    SessionClosed,
    SessionOpened,
    SkillDefined,
    UserDisabled,
    UserUpserted,
)
from edge_server.store.bulk import json_rows, unnest_sql
from edge_server.store.registry import Cursor, projection

_json = msgspec.json.Encoder()


def _js(value: object) -> str:
    return _json.encode(value).decode()


# Rows for bulk statements are built as explicit dicts: the events omit fields
# left at their defaults (omit_defaults=True), which from_json would read as NULL.


# --- users and configuration (rare: one event at a time) ----------------------------


@projection("user_upserted", subject="username")
def _user_upserted(cur: Cursor, ev: UserUpserted) -> None:
    cur.execute(
        """INSERT INTO users (username, display_name, role, password_hash, team, languages,
                              disabled, created_ms, updated_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (username) DO UPDATE SET
               display_name = excluded.display_name,
               role = excluded.role,
               password_hash = COALESCE(excluded.password_hash, users.password_hash),
               team = excluded.team,
               languages = excluded.languages,
               disabled = excluded.disabled,
               updated_ms = excluded.updated_ms""",
        [
            ev.username, ev.display_name, ev.role.value, ev.password_hash, ev.team,
            _js(ev.languages), ev.disabled, ev.ts_ms, ev.ts_ms,
        ],
    )


@projection("user_disabled", subject="username")
def _user_disabled(cur: Cursor, ev: UserDisabled) -> None:
    cur.execute(
        "UPDATE users SET disabled = ?, updated_ms = ? WHERE username = ?",
        [ev.disabled, ev.ts_ms, ev.username],
    )


@projection("password_changed", subject="username")
def _password_changed(cur: Cursor, ev: PasswordChanged) -> None:
    cur.execute(
        "UPDATE users SET password_hash = ?, updated_ms = ? WHERE username = ?",
        [ev.password_hash, ev.ts_ms, ev.username],
    )


@projection("skill_defined", subject="skill")
def _skill_defined(cur: Cursor, ev: SkillDefined) -> None:
    cur.execute(
        """INSERT INTO skills (skill, name_en, name_zh) VALUES (?, ?, ?)
           ON CONFLICT (skill) DO UPDATE SET name_en = excluded.name_en,
               name_zh = excluded.name_zh""",
        [ev.skill, ev.name_en, ev.name_zh],
    )


_AGENT_SKILL = unnest_sql({"username": "VARCHAR", "skill": "VARCHAR", "proficiency": "INTEGER"})


@projection("agent_skills_set", subject="username")
def _agent_skills_set(cur: Cursor, ev: AgentSkillsSet) -> None:
    cur.execute("DELETE FROM agent_skills WHERE username = ?", [ev.username])
    if ev.skills:
        rows = [
            {"username": ev.username, "skill": s, "proficiency": p} for s, p in ev.skills.items()
        ]
        cur.execute(
            f"INSERT INTO agent_skills (username, skill, proficiency) "
            f"SELECT r.username, r.skill, r.proficiency FROM {_AGENT_SKILL}",
            [json_rows(rows)],
        )


@projection("queue_defined", subject="queue")
def _queue_defined(cur: Cursor, ev: QueueDefined) -> None:
    cur.execute(
        """INSERT INTO queues (queue, name_en, name_zh, skills, config) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (queue) DO UPDATE SET name_en = excluded.name_en,
               name_zh = excluded.name_zh, skills = excluded.skills, config = excluded.config""",
        [ev.queue, ev.name_en, ev.name_zh, _js(ev.skills), _js(ev.config)],
    )


@projection("reason_code_defined", subject="code")
def _reason_code_defined(cur: Cursor, ev: ReasonCodeDefined) -> None:
    cur.execute(
        """INSERT INTO reason_codes (code, kind, label_en, label_zh) VALUES (?, ?, ?, ?)
           ON CONFLICT (code) DO UPDATE SET kind = excluded.kind,
               label_en = excluded.label_en, label_zh = excluded.label_zh""",
        [ev.code, ev.kind.value, ev.label_en, ev.label_zh],
    )


# --- sessions, states, failed logins (bursty: set-based per run) ----------------------

_SESSION = unnest_sql(
    {
        "session_id": "VARCHAR", "token_hash": "VARCHAR", "username": "VARCHAR",
        "client_id": "VARCHAR", "client_key": "VARCHAR", "sip_contact": "VARCHAR",
        "ts_ms": "BIGINT",
    }
)


@projection("session_opened", subject="session_id", many=True)
def _sessions_opened(cur: Cursor, evs: Sequence[SessionOpened]) -> None:
    # One by one, a repeated session id would be ignored after its first insert
    # (ON CONFLICT DO NOTHING); keep the first here too.
    first: dict[str, SessionOpened] = {}
    for ev in evs:
        first.setdefault(ev.session_id, ev)
    cur.execute(
        f"""INSERT INTO sessions (session_id, token_hash, username, client_id, client_key,
                                  sip_contact, opened_ms)
            SELECT r.session_id, r.token_hash, r.username, r.client_id, r.client_key,
                   r.sip_contact, r.ts_ms FROM {_SESSION}
            ON CONFLICT (session_id) DO NOTHING""",
        [
            json_rows([
                {
                    "session_id": e.session_id, "token_hash": e.token_hash,
                    "username": e.username, "client_id": e.client_id,
                    "client_key": e.client_key, "sip_contact": e.sip_contact, "ts_ms": e.ts_ms,
                }
                for e in first.values()
            ])
        ],
    )


_CLOSE = unnest_sql({"session_id": "VARCHAR", "ts_ms": "BIGINT", "reason": "VARCHAR"})


@projection("session_closed", subject="session_id", many=True)
def _sessions_closed(cur: Cursor, evs: Sequence[SessionClosed]) -> None:
    last = {ev.session_id: ev for ev in evs}  # a later close overwrites an earlier one
    cur.execute(
        f"""UPDATE sessions SET closed_ms = src.r.ts_ms, close_reason = src.r.reason
            FROM {_CLOSE} AS src WHERE sessions.session_id = src.r.session_id""",
        [
            json_rows([
                {"session_id": e.session_id, "ts_ms": e.ts_ms, "reason": e.reason}
                for e in last.values()
            ])
        ],
    )


_STATE = unnest_sql(
    {
        "username": "VARCHAR", "state": "VARCHAR", "reason": "VARCHAR", "ts_ms": "BIGINT",
        "by": "VARCHAR",
    }
)


@projection("agent_state_changed", subject="username", many=True)
def _agent_states_changed(cur: Cursor, evs: Sequence[AgentStateChanged]) -> None:
    last = {ev.username: ev for ev in evs}  # only each agent's latest state survives
    cur.execute(
        f"""INSERT INTO agent_state (username, state, reason, since_ms, "by")
            SELECT r.username, r.state, r.reason, r.ts_ms, r."by" FROM {_STATE}
            ON CONFLICT (username) DO UPDATE SET state = excluded.state,
                reason = excluded.reason, since_ms = excluded.since_ms, "by" = excluded."by" """,
        [
            json_rows([
                {"username": e.username, "state": e.state.value, "reason": e.reason,
                 "ts_ms": e.ts_ms, "by": e.by}
                for e in last.values()
            ])
        ],
    )


_FAILURE = unnest_sql(
    {"ts_ms": "BIGINT", "username": "VARCHAR", "client_key": "VARCHAR", "reason": "VARCHAR"}
)


@projection("login_failed", subject="username", many=True)
def _logins_failed(cur: Cursor, evs: Sequence[LoginFailed]) -> None:
    cur.execute(
        f"""INSERT INTO login_failures (ts_ms, username, client_key, reason)
            SELECT r.ts_ms, r.username, r.client_key, r.reason FROM {_FAILURE}""",
        [
            json_rows([
                {"ts_ms": e.ts_ms, "username": e.username, "client_key": e.client_key,
                 "reason": e.reason}
                for e in evs
            ])
        ],
    )
