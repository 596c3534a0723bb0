"""The softphone's one exception type: every pjsua2 failure crosses our border as this."""
from __future__ import annotations


class SoftphoneError(Exception):
    """A softphone operation failed.

    ``code`` is a stable short string the UI can switch on ("pjsip", "no_such_call", "closed",
    "bad_argument", "audio"); ``status`` keeps pjsip's numeric status when there was one.
    """

    def __init__(self, code: str, message: str, status: int = 0) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    def __repr__(self) -> str:
        return f"SoftphoneError({self.code!r}, {self.message!r}, status={self.status})"
