"""Connected / Reconnecting… / Disconnected, coloured, following the link by itself."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop.icons import link_icon
from desktop.texts import LINK_CLOSED, link_name


class ConnectionIndicator(QWidget):
    """Shows the link state the session reports; the client reconnects, this only follows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connection_indicator")
        self._link = LINK_CLOSED
        self._detail = ""
        self._dot = QLabel(self)
        self._dot.setObjectName("link_dot")
        self._text = QLabel(self)
        self._text.setObjectName("link_text")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self._dot)
        layout.addWidget(self._text)
        self._show()

    @property
    def link(self) -> str:
        return self._link

    def text(self) -> str:
        return self._text.text()

    def set_link(self, link: str, detail: str = "") -> None:
        """``link`` is a LinkState value; ``detail`` (why it is down) goes into the tooltip."""
        self._link = link
        self._detail = detail
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._show()
        super().changeEvent(event)

    def _show(self) -> None:
        self._dot.setPixmap(link_icon(self._link).pixmap(QSize(12, 12)))
        self._text.setText(link_name(self._link))
        tip = self.tr("Connection to the edge server")
        self.setToolTip(f"{tip}\n{self._detail}" if self._detail else tip)
        # Screen readers get the state in words; the coloured dot alone says nothing.
        self.setAccessibleName(f"{tip}: {self._text.text()}")
        self._text.setProperty("link", self._link)
        self._text.style().unpolish(self._text)
        self._text.style().polish(self._text)
