"""Typed errors with stable codes, sent on the wire and raised inside the edge."""
from __future__ import annotations

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    """Stable error codes. Never rename a member: clients switch on the value."""

    MALFORMED = "malformed"  # the frame or body could not be decoded
    TOO_LARGE = "too_large"  # the frame exceeds the edge's configured limit
    PROTOCOL_VERSION = "protocol_version"  # client and edge speak different versions
    UNKNOWN_TYPE = "unknown_type"  # no such request type
    INVALID_ARGUMENT = "invalid_argument"  # well-formed but semantically wrong
    AUTH_FAILED = "auth_failed"  # wrong user or password
    THROTTLED = "throttled"  # too many failed attempts; retry after details.retry_after_s
    NOT_LOGGED_IN = "not_logged_in"  # the command needs a session
    SESSION_UNKNOWN = "session_unknown"  # resume token not (or no longer) valid
    FORBIDDEN = "forbidden"  # the role may not call this
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"  # precondition failed (e.g. duplicate user, stale revision)
    UNAVAILABLE = "unavailable"  # the edge cannot serve this now (store full, shutting down)
    INTERNAL = "internal"  # a bug in the edge; logged with traceback there


class SwitchboardError(Exception):
    """An error that crosses the wire as a typed error reply."""

    def __init__(self, code: ErrorCode, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __repr__(self) -> str:
        return f"SwitchboardError({self.code.value!r}, {self.message!r}, {self.details!r})"
