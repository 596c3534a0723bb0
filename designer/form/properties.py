"""The property editor of the selected field or container.

It never changes the document itself: every edit goes to the editor as a property
change (an undo command); after any change the editor calls ``show_item`` again and
the widgets are refreshed from the document without re-emitting edits.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.form import ops
from designer.form.palette import ENTRIES
from edge_server.contract.designs import FieldOption, FieldType, FormDoc, FormField, LayoutItem, LayoutKind, Validator
from edge_server.flows.expr import ExprError, compile_expr

#: The bind paths FormField.bind documents; "…attributes." ones are completed by typing a name.
BIND_PATHS = ("", "customer.name", "customer.email", "customer.phone", "customer.tier", "customer.notes",
              "customer.attributes.", "interaction.subject", "interaction.queue", "interaction.channel",
              "interaction.attributes.")
VALIDATOR_KINDS = ("pattern", "min", "max", "min_length", "max_length", "expr")


class PropertyHost(Protocol):
    def set_field_property(self, field_id: str, attr: str, value: Any, *, merge: bool = False) -> None: ...

    def set_field_type(self, field_id: str, field_type: FieldType) -> None: ...

    def set_layout_property(self, item_id: str, attr: str, value: Any, *, merge: bool = False) -> None: ...


def expr_error(text: str) -> str:
    """"" when ``text`` is empty or parses, else the parser's message."""
    if not text.strip():
        return ""
    try:
        compile_expr(text)
    except ExprError as e:
        return str(e)
    return ""


class ExprEdit(QWidget):
    """A line edit for an expression with a live syntax check under it. ``edited(text)`` on typing."""

    edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("expr_edit")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("expr_error")
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(self.edit)
        lay.addWidget(self.error_label)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._on_text_edited)

    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str) -> None:
        if self.edit.text() != text:
            self.edit.setText(text)
        self._check(text)

    def error(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def _on_text_edited(self, text: str) -> None:
        self._check(text)
        self.edited.emit(text)

    def _check(self, text: str) -> None:
        message = expr_error(text)
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        self.edit.setStyleSheet("border: 1px solid #b3261e;" if message else "")


class FlagEdit(QWidget):
    """A "true"/"false" checkbox, or any expression typed beside it (the box then shows partly checked)."""

    edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QCheckBox(self)
        self.expr = ExprEdit(self)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.box)
        lay.addWidget(self.expr, 1)
        self.box.clicked.connect(self._on_box_clicked)
        self.expr.edited.connect(self._on_expr_edited)

    def text(self) -> str:
        return self.expr.text()

    def set_text(self, text: str) -> None:
        self.expr.set_text(text)
        self._show_box(text)

    def _show_box(self, text: str) -> None:
        # Checked only for a plain "true": a condition shows unchecked (ticking it replaces the condition).
        self.box.blockSignals(True)
        self.box.setChecked(text.strip() == "true")
        self.box.blockSignals(False)

    def _on_box_clicked(self, checked: bool) -> None:
        text = "true" if checked else "false"
        self.set_text(text)
        self.edited.emit(text)

    def _on_expr_edited(self, text: str) -> None:
        self._show_box(text)
        self.edited.emit(text)


class TextPair(QWidget):
    """Chinese and English of one localised text; ``edited(dict)`` with both on typing."""

    edited = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zh = QLineEdit(self)
        self.en = QLineEdit(self)
        self.zh.setPlaceholderText("中文")
        self.en.setPlaceholderText("English")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.zh)
        lay.addWidget(self.en)
        self.zh.textEdited.connect(self._on_text_edited)
        self.en.textEdited.connect(self._on_text_edited)

    def value(self) -> dict[str, str]:
        return {k: v for k, v in (("zh-CN", self.zh.text()), ("en", self.en.text())) if v}

    def set_value(self, text: dict[str, str]) -> None:
        for edit, key in ((self.zh, "zh-CN"), (self.en, "en")):
            if edit.text() != text.get(key, ""):
                edit.setText(text.get(key, ""))

    def _on_text_edited(self, _text: str) -> None:
        self.edited.emit(self.value())


