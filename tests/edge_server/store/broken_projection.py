"""A projection bug, for the store process of one test only (named in projection_modules).

Never import it in the test process: the edge would then ask every later store
process to import it too (see registry.registered_modules).
"""
from __future__ import annotations

from collections.abc import Sequence

from edge_server.contract.events import LoginFailed
from edge_server.store.registry import PROJECTIONS, Cursor, Projection

_real = PROJECTIONS["login_failed"]


def _fails_for_user_during(cur: Cursor, events: Sequence[LoginFailed]) -> None:
    if any(e.username == "during" for e in events):
        raise ZeroDivisionError("projection bug")
    _real.apply(cur, events)


PROJECTIONS["login_failed"] = Projection("login_failed", None, _fails_for_user_during, _real.subject)
