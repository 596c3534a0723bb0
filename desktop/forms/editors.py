"""One editor widget per form field type, all with the same small interface.

Values are what edge_server/flows/forms_eval.py coerces: text types give str, number the
typed text (forms_eval turns it into a number or reports it), date "YYYY-MM-DD" or None,
choice the option value or None, multi_choice a list of option values, checkbox a bool.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QMouseEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.forms.texts import pick
from desktop.screenpop.flow_layout import FlowLayout
from edge_server.contract.designs import FieldType, FormField

#: A choice with at most this many options shows radio buttons (all visible at a glance), else a combo box.
RADIO_MAX = 5
#: A multi-choice with at most this many options shows checkboxes, else a checkable list.
CHECKBOX_MAX = 8
#: The date a "no date" QDateEdit sits on (its minimum, shown as the special value text).
_NO_DATE = QDate(1900, 1, 1)
#: Decimal numbers with an optional sign, either decimal mark (what agents type), and no exponent.
_NUMBER_RE = QRegularExpression(r"^[-+]?\d{0,15}([.,]\d{0,6})?$")


class FieldEditor:
    """What every editor offers (mixed into a Qt widget class, which declares ``edited = Signal()``,
    emitted after every change the user or set_value makes).

    Simple editors *are* their Qt widget (no wrapper): a 300-field form then needs a quarter
    fewer widgets, which is most of what building it costs.
    """

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)  # type: ignore[attr-defined]

    def focus_widgets(self) -> list[QWidget]:
        """The widgets Tab visits, in order (tab order follows the form's layout order)."""
        return [self]  # type: ignore[list-item]

    def set_accessible_name(self, name: str) -> None:
        for w in self.focus_widgets():
            w.setAccessibleName(name)


class LineEditor(QLineEdit, FieldEditor):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = self  # the same interface as the wrapping editors (tests and hosts use .edit)
        self.textChanged.connect(self.edited)

    def value(self) -> Any:
        return self.text()

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        # Read-only rather than disabled: the agent can still select and copy the text.
        self.setReadOnly(read_only)


class NumberEditor(LineEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QRegularExpressionValidator(_NUMBER_RE, self))
        self.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)

    def value(self) -> Any:
        text = self.text().strip().replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text  # half-typed ("-", "."): forms_eval reports it
        return int(number) if number.is_integer() and "." not in text else number


