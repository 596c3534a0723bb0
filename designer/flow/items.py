"""Scene items of the flow canvas: nodes, wires and notes.

Painting is the hot path (1,000 nodes must pan and drag at 60 fps offscreen): texts are
QStaticText built once per content change, paths are built once per geometry change, nodes
use DeviceCoordinateCache, and below ``LOD_TEXT`` zoom a node is just a filled box.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QStaticText, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSceneMouseEvent,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.flow.arrange import snap

NODE_W = 200.0
HEADER_H = 46.0
ROW_H = 20.0
PORT_R = 5.0
LOD_TEXT = 0.4  # below this zoom no text is drawn: it would be unreadable and costs most of the paint

CATEGORY_COLORS: dict[str, QColor] = {
    "basic": QColor("#5f6b7a"),
    "interact": QColor("#2f7ed8"),
    "logic": QColor("#8e5bd0"),
    "data": QColor("#d08a1e"),
    "route": QColor("#2e9e6a"),
}
_BODY = QColor("#ffffff")
_BORDER = QColor("#b8c0cc")
_SELECTED = QColor("#1d6fe0")
_TRACE = QColor("#1f9d55")
_ERROR = QColor("#d93025")
_WARNING = QColor("#e8a200")
_TEXT = QColor("#1f2733")
_MUTED = QColor("#5d6878")
_WIRE = QColor("#6b7584")
_STALE = QColor("#d93025")

Z_WIRE, Z_NODE, Z_NOTE, Z_DRAG = 0.0, 1.0, 0.5, 10.0


def _font(point: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point)
    f.setBold(bold)
    return f


class NodeItem(QGraphicsItem):
    """A rounded box: category strip, type label, node label, an input port left, one port per exit right."""

    def __init__(self, node_id: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.exits: list[str] = []
        self.stale: set[str] = set()  # exits the config no longer names (still wired)
        self.wired: set[str] = set()
        self.is_entry = False
        self._height = HEADER_H + ROW_H
        self._color = CATEGORY_COLORS["basic"]
        self._type_text = QStaticText()
        self._label_text = QStaticText()
        self._exit_texts: list[QStaticText] = []
        self._errors = 0
        self._warnings = 0
        self._trace: list[int] = []
        self._trace_text = QStaticText()
        # No itemChange override: it runs in Python for every change of every item (23,000 calls to
        # load 1,000 nodes). Snapping and wire re-routing during a drag are done by FlowView instead.
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable | QGraphicsItem.GraphicsItemFlag.ItemIsMovable)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(Z_NODE)
        self.setAcceptHoverEvents(False)

    # --- content ---------------------------------------------------------------------

    def set_content(self, *, type_label: str, label: str, category: str, exits: list[str],
                    stale: set[str], wired: set[str], is_entry: bool) -> None:
        if self.exits != exits:
            self.prepareGeometryChange()
        self.exits = list(exits)
        self.stale = set(stale)
        self.wired = set(wired)
        self.is_entry = is_entry
        self._height = HEADER_H + max(1, len(exits)) * ROW_H + 6
        self._color = CATEGORY_COLORS.get(category, CATEGORY_COLORS["basic"])
        self._type_text = self._static(type_label, 180)
        self._label_text = self._static(label or type_label, 180)
        # No text width for exit names: they are right-aligned on their actual width.
        self._exit_texts = [_exit_text(e) for e in exits]
        self.update()

    @staticmethod
    def _static(text: str, width: float) -> QStaticText:
        st = QStaticText(text)
        st.setTextWidth(width)
        st.setTextFormat(Qt.TextFormat.PlainText)
        return st

    def set_problems(self, errors: int, warnings: int, messages: list[str]) -> None:
        if (errors, warnings) == (self._errors, self._warnings) and not messages and not self.toolTip():
            return  # the common case on load: nothing to show, and setToolTip is not free
        self._errors, self._warnings = errors, warnings
        self.setToolTip("\n".join(messages))
        self.update()

    @property
    def problem_counts(self) -> tuple[int, int]:
        return self._errors, self._warnings

    def set_trace(self, seqs: list[int]) -> None:
        self._trace = list(seqs)
        self._trace_text = QStaticText(",".join(str(s) for s in seqs[:4]) + ("…" if len(seqs) > 4 else ""))
        self.update()

    @property
    def trace(self) -> list[int]:
        return list(self._trace)

    # --- geometry --------------------------------------------------------------------

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        # Room for the ports sticking out and the badge above the top-right corner.
        return QRectF(-PORT_R - 2, -10, NODE_W + 2 * PORT_R + 4, self._height + 12)

    def shape(self) -> QPainterPath:
        p = QPainterPath()
        p.addRect(QRectF(-PORT_R - 2, 0, NODE_W + 2 * PORT_R + 4, self._height))
        return p

    def body_rect(self) -> QRectF:
        return QRectF(0, 0, NODE_W, self._height)

    def input_port(self) -> QPointF:
        # pos() + offset rather than mapToScene: nodes are never rotated or scaled, and this runs per wire.
        return self.pos() + QPointF(0, HEADER_H / 2)

    def exit_port_local(self, index: int) -> QPointF:
        return QPointF(NODE_W, HEADER_H + index * ROW_H + ROW_H / 2)

    def exit_port(self, exit_name: str) -> QPointF:
        i = self.exits.index(exit_name) if exit_name in self.exits else 0
        return self.pos() + self.exit_port_local(i)

    def exit_at(self, scene_pos: QPointF) -> str | None:
        """The exit whose port is under a scene position (a generous 9 px radius: ports are small)."""
        local = self.mapFromScene(scene_pos)
        for i, name in enumerate(self.exits):
            p = self.exit_port_local(i)
            if (local.x() - p.x()) ** 2 + (local.y() - p.y()) ** 2 <= 81:
                return name
        return None

    # --- painting ---------------------------------------------------------------------

    def paint_overview(self, painter: QPainter) -> None:
        """The node as the overview background draws it (scene coordinates, no text)."""
        rect = self.body_rect().translated(self.pos())
        painter.fillRect(rect, self._color)
        if self._trace:
            painter.fillRect(QRectF(rect.left(), rect.top(), NODE_W, 14), _TRACE)
        if self._errors or self._warnings:
            painter.fillRect(QRectF(rect.right() - 40, rect.top(), 40, 40), _ERROR if self._errors else _WARNING)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = self.body_rect()
        if lod < LOD_TEXT:
            painter.fillRect(rect, self._color)
            if selected or self._trace:
                painter.setPen(QPen(_SELECTED if selected else _TRACE, 6))
                painter.drawRect(rect)
            if self._errors or self._warnings:
                painter.fillRect(QRectF(NODE_W - 40, 0, 40, 40), _ERROR if self._errors else _WARNING)
            return
        f = fonts()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        border = _SELECTED if selected else (_TRACE if self._trace else _BORDER)
        painter.setPen(QPen(border, 2.5 if (selected or self._trace) else 1))
        painter.setBrush(_BODY)
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._color)
        painter.drawRoundedRect(QRectF(0, 0, 8, self._height), 4, 4)
        # Icon stand-in: a category-coloured disc with the entry marked by a triangle.
        painter.drawEllipse(QRectF(14, 8, 14, 14))
        if self.is_entry:
            painter.setBrush(_BODY)
            tri = QPainterPath()
            tri.moveTo(18, 11)
            tri.lineTo(25, 15)
            tri.lineTo(18, 19)
            tri.closeSubpath()
            painter.drawPath(tri)
        painter.setPen(_MUTED)
        painter.setFont(f.type)
        painter.drawStaticText(QPointF(34, 6), self._type_text)
        painter.setPen(_TEXT)
        painter.setFont(f.label)
        painter.drawStaticText(QPointF(14, 24), self._label_text)
        painter.setPen(QPen(_BORDER, 1))
        painter.drawLine(QPointF(8, HEADER_H), QPointF(NODE_W, HEADER_H))
        # Input port (every node but the start can be a target).
        painter.setBrush(_BODY)
        painter.setPen(QPen(_WIRE, 1.5))
        painter.drawEllipse(QPointF(0, HEADER_H / 2), PORT_R, PORT_R)
        painter.setFont(f.exit)
        for i, name in enumerate(self.exits):
            p = self.exit_port_local(i)
            painter.setPen(_STALE if name in self.stale else _MUTED)
            st = self._exit_texts[i]
            painter.drawStaticText(QPointF(NODE_W - 12 - st.size().width(), p.y() - 8), st)
            painter.setPen(QPen(_STALE if name in self.stale else _WIRE, 1.5))
            painter.setBrush(_WIRE if name in self.wired else _BODY)
            painter.drawEllipse(p, PORT_R, PORT_R)
        if self._errors or self._warnings:
            text = str(self._errors or self._warnings)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_ERROR if self._errors else _WARNING)
            painter.drawEllipse(QPointF(NODE_W - 4, 0), 9, 9)
            painter.setPen(QColor("white"))
            painter.setFont(f.badge)
            painter.drawText(QRectF(NODE_W - 13, -9, 18, 18), Qt.AlignmentFlag.AlignCenter, text)
        if self._trace:
            w = self._trace_text.size().width() + 10
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_TRACE)
            painter.drawRoundedRect(QRectF(14, -9, w, 16), 8, 8)
            painter.setPen(QColor("white"))
            painter.setFont(f.badge)
            painter.drawStaticText(QPointF(19, -8), self._trace_text)


_exit_texts: dict[str, QStaticText] = {}


def _exit_text(name: str) -> QStaticText:
    """Exit names repeat ("next", "timeout"...): one prepared text per name, shared (QStaticText is
    implicitly shared). Prepared in the font it is drawn in, so size() right-aligns it correctly."""
    st = _exit_texts.get(name)
    if st is None:
        st = QStaticText(name)
        st.prepare(QTransform(), fonts().exit)
        _exit_texts[name] = st
    return st


class _Colors:
    wire = _WIRE
    trace = _TRACE


def node_colors() -> type[_Colors]:
    return _Colors


class _Fonts:
    """Built on first paint: a QFont needs the QGuiApplication to exist."""

    def __init__(self) -> None:
        self.type = _font(7.5)
        self.label = _font(9.5, bold=True)
        self.exit = _font(8)
        self.badge = _font(7, bold=True)


_fonts_cache: list[_Fonts] = []


def fonts() -> _Fonts:
    if not _fonts_cache:
        _fonts_cache.append(_Fonts())
    return _fonts_cache[0]


class WireItem(QGraphicsPathItem):
    """A cubic curve from an exit port to the target's input port; selectable (Delete unwires)."""

    def __init__(self, source: NodeItem, exit_name: str, target: NodeItem) -> None:
        super().__init__()
        self.source = source
        self.exit_name = exit_name
        self.target = target
        self.traced = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(Z_WIRE)
        self._apply_pen()
        self.update_path()

    def _apply_pen(self) -> None:
        color = _TRACE if self.traced else (_SELECTED if self.isSelected() else _WIRE)
        # Cosmetic (stays visible when zoomed out) and 1 px wide for the ordinary wire: Qt's raster
        # engine strokes those on its fast cosmetic-line path; at 1.6 px the generic stroker made
        # a pan over 1,000 nodes 4x slower (bench/designer_canvas.py). Only the few highlighted
        # wires pay for the wider stroke.
        pen = QPen(color, 3.0 if self.traced else (2.0 if self.isSelected() else 1.0))
        pen.setCosmetic(True)
        self.setPen(pen)

    def set_traced(self, traced: bool) -> None:
        self.traced = traced
        self._apply_pen()

    def update_path(self) -> None:
        self.setPath(wire_path(self.source.exit_port(self.exit_name), self.target.input_port()))

    def refresh_pen(self) -> None:
        """After a selection change (the scene calls it: an itemChange override would run in Python for
        every change of every wire, 10,000 calls to load 1,000 nodes)."""
        self._apply_pen()


