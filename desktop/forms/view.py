"""FormView: renders a FormDoc as widgets; the desktop's screen-pop and the designer's preview share it.

What is shown, required and read-only, and what counts as an error, all come from
edge_server/flows/forms_eval.py: the edge re-checks a submission with the same code,
so the agent never sees a form accepted here and refused there (or the reverse).

Public API:
    FormView(parent=None, *, show_submit=True)
    set_form(doc, values, *, context, language) -> None
    values() -> dict[str, Any]                   raw editor values by field key
    set_errors(errors: dict[str, list[Text]]) -> None
    check() -> FormCheck                         forms_eval.check, errors shown under the fields
    set_read_only(bool) -> None
    signals values_changed(dict), submit_requested(dict)  (the cleaned values of a passed check)
"""
from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.forms.editors import FieldEditor, make_editor
from desktop.forms.texts import pick
from edge_server.contract.designs import FormDoc, FormField, LayoutItem, LayoutKind, Text
from edge_server.flows import forms_eval
from edge_server.flows.forms_eval import FormCheck

log = logging.getLogger("sb.ui")

#: Error red. Colours and fonts are set through palettes, not a style
#: sheet: a style sheet on the view made a 300-field form take over a second to build.
ERROR_COLOR = QColor("#b3261e")
MUTED_COLOR = QColor("#5b6675")


def _tint(widget: QWidget, color: QColor) -> None:
    pal = widget.palette()
    pal.setColor(QPalette.ColorRole.WindowText, color)
    widget.setPalette(pal)


class FieldWidget:
    """A field's label (buddy of the editor, "*" when required, help as tooltip), editor and error line,
    stacked in a layout of its own.

    Not a QWidget: the parts sit directly in the container's widget, a layout per field being far
    cheaper than a widget per field (a 300-field form builds in about half the time).
    """

    def __init__(self, field: FormField, language: str, parent: QWidget) -> None:
        self.field = field
        self._parent = parent
        self._label_text = pick(field.label, language) or field.key
        self.label = QLabel(parent)
        self.label.setObjectName(f"field_{field.key}")
        # Plain text: parsing 300 rich-text labels was a tenth of a 300-field form's build time.
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.editor: FieldEditor = make_editor(field, language, parent)
        self.editor.set_accessible_name(self._label_text)
        focus = self.editor.focus_widgets()
        if focus:
            self.label.setBuddy(focus[0])
        help_text = pick(field.help, language)
        if help_text:
            self.label.setToolTip(help_text)
            self.editor.setToolTip(help_text)
            for w in focus:
                w.setAccessibleDescription(help_text)
        #: Made on the first error: most fields never show one, and a 300-field form builds faster without.
        self.error_label: QLabel | None = None
        self.layout = QVBoxLayout()
        self.layout.setContentsMargins(0, 2, 0, 2)
        self.layout.setSpacing(2)
        self.layout.addWidget(self.label)
        self.layout.addWidget(self.editor)
        self._hidden = False
        self.required = False
        self.set_required(False)

    def isHidden(self) -> bool:  # noqa: N802 - reads like the QWidget call it replaces
        return self._hidden

    def setVisible(self, visible: bool) -> None:  # noqa: N802
        self._hidden = not visible
        self.label.setVisible(visible)
        self.editor.setVisible(visible)
        if self.error_label is not None:
            self.error_label.setVisible(visible and bool(self.error_label.text()))

    def set_required(self, required: bool) -> None:
        self.required = required
        self.label.setText(f"{self._label_text} *" if required else self._label_text)

    def set_errors(self, messages: list[str]) -> None:
        if self.error_label is None:
            if not messages:
                return
            self.error_label = QLabel(self._parent)
            self.error_label.setObjectName("form_field_error")
            self.error_label.setWordWrap(True)
            _tint(self.error_label, ERROR_COLOR)
            self.layout.addWidget(self.error_label)
        self.error_label.setText("\n".join(messages))
        self.error_label.setVisible(bool(messages) and not self._hidden)

    def errors(self) -> list[str]:
        label = self.error_label
        return label.text().split("\n") if label is not None and label.text() and not label.isHidden() else []


def _add(into: QVBoxLayout | QHBoxLayout, part: QWidget | FieldWidget | None, stretch: int = 0) -> None:
    if isinstance(part, FieldWidget):
        into.addLayout(part.layout, stretch)
    elif part is not None:
        into.addWidget(part, stretch)