class RowTable(QWidget):
    """A small table with Add / Remove / Up / Down; ``rows_edited(list[list[str]])`` after any change."""

    rows_edited = Signal(list)

    def __init__(self, columns: int, parent: QWidget | None = None, *, combo_column: int = -1,
                 combo_items: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, columns, self)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(90)
        self.table.setMaximumHeight(150)
        self._combo_column = combo_column
        self._combo_items = combo_items
        self._filling = False
        self.add_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        self.up_button = QPushButton("↑", self)
        self.down_button = QPushButton("↓", self)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table)
        lay.addLayout(buttons)
        self.table.itemChanged.connect(self._on_item_changed)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.new_row: Callable[[int], list[str]] = lambda n: [""] * columns

    def rows(self) -> list[list[str]]:
        out = []
        for r in range(self.table.rowCount()):
            row = []
            for c in range(self.table.columnCount()):
                if c == self._combo_column:
                    combo = self.table.cellWidget(r, c)
                    row.append(combo.currentText() if isinstance(combo, QComboBox) else "")
                else:
                    item = self.table.item(r, c)
                    row.append(item.text() if item is not None else "")
            out.append(row)
        return out

    def set_rows(self, rows: list[list[str]]) -> None:
        if rows == self.rows():
            return
        self._filling = True
        try:
            current = self.table.currentRow()
            self.table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    if c == self._combo_column:
                        combo = QComboBox(self.table)
                        combo.addItems(list(self._combo_items))
                        combo.setCurrentText(text)
                        combo.currentTextChanged.connect(self._on_combo_changed)
                        self.table.setCellWidget(r, c, combo)
                    else:
                        self.table.setItem(r, c, QTableWidgetItem(text))
            if 0 <= current < len(rows):
                self.table.setCurrentCell(current, 0)
        finally:
            self._filling = False

    def set_cell(self, row: int, column: int, text: str) -> None:
        """Type into a cell as a user would (for tests and keyboard entry)."""
        if column == self._combo_column:
            combo = self.table.cellWidget(row, column)
            assert isinstance(combo, QComboBox)
            combo.setCurrentText(text)
        else:
            self.table.item(row, column).setText(text)

    def _emit(self, rows: list[list[str]]) -> None:
        self.rows_edited.emit(rows)

    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self._emit(self.rows())

    def _on_combo_changed(self, _text: str) -> None:
        if not self._filling:
            self._emit(self.rows())

    def _on_add_clicked(self) -> None:
        rows = self.rows()
        rows.append(self.new_row(len(rows) + 1))
        self._emit(rows)
        self.table.setCurrentCell(len(rows) - 1, 0)

    def _on_remove_clicked(self) -> None:
        r = self.table.currentRow()
        rows = self.rows()
        if 0 <= r < len(rows):
            del rows[r]
            self._emit(rows)

    def _move(self, step: int) -> None:
        r = self.table.currentRow()
        rows = self.rows()
        to = r + step
        if 0 <= r < len(rows) and 0 <= to < len(rows):
            rows[r], rows[to] = rows[to], rows[r]
            self._emit(rows)
            self.table.setCurrentCell(to, 0)


