"""Fresh documents for "New flow" / "New form", and "save mine as a copy" (Qt-free)."""
from __future__ import annotations

import msgspec

from edge_server.contract.designs import (
    Document,
    FlowChannel,
    FlowDoc,
    FlowNode,
    FormDoc,
    LayoutItem,
    LayoutKind,
)
from edge_server.flows.ids import new_id
from edge_server.flows.nodetypes import NODE_TYPES

#: Horizontal gap between the start and end node of a new flow (scene units).
_NEW_FLOW_GAP = 240.0


def new_flow(name: str, channel: FlowChannel) -> FlowDoc:
    """A flow with one start node at (0, 0) wired to an end node: valid from the first save."""
    start_id, end_id = new_id(), new_id()
    start = FlowNode(id=start_id, type="start", config=NODE_TYPES["start"].default_config(),
                     exits={"next": end_id}, ui={"x": 0.0, "y": 0.0})
    end = FlowNode(id=end_id, type="end", config=NODE_TYPES["end"].default_config(),
                   ui={"x": _NEW_FLOW_GAP, "y": 0.0})
    return FlowDoc(id=new_id(), name=name, channel=channel, entry=start_id, nodes=[start, end])


def new_form(name: str) -> FormDoc:
    """A form with one page holding one empty section, where fields are dropped."""
    section = LayoutItem(id=new_id(), kind=LayoutKind.SECTION, title={"zh-CN": "基本信息", "en": "Details"})
    page = LayoutItem(id=new_id(), kind=LayoutKind.PAGE, title={"zh-CN": "第一页", "en": "Page 1"},
                      children=[section])
    return FormDoc(id=new_id(), name=name, pages=[page])


def as_copy(doc: Document, suffix: str = " (copy)") -> Document:
    """The same content under a new design id and a name marking it a copy (conflict: "save mine as a copy")."""
    return msgspec.structs.replace(doc, id=new_id(), name=doc.name + suffix)


def clone(doc: Document) -> Document:
    """A deep copy through the wire encoding (documents are plain msgspec structs)."""
    return msgspec.json.decode(msgspec.json.encode(doc), type=type(doc))
