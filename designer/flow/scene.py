"""The canvas scene: mirrors the FlowModel as NodeItems, WireItems and NoteItems.

It listens to the model's fine-grained events and touches only the items concerned
(a moved node re-routes only its own wires, through ``_wires_of``), so edits on a
1,000-node flow stay O(degree) rather than O(nodes).

Overview mode (zoomed out below ``LOD_TEXT``, when a whole large flow fits on screen):
drawing 2,500 items one by one cost 40-60 ms a frame, mostly per-item overhead and wire
strokes. Instead the graph is drawn as part of the background, which the view caches
(QGraphicsView.CacheBackground): a pan re-draws only the strip that scrolled in, an edit
invalidates only the rectangles it touched. The items stay in the scene flagged
ItemHasNoContents (not opacity 0: transparent items drop out of hit-testing), so clicks,
rubber-band selection and drags keep working; selected items draw themselves on top.
"""
from __future__ import annotations

import logging
from collections import defaultdict

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from designer.flow.arrange import GRID
from designer.flow.items import NodeItem, NoteItem, WireItem, node_colors
from designer.flow.model import FlowModel, node_pos
from desktop.i18n import ui_is_chinese
from edge_server.contract.designs import Problem, Severity, TraceStep
from edge_server.flows.nodetypes import NODE_TYPES, exits_of

log = logging.getLogger("sb.ui")

_GRID_PEN = QColor("#e6e9ee")
_PAPER = QColor("#f7f8fa")
_BG = QGraphicsScene.SceneLayer.BackgroundLayer