class FormView(QWidget):
    """Signals: values_changed(dict) after every edit; submit_requested(dict) with the cleaned values
    once Submit passed the check."""

    values_changed = Signal(dict)
    submit_requested = Signal(dict)

    def __init__(self, parent: QWidget | None = None, *, show_submit: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("form_view")
        self._doc: FormDoc | None = None
        self._context: dict[str, Any] = {}
        self._language = "en"
        self._read_only = False
        self._show_submit = show_submit
        self._building = False
        self._fields: dict[str, FieldWidget] = {}  # by key, in layout order
        self._field_page: dict[str, int] = {}
        self._field_tabs: dict[str, list[tuple[QTabWidget, int]]] = {}
        self._errors: dict[str, list[Text]] = {}

        self.steps_label = QLabel(self)
        self.steps_label.setObjectName("form_steps")
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        _tint(self.steps_label, MUTED_COLOR)
        self.pages = QStackedWidget(self)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(self.pages)
        self.back_button = QPushButton(self)
        self.back_button.setObjectName("form_back")
        self.back_button.clicked.connect(self._on_back_clicked)
        self.next_button = QPushButton(self)
        self.next_button.setObjectName("form_next")
        self.next_button.clicked.connect(self._on_next_clicked)
        self.submit_button = QPushButton(self)
        self.submit_button.setObjectName("form_submit")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self._on_submit_clicked)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("form_message")
        self.message_label.setWordWrap(True)
        _tint(self.message_label, ERROR_COLOR)
        nav = QHBoxLayout()
        nav.setContentsMargins(0, 4, 0, 0)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        nav.addWidget(self.message_label, 1)
        nav.addWidget(self.submit_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.steps_label)
        lay.addWidget(self.scroll, 1)
        lay.addLayout(nav)
        self._retranslate()
        self._update_navigation()

    # --- public -------------------------------------------------------------------------------

    @property
    def document(self) -> FormDoc | None:
        return self._doc

    @property
    def language(self) -> str:
        return self._language

    def set_form(self, doc: FormDoc, values: dict[str, Any], *, context: dict[str, Any], language: str) -> None:
        """Build the widgets for ``doc`` and fill them with ``values`` (missing keys start empty)."""
        self._doc = doc
        self._context = dict(context)
        self._language = language
        self._errors = {}
        self._building = True
        self.setUpdatesEnabled(False)
        try:
            self._clear()
            by_id = {f.id: f for f in doc.fields}
            for n, page in enumerate(doc.pages):
                w = QWidget()
                w.setObjectName("form_page")
                v = QVBoxLayout(w)
                v.setContentsMargins(2, 2, 2, 2)
                self._build_children(page, v, w, by_id, n, [])
                v.addStretch(1)
                self.pages.addWidget(w)
            for key, fw in self._fields.items():
                if key in values:
                    fw.editor.set_value(values[key])
                fw.editor.edited.connect(lambda k=key: self._on_edited(k))
            self._chain_tab_order()
            self._refresh_state()
        finally:
            self._building = False
            self.setUpdatesEnabled(True)
        self.pages.setCurrentIndex(0)
        self.message_label.clear()
        self._update_navigation()

    def values(self) -> dict[str, Any]:
        return {key: fw.editor.value() for key, fw in self._fields.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        self._building = True
        try:
            for key, value in values.items():
                if key in self._fields:
                    self._fields[key].editor.set_value(value)
        finally:
            self._building = False
        self._refresh_state()
        self.values_changed.emit(self.values())

    def set_context(self, context: dict[str, Any]) -> None:
        """New context values (the designer's sample data): visibility and required are recomputed."""
        self._context = dict(context)
        self._refresh_state()

    def set_errors(self, errors: dict[str, list[Text]]) -> None:
        self._errors = {k: list(v) for k, v in errors.items() if v}
        for key, fw in self._fields.items():
            fw.set_errors([pick(t, self._language) for t in self._errors.get(key, [])])
        unknown = [k for k in self._errors if k not in self._fields]
        if unknown:
            # An error for a key the form does not show (a newer revision on the edge): say so in the bar.
            self.message_label.setText("; ".join(
                pick(t, self._language) for k in unknown for t in self._errors[k]))

    def errors_shown(self) -> dict[str, list[str]]:
        """The error lines under each field, as the agent reads them (for tests and the preview)."""
        return {k: fw.errors() for k, fw in self._fields.items() if fw.errors()}

    def check(self) -> FormCheck:
        """Run forms_eval's check on the current values; show its errors under the fields."""
        if self._doc is None:
            return FormCheck(errors={}, values={})
        result = forms_eval.check(self._doc, self.values(), self._context)
        self.set_errors(result.errors)
        if result.errors:
            self._reveal(next(iter(k for k in self._fields if k in result.errors), ""))
            self.message_label.setText(self.tr("Please correct the marked fields."))
        else:
            self.message_label.clear()
        return result

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._refresh_state()
        self._update_navigation()

    def set_message(self, text: str) -> None:
        self.message_label.setText(text)

    def field_widget(self, key: str) -> FieldWidget | None:
        return self._fields.get(key)

    def field_keys(self) -> list[str]:
        return list(self._fields)

    def is_field_shown(self, key: str) -> bool:
        """Whether the form shows the field (its visible_if holds), whichever page or tab is current."""
        fw = self._fields.get(key)
        return fw is not None and not fw.isHidden()

    def preferred_height(self) -> int:
        """The height that shows the current page without scrolling (hosts size their panes by it)."""
        page = self.pages.currentWidget()
        content = page.sizeHint().height() if page is not None else 0
        nav = max(self.submit_button.sizeHint().height(), self.next_button.sizeHint().height())
        steps = self.steps_label.sizeHint().height() if not self.steps_label.isHidden() else 0
        return content + nav + steps + 16

    def page_count(self) -> int:
        return self.pages.count()

    def current_page(self) -> int:
        return self.pages.currentIndex()

    def go_to_page(self, index: int) -> None:
        if 0 <= index < self.pages.count():
            self.pages.setCurrentIndex(index)
            self._update_navigation()

    # --- Qt overrides ---------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- slots ------------------------------------------------------------------------------------

    def _on_edited(self, key: str) -> None:
        if self._building:
            return
        if key in self._errors:
            # The agent is fixing it: the old message no longer describes what is typed.
            del self._errors[key]
            self._fields[key].set_errors([])
        self._refresh_state()
        self.values_changed.emit(self.values())

    def _on_back_clicked(self) -> None:
        self.go_to_page(self.pages.currentIndex() - 1)

    def _on_next_clicked(self) -> None:
        here = self.pages.currentIndex()
        if self._doc is None:
            return
        # Stop at a page with errors (finding them only at the last step is a worse surprise);
        # errors of later pages are not the agent's concern yet.
        errors = forms_eval.check(self._doc, self.values(), self._context).errors
        so_far = {k: v for k, v in errors.items() if self._field_page.get(k, 0) <= here}
        self.set_errors(so_far)
        if so_far:
            self._reveal(next(k for k in self._fields if k in so_far))
            self.message_label.setText(self.tr("Please correct the marked fields."))
            return
        self.message_label.clear()
        self.go_to_page(here + 1)

    def _on_submit_clicked(self) -> None:
        result = self.check()
        if self._doc is None or result.errors:
            return
        self.submit_requested.emit(dict(result.values))

    # --- building ---------------------------------------------------------------------------------

    def _clear(self) -> None:
        while self.pages.count():
            w = self.pages.widget(0)
            self.pages.removeWidget(w)
            # Out of the tree now (removeWidget leaves it a hidden child): a rebuilt form must not
            # pay for the old one's widgets until the event loop gets round to deleting them.
            w.setParent(None)
            w.deleteLater()
        self._fields.clear()
        self._field_page.clear()
        self._field_tabs.clear()

    def _build_children(
        self, item: LayoutItem, into: QVBoxLayout | QHBoxLayout, parent: QWidget, by_id: dict[str, FormField],
        page: int, tabs: list[tuple[QTabWidget, int]],
    ) -> None:
        for child in item.children:
            _add(into, self._build_item(child, parent, by_id, page, tabs), 1 if isinstance(into, QHBoxLayout) else 0)

    def _build_item(
        self, item: LayoutItem, parent: QWidget, by_id: dict[str, FormField], page: int,
        tabs: list[tuple[QTabWidget, int]],
    ) -> QWidget | FieldWidget | None:
        kind = item.kind
        title = pick(item.title, self._language)
        if kind == LayoutKind.FIELD:
            field = by_id.get(item.field)
            if field is None or field.key in self._fields:
                log.warning("form %s: layout item %s names no field (or one placed twice)",
                            self._doc.id if self._doc else "?", item.id)
                return None
            fw = FieldWidget(field, self._language, parent)
            self._fields[field.key] = fw
            self._field_page[field.key] = page
            self._field_tabs[field.key] = list(tabs)
            return fw
        if kind == LayoutKind.HEADING:
            label = QLabel(title, parent)
            label.setObjectName("form_heading")
            font = label.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.1)
            label.setFont(font)
            label.setWordWrap(True)
            return label
        if kind == LayoutKind.SECTION:
            box = QGroupBox(title, parent)
            box.setObjectName("form_section")
            v = QVBoxLayout(box)
            v.setContentsMargins(8, 6, 8, 6)
            self._build_children(item, v, box, by_id, page, tabs)
            return box
        if kind == LayoutKind.ROW:
            w = QWidget(parent)
            h = QHBoxLayout(w)
            h.setContentsMargins(0, 0, 0, 0)
            h.setSpacing(12)
            self._build_children(item, h, w, by_id, page, tabs)
            return w
        if kind == LayoutKind.COLUMNS:
            w = QWidget(parent)
            grid = QGridLayout(w)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setHorizontalSpacing(12)
            for n, column in enumerate(item.children):
                col = QWidget(w)
                v = QVBoxLayout(col)
                v.setContentsMargins(0, 0, 0, 0)
                if column.kind == LayoutKind.COLUMN:
                    self._build_children(column, v, col, by_id, page, tabs)
                else:  # tolerated: a lone item where a column was expected (the validator reports it)
                    _add(v, self._build_item(column, col, by_id, page, tabs))
                v.addStretch(1)
                grid.addWidget(col, 0, n, Qt.AlignmentFlag.AlignTop)
                grid.setColumnStretch(n, 1)
            return w
        if kind == LayoutKind.TABS:
            tw = QTabWidget(parent)
            tw.setObjectName("form_tabs")
            for n, tab in enumerate(item.children):
                page_w = QWidget()
                v = QVBoxLayout(page_w)
                v.setContentsMargins(6, 6, 6, 6)
                self._build_children(tab, v, page_w, by_id, page, [*tabs, (tw, n)])
                v.addStretch(1)
                tw.addTab(page_w, pick(tab.title, self._language) or str(n + 1))
            return tw
        # COLUMN/TAB outside their parents, a PAGE nested, or a kind from a newer format: children only.
        w = QWidget(parent)
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 0, 0, 0)
        self._build_children(item, v, w, by_id, page, tabs)
        return w

    def _chain_tab_order(self) -> None:
        chain = [w for fw in self._fields.values() for w in fw.editor.focus_widgets()]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # --- state ------------------------------------------------------------------------------------

    def _refresh_state(self) -> None:
        """Visibility, required marks and read-only from forms_eval for the current values."""
        if self._doc is None:
            return
        scope = forms_eval.scope_of(self._doc, self.values(), self._context)
        for fw in self._fields.values():
            field = fw.field
            shown = forms_eval.visible(field, scope)
            if fw.isHidden() == shown:
                fw.setVisible(shown)
            required = shown and forms_eval.is_required(field, scope)
            if required != fw.required:
                fw.set_required(required)
            fw.editor.set_read_only(self._read_only or forms_eval.is_read_only(field, scope))

    def _reveal(self, key: str) -> None:
        """Bring the field into view: its page, its tabs, then scroll to it and focus it."""
        fw = self._fields.get(key)
        if fw is None:
            return
        self.go_to_page(self._field_page.get(key, 0))
        for tw, index in self._field_tabs.get(key, []):
            tw.setCurrentIndex(index)
        self.scroll.ensureWidgetVisible(fw.label)
        focus = fw.editor.focus_widgets()
        if focus and not self._read_only:
            focus[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_navigation(self) -> None:
        n = self.pages.count()
        i = self.pages.currentIndex()
        several = n > 1
        self.steps_label.setVisible(several)
        self.back_button.setVisible(several)
        self.next_button.setVisible(several)
        self.back_button.setEnabled(i > 0)
        self.next_button.setEnabled(0 <= i < n - 1)
        self.submit_button.setVisible(self._show_submit and not self._read_only and (i == n - 1 or n <= 1))
        if several and self._doc is not None:
            parts = []
            for k, page in enumerate(self._doc.pages):
                title = html.escape(pick(page.title, self._language) or self.tr("Step {n}").format(n=k + 1))
                text = f"{k + 1}. {title}"
                parts.append(f"<b>{text}</b>" if k == i else text)
            self.steps_label.setText("  ›  ".join(parts))

    def _retranslate(self) -> None:
        self.back_button.setText(self.tr("Back"))
        self.next_button.setText(self.tr("Next"))
        self.submit_button.setText(self.tr("Submit"))
        self._update_navigation()

    def iter_field_widgets(self) -> Iterator[FieldWidget]:
        yield from self._fields.values()
