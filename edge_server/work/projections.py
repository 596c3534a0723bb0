"""Store projection for routing inputs: the ``events`` row is all they need (replayed at start)."""
from __future__ import annotations

from edge_server.store import register_projection


def _nothing(cur: object, event: object) -> None:
    """Routing inputs change no state table; the engine is rebuilt from the event log."""


register_projection("routing_input", _nothing)