class FlowScene(QGraphicsScene):
    #: A note was dragged to a new place (annotation id, x, y): the editor turns it into a command.
    note_moved = Signal(str, float, float)

    def __init__(self, model: FlowModel, parent: object = None) -> None:
        super().__init__(parent)
        self.model = model
        self.nodes: dict[str, NodeItem] = {}
        self.wires: dict[tuple[str, str], WireItem] = {}
        self.notes: dict[str, NoteItem] = {}
        # node id -> wire keys touching it (outgoing and incoming), to re-route only those on a move.
        self._wires_of: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
        self._problems: dict[str, list[Problem]] = {}
        self._trace: list[TraceStep] = []
        self.overview = False
        self._selected_wires: set[WireItem] = set()
        self.chinese = ui_is_chinese()
        # BSP indexing: clicks, rubber band and the overview's exposed-strip queries look up a
        # few items among thousands (NoIndex scans them all; measured in bench/designer_canvas.py).
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        for nid in model.nodes:
            self._add_node_item(nid)
        for nid in model.nodes:
            self._sync_wires(nid)
        for aid in model.annotations:
            self._put_note(aid)
        self._update_scene_rect()
        self.selectionChanged.connect(self._on_selection_changed)
        model.subscribe(self._on_model_changed)

    def detach(self) -> None:
        self.model.unsubscribe(self._on_model_changed)

    # --- model -> items ------------------------------------------------------------------

    def _on_model_changed(self, event: str, ids: tuple[str, ...]) -> None:
        if event == "nodes_added":
            for nid in ids:
                self._add_node_item(nid)
            for nid in ids:
                self._sync_wires(nid)
            self._refresh_sources_into(set(ids))
            self._update_scene_rect()
        elif event == "nodes_removed":
            for nid in ids:
                self._remove_node_item(nid)
        elif event == "nodes_moved":
            for nid in ids:
                item = self.nodes.get(nid)
                if item is not None:
                    x, y = node_pos(self.model.nodes[nid])
                    if item.pos() != QPointF(x, y):
                        self._dirty(item)
                        item.setPos(x, y)
                    self.reroute(item)
                    self._grow_scene_rect(item.sceneBoundingRect())
        elif event == "node_changed":
            for nid in ids:
                self._refresh_node(nid)
                self._sync_wires(nid)
        elif event == "entry_changed":
            for item in self.nodes.values():
                if item.is_entry != (item.node_id == self.model.entry):
                    self._refresh_node(item.node_id)
        elif event == "annotations_changed":
            for aid in ids:
                self._put_note(aid)

    def _add_node_item(self, nid: str) -> None:
        item = NodeItem(nid)
        self.nodes[nid] = item
        self._refresh_node(nid)
        x, y = node_pos(self.model.nodes[nid])
        item.setPos(x, y)
        if self.overview:
            _hide_contents(item, True)
        self.addItem(item)
        self._apply_problems(nid)
        self._dirty(item)

    def _remove_node_item(self, nid: str) -> None:
        for key in list(self._wires_of.get(nid, ())):
            self._drop_wire(key)
        self._wires_of.pop(nid, None)
        item = self.nodes.pop(nid, None)
        if item is not None:
            self._dirty(item)
            self.removeItem(item)

    def relabel(self) -> None:
        """The UI language changed: node captions follow it."""
        self.chinese = ui_is_chinese()
        for nid in list(self.nodes):
            self._refresh_node(nid)

    def type_label(self, type_name: str) -> str:
        t = NODE_TYPES.get(type_name)
        if t is None:
            return type_name
        return t.label_zh if self.chinese else t.label_en

    def _refresh_node(self, nid: str) -> None:
        node = self.model.nodes[nid]
        item = self.nodes[nid]
        t = NODE_TYPES.get(node.type)
        declared = exits_of(node)
        exits = self.model.exit_names(nid)
        self._dirty(item)
        item.set_content(
            type_label=self.type_label(node.type), label=node.label, category=t.category if t else "basic",
            exits=exits, stale={e for e in exits if e not in declared},
            wired={e for e, target in node.exits.items() if target}, is_entry=nid == self.model.entry,
        )
        self._dirty(item)

    def _sync_wires(self, nid: str) -> None:
        """Make the wires out of ``nid`` match its exits."""
        node = self.model.nodes[nid]
        wanted = {(nid, e): t for e, t in node.exits.items() if t and t in self.nodes}
        for key in [k for k in self._wires_of.get(nid, ()) if k[0] == nid and k not in wanted]:
            self._drop_wire(key)
        for key, target in wanted.items():
            wire = self.wires.get(key)
            if wire is not None and wire.target.node_id == target:
                self._update_wire(wire)  # the exit's row may have moved (an option added above it)
                continue
            if wire is not None:
                self._drop_wire(key)
            wire = WireItem(self.nodes[nid], key[1], self.nodes[target])
            if self.overview:
                _hide_contents(wire, True)
            self.wires[key] = wire
            self._wires_of[nid].add(key)
            self._wires_of[target].add(key)
            self.addItem(wire)
            self._dirty(wire)
        if self._trace:
            self._apply_trace_to_wires()

    def _refresh_sources_into(self, targets: set[str]) -> None:
        """Re-create wires from existing nodes into re-added ones (undo of a delete)."""
        for node in self.model.nodes.values():
            if node.id not in targets and any(t in targets for t in node.exits.values()):
                self._sync_wires(node.id)

    def _drop_wire(self, key: tuple[str, str]) -> None:
        wire = self.wires.pop(key, None)
        if wire is None:
            return
        self._wires_of[wire.source.node_id].discard(key)
        self._wires_of[wire.target.node_id].discard(key)
        self._dirty(wire)
        self.removeItem(wire)

    def _update_wire(self, wire: WireItem) -> None:
        self._dirty(wire)
        wire.update_path()
        self._dirty(wire)

    def reroute(self, item: NodeItem) -> None:
        """Re-draw the wires of one moved node (and only those)."""
        self._dirty(item)
        for key in self._wires_of.get(item.node_id, ()):
            self._update_wire(self.wires[key])

    def _put_note(self, aid: str) -> None:
        ann = self.model.annotations.get(aid)
        note = self.notes.get(aid)
        if ann is None:
            if note is not None:
                self.removeItem(self.notes.pop(aid))
            return
        if note is None:
            note = NoteItem(aid, self._on_note_released)
            self.notes[aid] = note
            self.addItem(note)
        note.set_text(ann.text)
        note.setPos(float(ann.ui.get("x", 0.0)), float(ann.ui.get("y", 0.0)))

    def _on_note_released(self, note: NoteItem) -> None:
        ann = self.model.annotations.get(note.annotation_id)
        if ann is None:
            return
        if (float(ann.ui.get("x", 0.0)), float(ann.ui.get("y", 0.0))) != (note.pos().x(), note.pos().y()):
            self.note_moved.emit(note.annotation_id, note.pos().x(), note.pos().y())

    def _grow_scene_rect(self, rect: QRectF) -> None:
        # Moves only ever grow the scene rect (cheap); itemsBoundingRect walks every item.
        grown = self.sceneRect().united(rect.adjusted(-800, -600, 800, 600))
        if grown != self.sceneRect():
            self.setSceneRect(grown)

    def _update_scene_rect(self) -> None:
        # A margin around the content so nodes can be dragged past the edge and the view can pan there.
        rect = self.itemsBoundingRect().adjusted(-800, -600, 800, 600)
        self.setSceneRect(rect.united(self.sceneRect()) if not self.sceneRect().isEmpty() else rect)

    # --- overlays --------------------------------------------------------------------------

    def set_problems(self, problems: list[Problem]) -> None:
        by_node: defaultdict[str, list[Problem]] = defaultdict(list)
        for p in problems:
            if p.element_id:
                by_node[p.element_id].append(p)
        touched = set(self._problems) | set(by_node)
        self._problems = dict(by_node)
        for nid in touched:
            self._apply_problems(nid)

    def problems_of(self, nid: str) -> list[Problem]:
        return list(self._problems.get(nid, ()))

    def _apply_problems(self, nid: str) -> None:
        item = self.nodes.get(nid)
        if item is None:
            return
        probs = self._problems.get(nid, [])
        errors = sum(1 for p in probs if p.severity == Severity.ERROR)
        warnings = sum(1 for p in probs if p.severity == Severity.WARNING)
        if (errors, warnings) != item.problem_counts:
            self._dirty(item)
        item.set_problems(errors, warnings, [(p.message_zh if self.chinese and p.message_zh else p.message)
                                             for p in probs])

    def set_trace(self, steps: list[TraceStep]) -> None:
        seqs: defaultdict[str, list[int]] = defaultdict(list)
        for s in steps:
            seqs[s.node_id].append(s.seq)
        for nid in set(seqs) | {n for n, it in self.nodes.items() if it.trace}:
            if nid in self.nodes:
                self.nodes[nid].set_trace(seqs.get(nid, []))
                self._dirty(self.nodes[nid])
        self._trace = list(steps)
        self._apply_trace_to_wires()

    def _apply_trace_to_wires(self) -> None:
        taken = {(a.node_id, a.exit) for a, b in zip(self._trace, self._trace[1:], strict=False)
                 if a.exit and self.model.nodes.get(a.node_id) is not None
                 and self.model.nodes[a.node_id].exits.get(a.exit) == b.node_id}
        for key, wire in self.wires.items():
            if wire.traced != (key in taken):
                wire.set_traced(key in taken)
                self._dirty(wire)

    # --- overview mode -----------------------------------------------------------------------

    def set_overview(self, on: bool) -> None:
        """Switch between items drawing themselves and the cached background graph (see module doc)."""
        if on == self.overview:
            return
        self.overview = on
        for item in (*self.nodes.values(), *self.wires.values()):
            _hide_contents(item, on and not item.isSelected())
        self.invalidate(self.sceneRect(), _BG)

    def _on_selection_changed(self) -> None:
        selected_wires = {i for i in self.selectedItems() if isinstance(i, WireItem)}
        for wire in selected_wires ^ self._selected_wires:
            wire.refresh_pen()
        self._selected_wires = selected_wires
        if not self.overview:
            return
        # Selected items draw themselves over the background graph so the selection shows.
        for item in (*self.nodes.values(), *self.wires.values()):
            _hide_contents(item, not item.isSelected())

    def _dirty(self, item: QGraphicsItem) -> None:
        """The background graph under an item is out of date (overview mode only; free otherwise)."""
        if self.overview:
            self.invalidate(item.sceneBoundingRect().adjusted(-4, -4, 4, 4), _BG)

    # --- painting ----------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt override
        if self.overview:
            painter.fillRect(rect, _PAPER)
            self._draw_overview(painter, rect)
            return
        if painter.worldTransform().m11() < 0.4:
            painter.fillRect(rect, _PAPER)  # a grid under 8 px per cell is noise (the minimap)
            return
        # One textured fill instead of a line per 40 px (the brush is anchored at scene 0,0).
        painter.fillRect(rect, self._grid_brush())

    def _draw_overview(self, painter: QPainter, rect: QRectF) -> None:
        wires = QPainterPath()
        traced = QPainterPath()
        boxes: list[NodeItem] = []
        for item in self.items(rect, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, WireItem):
                (traced if item.traced else wires).addPath(item.path())
            elif isinstance(item, NodeItem):
                boxes.append(item)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pen = QPen(node_colors().wire, 0)  # cosmetic 1 px: the fast line path
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(wires)
        if not traced.isEmpty():
            tpen = QPen(node_colors().trace, 3)
            tpen.setCosmetic(True)
            painter.setPen(tpen)
            painter.drawPath(traced)
        painter.setPen(Qt.PenStyle.NoPen)
        for item in boxes:
            item.paint_overview(painter)

    _brush: QBrush | None = None

    @classmethod
    def _grid_brush(cls) -> QBrush:
        if cls._brush is None:
            step = int(GRID * 2)
            tile = QPixmap(step, step)
            tile.fill(_PAPER)
            p = QPainter(tile)
            p.setPen(QPen(_GRID_PEN, 1))
            p.drawLine(0, 0, step, 0)
            p.drawLine(0, 0, 0, step)
            p.end()
            cls._brush = QBrush(tile)
        return cls._brush

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
        return None


_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


def _hide_contents(item: QGraphicsItem, hide: bool) -> None:
    if bool(item.flags() & _NO_CONTENTS) != hide:
        item.setFlag(_NO_CONTENTS, hide)
        item.update()

