"""Editors for the scalar config kinds: text, url, int, bool, choice, variable, queue, strings, time, timezone, days."""
from __future__ import annotations

import functools
import json
import re
import zoneinfo
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRegularExpression, QStringListModel, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
    QWidget,
)

from designer.flow.props_base import FieldEditor, set_line_text, set_plain_text
from designer.flow.props_common import EditorContext, ref_name, zh
from edge_server.flows.nodetypes import ConfigField

#: Shown for known choices instead of the raw value: (config key, choice) -> (en, zh).
CHOICE_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("input", "digits"): ("Digits (keypad)", "数字按键"),
    ("input", "text"): ("Text", "文字"),
    ("input", "number"): ("Number", "数字"),
    ("input", "phone"): ("Phone number", "电话号码"),
    ("input", "email"): ("Email address", "邮箱地址"),
    ("identity", "contact"): ("The contact's address", "来电号码 / 访客身份"),
    ("identity", "phone"): ("Phone number", "电话号码"),
    ("identity", "email"): ("Email address", "邮箱地址"),
}

#: Offered first in the time-zone picker; any IANA name may be typed.
COMMON_ZONES: tuple[str, ...] = (
    "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "Asia/Seoul",
    "Asia/Kolkata", "Asia/Dubai", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York",
    "America/Chicago", "America/Los_Angeles", "Australia/Sydney", "UTC",
)

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: Sensible spin ranges (min, max, step) by key; others take 0..1,000,000.
INT_RANGES: dict[str, tuple[int, int, int]] = {
    "timeout_s": (1, 3600, 5),
    "timeout_ms": (100, 600_000, 500),
    "max_retries": (0, 10, 1),
    "max_turns": (1, 50, 1),
    "min_length": (0, 1000, 1),
    "max_length": (0, 1000, 1),
    "max_seconds": (5, 3600, 5),
}

_SPLIT = re.compile(r"[,，、;；]")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@functools.cache
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def split_strings(text: str) -> list[str]:
    """A comma-separated list; Chinese commas (，、) and semicolons split too."""
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


