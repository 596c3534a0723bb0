"""The canvas view: mouse wiring, rubber-band selection, pan, zoom, palette drops and keyboard navigation.

The view only interprets gestures; it emits signals and the editor turns them into
undo commands, so every change still goes through the stack.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsView, QWidget

from designer.flow.arrange import snap
from designer.flow.items import LOD_TEXT, Z_DRAG, NodeItem, NoteItem, wire_path
from designer.flow.model import node_pos
from designer.flow.scene import FlowScene

NODE_TYPE_MIME = "application/x-switchboard-flow-nodetype"
MIN_ZOOM, MAX_ZOOM = 0.05, 3.0
ZOOM_STEP = 1.25

_ARROWS = {Qt.Key.Key_Left: "left", Qt.Key.Key_Right: "right", Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down"}


class FlowView(QGraphicsView):
    drop_requested = Signal(str, QPointF)  # node type, scene position
    connect_requested = Signal(str, str, str)  # source node, exit, target node
    nodes_dragged = Signal(dict)  # node id -> (x, y) after a mouse drag
    navigate_requested = Signal(str)  # "left" / "right" / "up" / "down"
    nudge_requested = Signal(float, float)
    cycle_requested = Signal(bool)  # Tab (True) / Shift+Tab (False)
    activate_requested = Signal()  # Enter on the selection
    zoom_changed = Signal(float)
    viewport_moved = Signal()

    def __init__(self, scene: FlowScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.flow_scene = scene
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        # Minimal: a moved node repaints its own and its wires' rectangles, not their bounding
        # union (Smart may merge them into one rect spanning a long wire). The bench forces full
        # repaints, so it cannot tell the modes apart; --viewport-update lets you compare anyway.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        # The background holds the grid, and in overview mode the whole graph (see scene.py).
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._wire_from: tuple[NodeItem, str] | None = None
        self._wire_preview: QGraphicsPathItem | None = None
        self._pan_from: QPoint | None = None
        self._space = False
        self._drag_start: dict[str, tuple[float, float]] = {}
        self.horizontalScrollBar().valueChanged.connect(self.viewport_moved)
        self.verticalScrollBar().valueChanged.connect(self.viewport_moved)

    # --- zoom ---------------------------------------------------------------------------------

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        current = self.zoom()
        if current > 0 and abs(factor - current) > 1e-9:
            self.scale(factor / current, factor / current)
            self._zoomed()

    def _zoomed(self) -> None:
        self.flow_scene.set_overview(self.zoom() < LOD_TEXT)
        self.resetCachedContent()
        self.zoom_changed.emit(self.zoom())
        self.viewport_moved.emit()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def fit_contents(self) -> None:
        rect = self.flow_scene.itemsBoundingRect()
        if rect.isEmpty():
            return
        self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.0:  # a small flow is shown at 100 %, not blown up
            self.set_zoom(1.0)
            self.centerOn(rect.center())
        self._zoomed()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self.zoom() * (ZOOM_STEP ** steps))
            event.accept()
            return
        super().wheelEvent(event)

    # --- mouse ----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space):
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if button == Qt.MouseButton.LeftButton:
            scene_pos = self.mapToScene(event.position().toPoint())
            node = self.flow_scene.node_at(scene_pos)
            exit_name = node.exit_at(scene_pos) if node is not None else None
            if node is not None and exit_name is not None:
                self._start_wire(node, exit_name, scene_pos)
                event.accept()
                return
        super().mousePressEvent(event)
        self._drag_start = {i.node_id: (i.pos().x(), i.pos().y())
                            for i in self.flow_scene.selectedItems() if isinstance(i, NodeItem)}

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None:
            delta = event.position().toPoint() - self._pan_from
            self._pan_from = event.position().toPoint()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        if self._wire_from is not None and self._wire_preview is not None:
            node, exit_name = self._wire_from
            self._wire_preview.setPath(wire_path(node.exit_port(exit_name),
                                                 self.mapToScene(event.position().toPoint())))
            event.accept()
            return
        super().mouseMoveEvent(event)
        if self._drag_start and event.buttons() & Qt.MouseButton.LeftButton:
            # Qt moved the selected nodes: snap them to the grid and drag their wires along.
            for nid in self._drag_start:
                item = self.flow_scene.nodes.get(nid)
                if item is None:
                    continue
                pos = item.pos()
                snapped = QPointF(snap(pos.x()), snap(pos.y()))
                if snapped != pos:
                    item.setPos(snapped)
                self.flow_scene.reroute(item)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        if self._wire_from is not None:
            self._finish_wire(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mouseReleaseEvent(event)
        moved: dict[str, tuple[float, float]] = {}
        for nid in self._drag_start:
            item = self.flow_scene.nodes.get(nid)
            if item is None or nid not in self.flow_scene.model.nodes:
                continue
            now = (item.pos().x(), item.pos().y())
            if now != node_pos(self.flow_scene.model.nodes[nid]):
                moved[nid] = now
        self._drag_start = {}
        if moved:
            self.nodes_dragged.emit(moved)

    def _start_wire(self, node: NodeItem, exit_name: str, scene_pos: QPointF) -> None:
        self._wire_from = (node, exit_name)
        preview = QGraphicsPathItem(wire_path(node.exit_port(exit_name), scene_pos))
        pen = QPen(QColor("#1d6fe0"), 2, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        preview.setPen(pen)
        preview.setZValue(Z_DRAG)
        self.flow_scene.addItem(preview)
        self._wire_preview = preview

    def _finish_wire(self, scene_pos: QPointF) -> None:
        assert self._wire_from is not None
        node, exit_name = self._wire_from
        if self._wire_preview is not None:
            self.flow_scene.removeItem(self._wire_preview)
        self._wire_from = None
        self._wire_preview = None
        target = self.flow_scene.node_at(scene_pos)
        # Dropping on empty space does nothing; the start node takes no incoming wires.
        if target is not None and self.flow_scene.model.nodes[target.node_id].type != "start":
            self.connect_requested.emit(node.node_id, exit_name, target.node_id)

    @property
    def wiring(self) -> bool:
        return self._wire_from is not None

    # --- drops from the palette -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(NODE_TYPE_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(NODE_TYPE_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        data = event.mimeData()
        if not data.hasFormat(NODE_TYPE_MIME):
            event.ignore()
            return
        type_name = bytes(data.data(NODE_TYPE_MIME).data()).decode()
        self.drop_requested.emit(type_name, self.mapToScene(event.position().toPoint()))
        event.acceptProposedAction()

    # --- keyboard ---------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Tab would move focus out of the canvas; here it walks the nodes in outline order instead.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in (
                Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.cycle_requested.emit(event.key() == Qt.Key.Key_Tab
                                      and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        mods = event.modifiers()
        if key in _ARROWS:
            direction = _ARROWS[key]
            if mods & Qt.KeyboardModifier.AltModifier:
                dx, dy = {"left": (-20, 0), "right": (20, 0), "up": (0, -20), "down": (0, 20)}[direction]
                self.nudge_requested.emit(float(dx), float(dy))
            else:
                self.navigate_requested.emit(direction)
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activate_requested.emit()
            event.accept()
            return
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def selected_nodes(self) -> list[NodeItem]:
        return [i for i in self.flow_scene.selectedItems() if isinstance(i, NodeItem)]

    def selected_notes(self) -> list[NoteItem]:
        return [i for i in self.flow_scene.selectedItems() if isinstance(i, NoteItem)]
