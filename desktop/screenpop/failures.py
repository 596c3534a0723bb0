"""Catch the human message of a hub command that failed, to show it inline next to the form.

The hub answers None on failure after the session emitted ``command_failed(command,
message)``; a form wants that message under its own fields rather than in the status
bar only, so it listens for the duration of its own call.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from PySide6.QtCore import QObject

T = TypeVar("T")


async def call_catching(session: QObject, command: str, call: Awaitable[T | None]) -> tuple[T | None, str]:
    """Await ``call``; (result, "") on success, (None, message) when ``command`` failed."""
    messages: list[str] = []

    def _on_command_failed(name: str, message: str) -> None:
        if name == command:
            messages.append(message)

    session.command_failed.connect(_on_command_failed)  # type: ignore[attr-defined]
    try:
        result = await call
    finally:
        session.command_failed.disconnect(_on_command_failed)  # type: ignore[attr-defined]
    if result is None or result is False:
        return None, messages[0] if messages else ""
    return result, ""


def is_supervisor(session: QObject) -> bool:
    """The logged-in role, read from the snapshot (both the real and the fake session carry it)."""
    snap = getattr(session, "snapshot", None)
    role = getattr(snap, "role", None)
    return str(role) in ("supervisor", "admin")


def disposition_labeler(session: QObject) -> Callable[[str], str]:
    """Wrap-up code -> its label in the UI language, from the site's reason codes in the snapshot."""
    from desktop.reasons import ReasonCatalog

    snap = getattr(session, "snapshot", None)
    return ReasonCatalog(getattr(snap, "reason_codes", None) or []).label
