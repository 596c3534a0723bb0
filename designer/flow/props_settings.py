"""The flow's own settings, shown when no node is selected: name, description, channel, locales, variables."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from designer.flow.props_base import set_line_text, set_plain_text
from designer.flow.props_common import LOCALE_NAMES
from designer.flow.props_style import PANEL_STYLE
from designer.flow.props_variables import VariablesTable
from edge_server.contract.designs import LOCALES, FlowChannel, FlowDoc, Variable


@dataclass
class _State:
    name: str
    description: str
    channel: str
    locales: list[str]


class FlowSettingsPanel(QWidget):
    variables_edited = Signal(list)  # list[Variable] (the whole new list)
    doc_field_edited = Signal(str, object)  # "name" | "description" | "channel" | "locales", value
    variable_renamed = Signal(str, str)  # old, new: follows the rename's variables_edited (optional to use)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flow_settings")
        self.setStyleSheet(PANEL_STYLE)
        # A copy of what the document holds (never the caller's FlowDoc, which this panel must not change).
        self._state: _State | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Tab goes straight to the fields; the scroll area follows the focus by itself.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(scroll)
        page = QWidget()
        scroll.setWidget(page)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(10, 10, 10, 10)
        lay.setSpacing(6)
        self.title_label = QLabel(page)
        self.title_label.setObjectName("node_type_title")
        self.hint_label = QLabel(page)
        self.hint_label.setObjectName("settings_hint")
        self.hint_label.setWordWrap(True)
        lay.addWidget(self.title_label)
        lay.addWidget(self.hint_label)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit = QLineEdit(page)
        self.name_edit.setObjectName("flow_name")
        self.name_edit.editingFinished.connect(self._on_name_finished)
        self.name_error = QLabel(page)
        self.name_error.setObjectName("field_error")
        self.name_error.hide()
        self.description_edit = QPlainTextEdit(page)
        self.description_edit.setObjectName("flow_description")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.description_edit.fontMetrics().lineSpacing() * 3 + 12)
        self.description_edit.installEventFilter(self)
        self.channel_combo = QComboBox(page)
        self.channel_combo.setObjectName("flow_channel")
        self.channel_combo.activated.connect(self._on_channel)
        locales_host = QWidget(page)
        locales_row = QHBoxLayout(locales_host)
        locales_row.setContentsMargins(0, 0, 0, 0)
        self.locale_checks: dict[str, QCheckBox] = {}
        for loc in LOCALES:
            check = QCheckBox(LOCALE_NAMES.get(loc, loc), locales_host)
            check.setObjectName(f"locale_{loc}")
            check.clicked.connect(self._on_locales)
            locales_row.addWidget(check)
            self.locale_checks[loc] = check
        locales_row.addStretch(1)
        self.variables = VariablesTable(page)
        self.variables.variables_edited.connect(self.variables_edited)
        self.variables.variable_renamed.connect(self.variable_renamed)
        self.captions = {k: QLabel(page) for k in ("name", "description", "channel", "locales", "variables")}
        for key, widget in (("name", self.name_edit), ("description", self.description_edit),
                            ("channel", self.channel_combo), ("locales", locales_host),
                            ("variables", self.variables)):
            form.addRow(self.captions[key], widget)
            if key == "name":
                form.addRow(self.name_error)
        self.captions["name"].setBuddy(self.name_edit)
        self.captions["description"].setBuddy(self.description_edit)
        self.captions["channel"].setBuddy(self.channel_combo)
        self.captions["locales"].setBuddy(self.locale_checks[LOCALES[0]])
        self.captions["variables"].setBuddy(self.variables.table)
        lay.addLayout(form)
        lay.addStretch(1)
        self._retranslate()

    # --- API ------------------------------------------------------------------------------

    def show_doc(self, doc: FlowDoc) -> None:
        """Show the flow's settings; widgets are updated in place (focus and cursors stay)."""
        self._state = _State(doc.name, doc.description, str(doc.channel), list(doc.locales))
        set_line_text(self.name_edit, doc.name)
        set_plain_text(self.description_edit, doc.description)
        self._fill_channels()
        for loc, check in self.locale_checks.items():
            check.setChecked(loc in doc.locales)
        if self.variables.variables() != list(doc.variables):
            self.variables.set_variables(list(doc.variables))

    # --- edits ----------------------------------------------------------------------------

    def _on_name_finished(self) -> None:
        if self._state is None:
            return
        name = self.name_edit.text().strip()
        if not name:
            self.name_error.setText(self.tr("A flow needs a name."))
            self.name_error.show()
            return
        self.name_error.hide()
        if name != self._state.name:
            self._state.name = name
            self.doc_field_edited.emit("name", name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.description_edit and event.type() == QEvent.Type.FocusOut and self._state is not None:
            text = self.description_edit.toPlainText()
            if text != self._state.description:
                self._state.description = text
                self.doc_field_edited.emit("description", text)
        return super().eventFilter(watched, event)

    def _on_channel(self, index: int) -> None:
        value = str(self.channel_combo.itemData(index))
        if self._state is not None and value != self._state.channel:
            self._state.channel = value
            self.doc_field_edited.emit("channel", value)

    def _on_locales(self) -> None:
        if self._state is None:
            return
        chosen = [loc for loc, c in self.locale_checks.items() if c.isChecked()]
        if not chosen:  # a flow speaks at least one language: undo the last untick
            for loc, c in self.locale_checks.items():
                c.setChecked(loc in self._state.locales)
            return
        if chosen != self._state.locales:
            self._state.locales = chosen
            self.doc_field_edited.emit("locales", chosen)

    def current_variables(self) -> list[Variable]:
        return self.variables.variables()

    # --- language -------------------------------------------------------------------------

    def _fill_channels(self) -> None:
        current = self._state.channel if self._state else FlowChannel.CHAT.value
        labels = {FlowChannel.CHAT: self.tr("Chat (web chat, WeChat, SMS…)"), FlowChannel.VOICE: self.tr("Voice"),
                  FlowChannel.ANY: self.tr("Any channel")}
        if self.channel_combo.count() != len(labels):
            self.channel_combo.clear()
            for ch, text in labels.items():
                self.channel_combo.addItem(text, ch.value)
        else:
            for i, text in enumerate(labels.values()):
                self.channel_combo.setItemText(i, text)
        self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(current)))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.title_label.setText(self.tr("Flow settings"))
        self.hint_label.setText(self.tr("Select a node on the canvas to edit it."))
        for key, text in (("name", self.tr("Name")), ("description", self.tr("Description")),
                          ("channel", self.tr("Channel")), ("locales", self.tr("Languages")),
                          ("variables", self.tr("Variables"))):
            self.captions[key].setText(text)
        self.name_edit.setAccessibleName(self.tr("Name"))
        self.description_edit.setAccessibleName(self.tr("Description"))
        self.channel_combo.setAccessibleName(self.tr("Channel"))
        for loc, check in self.locale_checks.items():
            check.setAccessibleName(self.tr("Language: %1").replace("%1", LOCALE_NAMES.get(loc, loc)))
        self._fill_channels()
        self.variables.retranslate()
