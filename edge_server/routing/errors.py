"""Errors the routing engine raises: only for bad configuration or bad use, never for races."""
from __future__ import annotations

from typing import Any

from edge_server.contract.errors import ErrorCode, SwitchboardError


class RoutingError(SwitchboardError):
    """The engine was used wrongly (unknown event type, invalid snapshot)."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.INVALID_ARGUMENT, **details: Any) -> None:
        super().__init__(code, message, **details)


class ConfigError(RoutingError):
    """A routing configuration is invalid; ``key`` names the offending setting."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}", key=key)
        self.key = key