class TextEditor(FieldEditor):
    """text and url: a line edit (or a plain-text box for long values such as a JSON body)."""

    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None,
                 *, multiline: bool = False) -> None:
        super().__init__(cfg, ctx, parent)
        self.multiline = multiline
        if multiline:
            self.box = QPlainTextEdit(self)
            self.box.setTabChangesFocus(True)  # Tab must leave the box: keyboard users would be trapped
            self.box.setFixedHeight(self.box.fontMetrics().lineSpacing() * 4 + 12)
            self.box.installEventFilter(self)
            self._add_main(self.box)
            self.box.textChanged.connect(self._check)
        else:
            self.edit = QLineEdit(self)
            self.edit.editingFinished.connect(self.flush)
            if cfg.kind == "url":
                self.edit.setPlaceholderText("https://…")
            self.edit.textChanged.connect(self._check)
            self._add_main(self.edit)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.box if self.multiline else self.edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is getattr(self, "box", None) and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    def flush(self) -> None:
        self._commit(self.text())

    def _show(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.multiline:
            set_plain_text(self.box, text)
        else:
            set_line_text(self.edit, text)

    def text(self) -> str:
        return self.box.toPlainText() if self.multiline else self.edit.text()

    def _check(self) -> None:
        text = self.text()
        notes: list[str] = []
        if self.cfg.kind == "url" and text and not re.match(r"^(https?://|\{)", text.strip()):
            notes.append(self.tr("An address starts with http:// or https://"))
        unknown = self.ctx.unknown_placeholders(text)
        if unknown:
            notes.append(self.tr("Unknown placeholder: %1 (it will show as empty)").replace(
                "%1", ", ".join(f"{{{n}}}" for n in unknown)))
        self._set_local_note("warning" if notes else "", "\n".join(notes))

    def _context_changed(self) -> None:
        self._check()


class IntEditor(FieldEditor):
    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.spin = QSpinBox(self)
        low, high, step = INT_RANGES.get(cfg.key, (0, 1_000_000, 1))
        self.spin.setRange(low, high)
        self.spin.setSingleStep(step)
        # valueChanged then fires once per committed edit (Enter, focus out, arrows), not per digit typed.
        self.spin.setKeyboardTracking(False)
        self.spin.valueChanged.connect(self._commit)
        self._add_main(self.spin)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.spin

    def flush(self) -> None:
        self.spin.interpretText()

    def _show(self, value: Any) -> None:
        self.spin.blockSignals(True)
        try:
            self.spin.setValue(int(value) if isinstance(value, int | float) else int(self.cfg.default or 0))
        finally:
            self.spin.blockSignals(False)


class BoolEditor(FieldEditor):
    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.check = QCheckBox(self)
        self.check.toggled.connect(self._commit)
        self._add_main(self.check)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.check

    def _show(self, value: Any) -> None:
        self.check.blockSignals(True)
        self.check.setChecked(bool(value))
        self.check.blockSignals(False)


class ChoiceEditor(FieldEditor):
    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.combo = QComboBox(self)
        self.combo.activated.connect(lambda i: self._commit(self.combo.itemData(i)))
        self._add_main(self.combo)
        self._fill(cfg.default)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.combo

    def _fill(self, current: Any) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        for choice in self.cfg.choices:
            en, zh_ = CHOICE_LABELS.get((self.cfg.key, choice), (choice, choice))
            self.combo.addItem(zh_ if zh() else en, choice)
        if current is not None and current != "" and self.combo.findData(current) < 0:
            # Keep a value this version does not know visible rather than silently replacing it.
            self.combo.addItem(self.tr("%1 (unknown)").replace("%1", str(current)), current)
        self.combo.setCurrentIndex(max(0, self.combo.findData(current)))
        self.combo.blockSignals(False)

    def _show(self, value: Any) -> None:
        self._fill(value if value is not None else self.cfg.default)

    def retranslate(self) -> None:
        super().retranslate()
        if self._shown:
            self._fill(self._value if self._value is not None else self.cfg.default)


class VariableEditor(FieldEditor):
    """An editable combo of the declared variables (a name not declared yet may be typed)."""

    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.combo.lineEdit()
        assert line is not None
        line.setPlaceholderText(self.tr("variable name"))
        line.editingFinished.connect(self.flush)
        self.combo.activated.connect(lambda _i: self.flush())
        self._add_main(self.combo)
        self._fill()
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.combo

    def _fill(self) -> None:
        names = self.ctx.variable_names()
        if [self.combo.itemText(i) for i in range(self.combo.count())] == names:
            return
        line = self.combo.lineEdit()
        text, pos = line.text(), line.cursorPosition()
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(names)
        line.setText(text)
        line.setCursorPosition(pos)
        self.combo.blockSignals(False)

    def flush(self) -> None:
        self._commit(self.combo.currentText().strip())
        self._check()

    def _show(self, value: Any) -> None:
        set_line_text(self.combo.lineEdit(), "" if value is None else str(value))
        self._check()

    def _check(self) -> None:
        name = self.combo.currentText().strip()
        undeclared = bool(name) and name not in self.ctx.variable_names()
        self._set_local_note("warning" if undeclared else "", self.tr(
            "“%1” is not declared: add it under Flow settings → Variables.").replace("%1", name) if undeclared else "")

    def _context_changed(self) -> None:
        self._fill()
        self._check()


class QueueEditor(FieldEditor):
    """A queue from the catalog by its name in the UI language; free text when no catalog is loaded."""

    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.combo = QComboBox(self)
        self._line: QLineEdit | None = None
        self.combo.activated.connect(self._on_activated)
        self._add_main(self.combo)
        self._fill("")
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.combo

    def _queues(self) -> list[tuple[str, str]]:
        items = self.ctx.catalog.queues if self.ctx.catalog else []
        return [(q.key, ref_name(q)) for q in items]

    def _fill(self, current: str) -> None:
        queues = self._queues()
        self.combo.blockSignals(True)
        self.combo.clear()
        # No catalog (offline, or not loaded yet): let the user type a key rather than block them.
        self.combo.setEditable(not queues)
        if not queues:
            line = self.combo.lineEdit()
            line.setText(current)
            line.setPlaceholderText(self.tr("queue key"))
            if line is not self._line:  # setEditable(True) makes a new line edit each time it turns on
                self._line = line
                line.editingFinished.connect(self.flush)
        else:
            self.combo.addItem(self.tr("(choose a queue)"), "")
            for key, name in queues:
                self.combo.addItem(name, key)
                self.combo.setItemData(self.combo.count() - 1, key, Qt.ItemDataRole.ToolTipRole)
            if current and self.combo.findData(current) < 0:
                self.combo.addItem(self.tr("%1 (unknown queue)").replace("%1", current), current)
            self.combo.setCurrentIndex(max(0, self.combo.findData(current)))
        self.combo.blockSignals(False)
        self._check(current)

    def _check(self, current: str) -> None:
        queues = self._queues()
        unknown = bool(current) and bool(queues) and current not in {k for k, _ in queues}
        self._set_local_note("warning" if unknown else "",
                             self.tr("This queue does not exist on the edge.") if unknown else "")

    def _on_activated(self, index: int) -> None:
        key = self.combo.itemData(index)
        self._commit(str(key) if key is not None else self.combo.currentText().strip())
        self._check(str(key or ""))

    def flush(self) -> None:
        if self.combo.isEditable():
            self._commit(self.combo.currentText().strip())

    def _show(self, value: Any) -> None:
        current = "" if value is None else str(value)
        if self.combo.isEditable() and not self._queues():
            set_line_text(self.combo.lineEdit(), current)
            self._check(current)
        else:
            self._fill(current)

    def _context_changed(self) -> None:
        self._fill("" if self._value is None else str(self._value))

    def retranslate(self) -> None:
        super().retranslate()
        if self._shown:
            self._context_changed()


class StringsEditor(FieldEditor):
    """A list of plain strings as one comma-separated line (，and 、 split too)."""

    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.edit = QLineEdit(self)
        self.edit.editingFinished.connect(self.flush)
        self._add_main(self.edit)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.edit

    def retranslate(self) -> None:
        super().retranslate()
        self.edit.setPlaceholderText(self.tr("separate with commas"))

    def flush(self) -> None:
        self._commit(split_strings(self.edit.text()))

    def _show(self, value: Any) -> None:
        items = [str(v) for v in value] if isinstance(value, list) else []
        if split_strings(self.edit.text()) != items:  # "a,b" and "a, b" are the same value: leave the text be
            set_line_text(self.edit, ", ".join(items))


class TimeEditor(FieldEditor):
    """HH:MM; the validator keeps out anything else, so only a real time is ever committed."""

    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.edit = QLineEdit(self)
        self.edit.setValidator(QRegularExpressionValidator(QRegularExpression(_TIME.pattern), self.edit))
        self.edit.setPlaceholderText("HH:MM")
        self.edit.setMaxLength(5)
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("00:00") * 2 + 16)
        # editingFinished only fires for acceptable input (a validator's rule).
        self.edit.editingFinished.connect(self.flush)
        self.edit.textChanged.connect(self._check)
        self._add_main(self.edit)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.edit

    def flush(self) -> None:
        m = _TIME.match(self.edit.text())
        if m:
            text = f"{int(m.group(1)):02d}:{m.group(2)}"
            self._commit(text)
            set_line_text(self.edit, text)

    def _check(self, text: str) -> None:
        bad = bool(text) and not _TIME.match(text)
        self._set_local_note("error" if bad else "", self.tr("Enter a time as HH:MM, e.g. 09:00") if bad else "")

    def _show(self, value: Any) -> None:
        set_line_text(self.edit, "" if value is None else str(value))