class PropertyPanel(QStackedWidget):
    def __init__(self, host: PropertyHost, chinese: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("form_properties")
        self._host = host
        self._chinese = chinese
        self._field_id = ""
        self._item_id = ""

        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.addWidget(self.empty)

        # --- a field ---
        self.field_page = QWidget(self)
        outer = QVBoxLayout(self.field_page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # rows keep their height; the room left stays below them
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.key_edit = QLineEdit(self.field_page)
        self.type_combo = QComboBox(self.field_page)
        for e in ENTRIES:
            if e.field_type is not None:
                self.type_combo.addItem(e.label_zh if chinese else e.label_en, e.field_type.value)
        self.label_pair = TextPair(self.field_page)
        self.help_pair = TextPair(self.field_page)
        self.placeholder_pair = TextPair(self.field_page)
        self.required_edit = FlagEdit(self.field_page)
        self.read_only_edit = FlagEdit(self.field_page)
        self.visible_if_edit = ExprEdit(self.field_page)
        self.default_edit = ExprEdit(self.field_page)
        self.options_table = RowTable(3, self.field_page)
        self.options_table.new_row = lambda n: [f"option_{n}", f"选项 {n}", f"Option {n}"]
        self.validators_table = RowTable(4, self.field_page, combo_column=0, combo_items=VALIDATOR_KINDS)
        self.validators_table.new_row = lambda n: ["min_length", "1", "", ""]
        self.bind_combo = QComboBox(self.field_page)
        self.bind_combo.setEditable(True)
        self.bind_combo.addItems(list(BIND_PATHS))
        self.when_hidden_combo = QComboBox(self.field_page)
        self.when_hidden_combo.addItem("", "clear")
        self.when_hidden_combo.addItem("", "keep")
        self._field_rows: list[tuple[QWidget, str]] = [
            (self.key_edit, "Key"), (self.type_combo, "Type"), (self.label_pair, "Label"), (self.help_pair, "Help"),
            (self.placeholder_pair, "Placeholder"), (self.required_edit, "Required"),
            (self.read_only_edit, "Read-only"), (self.visible_if_edit, "Visible if"), (self.default_edit, "Default"),
            (self.options_table, "Options"), (self.validators_table, "Validators"), (self.bind_combo, "Bind to"),
            (self.when_hidden_combo, "When hidden"),
        ]
        self._field_labels: dict[QWidget, QLabel] = {}
        for w, _ in self._field_rows:
            label = QLabel(self.field_page)
            label.setBuddy(w.focusProxy() or w)
            self._field_labels[w] = label
            form.addRow(label, w)
        self.addWidget(self.field_page)

        # --- a container or heading ---
        self.item_page = QWidget(self)
        item_outer = QVBoxLayout(self.item_page)
        iform = QFormLayout()
        item_outer.addLayout(iform)
        item_outer.addStretch(1)
        self.kind_label = QLabel(self.item_page)
        self.title_pair = TextPair(self.item_page)
        self._kind_caption = QLabel(self.item_page)
        self._title_caption = QLabel(self.item_page)
        self._title_caption.setBuddy(self.title_pair.zh)
        iform.addRow(self._kind_caption, self.kind_label)
        iform.addRow(self._title_caption, self.title_pair)
        self.addWidget(self.item_page)

        self.key_edit.textEdited.connect(lambda t: self._set_field("key", t, merge=True))
        self.type_combo.activated.connect(self._on_type_activated)
        self.label_pair.edited.connect(lambda v: self._set_field("label", v, merge=True))
        self.help_pair.edited.connect(lambda v: self._set_field("help", v, merge=True))
        self.placeholder_pair.edited.connect(lambda v: self._set_field("placeholder", v, merge=True))
        self.required_edit.edited.connect(lambda t: self._set_field("required", t or "false", merge=True))
        self.read_only_edit.edited.connect(lambda t: self._set_field("read_only", t or "false", merge=True))
        self.visible_if_edit.edited.connect(lambda t: self._set_field("visible_if", t, merge=True))
        self.default_edit.edited.connect(lambda t: self._set_field("default", t, merge=True))
        self.options_table.rows_edited.connect(self._on_options_edited)
        self.validators_table.rows_edited.connect(self._on_validators_edited)
        self.bind_combo.lineEdit().textEdited.connect(lambda t: self._set_field("bind", t, merge=True))
        self.bind_combo.activated.connect(lambda _i: self._set_field("bind", self.bind_combo.currentText()))
        self.when_hidden_combo.activated.connect(
            lambda _i: self._set_field("when_hidden", self.when_hidden_combo.currentData()))
        self.title_pair.edited.connect(lambda v: self._host.set_layout_property(self._item_id, "title", v, merge=True))
        self._retranslate()
        self.setCurrentWidget(self.empty)

    # --- public ------------------------------------------------------------------------------------

    @property
    def field_id(self) -> str:
        return self._field_id

    @property
    def item_id(self) -> str:
        return self._item_id

    def show_item(self, doc: FormDoc, item_id: str) -> None:
        """Show the properties of layout item ``item_id`` ("" none) as the document has them now."""
        item = ops.item_by_id(doc, item_id) if item_id else None
        self._item_id = item.id if item is not None else ""
        field = ops.field_by_id(doc, item.field) if item is not None and item.kind == LayoutKind.FIELD else None
        self._field_id = field.id if field is not None else ""
        if field is not None:
            self._fill_field(field)
            self.setCurrentWidget(self.field_page)
        elif item is not None:
            self._fill_item(item)
            self.setCurrentWidget(self.item_page)
        else:
            self.setCurrentWidget(self.empty)

    # --- Qt overrides ---------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- internals ------------------------------------------------------------------------------

    def _set_field(self, attr: str, value: Any, *, merge: bool = False) -> None:
        if self._field_id:
            self._host.set_field_property(self._field_id, attr, value, merge=merge)

    def _on_type_activated(self, _index: int) -> None:
        if self._field_id:
            self._host.set_field_type(self._field_id, FieldType(self.type_combo.currentData()))

    def _on_options_edited(self, rows: list[list[str]]) -> None:
        options = [FieldOption(value=r[0], label={k: v for k, v in (("zh-CN", r[1]), ("en", r[2])) if v})
                   for r in rows]
        self._set_field("options", options)

    def _on_validators_edited(self, rows: list[list[str]]) -> None:
        validators = [Validator(kind=r[0] if r[0] in VALIDATOR_KINDS else "pattern",  # type: ignore[arg-type]
                                value=r[1],
                                message={k: v for k, v in (("zh-CN", r[2]), ("en", r[3])) if v}) for r in rows]
        self._set_field("validators", validators)

    def _fill_field(self, f: FormField) -> None:
        if self.key_edit.text() != f.key:
            self.key_edit.setText(f.key)
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(f.type.value)))
        self.label_pair.set_value(f.label)
        self.help_pair.set_value(f.help)
        self.placeholder_pair.set_value(f.placeholder)
        self.required_edit.set_text(f.required)
        self.read_only_edit.set_text(f.read_only)
        self.visible_if_edit.set_text(f.visible_if)
        self.default_edit.set_text(f.default)
        has_options = f.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE)
        self.options_table.setVisible(has_options)
        self._field_labels[self.options_table].setVisible(has_options)
        self.options_table.set_rows([[o.value, o.label.get("zh-CN", ""), o.label.get("en", "")] for o in f.options])
        self.validators_table.set_rows([[v.kind, v.value, v.message.get("zh-CN", ""), v.message.get("en", "")]
                                        for v in f.validators])
        if self.bind_combo.currentText() != f.bind:
            self.bind_combo.setCurrentText(f.bind)
        self.when_hidden_combo.setCurrentIndex(max(0, self.when_hidden_combo.findData(f.when_hidden)))

    def _fill_item(self, item: LayoutItem) -> None:
        from designer.form.tree import kind_name

        self.kind_label.setText(kind_name(item.kind, self._chinese))
        has_title = item.kind not in (LayoutKind.ROW, LayoutKind.COLUMNS, LayoutKind.COLUMN)
        self.title_pair.setEnabled(has_title)
        self.title_pair.set_value(item.title)

    def _retranslate(self) -> None:
        names = {
            "Key": self.tr("Key"), "Type": self.tr("Type"), "Label": self.tr("Label"), "Help": self.tr("Help"),
            "Placeholder": self.tr("Placeholder"), "Required": self.tr("Required"),
            "Read-only": self.tr("Read-only"), "Visible if": self.tr("Visible if"), "Default": self.tr("Default"),
            "Options": self.tr("Options"), "Validators": self.tr("Validators"), "Bind to": self.tr("Bind to"),
            "When hidden": self.tr("When hidden"),
        }
        for w, name in self._field_rows:
            self._field_labels[w].setText(names[name])
        self.empty.setText(self.tr("Select an item in the structure to edit its properties."))
        self._kind_caption.setText(self.tr("Kind"))
        self._title_caption.setText(self.tr("Title"))
        self.when_hidden_combo.setItemText(0, self.tr("Clear its value"))
        self.when_hidden_combo.setItemText(1, self.tr("Keep its value"))
        self.key_edit.setToolTip(self.tr("The data key; expressions refer to the field by it"))
        self.visible_if_edit.setToolTip(self.tr("An expression, e.g. issue == 'refund'; empty: always shown"))
        self.default_edit.setToolTip(self.tr("An expression, e.g. customer.name or 'none'"))
        self.required_edit.box.setText(self.tr("Always"))
        self.read_only_edit.box.setText(self.tr("Always"))
        self.required_edit.expr.edit.setPlaceholderText(self.tr("or a condition"))
        self.read_only_edit.expr.edit.setPlaceholderText(self.tr("or a condition"))
        for table, heads in (
            (self.options_table, [self.tr("Value"), "中文", "English"]),
            (self.validators_table, [self.tr("Rule"), self.tr("Value"), self.tr("Message (中文)"),
                                     self.tr("Message (English)")]),
        ):
            table.table.setHorizontalHeaderLabels(heads)
            table.add_button.setText(self.tr("Add"))
            table.remove_button.setText(self.tr("Remove"))
            table.up_button.setToolTip(self.tr("Move up"))
            table.down_button.setToolTip(self.tr("Move down"))
