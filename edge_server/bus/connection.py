"""One live peer of the edge's ROUTER socket."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(eq=False, slots=True)
class Connection:
    """A desktop connection as the ROUTER sees it; identity is by object, not by value."""

    routing_id: bytes  # assigned by the ROUTER; changes on every reconnect
    client_key: str  # CURVE public key (z85) proven by the handshake; "" without CURVE
    last_seen: float  # time.monotonic() of the last frame received
    client_id: str = ""  # the frames' cid: stable per desktop install, claimed not proven
    session_id: str | None = None  # set by BusServer.open_session / resume_session
