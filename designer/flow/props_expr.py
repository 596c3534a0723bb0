"""The expression editor: live syntax check with the error position, and name completion at the cursor."""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from designer.flow.props_base import FieldEditor, set_line_text
from designer.flow.props_common import EditorContext
from edge_server.flows.expr import FUNCTIONS, ExprError, compile_expr
from edge_server.flows.nodetypes import ConfigField

_TOKEN_BEFORE_CURSOR = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*$")
#: How much of the expression to quote around a syntax error.
_QUOTE = 24


class ExprLineEdit(QLineEdit):
    """A line edit that completes the dotted name under the cursor (not the whole line, as QCompleter would)."""

    completion_inserted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setWidget(self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setModelSorting(QCompleter.ModelSorting.CaseInsensitivelySortedModel)
        self.completer.activated[str].connect(self._insert)
        self.textEdited.connect(self._on_text_edited)

    def set_names(self, names: list[str]) -> None:
        words = sorted({*names, *(f"{f}(" for f in FUNCTIONS)}, key=str.lower)
        if self.model.stringList() != words:
            self.model.setStringList(words)

    def token_before_cursor(self) -> str:
        m = _TOKEN_BEFORE_CURSOR.search(self.text()[: self.cursorPosition()])
        return m.group(0) if m else ""

    def show_completions(self, *, forced: bool = False) -> None:
        prefix = self.token_before_cursor()
        popup = self.completer.popup()
        if not prefix and not forced:
            popup.hide()
            return
        self.completer.setCompletionPrefix(prefix)
        count = self.completer.completionCount()
        if count == 0 or (count == 1 and self.completer.currentCompletion() == prefix and not forced):
            popup.hide()
            return
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        rect = self.cursorRect()
        rect.setWidth(max(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width(), 160))
        self.completer.complete(rect)

    def _on_text_edited(self, _text: str) -> None:
        self.show_completions()

    def _insert(self, completion: str) -> None:
        prefix = self.token_before_cursor()
        pos = self.cursorPosition()
        text = self.text()
        new = text[: pos - len(prefix)] + completion + text[pos:]
        self.setText(new)
        self.setCursorPosition(pos - len(prefix) + len(completion))
        self.completion_inserted.emit(completion)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        popup = self.completer.popup()
        if popup.isVisible() and event.key() in (Qt.Key.Key_Enter, Qt.Key.Key_Return, Qt.Key.Key_Escape,
                                                  Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            # The completer's own filter on the popup handles these (pick, or close the popup).
            event.ignore()
            return
        if event.key() == Qt.Key.Key_Space and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.show_completions(forced=True)
            return
        super().keyPressEvent(event)
        if event.matches(QKeySequence.StandardKey.MoveToPreviousChar) or event.matches(
                QKeySequence.StandardKey.MoveToNextChar):
            popup.hide()


class ExprEditor(FieldEditor):
    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.edit = ExprLineEdit(self)
        self.edit.setObjectName("expr_edit")
        font = self.edit.font()
        font.setFamilies(["DejaVu Sans Mono", "monospace", *font.families()])
        self.edit.setFont(font)
        self.edit.editingFinished.connect(self.flush)
        self.edit.textChanged.connect(self.check)
        self._add_main(self.edit)
        self._context_changed()
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.edit

    def flush(self) -> None:
        # A broken expression is committed too: the user's work is never dropped, the validator
        # blocks publishing, and the note below the box says what is wrong.
        self._commit(self.edit.text().strip())

    def check(self, text: str | None = None) -> None:
        text = self.edit.text() if text is None else text
        if not text.strip():
            required = self.cfg.required
            self._set_local_note("error" if required else "", self.tr("An expression is required.") if required else "")
            return
        try:
            expr = compile_expr(text)
        except ExprError as e:
            pos = max(0, min(e.position, len(text)))
            start = max(0, pos - _QUOTE)
            # "‸" marks where the parser gave up; the number is the same one the validator reports.
            quote = ("…" if start else "") + text[start:pos] + "‸" + text[pos:pos + 12]
            self._set_local_note("error", self.tr("Syntax error at character %1: %2\n%3")
                                 .replace("%1", str(e.position)).replace("%2", e.message).replace("%3", quote))
            return
        unknown = sorted(n for n in expr.names if not self.ctx.name_allowed(n, self.cfg.key))
        if unknown:
            # An error, as the validator has it: an unknown name is a typo or a missing declaration.
            self._set_local_note("error", self.tr("Unknown name: %1 (declare it as a variable or fix the "
                                                  "spelling)").replace("%1", ", ".join(unknown)))
        else:
            self._set_local_note("", "")

    def help_text(self) -> str:
        own = super().help_text()
        more = self.tr("Ctrl+Space lists the names and functions you can use.")
        return f"{own}\n{more}" if own else more

    def _show(self, value: Any) -> None:
        set_line_text(self.edit, "" if value is None else str(value))
        self.check()

    def _context_changed(self) -> None:
        self.edit.set_names(self.ctx.completion_names(self.cfg.key))
        self.check()

    def retranslate(self) -> None:
        super().retranslate()
        self.edit.setPlaceholderText(self.tr("expression, e.g. %1").replace(
            "%1", "customer.vip == true" if self.cfg.key != "validate" else "len(value) == 11"))
        self.edit.setAccessibleName(self.accessible_label())
        self.check()
