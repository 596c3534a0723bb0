"""Copy and paste of nodes: JSON on the clipboard (our own mime type, plus plain text for sharing).

Pasted nodes get fresh ids; wires between pasted nodes follow the copies, wires to
nodes outside the copied set are dropped (a paste never reaches into the old graph).
"""
from __future__ import annotations

import logging

import msgspec
from PySide6.QtCore import QMimeData

from edge_server.contract.designs import FlowNode
from edge_server.flows.ids import remap_nodes

log = logging.getLogger("sb.ui")

NODES_MIME = "application/x-switchboard-flow-nodes"
PASTE_OFFSET = 40.0


class _Clip(msgspec.Struct, kw_only=True):
    kind: str = "switchboard-flow-nodes"
    nodes: list[FlowNode] = []


def to_mime(nodes: list[FlowNode]) -> QMimeData:
    keep = {n.id for n in nodes}
    clipped = [msgspec.structs.replace(n, exits={e: (t if t in keep else None) for e, t in n.exits.items()})
               for n in nodes]
    payload = msgspec.json.encode(_Clip(nodes=clipped))
    data = QMimeData()
    data.setData(NODES_MIME, payload)
    data.setText(payload.decode())
    return data


def from_mime(data: QMimeData) -> list[FlowNode]:
    """Nodes on the clipboard ([] when there are none or the text is not ours)."""
    if data.hasFormat(NODES_MIME):
        raw = bytes(data.data(NODES_MIME).data())
    elif data.hasText():
        raw = data.text().encode()
    else:
        return []
    try:
        return msgspec.json.decode(raw, type=_Clip).nodes
    except (msgspec.DecodeError, msgspec.ValidationError):
        # Any other text on the clipboard: not an error, there is just nothing to paste.
        log.debug("clipboard holds no flow nodes")
        return []


def prepare_paste(nodes: list[FlowNode], offset: float = PASTE_OFFSET) -> list[FlowNode]:
    """Fresh ids, internal wires remapped, external ones cut, positions shifted by ``offset``."""
    copies, mapping = remap_nodes(nodes)
    fresh = set(mapping.values())
    out = []
    for n in copies:
        x, y = float(n.ui.get("x", 0.0)), float(n.ui.get("y", 0.0))
        out.append(msgspec.structs.replace(
            n, exits={e: (t if t in fresh else None) for e, t in n.exits.items()},
            ui={**n.ui, "x": x + offset, "y": y + offset}))
    return out
