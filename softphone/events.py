"""Events the SIP engine reports to its owner (plain dataclasses: no Qt, no pjsua2 objects)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CallStateName = Literal["ringing", "early", "connecting", "confirmed", "held", "disconnected"]


@dataclass(frozen=True, slots=True)
class IncomingCall:
    """A call is ringing here. ``headers`` holds every header of the INVITE (e.g. X-Interaction-Id)."""

    call_id: str
    remote_uri: str
    display: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CallState:
    """A call changed state; ``sip_code`` is the last SIP status seen (0 if none yet)."""

    call_id: str
    state: CallStateName
    reason: str = ""
    sip_code: int = 0


@dataclass(frozen=True, slots=True)
class MediaQuality:
    """Receive-side stream quality of a call, with an E-model MOS (see softphone.quality)."""

    call_id: str
    jitter_ms: float
    loss_pct: float
    rtt_ms: float
    mos: float
    rx_packets: int = 0


@dataclass(frozen=True, slots=True)
class Dtmf:
    """The remote side sent a DTMF digit (RFC 4733 or SIP INFO)."""

    call_id: str
    digit: str


@dataclass(frozen=True, slots=True)
class Registration:
    """The registrar answered a REGISTER: 200 = registered (expires > 0), 401/403 = bad credentials."""

    code: int
    reason: str
    expires: int


@dataclass(frozen=True, slots=True)
class EngineError:
    """A failure that happened inside a callback, where raising would reach pjsip instead of the owner."""

    message: str


EngineEvent = IncomingCall | CallState | MediaQuality | Dtmf | Registration | EngineError
