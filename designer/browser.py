"""The document browser: every flow and form on the edge, with where its draft and live revision stand."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.icons import icon
from edge_server.contract.designs import DesignSummary

_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def kind_icon(kind: str, channel: str, style: QStyle) -> QIcon:
    if kind == "form":
        return style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
    return icon("channel-voice" if channel == "voice" else "channel-chat")


def has_unpublished_changes(summary: DesignSummary) -> bool:
    return summary.draft_hash != summary.live_hash


def format_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M") if ms else ""


class DesignBrowser(QWidget):
    """A table of designs; New flow / New form / Open / Refresh. Enter or double-click opens."""

    open_requested = Signal(list)  # design ids
    new_flow_requested = Signal()
    new_form_requested = Signal()
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("design_browser")
        self._items: list[DesignSummary] = []
        self.table = QTableWidget(0, 7, self)
        self.table.setObjectName("designs_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumWidth(120)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda _index: self._on_open())
        self.new_flow_button = QPushButton(self)
        self.new_flow_button.setObjectName("new_flow_button")
        self.new_form_button = QPushButton(self)
        self.new_form_button.setObjectName("new_form_button")
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("open_button")
        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("refresh_button")
        self.new_flow_button.clicked.connect(self.new_flow_requested)
        self.new_form_button.clicked.connect(self.new_form_requested)
        self.open_button.clicked.connect(self._on_open)
        self.refresh_button.clicked.connect(self.refresh_requested)
        # Two rows of two: one row of four would set the dock's minimum width.
        buttons = QGridLayout()
        for i, b in enumerate((self.new_flow_button, self.new_form_button, self.open_button, self.refresh_button)):
            buttons.addWidget(b, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self._retranslate()

    def sizeHint(self) -> QSize:
        # Narrow by default: the canvas needs the width more than the columns do.
        return QSize(240, 400)

    @property
    def designs(self) -> list[DesignSummary]:
        return list(self._items)

    def summary(self, design_id: str) -> DesignSummary | None:
        return next((s for s in self._items if s.design_id == design_id), None)

    def set_designs(self, items: list[DesignSummary]) -> None:
        selected = set(self.selected_ids())
        self._items = sorted(items, key=lambda s: (s.kind, s.name.lower()))
        self.table.setRowCount(len(self._items))
        style = self.style()
        for row, s in enumerate(self._items):
            name = QTableWidgetItem(kind_icon(s.kind, s.channel, style), s.name)
            name.setData(_ID_ROLE, s.design_id)
            name.setToolTip(self.tr("Flow") if s.kind == "flow" else self.tr("Form"))
            status = self.tr("unpublished changes") if has_unpublished_changes(s) else ""
            cells = [
                name,
                QTableWidgetItem(s.channel),
                QTableWidgetItem(str(s.draft_version)),
                QTableWidgetItem(str(s.live_revision) if s.live_revision else self.tr("none")),
                QTableWidgetItem(status),
                QTableWidgetItem(s.updated_by),
                QTableWidgetItem(format_time(s.updated_ms)),
            ]
            for col, item in enumerate(cells):
                self.table.setItem(row, col, item)
            if s.design_id in selected:
                self.table.selectRow(row)

    def select_ids(self, design_ids: list[str]) -> None:
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row, s in enumerate(self._items):
            if s.design_id in design_ids:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self._items[r].design_id for r in rows if r < len(self._items)]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.set_designs(self._items)
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([
            self.tr("Name"), self.tr("Channel"), self.tr("Draft"), self.tr("Live"), self.tr("Status"),
            self.tr("Updated by"), self.tr("Updated at"),
        ])
        self.table.setAccessibleName(self.tr("Designs"))
        self.new_flow_button.setText(self.tr("New flow…"))
        self.new_form_button.setText(self.tr("New form…"))
        self.open_button.setText(self.tr("Open"))
        self.refresh_button.setText(self.tr("Refresh"))

    def _on_open(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.open_requested.emit(ids)
