"""Read functions of the flow host, the design import and their tests (run in the store process)."""
from __future__ import annotations

from typing import Any


def customer_by_identity(cur: Any, kind: str, value: str) -> str:
    row = cur.execute("SELECT customer_id FROM identities WHERE kind = ? AND value = ?", [kind, value]).fetchone()
    return str(row[0]) if row else ""


def running_executions(cur: Any, interaction_ids: list[str]) -> list[str]:
    rows = cur.execute("SELECT execution_id FROM flow_executions WHERE outcome = 'running' "
                       "AND list_contains(?, interaction_id)", [interaction_ids]).fetchall()
    return [str(r[0]) for r in rows]


def design_heads(cur: Any) -> dict[str, tuple[int, int, str]]:
    """design id -> (draft version, latest revision, its content hash)."""
    rows = cur.execute(
        """SELECT d.design_id, d.draft_version, COALESCE(MAX(r.number), 0),
                  COALESCE(arg_max(r.content_hash, r.number), '')
           FROM designs d LEFT JOIN design_revisions r USING (design_id) GROUP BY ALL""").fetchall()
    return {str(r[0]): (int(r[1]), int(r[2]), str(r[3])) for r in rows}


def design_count(cur: Any) -> int:
    return int(cur.execute("SELECT count(*) FROM designs").fetchone()[0])


def work_orders(cur: Any) -> list[tuple[str, str, str, str]]:
    """(queue, subject, fields JSON, interaction id) of every work order, oldest first."""
    return [tuple(map(str, r)) for r in cur.execute(
        "SELECT queue, subject, fields, interaction_id FROM work_orders ORDER BY created_ms").fetchall()]


def executions_of(cur: Any, interaction_id: str) -> list[tuple[str, str]]:
    return [(str(r[0]), str(r[1])) for r in cur.execute(
        "SELECT outcome, error FROM flow_executions WHERE interaction_id = ? ORDER BY started_ms",
        [interaction_id]).fetchall()]