def wire_path(p0: QPointF, p1: QPointF) -> QPainterPath:
    dx = max(40.0, abs(p1.x() - p0.x()) / 2)
    path = QPainterPath(p0)
    path.cubicTo(QPointF(p0.x() + dx, p0.y()), QPointF(p1.x() - dx, p1.y()), p1)
    return path


class NoteItem(QGraphicsItem):
    """A sticky note (an annotation): free text, movable, no wires."""

    W = 180.0

    def __init__(self, annotation_id: str, on_released: Callable[[NoteItem], None]) -> None:
        super().__init__()
        self.annotation_id = annotation_id
        self._on_released = on_released
        self._text = QStaticText()
        self._h = 60.0
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setZValue(Z_NOTE)

    def set_text(self, text: str) -> None:
        self.prepareGeometryChange()
        self._text = QStaticText(text)
        self._text.setTextWidth(self.W - 16)
        self._h = max(40.0, self._text.size().height() + 16)
        self.update()

    def text(self) -> str:
        return self._text.text()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(0, 0, self.W, self._h)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(QPen(_SELECTED if selected else QColor("#d9c36a"), 1.5 if selected else 1))
        painter.setBrush(QBrush(QColor("#fff6c4")))
        painter.drawRect(self.boundingRect())
        if option.levelOfDetailFromTransform(painter.worldTransform()) >= LOD_TEXT:
            painter.setPen(_TEXT)
            painter.setFont(fonts().exit)
            painter.drawStaticText(QPointF(8, 8), self._text)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange:
            return QPointF(snap(value.x()), snap(value.y()))
        return super().itemChange(change, value)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        self._on_released(self)
