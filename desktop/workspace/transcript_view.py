"""The transcript list: one bubble per entry, kept scrolled to the newest while the agent is there."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QWidget

from desktop.workspace.transcript_delegate import TranscriptDelegate
from desktop.workspace.transcript_model import ENTRY_ROLE, TranscriptModel


class TranscriptView(QListView):
    def __init__(self, model: TranscriptModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setModel(model)
        self.delegate = TranscriptDelegate(model, self)
        self.setItemDelegate(self.delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there: a scroll bar appearing would narrow the viewport and re-measure every bubble.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWordWrap(True)
        self.setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu_requested)
        self._stick = True
        model.rowsAboutToBeInserted.connect(self._on_rows_about_to_be_inserted)
        model.rowsInserted.connect(self._on_rows_inserted)

    def copy_current(self) -> str:
        """Copy the selected entry's text (plain) to the clipboard; returns it."""
        entry = self.currentIndex().data(ENTRY_ROLE)
        if entry is None:
            return ""
        QGuiApplication.clipboard().setText(entry.msg.text)
        return str(entry.msg.text)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_current()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, e: QResizeEvent) -> None:
        # Bubble heights depend on the width: let the view ask again (cached per width).
        super().resizeEvent(e)
        self.scheduleDelayedItemsLayout()
        if self._stick:
            self.scrollToBottom()

    def _on_rows_about_to_be_inserted(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        bar = self.verticalScrollBar()
        # Follow the conversation only when the agent is already reading its end.
        self._stick = bar.value() >= bar.maximum() - 4

    def _on_rows_inserted(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        if self._stick:
            self.scrollToBottom()

    def _on_context_menu_requested(self, pos) -> None:  # noqa: ANN001
        index = self.indexAt(pos)
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction(self.tr("Copy text"), self.copy_current)
        menu.popup(self.viewport().mapToGlobal(pos))
