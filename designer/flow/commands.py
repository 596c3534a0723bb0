"""Every edit of a flow is one of these QUndoCommands, pushed on the editor's undo stack.

Each command snapshots exactly what it changes so undo restores the exact document
(content hash and ui blocks). Commands that merge: MoveNodes (consecutive moves of
the same selection in one gesture, e.g. keyboard nudges), SetConfig and SetLabel
(typing in the same field of the same node).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from designer.flow.model import FlowModel, copy_struct, synced_exits
from edge_server.contract.designs import Annotation, FlowNode, FlowTestCase, Variable

_MOVE_ID = 1001
_CONFIG_ID = 1002
_LABEL_ID = 1003


class AddNodes(QUndoCommand):
    """Add nodes (palette drop, paste); sets the entry when it adds the first start node."""

    def __init__(self, model: FlowModel, nodes: list[FlowNode], text: str = "") -> None:
        super().__init__(text or QCoreApplication.translate("FlowCommands", "Add node"))
        self._model = model
        self._nodes = [copy_struct(n) for n in nodes]
        self._old_entry = model.entry
        self._new_entry = model.entry
        if not model.entry or model.entry not in model.nodes:
            starts = [n.id for n in self._nodes if n.type == "start"]
            if starts:
                self._new_entry = starts[0]

    @property
    def node_ids(self) -> list[str]:
        return [n.id for n in self._nodes]

    def redo(self) -> None:
        base = len(self._model.nodes)
        self._model.insert_nodes([(base + i, n) for i, n in enumerate(self._nodes)])
        if self._new_entry != self._old_entry:
            self._model.set_entry(self._new_entry)

    def undo(self) -> None:
        if self._new_entry != self._old_entry:
            self._model.set_entry(self._old_entry)
        self._model.remove_nodes(self.node_ids)


class RemoveNodes(QUndoCommand):
    """Remove nodes and the wires into them; undo puts both back where they were."""

    def __init__(self, model: FlowModel, ids: list[str], text: str = "") -> None:
        super().__init__(text or QCoreApplication.translate("FlowCommands", "Delete"))
        self._model = model
        drop = set(ids)
        self._ids = [i for i in model.nodes if i in drop]
        self._removed: list[tuple[int, FlowNode]] = []
        # (source, exit, target) of wires from kept nodes into removed ones.
        self._wires = [(src, e, t) for t in self._ids for src, e in model.incoming(t) if src not in drop]
        self._old_entry = model.entry

    def redo(self) -> None:
        self._removed = [(i, copy_struct(n)) for i, n in enumerate(self._model.nodes.values()) if n.id in self._ids]
        for src, e, _ in self._wires:
            self._model.set_exit(src, e, None)
        self._model.remove_nodes(self._ids)
        if self._old_entry in self._ids:
            self._model.set_entry("")

    def undo(self) -> None:
        self._model.insert_nodes(self._removed)
        for src, e, target in self._wires:
            self._model.set_exit(src, e, target)
        if self._old_entry != self._model.entry:
            self._model.set_entry(self._old_entry)


class MoveNodes(QUndoCommand):
    """Set node positions; ``gesture`` names one continuous gesture whose steps merge into one undo step."""

    def __init__(self, model: FlowModel, new_pos: dict[str, tuple[float, float]], text: str = "",
                 gesture: str = "") -> None:
        super().__init__(text or QCoreApplication.translate("FlowCommands", "Move"))
        self._model = model
        self._old = {i: dict(model.nodes[i].ui) for i in new_pos}
        self._new = {i: {**model.nodes[i].ui, "x": float(x), "y": float(y)} for i, (x, y) in new_pos.items()}
        self._gesture = gesture

    def id(self) -> int:
        return _MOVE_ID if self._gesture else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MoveNodes) or other._gesture != self._gesture or other._new.keys() != self._new.keys():
            return False
        self._new = other._new
        return True

    def redo(self) -> None:
        self._model.set_ui(self._new)

    def undo(self) -> None:
        self._model.set_ui(self._old)


class _NodeEdit(QUndoCommand):
    """Replace one node's content; merging keeps the first snapshot and takes the latest result."""

    def __init__(self, model: FlowModel, node_id: str, text: str) -> None:
        super().__init__(text)
        self._model = model
        self._node_id = node_id
        self._old = copy_struct(model.nodes[node_id])
        self._new = copy_struct(model.nodes[node_id])

    def redo(self) -> None:
        self._model.replace_node(self._new)

    def undo(self) -> None:
        self._model.replace_node(self._old)


