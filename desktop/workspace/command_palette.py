"""Ctrl+K: a filter box over everything the agent can do, keyboard only; Esc closes.

A child frame over the main window (not a popup window): it needs no window
manager, never grabs the keyboard, and works offscreen and over remote desktops.
The commands are asked for each time it opens, so the chats listed are current.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLineEdit, QListView, QVBoxLayout, QWidget

_INDEX_ROLE = Qt.ItemDataRole.UserRole
_WIDTH = 520


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    title: str  # shown, translated
    run: Callable[[], None]
    keywords: str = ""  # matched too, not shown (English and Chinese words, ids)


class CommandPalette(QFrame):
    """Signals: ran(str title)."""

    ran = Signal(str)

    def __init__(self, commands: Callable[[], list[PaletteCommand]], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("command_palette")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._commands_for = commands
        self._commands: list[PaletteCommand] = []
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("palette_filter")
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.filter_edit.installEventFilter(self)
        self.model = QStandardItemModel(self)
        self.list_view = QListView(self)
        self.list_view.setObjectName("palette_list")
        self.list_view.setModel(self.model)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list_view.clicked.connect(lambda index: self._run_row(index.row()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list_view)
        self.hide()
        self._retranslate()

    # --- public ------------------------------------------------------------------------------

    def open(self) -> None:
        self._commands = self._commands_for()
        self.filter_edit.clear()
        self._on_filter_changed("")
        parent = self.parentWidget()
        assert parent is not None
        width = min(_WIDTH, parent.width() - 40)
        self.setGeometry((parent.width() - width) // 2, 60, width, min(360, parent.height() - 80))
        self.show()
        self.raise_()
        self.filter_edit.setFocus()

    def close_palette(self) -> None:
        self.hide()
        parent = self.parentWidget()
        if parent is not None:
            parent.setFocus()

    def visible_titles(self) -> list[str]:
        return [self.model.item(r).text() for r in range(self.model.rowCount())]

    def run_current(self) -> bool:
        index = self.list_view.currentIndex()
        return index.isValid() and self._run_row(index.row())

    # --- Qt overrides ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.close_palette()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                n = self.model.rowCount()
                if n:
                    row = self.list_view.currentIndex().row()
                    row = (row + (1 if key == Qt.Key.Key_Down else -1)) % n
                    self.list_view.setCurrentIndex(self.model.index(row, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.run_current()
                return True
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- internals ----------------------------------------------------------------------------

    def _on_filter_changed(self, text: str) -> None:
        words = text.lower().split()
        self.model.clear()
        for i, cmd in enumerate(self._commands):
            hay = f"{cmd.title} {cmd.keywords}".lower()
            if all(w in hay for w in words):
                row = QStandardItem(cmd.title)
                row.setData(i, _INDEX_ROLE)
                self.model.appendRow(row)
        if self.model.rowCount():
            self.list_view.setCurrentIndex(self.model.index(0, 0))

    def _run_row(self, row: int) -> bool:
        item = self.model.item(row)
        if item is None:
            return False
        cmd = self._commands[item.data(_INDEX_ROLE)]
        self.close_palette()
        cmd.run()
        self.ran.emit(cmd.title)
        return True

    def _retranslate(self) -> None:
        self.filter_edit.setPlaceholderText(self.tr("Type a command, a customer's name…  (Esc closes)"))
