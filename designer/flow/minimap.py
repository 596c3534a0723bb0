"""The minimap: the whole flow in a corner, the visible part framed; click or drag pans the canvas.

It is not a live second view: a live QGraphicsView on the same scene repaints all 1,000
nodes on every change. Instead the scene is rendered into a cached pixmap at most every
``THROTTLE_MS``, and only the frame is redrawn when the canvas scrolls.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from designer.flow.view import FlowView

THROTTLE_MS = 100


class Minimap(QWidget):
    def __init__(self, view: FlowView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self._pixmap: QPixmap | None = None
        self._source = QRectF()  # the scene rectangle the pixmap shows
        self._target = QRectF()  # where in this widget it is drawn
        self.renders = 0  # how often the scene was re-rendered (tests check the throttle)
        self.setFixedSize(220, 150)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(self.tr("Minimap"))
        self.setToolTip(self.tr("Overview: click or drag to move the canvas"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(THROTTLE_MS)
        self._timer.timeout.connect(self._render)
        view.flow_scene.changed.connect(self._schedule)
        view.viewport_moved.connect(self.update)

    def _schedule(self, *_: object) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def schedule(self) -> None:
        self._schedule()

    def render_now(self) -> None:
        self._timer.stop()
        self._render()

    def _render(self) -> None:
        scene = self._view.flow_scene
        source = scene.itemsBoundingRect().adjusted(-40, -40, 40, 40)
        if source.isEmpty():
            self._pixmap = None
            self.update()
            return
        size = self.size()
        scale = min(size.width() / source.width(), size.height() / source.height())
        w, h = source.width() * scale, source.height() * scale
        self._target = QRectF((size.width() - w) / 2, (size.height() - h) / 2, w, h)
        self._source = source
        pix = QPixmap(size)
        pix.fill(QColor(255, 255, 255, 230))
        painter = QPainter(pix)
        # Items paint their low-detail form at this scale: filled boxes, no text.
        scene.render(painter, self._target, source)
        painter.end()
        self._pixmap = pix
        self.renders += 1
        self.update()

    def scene_to_map(self, p: QPointF) -> QPointF:
        if self._source.isEmpty():
            return QPointF()
        s = self._target.width() / self._source.width()
        return QPointF(self._target.left() + (p.x() - self._source.left()) * s,
                       self._target.top() + (p.y() - self._source.top()) * s)

    def map_to_scene(self, p: QPointF) -> QPointF:
        if self._source.isEmpty():
            return QPointF()
        s = self._source.width() / self._target.width()
        return QPointF(self._source.left() + (p.x() - self._target.left()) * s,
                       self._source.top() + (p.y() - self._target.top()) * s)

    def visible_scene_rect(self) -> QRectF:
        return self._view.mapToScene(self._view.viewport().rect()).boundingRect()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(255, 255, 255, 220))
        if self._pixmap is not None:
            painter.drawPixmap(0, 0, self._pixmap)
            vis = self.visible_scene_rect()
            a, b = self.scene_to_map(vis.topLeft()), self.scene_to_map(vis.bottomRight())
            painter.setPen(QPen(QColor("#1d6fe0"), 1.5))
            painter.setBrush(QColor(29, 111, 224, 30))
            painter.drawRect(QRectF(a, b).intersected(QRectF(self.rect()).adjusted(1, 1, -1, -1)))
        painter.setPen(QPen(QColor("#b8c0cc"), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._pan_to(event.position())
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._pan_to(event.position())
            event.accept()

    def _pan_to(self, pos: QPointF) -> None:
        if self._pixmap is None:
            self._render()
        self._view.centerOn(self.map_to_scene(pos))
        self.update()