class TimezoneEditor(FieldEditor):
    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(list(COMMON_ZONES))
        completer = QCompleter(QStringListModel(list(all_zones()), self), self.combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.combo.setCompleter(completer)
        self.combo.lineEdit().editingFinished.connect(self.flush)
        self.combo.activated.connect(lambda _i: self.flush())
        self._add_main(self.combo)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.combo

    def flush(self) -> None:
        name = self.combo.currentText().strip()
        if name in all_zones():
            self._set_local_note("", "")
            self._commit(name)
        else:
            self._set_local_note("error", self.tr("Unknown time zone: %1").replace("%1", name))

    def _show(self, value: Any) -> None:
        set_line_text(self.combo.lineEdit(), "" if value is None else str(value))
        self._set_local_note("", "")


class DaysEditor(FieldEditor):
    """Seven toggle buttons, Monday first (as Chinese calendars and ISO weeks are)."""

    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        row = QWidget(self)
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.buttons: dict[str, QToolButton] = {}
        for day in DAYS:
            b = QToolButton(row)
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            b.setObjectName(f"day_{day}")
            b.setProperty("day", True)  # styled as a toggle (props_style.py)
            b.clicked.connect(lambda _c=False: self._commit(self._checked()))
            lay.addWidget(b)
            self.buttons[day] = b
        lay.addStretch(1)
        self._add_main(row)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.buttons["mon"]

    def _checked(self) -> list[str]:
        return [d for d in DAYS if self.buttons[d].isChecked()]

    def _show(self, value: Any) -> None:
        days = set(value) if isinstance(value, list) else set()
        for d, b in self.buttons.items():
            b.setChecked(d in days)

    def retranslate(self) -> None:
        # Two letters, as calendars do: seven buttons must fit a narrow dock beside nothing else.
        short = (self.tr("Mo"), self.tr("Tu"), self.tr("We"), self.tr("Th"), self.tr("Fr"),
                 self.tr("Sa"), self.tr("Su"))
        full = (self.tr("Monday"), self.tr("Tuesday"), self.tr("Wednesday"), self.tr("Thursday"),
                self.tr("Friday"), self.tr("Saturday"), self.tr("Sunday"))
        for (d, b), s, f in zip(self.buttons.items(), short, full, strict=True):
            b.setText(s)
            b.setAccessibleName(f"{self.accessible_label()}: {f}")
            b.setToolTip(f)
        # The first button is the buddy; keep its per-day name (the label names the group).


class UnknownEditor(FieldEditor):
    """A kind this designer does not know: shown read-only, never edited (so never damaged)."""

    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.edit = QLineEdit(self)
        self.edit.setReadOnly(True)
        self._add_main(self.edit)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.edit

    def _show(self, value: Any) -> None:
        set_line_text(self.edit, json.dumps(value, ensure_ascii=False))
