"""The Problems dock: every validation problem of the current document; activating one selects its element."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractItemView, QStyle, QTableView, QVBoxLayout, QWidget

from desktop.i18n import ui_is_chinese
from edge_server.contract.designs import Document, FlowDoc, Problem, Severity
from edge_server.flows.nodetypes import NODE_TYPES

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_ELEMENT_ROLE = Qt.ItemDataRole.UserRole + 1


def element_names(doc: Document) -> dict[str, str]:
    """Element id -> a name a supervisor recognises (node label or type, field key, layout title)."""
    zh = ui_is_chinese()
    names: dict[str, str] = {}
    if isinstance(doc, FlowDoc):
        for node in doc.nodes:
            t = NODE_TYPES.get(node.type)
            type_label = (t.label_zh if zh else t.label_en) if t else node.type
            names[node.id] = f"{node.label} ({type_label})" if node.label else type_label
        for var in doc.variables:
            names[var.name] = var.name
        return names
    for field in doc.fields:
        names[field.id] = field.key
    stack = list(doc.pages)
    while stack:
        item = stack.pop()
        title = item.title.get("zh-CN" if zh else "en") or next(iter(item.title.values()), "")
        if title:
            names[item.id] = title
        stack.extend(item.children)
    return names


def problem_text(problem: Problem) -> str:
    """The message in the UI language (the English one when no Chinese was written)."""
    if ui_is_chinese() and problem.message_zh:
        return problem.message_zh
    return problem.message


def severity_icon(severity: Severity, style: QStyle) -> QIcon:
    pixmap = {
        Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
        Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
    }.get(severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
    return style.standardIcon(pixmap)


def severity_name(severity: Severity) -> str:
    return {
        Severity.ERROR: QCoreApplication.translate("Problems", "Error"),
        Severity.WARNING: QCoreApplication.translate("Problems", "Warning"),
    }.get(severity, QCoreApplication.translate("Problems", "Info"))


def counts(problems: list[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for p in problems if p.severity == Severity.ERROR)
    warnings = sum(1 for p in problems if p.severity == Severity.WARNING)
    return errors, warnings


class ProblemsModel(QAbstractTableModel):
    """Problems as rows; data is produced on demand, so thousands of problems cost a model reset, not widgets."""

    COLUMNS = 4

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problems: list[Problem] = []
        self.names: dict[str, str] = {}
        self._icons: dict[Severity, QIcon] = {}

    def reset(self, problems: list[Problem], names: dict[str, str], icons: dict[Severity, QIcon]) -> None:
        self.beginResetModel()
        self.problems, self.names, self._icons = problems, names, icons
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (QCoreApplication.translate("ProblemsPanel", "Severity"),
                QCoreApplication.translate("ProblemsPanel", "Code"),
                QCoreApplication.translate("ProblemsPanel", "Element"),
                QCoreApplication.translate("ProblemsPanel", "Message"))[section]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.problems):
            return None
        p = self.problems[index.row()]
        col = index.column()
        if role == _ELEMENT_ROLE:
            return p.element_id
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self._icons.get(p.severity)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return severity_name(p.severity)
            if col == 1:
                return p.code
            if col == 2:
                if not p.element_id:
                    return QCoreApplication.translate("ProblemsPanel", "(document)")
                return self.names.get(p.element_id, p.element_id)
            return problem_text(p)
        return None


class ProblemsPanel(QWidget):
    """A table of problems: severity, code, element, message. Enter or double-click selects the element."""

    #: The element id of the activated problem ("" = the document itself).
    element_activated = Signal(str)
    #: The dock title changed (counts).
    title_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problems_panel")
        self._problems: list[Problem] = []
        self._names: dict[str, str] = {}
        self.model = ProblemsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("problems_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        # Fixed starting widths: sizing columns to their contents measures every row (slow with thousands).
        header = self.table.horizontalHeader()
        for col, width in enumerate((90, 190, 180)):
            self.table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        # activated = Enter/Return on the keyboard and double-click with the mouse.
        self.table.activated.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self._retranslate()

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems)

    def set_problems(self, problems: list[Problem], names: dict[str, str] | None = None) -> None:
        self._problems = sorted(problems, key=lambda p: (_SEVERITY_ORDER.get(p.severity, 3), p.code))
        self._names = dict(names or {})
        self._fill()
        self.title_changed.emit(self.title())

    def title(self) -> str:
        errors, warnings = counts(self._problems)
        if not self._problems:
            return self.tr("Problems")
        return self.tr("Problems ({errors} errors, {warnings} warnings)").format(errors=errors, warnings=warnings)

    def cell_text(self, row: int, column: int) -> str:
        return str(self.model.data(self.model.index(row, column)) or "")

    def activate_row(self, row: int) -> None:
        """What Enter on ``row`` does (tests and the keyboard)."""
        self._on_activated(self.model.index(row, 0))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self._fill()
            self.title_changed.emit(self.title())
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.table.setAccessibleName(self.tr("Problems"))

    def _fill(self) -> None:
        style = self.style()
        icons = {sev: severity_icon(sev, style) for sev in Severity}
        self.model.reset(self._problems, self._names, icons)

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.element_activated.emit(str(self.model.data(index, _ELEMENT_ROLE) or ""))
