"""FormEditor: the form designer (palette | structure tree | properties | live preview).

Implements designer/editor_api.py. The FormDoc held here is the one truth; every edit
is a typed QUndoCommand (commands.py) on ``undo_stack`` that changes it and calls
``document_edited``, which redraws the tree, the property panel and the preview.
"""
from __future__ import annotations

import json
import logging
from typing import Any

import msgspec
from PySide6.QtCore import QItemSelectionModel, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from designer.form import ops
from designer.form.commands import InsertItemCommand, MoveItemCommand, RemoveItemCommand, SetPropertyCommand
from designer.form.palette import (
    BY_NAME,
    MIME_CLIP,
    MIME_ITEM,
    MIME_PALETTE,
    FormPalette,
    create,
    default_options,
)
from designer.form.preview import PreviewPane
from designer.form.properties import PropertyPanel
from designer.form.tree import ID_ROLE, StructureModel, StructureTree, kind_name, refusal
from desktop.forms.texts import pick
from desktop.i18n import ui_is_chinese
from edge_server.contract.designs import (
    FieldType,
    FormDoc,
    FormField,
    LayoutItem,
    LayoutKind,
    Problem,
    RefCatalog,
    TraceStep,
)
from edge_server.flows.ids import remap_layout

log = logging.getLogger("sb.ui")