class DateEditor(QDateEdit, FieldEditor):
    """A date or "no date" (the minimum date, shown as special text); the calendar opens on today."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = self
        self.setCalendarPopup(True)
        self.setMinimumDate(_NO_DATE)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setSpecialValueText(self.tr("No date"))
        self.setDate(_NO_DATE)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.dateChanged.connect(self._on_date_changed)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self.date() == _NO_DATE:
            # The calendar is made on first use; asking for it earlier would cost every date field.
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        super().mousePressEvent(event)

    def _on_date_changed(self, _date: QDate) -> None:
        self.edited.emit()

    def value(self) -> Any:
        d = self.date()
        return None if d == _NO_DATE else d.toString("yyyy-MM-dd")

    def set_value(self, value: Any) -> None:
        d = QDate.fromString(str(value), "yyyy-MM-dd") if value else QDate()
        self.setDate(d if d.isValid() else _NO_DATE)


class RadioChoiceEditor(QWidget, FieldEditor):
    edited = Signal()

    def __init__(self, field: FormField, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self._values = [o.value for o in field.options]
        lay = FlowLayout(self, spacing=10)
        self.buttons: list[QRadioButton] = []
        for i, option in enumerate(field.options):
            b = QRadioButton(pick(option.label, language) or option.value, self)
            self.group.addButton(b, i)
            lay.addWidget(b)
            self.buttons.append(b)
        if self.buttons:
            self.setFocusProxy(self.buttons[0])
        self.group.idToggled.connect(self._on_toggled)

    def _on_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self.edited.emit()

    def value(self) -> Any:
        i = self.group.checkedId()
        return self._values[i] if 0 <= i < len(self._values) else None

    def set_value(self, value: Any) -> None:
        if value in self._values:
            self.buttons[self._values.index(value)].setChecked(True)
            return
        # An exclusive group cannot be emptied by unchecking; drop exclusivity for the moment.
        self.group.setExclusive(False)
        for b in self.buttons:
            b.setChecked(False)
        self.group.setExclusive(True)
        self.edited.emit()

    def focus_widgets(self) -> list[QWidget]:
        return list(self.buttons)


class ComboChoiceEditor(QComboBox, FieldEditor):
    edited = Signal()

    def __init__(self, field: FormField, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = self
        self.addItem("—", None)  # nothing chosen yet
        for option in field.options:
            self.addItem(pick(option.label, language) or option.value, option.value)
        self.currentIndexChanged.connect(self._on_index_changed)

    def _on_index_changed(self, _index: int) -> None:
        self.edited.emit()

    def value(self) -> Any:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        i = self.findData(value) if value is not None else 0
        self.setCurrentIndex(max(i, 0))


class MultiChoiceEditor(QWidget, FieldEditor):
    """Checkboxes that wrap onto more lines (a checkable list would hide options behind a scroll bar)."""

    edited = Signal()

    def __init__(self, field: FormField, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values = [o.value for o in field.options]
        self.boxes: list[QCheckBox] = []
        lay: FlowLayout | QVBoxLayout = FlowLayout(self, spacing=10) if len(self._values) <= CHECKBOX_MAX \
            else QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for option in field.options:
            b = QCheckBox(pick(option.label, language) or option.value, self)
            b.toggled.connect(self._on_toggled)
            lay.addWidget(b)
            self.boxes.append(b)
        if self.boxes:
            self.setFocusProxy(self.boxes[0])

    def _on_toggled(self, _checked: bool) -> None:
        self.edited.emit()

    def value(self) -> Any:
        return [v for v, b in zip(self._values, self.boxes, strict=True) if b.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value) if isinstance(value, list | tuple | set) else set()
        for v, b in zip(self._values, self.boxes, strict=True):
            b.blockSignals(True)
            b.setChecked(v in chosen)
            b.blockSignals(False)
        self.edited.emit()

    def focus_widgets(self) -> list[QWidget]:
        return list(self.boxes)


class CheckboxEditor(QCheckBox, FieldEditor):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = self
        self.toggled.connect(self._on_toggled)

    def _on_toggled(self, _checked: bool) -> None:
        self.edited.emit()

    def value(self) -> Any:
        return self.isChecked()

    def set_value(self, value: Any) -> None:
        self.setChecked(value is True or str(value).lower() in ("true", "1", "yes"))


class LongTextEditor(QPlainTextEdit, FieldEditor):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = self
        self.setTabChangesFocus(True)  # Tab moves on to the next field, as in every other editor
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.textChanged.connect(self.edited)

    def value(self) -> Any:
        return self.toPlainText()

    def set_value(self, value: Any) -> None:
        self.setPlainText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.setReadOnly(read_only)


def make_editor(field: FormField, language: str, parent: QWidget | None = None) -> FieldEditor:
    """The editor for ``field``'s type (unknown future types fall back to a line edit)."""
    t = field.type
    editor: FieldEditor
    if t == FieldType.NUMBER:
        editor = NumberEditor(parent)
    elif t == FieldType.DATE:
        editor = DateEditor(parent)
    elif t == FieldType.CHOICE:
        editor = RadioChoiceEditor(field, language, parent) if len(field.options) <= RADIO_MAX \
            else ComboChoiceEditor(field, language, parent)
    elif t == FieldType.MULTI_CHOICE:
        editor = MultiChoiceEditor(field, language, parent)
    elif t == FieldType.CHECKBOX:
        editor = CheckboxEditor(parent)
    elif t == FieldType.LONG_TEXT:
        editor = LongTextEditor(parent)
    else:
        editor = LineEditor(parent)
        if t == FieldType.PHONE:
            editor.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        elif t == FieldType.EMAIL:
            editor.setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
    placeholder = pick(field.placeholder, language)
    if placeholder and isinstance(editor, LineEditor | LongTextEditor):
        editor.setPlaceholderText(placeholder)
    return editor
