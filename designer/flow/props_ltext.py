"""The localised-text editor: one box per locale of the flow, each beside the locale's name."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from designer.flow.props_base import FieldEditor, set_line_text, set_plain_text
from designer.flow.props_common import LOCALE_NAMES, EditorContext, mark_problem
from edge_server.flows.nodetypes import ConfigField


class LTextEditor(FieldEditor):
    """{"zh-CN": ..., "en": ...}; locales the flow does not list are kept untouched in the value."""

    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None,
                 *, multiline: bool = False) -> None:
        super().__init__(cfg, ctx, parent)
        self.multiline = multiline
        self._target: QWidget | None = None
        grid_host = QWidget(self)
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.locale_labels: dict[str, QLabel] = {}
        for row, loc in enumerate(ctx.locales):
            tag = QLabel(LOCALE_NAMES.get(loc, loc), grid_host)
            tag.setObjectName("locale_tag")
            edit: QLineEdit | QPlainTextEdit
            if multiline:
                edit = QPlainTextEdit(grid_host)
                edit.setTabChangesFocus(True)
                edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
                edit.installEventFilter(self)
                edit.textChanged.connect(self._update_placeholders)
            else:
                edit = QLineEdit(grid_host)
                edit.editingFinished.connect(self.flush)
                edit.textChanged.connect(self._update_placeholders)
            edit.setObjectName(f"ltext_{loc}")
            tag.setBuddy(edit)
            # Beside a multi-line box the tag sits at its first line, not its middle.
            grid.addWidget(tag, row, 0, Qt.AlignmentFlag.AlignTop if multiline else Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(edit, row, 1)
            self.edits[loc] = edit
            self.locale_labels[loc] = tag
        grid.setColumnStretch(1, 1)
        self._add_main(grid_host)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return next(iter(self.edits.values()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        # QPlainTextEdit has no editingFinished: leaving the box is the commit.
        if event.type() == QEvent.Type.FocusOut and watched in self.edits.values():
            self.flush()
        return super().eventFilter(watched, event)

    def text_of(self, locale: str) -> str:
        edit = self.edits[locale]
        return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

    def flush(self) -> None:
        old = self._value if isinstance(self._value, dict) else {}
        new = dict(old)
        for loc in self.edits:
            text = self.text_of(loc)
            # An empty locale is left out unless the document already had the key: no edit, no change.
            if text or loc in old:
                new[loc] = text
        self._commit(new)

    def _show(self, value: Any) -> None:
        texts = value if isinstance(value, dict) else {}
        for loc, edit in self.edits.items():
            text = str(texts.get(loc, "") or "")
            if isinstance(edit, QPlainTextEdit):
                set_plain_text(edit, text)
            else:
                set_line_text(edit, text)

    def _update_placeholders(self) -> None:
        any_text = any(self.text_of(loc) for loc in self.edits)
        for loc, edit in self.edits.items():
            edit.setPlaceholderText(self.tr("Translation missing") if any_text and not self.text_of(loc) else "")
        unknown = sorted({n for loc in self.edits for n in self.ctx.unknown_placeholders(self.text_of(loc))})
        self._set_local_note("warning" if unknown else "", self.tr(
            "Unknown placeholder: %1 (it will show as empty)").replace(
            "%1", ", ".join(f"{{{n}}}" for n in unknown)) if unknown else "")

    def _context_changed(self) -> None:
        self._update_placeholders()

    def set_problem(self, severity: str, message: str, rest: list[str]) -> None:
        # A problem on one locale (…/prompt/en) marks that box; one on the whole text marks the first.
        self._target = self.edits.get(rest[0]) if rest else None
        for edit in self.edits.values():
            mark_problem(edit, "", "")
            edit.setToolTip(self.help_text())
            edit.setAccessibleDescription(self.help_text())
        super().set_problem(severity, message, rest)

    def _mark_target(self) -> QWidget:
        return self._target or self.focus_widget()

    def retranslate(self) -> None:
        label = self.accessible_label()
        for loc, edit in self.edits.items():
            name = f"{label} ({LOCALE_NAMES.get(loc, loc)})"
            edit.setAccessibleName(name)
            edit.setWhatsThis(self.help_text())
            edit.setAccessibleDescription(self.help_text())
            edit.setToolTip(self.help_text())
        self._update_placeholders()
