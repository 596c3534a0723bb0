"""FlowEditor: the flow designer's document editor (palette, canvas + minimap, properties, outline).

Implements designer/editor_api.DocumentEditor. Gestures on the canvas, the palette and the
property panel become QUndoCommands on ``undo_stack``; the scene, outline and panels follow
the model. ``model`` may be read by the shell but is only changed through commands.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.flow import clipboard
from designer.flow.arrange import ALIGN_MODES, align, distribute, neighbour, snap
from designer.flow.commands import (
    AddNodes,
    Connect,
    MoveNodes,
    RemoveNodes,
    SetConfig,
    SetDocField,
    SetEntry,
    SetLabel,
    SetTests,
    SetVariables,
    add_annotation,
    edit_annotation,
    remove_annotation,
)
from designer.flow.items import NODE_W, NodeItem, NoteItem, WireItem
from designer.flow.minimap import Minimap
from designer.flow.model import FlowModel, copy_struct, node_pos
from designer.flow.outline import FlowOutline
from designer.flow.palette import FlowPalette
from designer.flow.properties import FlowSettingsPanel, NodePropertiesPanel
from designer.flow.scene import FlowScene
from designer.flow.view import FlowView
from edge_server.contract.designs import (
    Annotation,
    FlowDoc,
    FlowNode,
    FlowTestCase,
    Problem,
    RefCatalog,
    TraceStep,
    Variable,
)
from edge_server.flows.ids import new_id
from edge_server.flows.nodetypes import NODE_TYPES

log = logging.getLogger("sb.ui")


class FlowEditor(QWidget):
    changed = Signal()
    selection_changed = Signal(str)

    def __init__(self, doc: FlowDoc, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FlowModel(doc)
        self.undo_stack = QUndoStack(self)
        self._catalog: RefCatalog | None = None
        self._selected = ""
        self._syncing_selection = False
        self._props_stale = True
        self._pastes: tuple[tuple[str, ...], int] = ((), 0)  # last pasted node ids, times pasted

        self.scene = FlowScene(self.model, self)
        self.view = FlowView(self.scene)
        self.view.setAccessibleName(self.tr("Flow canvas"))
        self.minimap = Minimap(self.view, self.view)
        self.palette = FlowPalette()
        self.node_panel = NodePropertiesPanel(self)
        self.settings_panel = FlowSettingsPanel(self)
        self._props_stack = QStackedWidget()
        self._props_stack.addWidget(self.settings_panel)
        self._props_stack.addWidget(self.node_panel)
        self.outline = FlowOutline(self.model, self.scene)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._props_stack, self.tr("Properties"))
        self.tabs.addTab(self.outline, self.tr("Outline"))
        self.zoom_label = QLabel("100%")
        self.actions_by_name: dict[str, QAction] = {}
        toolbar = self._build_actions()

        centre = QWidget()
        box = QVBoxLayout(centre)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(toolbar)
        box.addWidget(self.view, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.palette)
        split.addWidget(centre)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([190, 900, 340])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self.undo_stack.indexChanged.connect(self._on_index_changed)
        self.scene.selectionChanged.connect(self._on_scene_selection)
        self.scene.note_moved.connect(self._on_note_moved)
        self.view.drop_requested.connect(self.add_node)
        self.view.connect_requested.connect(self.connect_exit)
        self.view.nodes_dragged.connect(self._on_nodes_dragged)
        self.view.navigate_requested.connect(self.navigate)
        self.view.nudge_requested.connect(self.nudge)
        self.view.cycle_requested.connect(self.cycle)
        self.view.activate_requested.connect(self.focus_properties)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{round(z * 100)}%"))
        self.view.installEventFilter(self)
        self.view.viewport().installEventFilter(self)
        self.palette.add_requested.connect(self._add_at_centre)
        self.outline.node_activated.connect(self.select_element)
        self._connect_panels()
        self.model.subscribe(self._on_model_changed)
        self._show_properties(force=True)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            for name, text in self._action_texts().items():
                self.actions_by_name[name].setText(text)
            self._arrange.setText(self.tr("Arrange"))
            self.tabs.setTabText(0, self.tr("Properties"))
            self.tabs.setTabText(1, self.tr("Outline"))
            self.view.setAccessibleName(self.tr("Flow canvas"))
            self.palette.retranslate()
            self.scene.relabel()
        super().changeEvent(event)

    # --- actions and shortcuts -----------------------------------------------------------------

    def _action(self, name: str, text: str, slot: Any, shortcut: QKeySequence | str | None = None, *,
                canvas_only: bool = True) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        # Edit shortcuts act on the canvas only: Ctrl+C in a property field copies text, not nodes.
        act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if canvas_only
                               else Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.triggered.connect(slot)
        (self.view if canvas_only else self).addAction(act)
        self.actions_by_name[name] = act
        return act

    def _action_texts(self) -> dict[str, str]:
        """Every action's text in the current UI language (rebuilt on a live language switch)."""
        return {
            "copy": self.tr("Copy"), "cut": self.tr("Cut"), "paste": self.tr("Paste"), "delete": self.tr("Delete"),
            "select_all": self.tr("Select all"), "set_entry": self.tr("Set as start node"),
            "add_note": self.tr("Add note…"),
            "align_left": self.tr("Align left"), "align_right": self.tr("Align right"),
            "align_top": self.tr("Align top"), "align_bottom": self.tr("Align bottom"),
            "align_hcenter": self.tr("Align centres vertically"),
            "align_vcenter": self.tr("Align centres horizontally"),
            "distribute_horizontal": self.tr("Distribute horizontally"),
            "distribute_vertical": self.tr("Distribute vertically"),
            "zoom_in": self.tr("Zoom in"), "zoom_out": self.tr("Zoom out"), "fit": self.tr("Fit to contents"),
        }

    def _build_actions(self) -> QToolBar:
        S = QKeySequence.StandardKey  # noqa: N806 - short alias
        text = self._action_texts()
        self._action("copy", text["copy"], self.copy, S.Copy)
        self._action("cut", text["cut"], self.cut, S.Cut)
        self._action("paste", text["paste"], self.paste, S.Paste)
        self._action("delete", text["delete"], self.delete_selection, S.Delete)
        self._action("select_all", text["select_all"], self.select_all, S.SelectAll)
        self._action("set_entry", text["set_entry"], self.set_entry_to_selection)
        self._action("add_note", text["add_note"], self._add_note_interactive)
        align_keys = {
            "left": "Ctrl+Shift+Left", "right": "Ctrl+Shift+Right", "top": "Ctrl+Shift+Up",
            "bottom": "Ctrl+Shift+Down", "hcenter": "Ctrl+Shift+C", "vcenter": "Ctrl+Shift+M",
        }
        for mode in ALIGN_MODES:
            self._action(f"align_{mode}", text[f"align_{mode}"], lambda _=False, m=mode: self.align(m),
                         align_keys[mode])
        self._action("distribute_horizontal", text["distribute_horizontal"],
                     lambda: self.distribute("horizontal"), "Ctrl+Shift+H")
        self._action("distribute_vertical", text["distribute_vertical"],
                     lambda: self.distribute("vertical"), "Ctrl+Shift+V")
        self._action("zoom_in", text["zoom_in"], self.view.zoom_in, "Ctrl+=", canvas_only=False)
        self._action("zoom_out", text["zoom_out"], self.view.zoom_out, "Ctrl+-", canvas_only=False)
        self._action("fit", text["fit"], self.view.fit_contents, "Ctrl+0", canvas_only=False)
        # Ctrl++ also zooms in (the "=" key needs no Shift on most layouts, the "+" key on keypads).
        self.actions_by_name["zoom_in"].setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])

        bar = QToolBar()
        bar.setAccessibleName(self.tr("Canvas tools"))
        arrange = QToolButton()
        self._arrange = arrange
        arrange.setText(self.tr("Arrange"))
        arrange.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(arrange)
        for mode in ALIGN_MODES:
            menu.addAction(self.actions_by_name[f"align_{mode}"])
        menu.addSeparator()
        menu.addAction(self.actions_by_name["distribute_horizontal"])
        menu.addAction(self.actions_by_name["distribute_vertical"])
        arrange.setMenu(menu)
        bar.addWidget(arrange)
        bar.addAction(self.actions_by_name["delete"])
        bar.addAction(self.actions_by_name["add_note"])
        bar.addSeparator()
        bar.addAction(self.actions_by_name["zoom_out"])
        bar.addWidget(self.zoom_label)
        bar.addAction(self.actions_by_name["zoom_in"])
        bar.addAction(self.actions_by_name["fit"])
        return bar

    # --- DocumentEditor --------------------------------------------------------------------------

    def document(self) -> FlowDoc:
        return self.model.document()

    def set_problems(self, problems: list[Problem]) -> None:
        self.scene.set_problems(problems)
        self.outline.schedule()
        self.node_panel.set_problems(list(problems))

    def select_element(self, element_id: str) -> None:
        item: NodeItem | NoteItem | None = self.scene.nodes.get(element_id) or self.scene.notes.get(element_id)
        self._syncing_selection = True
        try:
            self.scene.clearSelection()
            if item is not None:
                item.setSelected(True)
                self.view.ensureVisible(item, 60, 60)
        finally:
            self._syncing_selection = False
        self._on_scene_selection()

    def set_catalog(self, catalog: RefCatalog) -> None:
        self._catalog = catalog
        self._show_properties(force=True)

    def show_trace(self, steps: list[TraceStep]) -> None:
        self.scene.set_trace(steps)

    def preview_values(self) -> dict[str, Any] | None:
        return None

    def set_tests(self, tests: list[FlowTestCase]) -> None:
        self.undo_stack.push(SetTests(self.model, tests))

    # --- editing operations (each one undo step) -----------------------------------------------------

    def add_node(self, type_name: str, scene_pos: QPointF) -> str:
        """Add a node of ``type_name`` with its top-left near ``scene_pos``; returns its id ("" unknown type)."""
        t = NODE_TYPES.get(type_name)
        if t is None:
            log.warning("unknown node type %r dropped on the canvas", type_name)
            return ""
        config = t.default_config()
        probe = FlowNode(id="", type=type_name, config=config)
        node = FlowNode(id=new_id(), type=type_name, type_version=t.version, config=config,
                        exits={e: None for e in t.exit_names(probe.config)},
                        ui={"x": snap(scene_pos.x()), "y": snap(scene_pos.y())})
        label = t.label_zh if self.scene.chinese else t.label_en
        self.undo_stack.push(AddNodes(self.model, [node], self.tr("Add %1").replace("%1", label)))
        self.select_element(node.id)
        return node.id

    def _add_at_centre(self, type_name: str) -> None:
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        self.add_node(type_name, centre - QPointF(NODE_W / 2, 30))
        self.view.setFocus()

    def connect_exit(self, node_id: str, exit_name: str, target: str | None) -> None:
        if self.model.nodes[node_id].exits.get(exit_name) != target:
            self.undo_stack.push(Connect(self.model, node_id, exit_name, target))

    def selected_ids(self) -> list[str]:
        """Selected node ids in document order."""
        chosen = {i.node_id for i in self.view.selected_nodes()}
        return [nid for nid in self.model.nodes if nid in chosen]

    def delete_selection(self) -> None:
        nodes = self.selected_ids()
        wires = [i for i in self.scene.selectedItems() if isinstance(i, WireItem)]
        notes = [i.annotation_id for i in self.view.selected_notes()]
        count = len(nodes) + len(wires) + len(notes)
        if not count:
            return
        self.undo_stack.beginMacro(self.tr("Delete"))
        try:
            for w in wires:
                if w.source.node_id not in nodes:
                    self.undo_stack.push(Connect(self.model, w.source.node_id, w.exit_name, None))
            if nodes:
                self.undo_stack.push(RemoveNodes(self.model, nodes))
            for aid in notes:
                self.undo_stack.push(remove_annotation(self.model, aid))
        finally:
            self.undo_stack.endMacro()

    def select_all(self) -> None:
        self._syncing_selection = True
        try:
            for item in self.scene.nodes.values():
                item.setSelected(True)
        finally:
            self._syncing_selection = False
        self._on_scene_selection()

    def copy(self) -> None:
        ids = self.selected_ids()
        if ids:
            QGuiApplication.clipboard().setMimeData(clipboard.to_mime([self.model.nodes[i] for i in ids]))

    def cut(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.copy()
            self.undo_stack.push(RemoveNodes(self.model, ids, self.tr("Cut")))

    def paste(self) -> list[str]:
        nodes = clipboard.from_mime(QGuiApplication.clipboard().mimeData())
        if not nodes:
            return []
        # Pasting the same nodes again steps further down-right instead of stacking on the last copy.
        key = tuple(n.id for n in nodes)
        self._pastes = (key, self._pastes[1] + 1) if self._pastes[0] == key else (key, 1)
        copies = clipboard.prepare_paste(nodes, offset=clipboard.PASTE_OFFSET * self._pastes[1])
        self.undo_stack.push(AddNodes(self.model, copies, self.tr("Paste")))
        ids = [n.id for n in copies]
        self._select_many(ids)
        return ids

    def _select_many(self, ids: list[str]) -> None:
        self._syncing_selection = True
        try:
            self.scene.clearSelection()
            for nid in ids:
                if nid in self.scene.nodes:
                    self.scene.nodes[nid].setSelected(True)
        finally:
            self._syncing_selection = False
        self._on_scene_selection()

    def set_entry_to_selection(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1 and ids[0] != self.model.entry:
            self.undo_stack.push(SetEntry(self.model, ids[0]))

    def _rects(self) -> dict[str, tuple[float, float, float, float]]:
        out = {}
        for item in self.view.selected_nodes():
            r = item.body_rect()
            out[item.node_id] = (item.pos().x(), item.pos().y(), r.width(), r.height())
        return out

    def _push_moves(self, new_pos: dict[str, tuple[float, float]], text: str, gesture: str = "") -> None:
        changed = {k: v for k, v in new_pos.items() if v != node_pos(self.model.nodes[k])}
        if changed:
            self.undo_stack.push(MoveNodes(self.model, changed, text, gesture))

    def align(self, mode: str) -> None:
        rects = self._rects()
        if len(rects) >= 2:
            self._push_moves(align(rects, mode), self.actions_by_name[f"align_{mode}"].text())

    def distribute(self, mode: str) -> None:
        rects = self._rects()
        if len(rects) >= 3:
            self._push_moves(distribute(rects, mode), self.actions_by_name[f"distribute_{mode}"].text())

    def nudge(self, dx: float, dy: float) -> None:
        ids = self.selected_ids()
        if ids:
            new = {i: (node_pos(self.model.nodes[i])[0] + dx, node_pos(self.model.nodes[i])[1] + dy) for i in ids}
            # Consecutive nudges of one selection are one undo step (held-down Alt+arrow is one gesture).
            self._push_moves(new, self.tr("Move"), gesture="nudge")

    def _on_nodes_dragged(self, moved: dict[str, tuple[float, float]]) -> None:
        self._push_moves(moved, self.tr("Move"))

    def navigate(self, direction: str) -> None:
        if not self.scene.nodes:
            return
        current = self._selected if self._selected in self.scene.nodes else ""
        if not current:
            self.select_element(self.model.entry if self.model.entry in self.scene.nodes else self.model.order()[0])
            return
        centres = {nid: (it.sceneBoundingRect().center().x(), it.sceneBoundingRect().center().y())
                   for nid, it in self.scene.nodes.items()}
        target = neighbour(centres, current, direction)
        if target:
            self.select_element(target)

    def cycle(self, forward: bool) -> None:
        order = self.model.order()
        if not order:
            return
        if self._selected in order:
            i = order.index(self._selected) + (1 if forward else -1)
            target = order[i % len(order)]
        else:
            target = order[0] if forward else order[-1]
        self.select_element(target)

    def focus_properties(self) -> None:
        """Enter on a node: the keyboard goes to its first property (the label)."""
        self.tabs.setCurrentIndex(0)
        target = self.node_panel.label_edit if self._selected in self.model.nodes else None
        (target or self._props_stack.currentWidget()).setFocus(Qt.FocusReason.TabFocusReason)

    # --- notes ---------------------------------------------------------------------------------------

    def add_note(self, text: str, scene_pos: QPointF) -> str:
        ann = Annotation(id=new_id(), text=text, ui={"x": snap(scene_pos.x()), "y": snap(scene_pos.y())})
        self.undo_stack.push(add_annotation(self.model, ann))
        return ann.id

    def edit_note(self, annotation_id: str, text: str) -> None:
        ann = self.model.annotations[annotation_id]
        if ann.text != text:
            self.undo_stack.push(edit_annotation(self.model, Annotation(id=ann.id, text=text, ui=dict(ann.ui))))

    def _on_note_moved(self, annotation_id: str, x: float, y: float) -> None:
        ann = self.model.annotations[annotation_id]
        self.undo_stack.push(edit_annotation(
            self.model, Annotation(id=ann.id, text=ann.text, ui={**ann.ui, "x": x, "y": y})))

    def _add_note_interactive(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, self.tr("Add note"), self.tr("Note:"))
        if ok and text.strip():
            centre = self.view.mapToScene(self.view.viewport().rect().center())
            self.add_note(text.strip(), centre)

    # --- property panels -------------------------------------------------------------------------------

    def _connect_panels(self) -> None:
        self.node_panel.config_edited.connect(self._on_config_edited)
        self.node_panel.label_edited.connect(self._on_label_edited)
        self.settings_panel.variables_edited.connect(self._on_variables_edited)
        self.settings_panel.doc_field_edited.connect(self._on_doc_field_edited)

    def _on_config_edited(self, node_id: str, key: str, value: object) -> None:
        node = self.model.nodes.get(node_id)
        if node is not None and node.config.get(key) != value:
            self.undo_stack.push(SetConfig(self.model, node_id, key, value))

    def _on_label_edited(self, node_id: str, label: str) -> None:
        node = self.model.nodes.get(node_id)
        if node is not None and node.label != label:
            self.undo_stack.push(SetLabel(self.model, node_id, label))

    def _on_variables_edited(self, variables: list[Variable]) -> None:
        self.undo_stack.push(SetVariables(self.model, list(variables)))

    def _on_doc_field_edited(self, key: str, value: object) -> None:
        if getattr(self.model, key, None) != value:
            self.undo_stack.push(SetDocField(self.model, key, value))

    def _on_model_changed(self, event: str, ids: tuple[str, ...]) -> None:
        # Re-showing a panel costs a document copy (all 1,000 nodes for the settings): only
        # re-show what an edit touched, not on every move.
        if event == "doc_changed":
            self._props_stale = True
        elif event == "node_changed" and self._selected in ids:
            self._props_stale = True

    def _show_properties(self, *, force: bool = False) -> None:
        node = self.model.nodes.get(self._selected)
        widget = self.node_panel if node is not None else self.settings_panel
        if not (force or self._props_stale or self._props_stack.currentWidget() is not widget
                or (node is not None and self.node_panel.node_id() != node.id)):
            return
        self._props_stale = False
        self._props_stack.setCurrentWidget(widget)
        if node is not None:
            self.node_panel.show_node(
                copy_struct(node), variables=[copy_struct(v) for v in self.model.variables], catalog=self._catalog,
                channel=str(self.model.channel), locales=list(self.model.locales))
        else:
            self.settings_panel.show_doc(self.model.document())

    # --- reactions ----------------------------------------------------------------------------------------

    def _on_index_changed(self, _index: int) -> None:
        if self._selected and self._selected not in self.model.nodes and self._selected not in self.model.annotations:
            self._selected = ""
            self.selection_changed.emit("")
        self._show_properties()
        self.changed.emit()

    def _on_scene_selection(self) -> None:
        if self._syncing_selection:
            return
        nodes = self.view.selected_nodes()
        notes = self.view.selected_notes()
        picked = [*(i.node_id for i in nodes), *(i.annotation_id for i in notes)]
        current = picked[0] if len(picked) == 1 else ""
        if current != self._selected:
            # Commit what was typed into the old node's fields first, as an edit of that node
            # (pushing it re-shows the old node in place); only then move the panel on. Not when
            # the node is gone: then a command is removing it right now, and nothing may be pushed.
            if self._selected in self.model.nodes:
                self.node_panel.flush()
            self._selected = current
            self.outline.select_node(current if current in self.model.nodes else "")
            self._show_properties()
            self.selection_changed.emit(current)

    @property
    def selected_element(self) -> str:
        return self._selected

    # --- events ----------------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._place_minimap()
        elif watched is self.view.viewport() and event.type() == QEvent.Type.ContextMenu:
            assert isinstance(event, QContextMenuEvent)
            self._context_menu(event)
            return True
        elif watched is self.view.viewport() and event.type() == QEvent.Type.MouseButtonDblClick:
            note = self._note_at(event)
            if note is not None:
                self._edit_note_interactive(note)
                return True
        return super().eventFilter(watched, event)

    def _note_at(self, event: QEvent) -> NoteItem | None:
        pos = event.position().toPoint()  # type: ignore[attr-defined]
        for item in self.scene.items(self.view.mapToScene(pos)):
            if isinstance(item, NoteItem):
                return item
        return None

    def _edit_note_interactive(self, note: NoteItem) -> None:
        text, ok = QInputDialog.getMultiLineText(self, self.tr("Edit note"), self.tr("Note:"), note.text())
        if ok:
            self.edit_note(note.annotation_id, text)

    def _place_minimap(self) -> None:
        margin = 12
        bar = self.view.verticalScrollBar()
        right = self.view.width() - self.minimap.width() - margin - (bar.width() if bar.isVisible() else 0)
        hbar = self.view.horizontalScrollBar()
        bottom = self.view.height() - self.minimap.height() - margin - (hbar.height() if hbar.isVisible() else 0)
        self.minimap.move(max(0, right), max(0, bottom))
        self.minimap.raise_()

    def _context_menu(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        for name in ("set_entry", "copy", "cut", "paste", "delete", "add_note"):
            menu.addAction(self.actions_by_name[name])
        menu.exec(event.globalPos())

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self._place_minimap()
        # Rendered after the canvas's first paint (the throttle), not in the way of opening the flow.
        self.minimap.schedule()
