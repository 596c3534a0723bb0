"""The central workspace: the interaction list and its panes (or an empty state), and the screen-pop on the right."""
from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from desktop.icons import icon
from desktop.workspace.work_list import WorkList

log = logging.getLogger("sb.ui")


def screenpop_panel_class() -> type[Any] | None:
    """H4b's ScreenPopPanel when that package is installed; None while it is not written yet.

    Only its absence is tolerated: an error inside the module is a bug and propagates.
    """
    try:
        found = importlib.util.find_spec("desktop.screenpop.panel")
    except ModuleNotFoundError:
        found = None
    if found is None:
        return None
    return importlib.import_module("desktop.screenpop.panel").ScreenPopPanel  # type: ignore[no-any-return]


class WorkspaceArea(QWidget):
    """Left/centre: page 0 the empty state, page 1 the work list. Right: the screen-pop, when there is one."""

    def __init__(
        self, work_list: WorkList | None = None, parent: QWidget | None = None, *, screenpop: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workspace")
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("workspace_stack")
        self._empty = QWidget(self.stack)
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
        self.stack.addWidget(self._empty)
        self.work_list = work_list
        if work_list is not None:
            self.stack.addWidget(work_list)
            work_list.count_changed.connect(self._on_work_count_changed)
        self.screenpop = screenpop
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("workspace_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.stack)
        if screenpop is not None:
            # Wide enough for a bilingual name next to the tier/VIP badges without wrapping.
            screenpop.setMinimumWidth(340)
            self.splitter.addWidget(screenpop)
            self.splitter.setStretchFactor(0, 2)
            self.splitter.setStretchFactor(1, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)
        self._retranslate()

    @property
    def empty_title(self) -> str:
        return self._title.text()

    @property
    def showing_work(self) -> bool:
        return self.work_list is not None and self.stack.currentWidget() is self.work_list

    def _on_work_count_changed(self, count: int) -> None:
        self.stack.setCurrentWidget(self.work_list if count and self.work_list is not None else self._empty)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self._title.setText(self.tr("No interactions"))
        self._hint.setText(self.tr("Calls, chats and emails offered to you will appear here."))
