"""A coloured notice across the top of the window for something the agent must not miss."""
from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget


class NoticeBanner(QFrame):
    """Hidden until :meth:`show_notice`; the text wraps."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self._label)
        self.hide()

    def text(self) -> str:
        return self._label.text()

    def show_notice(self, text: str) -> None:
        self._label.setText(text)
        self.show()

    def clear(self) -> None:
        self._label.clear()
        self.hide()
