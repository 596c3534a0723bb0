"""DTMF collection rules (max digits, terminator, first-digit and inter-digit timeouts), free of pjsua2.

The worker feeds digits and the clock in; the collector says when it is complete. Kept apart so the
timing rules are unit-tested without a SIP stack.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class DigitCollector:
    """One pending Collect command of one call."""

    req: int
    max_digits: int
    timeout_s: float
    terminator: str
    first_digit_timeout_s: float
    started: float  # monotonic seconds
    digits: str = ""
    last_digit_at: float = 0.0
    result: tuple[str, str] | None = field(default=None)  # (digits, reason) once complete

    def deadline(self) -> float:
        if not self.digits:
            first = self.first_digit_timeout_s or self.timeout_s
            return self.started + first
        return self.last_digit_at + self.timeout_s

    def feed(self, buffer: deque[str], now: float) -> bool:
        """Consume buffered digits; True when complete (``result`` set). Unconsumed digits stay buffered."""
        while self.result is None and buffer:
            digit = buffer.popleft()
            self.last_digit_at = now
            if self.terminator and digit in self.terminator:
                self.result = (self.digits, "terminator")
                break
            self.digits += digit
            if self.max_digits and len(self.digits) >= self.max_digits:
                self.result = (self.digits, "max")
        return self.result is not None

    def tick(self, now: float) -> bool:
        """True (result set) when the applicable timer ran out."""
        if self.result is None and now >= self.deadline():
            self.result = (self.digits, "timeout")
        return self.result is not None
