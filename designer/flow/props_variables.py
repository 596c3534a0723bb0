"""The flow's declared variables as an editable table (name, type, default, sensitive, description).

A name is checked before anything is emitted ([a-z_][a-z0-9_]*, unique, not a word
the expression language or the system names already use); a bad edit is put back
and explained, so the document only ever holds valid declarations.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from edge_server.contract.designs import Variable
from edge_server.flows.expr import to_number
from edge_server.flows.validate import RESERVED_VARIABLES, VARIABLE_NAME

#: The validator's own rules (edge_server/flows/validate.py), so the table refuses exactly what it would report.
NAME_RE = VARIABLE_NAME
RESERVED = RESERVED_VARIABLES
TYPES: tuple[str, ...] = ("string", "number", "boolean")
COL_NAME, COL_TYPE, COL_DEFAULT, COL_SENSITIVE, COL_DESCRIPTION = range(5)
TYPE_ROLE = Qt.ItemDataRole.UserRole


class _TypeDelegate(QStyledItemDelegate):
    """The type column edits through a combo box (keyboard: F2 or typing opens it)."""

    def __init__(self, table: VariablesTable) -> None:
        super().__init__(table)
        self.table = table

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802 (Qt override)
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        combo = QComboBox(parent)
        for t in TYPES:
            combo.addItem(self.table.type_label(t), t)
        combo.setAccessibleName(self.table.type_caption())
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(TYPE_ROLE))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802 (Qt override)
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        t = str(editor.currentData())
        model.setData(index, self.table.type_label(t), Qt.ItemDataRole.DisplayRole)
        model.setData(index, t, TYPE_ROLE)


class VariablesTable(QWidget):
    variables_edited = Signal(list)  # list[Variable]: the whole new list
    # After a rename's variables_edited: old name, new name (a host may rewrite references with
    # edge_server.flows.expr.rename_names; the list edit alone leaves them dangling).
    variable_renamed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._variables: list[Variable] = []
        self._updating = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("variables_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.table.setItemDelegateForColumn(COL_TYPE, _TypeDelegate(self))
        self.table.itemChanged.connect(self._on_item_changed)
        lay.addWidget(self.table)
        self._fit_height()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("field_error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        lay.addWidget(self.error_label)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("variable_add")
        self.add_button.clicked.connect(self.add_variable)
        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("variable_remove")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.retranslate()

    # --- API ------------------------------------------------------------------------------

    def set_variables(self, variables: list[Variable]) -> None:
        """Show ``variables`` in place (rows reused; an open cell editor is left alone)."""
        self._variables = [Variable(**_fields(v)) for v in variables]
        self._updating = True
        self.table.blockSignals(True)
        try:
            self.table.setRowCount(len(variables))
            for row, v in enumerate(variables):
                self._set_row(row, v)
        finally:
            self.table.blockSignals(False)
            self._updating = False
        self._update_buttons()
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its rows (3 to 8 of them), so the panel scrolls rather than the table."""
        rows = min(max(self.table.rowCount(), 3), 8)
        row_h = self.table.verticalHeader().defaultSectionSize()
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows * row_h + frame + 2)

    def variables(self) -> list[Variable]:
        return list(self._variables)

    def add_variable(self) -> None:
        taken = {v.name for v in self._variables}
        n = len(taken) + 1
        while f"var{n}" in taken:
            n += 1
        new = [*self._variables, Variable(name=f"var{n}")]
        self.set_variables(new)
        self._emit(new)
        item = self.table.item(len(new) - 1, COL_NAME)
        self.table.setCurrentItem(item)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.editItem(item)

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._variables):
            return
        new = [v for i, v in enumerate(self._variables) if i != row]
        self.set_variables(new)
        self._emit(new)
        if new:
            self.table.setCurrentCell(min(row, len(new) - 1), COL_NAME)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- editing --------------------------------------------------------------------------

    def _set_row(self, row: int, v: Variable) -> None:
        def text_item(col: int, text: str) -> None:
            item = self.table.item(row, col)
            if item is None:
                item = QTableWidgetItem()
                self.table.setItem(row, col, item)
            if item.text() != text:
                item.setText(text)

        text_item(COL_NAME, v.name)
        text_item(COL_TYPE, self.type_label(v.type))
        self.table.item(row, COL_TYPE).setData(TYPE_ROLE, v.type)
        text_item(COL_DEFAULT, v.default)
        text_item(COL_SENSITIVE, "")
        check = self.table.item(row, COL_SENSITIVE)
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        state = Qt.CheckState.Checked if v.sensitive else Qt.CheckState.Unchecked
        if check.checkState() != state:
            check.setCheckState(state)
        text_item(COL_DESCRIPTION, v.description)

    def _row_variable(self, row: int) -> Variable:
        def text(col: int) -> str:
            item = self.table.item(row, col)
            return item.text().strip() if item is not None else ""

        type_item = self.table.item(row, COL_TYPE)
        t = str(type_item.data(TYPE_ROLE)) if type_item is not None else "string"
        check = self.table.item(row, COL_SENSITIVE)
        return Variable(name=text(COL_NAME), type=t if t in TYPES else "string",  # type: ignore[arg-type]
                        default=text(COL_DEFAULT),
                        sensitive=check is not None and check.checkState() == Qt.CheckState.Checked,
                        description=text(COL_DESCRIPTION))

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._updating:
            return
        row = item.row()
        if not 0 <= row < len(self._variables):
            return
        edited = self._row_variable(row)
        problem = self.check(edited, [v.name for i, v in enumerate(self._variables) if i != row])
        if problem:
            self._show_error(problem)
            # Put the last good value back after the view finished committing this edit.
            QTimer.singleShot(0, self._restore)
            return
        self._show_error("")
        new = list(self._variables)
        old_name = new[row].name
        new[row] = edited
        if new == self._variables:
            return
        self._variables = new
        self._emit(new)
        if edited.name != old_name:
            self.variable_renamed.emit(old_name, edited.name)

    def _restore(self) -> None:
        self.set_variables(self._variables)

    def check(self, v: Variable, other_names: list[str]) -> str:
        """Why ``v`` cannot be declared next to ``other_names`` ("" when it can)."""
        if not NAME_RE.fullmatch(v.name):
            return self.tr("“%1” is not a valid name: use lower-case letters, digits and _, not starting with a "
                           "digit.").replace("%1", v.name)
        if v.name in other_names:
            return self.tr("A variable named “%1” already exists.").replace("%1", v.name)
        if v.name in RESERVED:
            return self.tr("“%1” is a reserved word.").replace("%1", v.name)
        if v.default and v.type == "number" and to_number(v.default) is None:
            return self.tr("The default of a number variable must be a number.")
        if v.default and v.type == "boolean" and v.default not in ("true", "false"):
            return self.tr("The default of a yes/no variable is true or false.")
        return ""

    def _emit(self, variables: list[Variable]) -> None:
        self.variables_edited.emit([Variable(**_fields(v)) for v in variables])

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self._variables))

    def type_caption(self) -> str:
        return self.tr("Type")

    def type_label(self, t: str) -> str:
        return {"string": self.tr("text"), "number": self.tr("number"), "boolean": self.tr("yes/no")}.get(t, t)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.type_caption(), self.tr("Default"),
                                              self.tr("Sensitive"), self.tr("Description")])
        header_tips = (self.tr("Used by this name in expressions and {name} placeholders"),
                       self.tr("How the value is compared and shown"),
                       self.tr("The value at the start of every execution"),
                       self.tr("Masked as *** in traces and logs"),
                       self.tr("What the variable holds, for the next person"))
        for col, tip in enumerate(header_tips):
            h = self.table.horizontalHeaderItem(col)
            if h is not None:
                h.setToolTip(tip)
        self.table.setAccessibleName(self.tr("Variables"))
        self.add_button.setText(self.tr("Add variable"))
        self.remove_button.setText(self.tr("Remove variable"))
        self.remove_button.setAccessibleName(self.tr("Remove the selected variable"))
        if self._variables:
            self.set_variables(self._variables)


def _fields(v: Variable) -> dict[str, Any]:
    return {"name": v.name, "type": v.type, "default": v.default, "sensitive": v.sensitive,
            "description": v.description}
