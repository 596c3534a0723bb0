"""The central workspace: the agent's work list, or an empty state when there is no work."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from desktop.icons import icon
from desktop.workspace.work_list import WorkList


class WorkspaceArea(QStackedWidget):
    """Page 0 is the empty state, page 1 the work list; the list shows while it holds a task."""

    def __init__(self, work_list: WorkList | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace")
        self._empty = QWidget(self)
        self._empty.setObjectName("workspace_empty")
        art = QLabel(self._empty)
        art.setPixmap(icon("inbox-empty").pixmap(QSize(96, 96)))
        art.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._title = QLabel(self._empty)
        self._title.setObjectName("empty_title")
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint = QLabel(self._empty)
        self._hint.setObjectName("empty_hint")
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint.setWordWrap(True)
        layout = QVBoxLayout(self._empty)
        layout.addStretch(1)
        layout.addWidget(art)
        layout.addWidget(self._title)
        layout.addWidget(self._hint)
        layout.addStretch(2)
        self.addWidget(self._empty)
        self.work_list = work_list
        if work_list is not None:
            self.addWidget(work_list)
            work_list.count_changed.connect(self._on_work_count_changed)
        self._retranslate()

    @property
    def empty_title(self) -> str:
        return self._title.text()

    @property
    def showing_work(self) -> bool:
        return self.work_list is not None and self.currentWidget() is self.work_list

    def _on_work_count_changed(self, count: int) -> None:
        self.setCurrentWidget(self.work_list if count and self.work_list is not None else self._empty)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self._title.setText(self.tr("No interactions"))
        self._hint.setText(self.tr("Calls, chats and emails offered to you will appear here."))
