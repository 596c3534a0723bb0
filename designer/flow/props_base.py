"""The base of every config-field editor: a committed value, in-place updates, problem marks.

An editor holds the value last shown or emitted (``value()``). ``set_value`` with
that same value does nothing, so an undo elsewhere never wipes what the user is
typing here; a different value updates the widgets in place and keeps the text
cursor where it was. ``edited`` fires once per committed edit with the whole new
value of the key, never while ``set_value`` runs.
"""
from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QSizePolicy, QVBoxLayout, QWidget

from designer.flow.props_common import EditorContext, field_help, field_label, json_equal, mark_problem, same_value
from edge_server.flows.nodetypes import ConfigField


class FieldEditor(QWidget):
    edited = Signal(object)  # the whole new value of the key (JSON-ready)

    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cfg = cfg
        self.ctx = ctx
        self._value: Any = None
        self._shown = False
        self._local_note = ""  # from a live check of this editor (syntax, bad zone)
        self._local_severity = ""
        self._problem_note = ""  # from the validator (set_problem)
        self._problem_severity = ""
        self.name_prefix = ""  # set by a list card: "Options 2: "
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.note_label = QLabel(self)
        self.note_label.setObjectName("field_note")
        self.note_label.setWordWrap(True)
        self.note_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.note_label.hide()
        self._layout.addWidget(self.note_label)

    # --- for the panel -----------------------------------------------------------------

    def value(self) -> Any:
        """The value last shown or emitted (what the document holds, as far as this editor knows)."""
        return copy.deepcopy(self._value)

    def set_value(self, value: Any) -> None:
        """Show ``value`` in place; nothing happens when it is the value already held."""
        if self._shown and json_equal(value, self._value):
            return
        self._value = copy.deepcopy(value)
        self._shown = True
        self._show(value)

    def set_context(self, ctx: EditorContext) -> None:
        self.ctx = ctx
        self._context_changed()

    def flush(self) -> None:
        """Commit what the user typed but has not confirmed yet (before the panel moves on)."""

    def focus_widget(self) -> QWidget:
        """The widget a label's buddy and Tab land on."""
        return self

    def set_problem(self, severity: str, message: str, rest: list[str]) -> None:
        """Mark the editor for a validation problem; ``rest`` is the path below the config key."""
        del rest
        self._problem_severity, self._problem_note = severity, message
        self._refresh_note()

    def clear_problems(self) -> None:
        self.set_problem("", "", [])

    def retranslate(self) -> None:
        """Re-read the labels after the UI language changed."""
        self._set_accessible(self.accessible_label())

    def help_text(self) -> str:
        """Tooltip / What's This of the editor: the field's help in the UI language."""
        return field_help(self.cfg)

    def accessible_label(self) -> str:
        """The field's label for screen readers, with the list item it belongs to ("Options 2: Key")."""
        return self.name_prefix + field_label(self.cfg)

    # --- for subclasses -----------------------------------------------------------------

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _context_changed(self) -> None:
        pass

    def _commit(self, value: Any) -> None:
        if self._shown and same_value(self._value, value):
            return
        self._value = copy.deepcopy(value)
        self._shown = True
        self.edited.emit(copy.deepcopy(value))

    def _add_main(self, widget: QWidget) -> None:
        self._layout.insertWidget(self._layout.count() - 1, widget)

    def _set_local_note(self, severity: str, message: str) -> None:
        self._local_severity, self._local_note = severity, message
        self._refresh_note()

    def _refresh_note(self) -> None:
        order = {"error": 2, "warning": 1, "": 0}
        severity = max(self._local_severity, self._problem_severity, key=lambda s: order.get(s, 0))
        text = "\n".join(t for t in (self._local_note, self._problem_note) if t)
        target = self._mark_target()
        mark_problem(target, severity, text)
        mark_problem(self.note_label, severity, text)
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))
        target.setToolTip(text or self.help_text())
        # Screen readers read the description with the field: the reason it is marked belongs there.
        target.setAccessibleDescription(text or self.help_text())

    def _mark_target(self) -> QWidget:
        """The widget coloured for a problem (an editor of several boxes may pick the one at fault)."""
        return self.focus_widget()

    def _set_accessible(self, name: str) -> None:
        w = self.focus_widget()
        w.setAccessibleName(name)
        w.setAccessibleDescription(self.help_text())
        w.setWhatsThis(self.help_text())
        if not self._problem_note and not self._local_note:
            w.setToolTip(self.help_text())


def set_line_text(edit: QLineEdit, text: str) -> None:
    """Replace a line edit's text without moving its cursor (setText would jump to the end)."""
    if edit.text() == text:
        return
    pos = edit.cursorPosition()
    edit.setText(text)
    edit.setCursorPosition(pos)  # Qt clamps it to the new length


def set_plain_text(edit: QPlainTextEdit, text: str) -> None:
    """Replace a multi-line editor's text keeping its cursor and scroll position."""
    if edit.toPlainText() == text:
        return
    pos = edit.textCursor().position()
    scroll = edit.verticalScrollBar().value()
    edit.setPlainText(text)
    cursor = edit.textCursor()
    # Positions count UTF-16 units, so clamp with Qt's count, not len().
    cursor.setPosition(min(pos, edit.document().characterCount() - 1))
    edit.setTextCursor(cursor)
    edit.verticalScrollBar().setValue(scroll)
