"""Grey placeholder bars shown the instant an offer arrives, until the customer's data is in."""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

_BAR = QColor("#e3e7ed")
#: (x, width as a fraction of the row, height) of each placeholder row: a name, tags, ids, then entries.
_ROWS = ((0.0, 0.55, 22), (0.0, 0.35, 14), (0.0, 0.7, 12), (0.0, 0.6, 12), (0.0, 1.0, 46), (0.0, 1.0, 46),
         (0.0, 1.0, 46), (0.0, 1.0, 46))


class SkeletonView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screenpop_skeleton")

    def sizeHint(self) -> QSize:
        return QSize(320, 400)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(0, 0, 0, 0))
        painter.setBrush(_BAR)
        width = self.width() - 24
        y = 14.0
        for x, frac, h in _ROWS:
            painter.drawRoundedRect(QRectF(12 + x * width, y, frac * width, h), 4, 4)
            y += h + 10
            if y > self.height():
                break
        painter.end()
