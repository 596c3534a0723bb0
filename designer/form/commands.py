"""The form designer's typed undo commands: add, remove, move an item; set a property.

Each keeps what it needs to reverse itself exactly and tells the host which element
to select afterwards. Typing into a property merges into one command (mergeWith), so
one undo takes back a word, not a letter.
"""
from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from designer.form import ops
from edge_server.contract.designs import FormDoc, FormField, LayoutItem

_SET_PROPERTY_ID = 0x5B0F


class EditHost(Protocol):
    doc: FormDoc

    def document_edited(self, select: str | None) -> None:
        """The document changed: redraw, and select ``select`` (an item id) when given."""
        ...


class InsertItemCommand(QUndoCommand):
    def __init__(self, host: EditHost, parent_id: str, index: int, item: LayoutItem,
                 fields: list[FormField], text: str) -> None:
        super().__init__(text)
        self._host = host
        self._parent_id = parent_id
        self._index = index
        self._item = item
        self._fields = fields
        self.item_id = item.id

    def redo(self) -> None:
        ops.insert(self._host.doc, self._parent_id, self._index, ops.snapshot(self._item),  # type: ignore[arg-type]
                   ops.snapshot(self._fields))  # type: ignore[arg-type]
        self._host.document_edited(self._item.id)

    def undo(self) -> None:
        ops.remove(self._host.doc, self._item.id)
        self._host.document_edited(self._parent_id or None)


class RemoveItemCommand(QUndoCommand):
    def __init__(self, host: EditHost, item_id: str, text: str) -> None:
        super().__init__(text)
        self._host = host
        self._item_id = item_id
        self._removed: ops.Removed | None = None

    def redo(self) -> None:
        self._removed = ops.remove(self._host.doc, self._item_id)
        self._host.document_edited(self._removed.parent_id or None)

    def undo(self) -> None:
        r = self._removed
        assert r is not None
        ops.insert(self._host.doc, r.parent_id, r.index, r.item, r.fields)
        self._host.document_edited(r.item.id)


class MoveItemCommand(QUndoCommand):
    def __init__(self, host: EditHost, item_id: str, parent_id: str, index: int, text: str) -> None:
        super().__init__(text)
        self._host = host
        self._item_id = item_id
        self._to = (parent_id, index)
        self._from: tuple[str, int] | None = None

    def redo(self) -> None:
        self._from = ops.move(self._host.doc, self._item_id, *self._to)
        self._host.document_edited(self._item_id)

    def undo(self) -> None:
        assert self._from is not None
        ops.move(self._host.doc, self._item_id, *self._from)
        self._host.document_edited(self._item_id)


class SetPropertyCommand(QUndoCommand):
    """Set one attribute of a field (target "field") or a layout item (target "layout").

    ``merge`` marks typing: consecutive typed edits of the same attribute merge into one.
    """

    def __init__(self, host: EditHost, target: str, element_id: str, attr: str, value: Any, text: str,
                 *, merge: bool = False, select: str = "") -> None:
        super().__init__(text)
        self._host = host
        self.target = target
        self.element_id = element_id
        self.attr = attr
        self._new = ops.snapshot(value)
        self._old = ops.snapshot(getattr(self._obj(), attr))
        self._merge = merge
        self._select = select

    def _obj(self) -> FormField | LayoutItem:
        doc = self._host.doc
        obj = ops.field_by_id(doc, self.element_id) if self.target == "field" else ops.item_by_id(doc, self.element_id)
        if obj is None:
            raise KeyError(self.element_id)
        return obj

    def id(self) -> int:
        return _SET_PROPERTY_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, SetPropertyCommand) and self._merge and other._merge):
            return False
        if (other.target, other.element_id, other.attr) != (self.target, self.element_id, self.attr):
            return False
        self._new = other._new
        return True

    def redo(self) -> None:
        setattr(self._obj(), self.attr, ops.snapshot(self._new))
        self._host.document_edited(self._select or None)

    def undo(self) -> None:
        setattr(self._obj(), self.attr, ops.snapshot(self._old))
        self._host.document_edited(self._select or None)
