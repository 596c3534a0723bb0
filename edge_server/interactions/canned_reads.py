"""Canned-response reads that run in the store process (``Store.read``; see read_functions.py)."""
from __future__ import annotations

from typing import Any

from edge_server.contract.interactions import CannedResponse

_COLUMNS = "canned_id, shortcut, title, body, scope, owner, language"
# What a user sees first: their own, then their team's, then the site's.
_SCOPE_ORDER = "CASE scope WHEN 'personal' THEN 0 WHEN 'team' THEN 1 ELSE 2 END"


def _row(r: tuple[Any, ...]) -> CannedResponse:
    cid, shortcut, title, body, scope, owner, language = r
    return CannedResponse(canned_id=cid, shortcut=shortcut, title=title, text=body, scope=scope, owner=owner,
                          language=language)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def canned_visible(cur: Any, username: str, team: str, query: str) -> list[CannedResponse]:
    """Site, ``team``'s and ``username``'s own responses; ``query`` filters by shortcut prefix or words."""
    sql = f"""SELECT {_COLUMNS} FROM canned_responses
              WHERE NOT deleted AND (scope = 'site' OR (scope = 'team' AND owner = ? AND owner <> '')
                                     OR (scope = 'personal' AND owner = ?))"""
    args: list[object] = [team, username]
    query = query.strip().removeprefix("/")
    if query:
        words = query.split()
        word_conds = " AND ".join("(title || ' ' || body) ILIKE ? ESCAPE '\\'" for _ in words)
        sql += f" AND (shortcut ILIKE ? ESCAPE '\\' OR ({word_conds}))"
        args += [_escape(query) + "%", *("%" + _escape(w) + "%" for w in words)]
    sql += f" ORDER BY {_SCOPE_ORDER}, shortcut, canned_id"
    return [_row(r) for r in cur.execute(sql, args).fetchall()]


def canned_get(cur: Any, canned_id: str) -> CannedResponse | None:
    r = cur.execute(f"SELECT {_COLUMNS} FROM canned_responses WHERE canned_id = ? AND NOT deleted",
                    [canned_id]).fetchone()
    return _row(r) if r else None


def canned_with_shortcut(cur: Any, scope: str, owner: str, shortcut: str) -> str:
    """The id of the live response with this shortcut in scope+owner, or ""."""
    r = cur.execute(
        """SELECT canned_id FROM canned_responses
           WHERE NOT deleted AND scope = ? AND owner = ? AND lower(shortcut) = lower(?)""",
        [scope, owner, shortcut],
    ).fetchone()
    return r[0] if r else ""
