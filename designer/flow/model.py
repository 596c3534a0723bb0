"""The flow being edited: a Qt-free mutable model that notifies listeners of fine-grained changes.

Only designer/flow/commands.py mutates it (every change is an undo step); the scene,
the outline and the property panel listen. Nodes are held as private copies of
FlowNode structs and handed out as fresh copies by ``document()``, so nothing
outside can change the model behind the undo stack's back.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import msgspec

from edge_server.contract.designs import (
    Annotation,
    FlowChannel,
    FlowDoc,
    FlowNode,
    FlowTestCase,
    Variable,
)
from edge_server.flows.nodetypes import exits_of

log = logging.getLogger("sb.ui")

#: Listener(event, ids): events are "nodes_added", "nodes_removed", "nodes_moved", "node_changed"
#: (config, label or exits of the ids), "entry_changed", "doc_changed" (name, channel, variables,
#: tests...), "annotations_changed".
Listener = Callable[[str, tuple[str, ...]], None]

DOC_FIELDS = ("name", "description", "channel", "locales")


def copy_struct[T: msgspec.Struct](value: T) -> T:
    """A deep copy (msgspec structs share their dict/list members on a shallow replace)."""
    return msgspec.json.decode(msgspec.json.encode(value), type=type(value))


def node_pos(node: FlowNode) -> tuple[float, float]:
    return float(node.ui.get("x", 0.0)), float(node.ui.get("y", 0.0))


class FlowModel:
    def __init__(self, doc: FlowDoc) -> None:
        doc = copy_struct(doc)
        self.id = doc.id
        self.name = doc.name
        self.format_version = doc.format_version
        self.channel: FlowChannel = doc.channel
        self.description = doc.description
        self.locales: list[str] = list(doc.locales)
        self.variables: list[Variable] = list(doc.variables)
        self.entry = doc.entry
        # Insertion-ordered: document order is kept so undo restores the exact document.
        self.nodes: dict[str, FlowNode] = {n.id: n for n in doc.nodes}
        self.annotations: dict[str, Annotation] = {a.id: a for a in doc.annotations}
        self.tests: list[FlowTestCase] = list(doc.tests)
        self.ui: dict[str, Any] = dict(doc.ui)
        self._listeners: list[Listener] = []

    # --- reading ------------------------------------------------------------------

    def document(self) -> FlowDoc:
        doc = FlowDoc(
            id=self.id, name=self.name, format_version=self.format_version, channel=self.channel,
            description=self.description, locales=list(self.locales), variables=list(self.variables),
            entry=self.entry, nodes=list(self.nodes.values()), annotations=list(self.annotations.values()),
            tests=list(self.tests), ui=dict(self.ui),
        )
        return copy_struct(doc)

    def node(self, node_id: str) -> FlowNode:
        return self.nodes[node_id]

    def order(self) -> list[str]:
        """Node ids breadth-first from the entry along exits, then the unreachable ones in document order."""
        seen: dict[str, None] = {}
        queue = [self.entry] if self.entry in self.nodes else []
        while queue:
            nid = queue.pop(0)
            if nid in seen or nid not in self.nodes:
                continue
            seen[nid] = None
            node = self.nodes[nid]
            queue.extend(t for t in node.exits.values() if t and t not in seen)
        seen.update((nid, None) for nid in self.nodes if nid not in seen)
        return list(seen)

    def exit_names(self, node_id: str) -> list[str]:
        """The exits to draw: the type's exits, then stale wired ones the config no longer names."""
        node = self.nodes[node_id]
        names = exits_of(node)
        return names + [e for e in node.exits if e not in names]

    def incoming(self, node_id: str) -> list[tuple[str, str]]:
        return [(n.id, e) for n in self.nodes.values() for e, t in n.exits.items() if t == node_id]

    # --- listening ------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def _emit(self, event: str, ids: Iterable[str] = ()) -> None:
        ids = tuple(ids)
        for listener in list(self._listeners):
            listener(event, ids)

    # --- mutations (commands only) --------------------------------------------------------

    def insert_nodes(self, nodes: list[tuple[int, FlowNode]]) -> None:
        """Insert (index, node) pairs; indices are document positions after insertion (ascending)."""
        items = list(self.nodes.items())
        for index, node in sorted(nodes, key=lambda p: p[0]):
            items.insert(min(index, len(items)), (node.id, copy_struct(node)))
        self.nodes = dict(items)
        self._emit("nodes_added", (n.id for _, n in nodes))

    def remove_nodes(self, ids: Iterable[str]) -> list[tuple[int, FlowNode]]:
        """Remove nodes; returns (index, node) pairs for re-insertion (wires into them are not touched)."""
        drop = set(ids)
        removed = [(i, n) for i, n in enumerate(self.nodes.values()) if n.id in drop]
        self.nodes = {k: v for k, v in self.nodes.items() if k not in drop}
        self._emit("nodes_removed", (n.id for _, n in removed))
        return removed

    def set_ui(self, positions: dict[str, dict[str, Any]]) -> None:
        """Replace the ui blocks of nodes (positions)."""
        for nid, ui in positions.items():
            self.nodes[nid].ui = dict(ui)
        self._emit("nodes_moved", positions.keys())

    def replace_node(self, node: FlowNode) -> None:
        """Swap a node's whole content (config, label, exits), keeping its place in the document."""
        self.nodes[node.id] = copy_struct(node)
        self._emit("node_changed", (node.id,))

    def set_exit(self, node_id: str, exit_name: str, target: str | None, *, present: bool = True) -> None:
        node = self.nodes[node_id]
        exits = dict(node.exits)
        if present:
            exits[exit_name] = target
        else:
            exits.pop(exit_name, None)
        node.exits = exits
        self._emit("node_changed", (node_id,))

    def set_entry(self, node_id: str) -> None:
        self.entry = node_id
        self._emit("entry_changed", (node_id,))

    def set_variables(self, variables: list[Variable]) -> None:
        self.variables = [copy_struct(v) for v in variables]
        self._emit("doc_changed", ("variables",))

    def set_tests(self, tests: list[FlowTestCase]) -> None:
        self.tests = [copy_struct(t) for t in tests]
        self._emit("doc_changed", ("tests",))

    def set_doc_field(self, key: str, value: Any) -> None:
        if key not in DOC_FIELDS:
            raise ValueError(f"not a document field: {key}")
        if key == "channel":
            value = FlowChannel(value)
        elif key == "locales":
            value = list(value)
        setattr(self, key, value)
        self._emit("doc_changed", (key,))

    def put_annotation(self, annotation: Annotation | None, annotation_id: str, index: int = -1) -> None:
        """Add or replace (annotation) or remove (None) an annotation, keeping document order."""
        items = [(k, v) for k, v in self.annotations.items() if k != annotation_id]
        if annotation is not None:
            old = list(self.annotations).index(annotation_id) if annotation_id in self.annotations else -1
            pos = old if old >= 0 else (index if index >= 0 else len(items))
            items.insert(pos, (annotation_id, copy_struct(annotation)))
        self.annotations = dict(items)
        self._emit("annotations_changed", (annotation_id,))


def synced_exits(node: FlowNode) -> dict[str, str | None]:
    """The exits a node should carry after its config changed.

    New exits (a menu option added) appear unwired; exits the config no longer names are dropped
    unless wired, so a renamed branch keeps its wire visible (as a stale exit the validator flags)
    instead of silently losing it.
    """
    names = exits_of(node)
    out: dict[str, str | None] = {n: node.exits.get(n) for n in names}
    out.update({k: v for k, v in node.exits.items() if k not in out and v})
    return out