class SetConfig(_NodeEdit):
    def __init__(self, model: FlowModel, node_id: str, key: str, value: Any) -> None:
        super().__init__(model, node_id, QCoreApplication.translate("FlowCommands", "Edit property"))
        self._key = key
        self._apply(value)

    def _apply(self, value: Any) -> None:
        node = copy_struct(self._old)
        node.config = {**node.config, self._key: value}
        node.exits = synced_exits(node)
        # Round-trip so the stored value is plain JSON data, as it will be after a save.
        self._new = copy_struct(node)

    def id(self) -> int:
        return _CONFIG_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetConfig) or (other._node_id, other._key) != (self._node_id, self._key):
            return False
        self._new = other._new
        return True


class SetLabel(_NodeEdit):
    def __init__(self, model: FlowModel, node_id: str, label: str) -> None:
        super().__init__(model, node_id, QCoreApplication.translate("FlowCommands", "Rename node"))
        self._new.label = label

    def id(self) -> int:
        return _LABEL_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetLabel) or other._node_id != self._node_id:
            return False
        self._new = other._new
        return True


class Connect(QUndoCommand):
    """Wire one exit to a target (None: unwire). One target per exit; undo restores the old one."""

    def __init__(self, model: FlowModel, node_id: str, exit_name: str, target: str | None) -> None:
        super().__init__(QCoreApplication.translate("FlowCommands", "Connect") if target
                         else QCoreApplication.translate("FlowCommands", "Disconnect"))
        self._model = model
        self._node_id = node_id
        self._exit = exit_name
        self._target = target
        exits = model.nodes[node_id].exits
        self._had = exit_name in exits
        self._old = exits.get(exit_name)

    def redo(self) -> None:
        self._model.set_exit(self._node_id, self._exit, self._target)

    def undo(self) -> None:
        self._model.set_exit(self._node_id, self._exit, self._old, present=self._had)


class SetEntry(QUndoCommand):
    def __init__(self, model: FlowModel, node_id: str) -> None:
        super().__init__(QCoreApplication.translate("FlowCommands", "Set start node"))
        self._model = model
        self._old = model.entry
        self._new = node_id

    def redo(self) -> None:
        self._model.set_entry(self._new)

    def undo(self) -> None:
        self._model.set_entry(self._old)


class SetVariables(QUndoCommand):
    def __init__(self, model: FlowModel, variables: list[Variable]) -> None:
        super().__init__(QCoreApplication.translate("FlowCommands", "Edit variables"))
        self._model = model
        self._old = [copy_struct(v) for v in model.variables]
        self._new = [copy_struct(v) for v in variables]

    def redo(self) -> None:
        self._model.set_variables(self._new)

    def undo(self) -> None:
        self._model.set_variables(self._old)


class SetTests(QUndoCommand):
    def __init__(self, model: FlowModel, tests: list[FlowTestCase]) -> None:
        super().__init__(QCoreApplication.translate("FlowCommands", "Edit simulations"))
        self._model = model
        self._old = [copy_struct(t) for t in model.tests]
        self._new = [copy_struct(t) for t in tests]

    def redo(self) -> None:
        self._model.set_tests(self._new)

    def undo(self) -> None:
        self._model.set_tests(self._old)


class SetDocField(QUndoCommand):
    """name, description, channel or locales."""

    def __init__(self, model: FlowModel, key: str, value: Any) -> None:
        super().__init__(QCoreApplication.translate("FlowCommands", "Edit flow settings"))
        self._model = model
        self._key = key
        old = getattr(model, key)
        self._old = list(old) if isinstance(old, list) else old
        self._new = value

    def redo(self) -> None:
        self._model.set_doc_field(self._key, self._new)

    def undo(self) -> None:
        self._model.set_doc_field(self._key, self._old)


class PutAnnotation(QUndoCommand):
    """Add, edit (text or position) or remove (None) a canvas note."""

    def __init__(self, model: FlowModel, annotation_id: str, annotation: Annotation | None, text: str) -> None:
        super().__init__(text)
        self._model = model
        self._id = annotation_id
        ids = list(model.annotations)
        self._index = ids.index(annotation_id) if annotation_id in model.annotations else -1
        old = model.annotations.get(annotation_id)
        self._old = copy_struct(old) if old is not None else None
        self._new = copy_struct(annotation) if annotation is not None else None

    def redo(self) -> None:
        self._model.put_annotation(self._new, self._id)

    def undo(self) -> None:
        self._model.put_annotation(self._old, self._id, self._index)


def add_annotation(model: FlowModel, annotation: Annotation) -> PutAnnotation:
    return PutAnnotation(model, annotation.id, annotation, QCoreApplication.translate("FlowCommands", "Add note"))


def edit_annotation(model: FlowModel, annotation: Annotation) -> PutAnnotation:
    return PutAnnotation(model, annotation.id, annotation, QCoreApplication.translate("FlowCommands", "Edit note"))


def remove_annotation(model: FlowModel, annotation_id: str) -> PutAnnotation:
    return PutAnnotation(model, annotation_id, None, QCoreApplication.translate("FlowCommands", "Delete note"))
