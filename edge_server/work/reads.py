"""Reads the work service needs from the store (module-level: they may run in the store's process)."""
from __future__ import annotations

from typing import Any


def routing_inputs(cur: Any) -> list[bytes]:
    """Every journaled routing input, oldest first (msgpack payloads)."""
    import msgspec

    from edge_server.contract.events import RoutingInput

    rows = cur.execute("SELECT data FROM events WHERE kind = 'routing_input' ORDER BY seq").fetchall()
    dec = msgspec.json.Decoder(RoutingInput)
    return [dec.decode(r[0]).payload for r in rows]