class FormEditor(QWidget):
    """Signals: changed() after every change of the undo stack's index; selection_changed(str) with the
    selected element id (a field's id for field items, else the layout item's id; "" none)."""

    changed = Signal()
    selection_changed = Signal(str)

    def __init__(self, doc: FormDoc, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("form_editor")
        self.doc = ops.clone_doc(doc)
        self._chinese = ui_is_chinese()
        self._problems: dict[str, list[Problem]] = {}
        self._catalog = RefCatalog()
        self._selected_item = ""
        self._emitted_selection = ""
        self._redrawing = False
        self.undo_stack = QUndoStack(self)

        self.palette_list = FormPalette(self._chinese, self)
        self.palette_list.itemActivated.connect(self._on_palette_activated)
        self.tree_model = StructureModel(self)
        self.tree = StructureTree(self)
        self.tree.setModel(self.tree_model)
        self.tree.selectionModel().currentChanged.connect(self._on_current_changed)
        self.tree.drop_requested.connect(self._on_drop_requested)
        self.tree.drop_refused.connect(self._on_drop_refused)
        self.properties = PropertyPanel(self, self._chinese, self)
        props_scroll = QScrollArea(self)
        props_scroll.setWidgetResizable(True)
        props_scroll.setWidget(self.properties)
        self.preview = PreviewPane(self._chinese, self)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("form_editor_status")
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet("color: #8a5a00;")
        self._palette_caption = QLabel(self)
        self._tree_caption = QLabel(self)
        self._props_caption = QLabel(self)

        def column(caption: QLabel, body: QWidget) -> QWidget:
            w = QWidget(self)
            v = QVBoxLayout(w)
            v.setContentsMargins(2, 2, 2, 2)
            caption.setStyleSheet("font-weight: 600;")
            v.addWidget(caption)
            v.addWidget(body, 1)
            return w

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(column(self._palette_caption, self.palette_list))
        self.splitter.addWidget(column(self._tree_caption, self.tree))
        self.splitter.addWidget(column(self._props_caption, props_scroll))
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setStretchFactor(3, 3)
        self.splitter.setSizes([130, 300, 420, 420])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter, 1)
        lay.addWidget(self.status_label)

        self.copy_action = QAction(self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.paste_action = QAction(self)
        self.paste_action.setShortcut(QKeySequence.StandardKey.Paste)
        self.delete_action = QAction(self)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        for action, slot in ((self.copy_action, self.copy_selected), (self.paste_action, self.paste),
                             (self.delete_action, self.remove_selected)):
            # Only while the tree has focus: Delete/Ctrl+V in a property line edit are the line edit's.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.tree.addAction(action)

        self.undo_stack.indexChanged.connect(self._on_undo_index_changed)
        self._redraw(select=None)
        self._retranslate()

    # --- editor_api ---------------------------------------------------------------------------

    def document(self) -> FormDoc:
        return ops.clone_doc(self.doc)

    def set_problems(self, problems: list[Problem]) -> None:
        grouped: dict[str, list[Problem]] = {}
        for p in problems:
            if p.element_id:
                grouped.setdefault(p.element_id, []).append(p)
        self._problems = grouped
        self._redraw_tree()

    def select_element(self, element_id: str) -> None:
        index = self.tree_model.index_of(element_id)
        if index.isValid():
            self._select_index(index)

    def set_catalog(self, catalog: RefCatalog) -> None:
        self._catalog = catalog  # forms refer to no queues or skills; kept for parity with the flow editor

    def show_trace(self, steps: list[TraceStep]) -> None:
        """Forms have no trace."""

    def preview_values(self) -> dict[str, Any] | None:
        return self.preview.values()

    # --- editing (also what the tests drive) -----------------------------------------------------

    @property
    def selected_item_id(self) -> str:
        return self._selected_item

    def add_entry(self, entry_name: str, parent_id: str, index: int = -1) -> str:
        """Insert a new palette entry into ``parent_id`` (at the end for -1); the new item's id, "" if refused."""
        entry = BY_NAME[entry_name]
        if not ops.can_contain(ops.kind_of(self.doc, parent_id), entry.kind):
            self._say(refusal(ops.kind_of(self.doc, parent_id), entry.kind, self._chinese))
            return ""
        item, fields = create(entry, self.doc)
        if index < 0:
            index = len(ops.children_of(self.doc, parent_id))
        name = entry.label_zh if self._chinese else entry.label_en
        self.undo_stack.push(InsertItemCommand(self, parent_id, index, item, fields,
                                               self.tr("Add {what}").format(what=name)))
        return item.id

    def move_item(self, item_id: str, parent_id: str, index: int) -> bool:
        found = ops.find(self.doc, item_id)
        if found is None:
            return False
        kind = found[2].kind
        if parent_id and ops.is_within(self.doc, parent_id, item_id):
            self._say(self.tr("An item cannot be moved into itself."))
            return False
        if not ops.can_contain(ops.kind_of(self.doc, parent_id), kind):
            self._say(refusal(ops.kind_of(self.doc, parent_id), kind, self._chinese))
            return False
        if (found[0], found[1]) == (parent_id, index):
            return False
        self.undo_stack.push(MoveItemCommand(self, item_id, parent_id, index,
                                             self.tr("Move {what}").format(what=kind_name(kind, self._chinese))))
        return True

    def remove_item(self, item_id: str) -> None:
        item = ops.item_by_id(self.doc, item_id)
        if item is None:
            return
        self.undo_stack.push(RemoveItemCommand(self, item_id, self.tr("Remove {what}").format(
            what=kind_name(item.kind, self._chinese))))

    def remove_selected(self) -> None:
        if self._selected_item:
            self.remove_item(self._selected_item)

    def set_field_property(self, field_id: str, attr: str, value: Any, *, merge: bool = False) -> None:
        field = ops.field_by_id(self.doc, field_id)
        if field is None or getattr(field, attr) == value:
            return
        item = ops.layout_item_of_field(self.doc, field_id)
        self.undo_stack.push(SetPropertyCommand(
            self, "field", field_id, attr, value, self.tr("Change {what}").format(what=attr), merge=merge,
            select=item.id if item is not None else ""))

    def set_field_type(self, field_id: str, field_type: FieldType) -> None:
        """Change a field's type; a choice that has no options yet gets two to start from (one undo step)."""
        field = ops.field_by_id(self.doc, field_id)
        if field is None or field.type == field_type:
            return
        self.undo_stack.beginMacro(self.tr("Change {what}").format(what="type"))
        self.set_field_property(field_id, "type", field_type)
        if field_type in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and not field.options:
            self.set_field_property(field_id, "options", default_options())
        self.undo_stack.endMacro()

    def set_layout_property(self, item_id: str, attr: str, value: Any, *, merge: bool = False) -> None:
        item = ops.item_by_id(self.doc, item_id)
        if item is None or getattr(item, attr) == value:
            return
        self.undo_stack.push(SetPropertyCommand(
            self, "layout", item_id, attr, value, self.tr("Change {what}").format(what=attr), merge=merge,
            select=item_id))

    def copy_selected(self) -> bool:
        item = ops.item_by_id(self.doc, self._selected_item) if self._selected_item else None
        if item is None:
            return False
        wanted = set(ops.field_ids_under(item))
        fields = [f for f in self.doc.fields if f.id in wanted]
        payload = {"item": msgspec.to_builtins(item), "fields": msgspec.to_builtins(fields)}
        mime = QMimeData()
        mime.setData(MIME_CLIP, json.dumps(payload, ensure_ascii=False).encode())
        mime.setText(pick(item.title, "zh-CN" if self._chinese else "en") or item.kind.value)
        QApplication.clipboard().setMimeData(mime)
        return True

    def paste(self) -> str:
        """Paste the copied item into the selected container, or after the selected item; the new id or ""."""
        mime = QApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(MIME_CLIP):
            return ""
        try:
            payload = json.loads(bytes(mime.data(MIME_CLIP).data()).decode())
            item = msgspec.convert(payload["item"], LayoutItem)
            fields = msgspec.convert(payload["fields"], list[FormField])
        except (ValueError, KeyError, msgspec.ValidationError) as e:
            log.warning("clipboard holds no form item: %s", e)
            return ""
        items, new_fields, _mapping = remap_layout([item], fields, [f.key for f in self.doc.fields])
        copy = items[0]
        target = self._paste_target(copy.kind)
        if target is None:
            self._say(refusal(ops.kind_of(self.doc, self._selected_item or ops.ROOT), copy.kind, self._chinese))
            return ""
        parent_id, index = target
        self.undo_stack.push(InsertItemCommand(self, parent_id, index, copy, new_fields,
                                               self.tr("Paste {what}").format(what=kind_name(copy.kind,
                                                                                             self._chinese))))
        return copy.id

    # --- EditHost ------------------------------------------------------------------------------

    def document_edited(self, select: str | None) -> None:
        self._redraw(select)

    # --- slots ------------------------------------------------------------------------------------

    def _on_undo_index_changed(self, _index: int) -> None:
        self.changed.emit()

    def _on_palette_activated(self, item: Any) -> None:
        """Double-click / Enter on a palette entry: add it to the selected container (keyboard users)."""
        entry = BY_NAME.get(item.data(Qt.ItemDataRole.UserRole))
        if entry is None:
            return
        target = self._paste_target(entry.kind)
        if target is None:
            self._say(refusal(ops.kind_of(self.doc, self._selected_item or ops.ROOT), entry.kind, self._chinese))
            return
        self.add_entry(entry.name, *target)

    def _on_drop_requested(self, fmt: str, payload: str, parent_id: str, index: int) -> None:
        self._say("")
        if fmt == MIME_PALETTE:
            self.add_entry(payload, parent_id, index)
        elif fmt == MIME_ITEM:
            self.move_item(payload, parent_id, index)

    def _on_drop_refused(self, reason: str) -> None:
        self._say(reason)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._redrawing:
            return
        item_id = current.data(ID_ROLE) if current.isValid() else ""
        self._selected_item = item_id or ""
        self.properties.show_item(self.doc, self._selected_item)
        self._emit_selection()

    # --- internals ----------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
        self.tree.setStatusTip(text)

    def _selected_element(self) -> str:
        item = ops.item_by_id(self.doc, self._selected_item) if self._selected_item else None
        if item is None:
            return ""
        return item.field if item.kind == LayoutKind.FIELD and item.field else item.id

    def _paste_target(self, kind: LayoutKind) -> tuple[str, int] | None:
        """Into the selected container if it takes ``kind``, else after the selected item, else a new top slot."""
        sel = self._selected_item
        found = ops.find(self.doc, sel) if sel else None
        if found is not None:
            parent_id, index, item = found
            if ops.can_contain(item.kind, kind):
                return item.id, len(item.children)
            if ops.can_contain(ops.kind_of(self.doc, parent_id), kind):
                return parent_id, index + 1
            return None
        if ops.can_contain(ops.ROOT, kind):
            return ops.ROOT, len(self.doc.pages)
        return None

    def _redraw(self, select: str | None) -> None:
        if select is not None:
            self._selected_item = select if ops.item_by_id(self.doc, select) else ""
        elif self._selected_item and ops.item_by_id(self.doc, self._selected_item) is None:
            self._selected_item = ""
        self._redraw_tree()
        self.properties.show_item(self.doc, self._selected_item)
        self.preview.show_document(ops.clone_doc(self.doc))

    def _redraw_tree(self) -> None:
        self._redrawing = True
        try:
            self.tree.set_document(self.doc, self._chinese)
            self.tree_model.rebuild(self.doc, self._chinese, self._problems)
            self.tree.expandAll()
            index = self.tree_model.index_of(self._selected_item) if self._selected_item else QModelIndex()
            if index.isValid():
                self.tree.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.tree.scrollTo(index)
        finally:
            self._redrawing = False
        self._emit_selection()

    def _emit_selection(self) -> None:
        element = self._selected_element()
        if element != self._emitted_selection:
            self._emitted_selection = element
            self.selection_changed.emit(element)

    def _select_index(self, index: QModelIndex) -> None:
        self.tree.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.tree.scrollTo(index)
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def _retranslate(self) -> None:
        self._palette_caption.setText(self.tr("Palette"))
        self._tree_caption.setText(self.tr("Structure"))
        self._props_caption.setText(self.tr("Properties"))
        self.copy_action.setText(self.tr("Copy"))
        self.paste_action.setText(self.tr("Paste"))
        self.delete_action.setText(self.tr("Delete"))
        self.tree.setAccessibleName(self.tr("Form structure"))
