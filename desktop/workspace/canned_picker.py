"""The "/" picker over canned responses: type-ahead on shortcut and title, Enter inserts it filled in.

A child frame of the chat view, not a popup window: a popup would grab the
keyboard, and the agent keeps typing the filter into the composer meanwhile.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLabel, QListView, QVBoxLayout, QWidget

from edge_server.contract.interactions import CannedResponse

_ITEM_ROLE = Qt.ItemDataRole.UserRole
_VARIABLE = re.compile(r"\{(customer\.name|agent\.name|agent\.first_name|queue\.name)\}")


def fill_variables(text: str, values: Mapping[str, str]) -> str:
    """Replace the known {variables}; unknown braces stay as typed (they may be meant literally)."""
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def first_name(display_name: str) -> str:
    """"Li Wei" -> "Li"; a Chinese name ("李伟") or a single word stays whole."""
    parts = display_name.split()
    return parts[0] if parts else display_name


def rank(item: CannedResponse, query: str) -> int | None:
    """Lower is better; None: no match. Shortcut prefix > title words > text (the Amazon QR order)."""
    q = query.strip().lower()
    if not q:
        return 3
    if item.shortcut.lower().startswith(q):
        return 0
    if q in item.title.lower():
        return 1
    if q in item.shortcut.lower():
        return 2
    if q in item.text.lower():
        return 3
    return None


class CannedPicker(QFrame):
    """Signals: chosen(CannedResponse)."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canned_picker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._items: list[CannedResponse] = []
        self._query = ""
        self.title = QLabel(self)
        self.title.setObjectName("picker_title")
        self.model = QStandardItemModel(self)
        self.list_view = QListView(self)
        self.list_view.setObjectName("canned_list")
        self.list_view.setModel(self.model)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the composer keeps the keyboard
        self.list_view.clicked.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.list_view)
        self.hide()
        self._retranslate()

    def set_items(self, items: list[CannedResponse]) -> None:
        self._items = list(items)
        self.filter(self._query)

    def filter(self, query: str) -> int:
        """Show the matches for ``query`` (what follows "/"), best first; returns how many."""
        self._query = query
        ranked = sorted(
            ((r, i) for i, it in enumerate(self._items) if (r := rank(it, query)) is not None),
            key=lambda p: (p[0], self._items[p[1]].shortcut),
        )
        self.model.clear()
        for _r, i in ranked:
            it = self._items[i]
            preview = it.text.replace("\n", " ")
            row = QStandardItem(f"/{it.shortcut} — {it.title or preview[:40]}")
            row.setToolTip(it.text)
            row.setData(it, _ITEM_ROLE)
            self.model.appendRow(row)
        if self.model.rowCount():
            self.list_view.setCurrentIndex(self.model.index(0, 0))
        return self.model.rowCount()

    def visible_shortcuts(self) -> list[str]:
        return [self.model.item(r).data(_ITEM_ROLE).shortcut for r in range(self.model.rowCount())]

    def step(self, step: int) -> None:
        n = self.model.rowCount()
        if not n:
            return
        row = (self.list_view.currentIndex().row() + step) % n
        self.list_view.setCurrentIndex(self.model.index(row, 0))

    def current(self) -> CannedResponse | None:
        index = self.list_view.currentIndex()
        return index.data(_ITEM_ROLE) if index.isValid() else None

    def choose_current(self) -> bool:
        item = self.current()
        if item is None:
            return False
        self.chosen.emit(item)
        return True

    def _on_clicked(self, index: QModelIndex) -> None:
        self.list_view.setCurrentIndex(index)
        self.choose_current()

    def _retranslate(self) -> None:
        self.title.setText(self.tr("Canned responses: ↑↓ choose, Enter insert, Esc close"))

    def changeEvent(self, event) -> None:  # noqa: ANN001
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
