"""The flow designer's property panels: the selected node's config, or the flow's own settings.

The node panel is generated from edge_server/flows/nodetypes.py (one editor per
ConfigField, by kind: designer/flow/props_factory.py). It never changes the
document itself: each committed edit is a ``config_edited`` / ``label_edited``
signal that the canvas turns into one undo command, and the canvas shows the
result back with ``show_node``. Showing the same node again updates the editors
in place, so undo/redo never steals the keyboard focus or the text cursor.
"""
from __future__ import annotations

import copy
import functools
import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from designer.flow.props_base import FieldEditor, set_line_text
from designer.flow.props_common import (
    VOICE_ONLY_KEYS,
    EditorContext,
    field_help,
    field_label,
    mark_problem,
    same_value,
    zh,
)
from designer.flow.props_factory import make_editor
from designer.flow.props_settings import FlowSettingsPanel
from designer.flow.props_style import PANEL_STYLE
from edge_server.contract.designs import LOCALES, FlowChannel, FlowNode, Problem, RefCatalog, Severity, Variable
from edge_server.flows.nodetypes import NODE_TYPES, NodeType

__all__ = ["FlowSettingsPanel", "NodePropertiesPanel"]

log = logging.getLogger("sb.ui")

_LABEL_PATH = re.compile(r"^/nodes/\d+/label$")
_SEVERITY_ORDER = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}


def _config_path(path: str) -> tuple[str, list[str]] | None:
    """'/nodes/3/config/options/1/key' -> ('options', ['1', 'key']); other paths -> None."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]
    if len(parts) >= 4 and parts[0] == "nodes" and parts[2] == "config":
        return parts[3], parts[4:]
    return None


class NodePropertiesPanel(QWidget):
    """Edits one node's label and config; shows that node's validation problems on top."""

    config_edited = Signal(str, str, object)  # node id, config key, new value (JSON-ready)
    label_edited = Signal(str, str)  # node id, new label

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("node_properties")
        self.setStyleSheet(PANEL_STYLE)
        self._node: FlowNode | None = None
        self._type: NodeType | None = None
        self._ctx = EditorContext()
        self._problems: list[Problem] = []
        self.editors: dict[str, FieldEditor] = {}
        self.field_labels: dict[str, QLabel] = {}
        self._content: QWidget | None = None
        self._flushing = False
        self._pending: tuple[FlowNode | None, EditorContext] | None = None
        self._form: QFormLayout | None = None
        self.label_edit: QLineEdit | None = None
        self.raw_view: QPlainTextEdit | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Tab goes straight to the fields; the scroll area follows the focus by itself.
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(self.scroll)
        self._page = QWidget()
        self._page.setObjectName("props_page")
        self._page_layout = QVBoxLayout(self._page)
        self._page_layout.setContentsMargins(10, 10, 10, 10)
        self._page_layout.setSpacing(6)
        self.scroll.setWidget(self._page)

        self.title_label = QLabel(self._page)
        self.title_label.setObjectName("node_type_title")
        self.title_label.setWordWrap(True)
        self.help_label = QLabel(self._page)
        self.help_label.setObjectName("node_type_help")
        self.help_label.setWordWrap(True)
        self.id_label = QLabel(self._page)
        self.id_label.setObjectName("node_id")
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.channel_label = QLabel(self._page)
        self.channel_label.setObjectName("channel_warning")
        self.channel_label.setWordWrap(True)
        self.problems_list = QListWidget(self._page)
        self.problems_list.setObjectName("node_problems")
        self.problems_list.setWordWrap(True)
        self.problems_list.itemActivated.connect(self._on_problem_activated)
        self.problems_list.itemClicked.connect(self._on_problem_activated)
        self.empty_label = QLabel(self._page)
        self.empty_label.setObjectName("props_empty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.title_label, self.help_label, self.id_label, self.channel_label, self.problems_list,
                  self.empty_label):
            self._page_layout.addWidget(w)
        self._page_layout.addStretch(1)
        self._retranslate_static()
        self._show_empty()

    # --- API ------------------------------------------------------------------------------

    def show_node(self, node: FlowNode | None, *, variables: list[Variable], catalog: RefCatalog | None,
                  channel: str, locales: Sequence[str] = LOCALES) -> None:
        """Show ``node`` (None: nothing selected); the same node again updates the editors in place."""
        ctx = EditorContext(list(variables), catalog, str(channel), tuple(locales), node.type if node else "")
        if self._flushing:
            # The host answered the flush's edit by showing its selection again: remember the freshest
            # request and let the outer call finish it (rebuilding now would pull the editors from under
            # the flush).
            self._pending = (node, ctx)
            return
        if node is None or self._node is None or node.id != self._node.id or node.type != self._node.type:
            self._pending = None
            self._flushing = True
            try:
                self.flush()
            finally:
                self._flushing = False
            if self._pending is not None:
                node, ctx = self._pending
                self._pending = None
        if node is None:
            self._node = None
            self._clear_content()
            self._show_empty()
            return
        same = (self._node is not None and self._content is not None and node.id == self._node.id
                and node.type == self._node.type and tuple(ctx.locales) == tuple(self._ctx.locales))
        context_changed = ctx != self._ctx
        self._node = copy.deepcopy(node)
        self._ctx = ctx
        self._type = NODE_TYPES.get(node.type)
        if same:
            self._update_in_place(context_changed)
        else:
            self._rebuild()
        self._apply_problems()

    def set_problems(self, problems: list[Problem]) -> None:
        """All of the document's problems; the panel shows and marks the selected node's."""
        self._problems = list(problems)
        self._apply_problems()

    def node_id(self) -> str:
        return self._node.id if self._node else ""

    def flush(self) -> None:
        """Commit whatever the user typed and has not confirmed (called before the panel moves on)."""
        if self._node is None:
            return
        if self.label_edit is not None:
            self._on_label_finished()
        for ed in list(self.editors.values()):
            ed.flush()

    def focus_field(self, key: str) -> bool:
        """Put the keyboard focus on a config field's editor (e.g. from a problem); False if not shown."""
        ed = self.editors.get(key)
        if ed is None:
            return False
        w = ed.focus_widget()
        self.scroll.ensureWidgetVisible(ed)
        w.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    # --- building -------------------------------------------------------------------------

    def _clear_content(self) -> None:
        for ed in self.editors.values():
            ed.blockSignals(True)  # a dying editor's focus-out must not edit the next node
        self.editors.clear()
        self.field_labels.clear()
        self.label_edit = None
        self.raw_view = None
        self._form = None
        if self._content is not None:
            self._content.hide()
            self._page_layout.removeWidget(self._content)
            self._content.deleteLater()
            self._content = None

    def _show_empty(self) -> None:
        for w in (self.title_label, self.help_label, self.id_label, self.channel_label, self.problems_list):
            w.hide()
        self.empty_label.show()

    def _rebuild(self) -> None:
        # One repaint for the whole new form instead of one per widget as it is added.
        self.setUpdatesEnabled(False)
        try:
            self._build()
        finally:
            self.setUpdatesEnabled(True)

    def _build(self) -> None:
        self._clear_content()
        node = self._node
        assert node is not None
        self.empty_label.hide()
        content = QWidget(self._page)
        content.setObjectName("props_fields")
        form = QFormLayout(content)
        form.setContentsMargins(0, 4, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Labels above their editors: the panel is a narrow dock and several editors are wide.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setVerticalSpacing(4)
        self._form = form
        self.label_edit = QLineEdit(content)
        self.label_edit.setObjectName("node_label")
        self.label_edit.setText(node.label)
        self.label_edit.editingFinished.connect(self._on_label_finished)
        self._label_caption = QLabel(content)
        self._label_caption.setBuddy(self.label_edit)
        form.addRow(self._label_caption, self.label_edit)
        if self._type is None:
            self.raw_view = QPlainTextEdit(content)
            self.raw_view.setObjectName("raw_config")
            self.raw_view.setReadOnly(True)
            self.raw_view.setPlainText(json.dumps(node.config, ensure_ascii=False, indent=2))
            self._raw_caption = QLabel(content)
            self._raw_caption.setBuddy(self.raw_view)
            form.addRow(self._raw_caption, self.raw_view)
        else:
            for f in self._type.fields:
                ed = make_editor(f, self._ctx, content)
                ed.setObjectName(f"field_{f.key}")
                ed.set_value(self._config_value(f.key))
                ed.edited.connect(functools.partial(self._on_field_edited, node.id, f.key))
                label = QLabel(content)
                label.setObjectName(f"label_{f.key}")
                label.setBuddy(ed.focus_widget())
                form.addRow(label, ed)
                self.editors[f.key] = ed
                self.field_labels[f.key] = label
        self._content = content
        self._page_layout.insertWidget(self._page_layout.indexOf(self.empty_label), content)
        content.show()  # a layout only shows a late child on the next event turn; be visible at once
        self._retranslate_node()
        self._update_visibility()
        self.scroll.verticalScrollBar().setValue(0)

    def _update_in_place(self, context_changed: bool) -> None:
        node = self._node
        assert node is not None
        if self.label_edit is not None and self.label_edit.text() != node.label:
            set_line_text(self.label_edit, node.label)
        if self.raw_view is not None:
            self.raw_view.setPlainText(json.dumps(node.config, ensure_ascii=False, indent=2))
        for key, ed in self.editors.items():
            if context_changed:
                ed.set_context(self._ctx)
            ed.set_value(self._config_value(key))
        self._retranslate_header()
        self._update_visibility()

    def _config_value(self, key: str) -> Any:
        assert self._node is not None
        if key in self._node.config:
            return copy.deepcopy(self._node.config[key])
        f = next((f for f in self._type.fields if f.key == key), None) if self._type else None
        return copy.deepcopy(f.default) if f is not None else None

    def _update_visibility(self) -> None:
        """Voice-only fields are hidden on a chat flow unless set to something of their own (never hide data)."""
        if self._form is None or self._node is None:
            return
        chat = self._ctx.channel == FlowChannel.CHAT.value
        defaults = {f.key: f.default for f in self._type.fields} if self._type else {}
        for key, ed in self.editors.items():
            value = self._node.config.get(key)
            unset = not value or value == defaults.get(key)
            self._form.setRowVisible(ed, not (chat and key in VOICE_ONLY_KEYS and unset))

    # --- edits ------------------------------------------------------------------------------

    def _on_field_edited(self, node_id: str, key: str, value: Any) -> None:
        if self._node is None or node_id != self._node.id:
            log.debug("dropped an edit of %s.%s from a panel already showing another node", node_id, key)
            return
        if same_value(self._node.config.get(key), value):
            return
        self._node.config[key] = copy.deepcopy(value)
        self.config_edited.emit(node_id, key, value)

    def _on_label_finished(self) -> None:
        if self._node is None or self.label_edit is None:
            return
        text = self.label_edit.text().strip()
        if text != self._node.label:
            self._node.label = text
            self.label_edited.emit(self._node.id, text)

    # --- problems ---------------------------------------------------------------------------

    def _apply_problems(self) -> None:
        node_id = self._node.id if self._node else None
        mine = [p for p in self._problems if node_id is not None and p.element_id == node_id]
        mine.sort(key=lambda p: -_SEVERITY_ORDER.get(p.severity, 0))
        self.problems_list.clear()
        for p in mine:
            item = QListWidgetItem(self._problem_icon(p.severity), self._problem_text(p))
            item.setData(Qt.ItemDataRole.UserRole, p.path)
            item.setToolTip(p.code)
            self.problems_list.addItem(item)
        # No row looks picked until the user picks one (a highlighted first row reads as "the" problem).
        self.problems_list.setCurrentRow(-1)
        self.problems_list.clearSelection()
        self.problems_list.setVisible(bool(mine))
        if mine:
            rows = sum(self.problems_list.sizeHintForRow(i) for i in range(min(len(mine), 4)))
            self.problems_list.setFixedHeight(rows + 2 * self.problems_list.frameWidth() + 4)
        # Marks: worst severity per editor path, messages joined.
        for ed in self.editors.values():
            ed.clear_problems()
        if self.label_edit is not None:
            mark_problem(self.label_edit, "", "")
        grouped: dict[tuple[str, tuple[str, ...]], list[Problem]] = {}
        for p in mine:
            parsed = _config_path(p.path)
            if parsed is not None and parsed[0] in self.editors:
                grouped.setdefault((parsed[0], tuple(parsed[1])), []).append(p)
            elif _LABEL_PATH.match(p.path) and self.label_edit is not None:
                mark_problem(self.label_edit, str(p.severity), self._problem_text(p))
        for (key, rest), ps in grouped.items():
            worst = max(ps, key=lambda p: _SEVERITY_ORDER.get(p.severity, 0)).severity
            severity = str(worst) if worst != Severity.INFO else ""
            self.editors[key].set_problem(severity, "\n".join(self._problem_text(p) for p in ps), list(rest))

    def _problem_text(self, p: Problem) -> str:
        return (p.message_zh or p.message or p.code) if zh() else (p.message or p.message_zh or p.code)

    def _problem_icon(self, severity: Severity) -> Any:
        pix = {Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
               Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning}.get(
            severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
        return self.style().standardIcon(pix)

    def _on_problem_activated(self, item: QListWidgetItem) -> None:
        parsed = _config_path(str(item.data(Qt.ItemDataRole.UserRole) or ""))
        if parsed is not None:
            self.focus_field(parsed[0])

    # --- language ---------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate_static()
            if self._node is not None and self._content is not None:
                self._retranslate_node()
                self._apply_problems()
        super().changeEvent(event)

    def _retranslate_static(self) -> None:
        self.empty_label.setText(self.tr("Select a node to edit its properties."))
        self.problems_list.setAccessibleName(self.tr("Problems of this node"))
        self.scroll.setAccessibleName(self.tr("Node properties"))

    def _retranslate_header(self) -> None:
        node = self._node
        assert node is not None
        t = self._type
        if t is None:
            self.title_label.setText(self.tr("Unknown node type: %1").replace("%1", node.type))
            self.help_label.setText(self.tr("This designer does not know this node type; its settings are "
                                            "shown read-only and kept as they are."))
        else:
            self.title_label.setText(t.label_zh if zh() else t.label_en)
            self.help_label.setText((t.help_zh or t.help_en) if zh() else (t.help_en or t.help_zh))
        self.help_label.setVisible(bool(self.help_label.text()))
        self.title_label.show()
        self.id_label.setText(self.tr("Id: %1").replace("%1", node.id))
        self.id_label.show()
        channel = self._ctx.channel
        wrong = t is not None and channel in {c.value for c in FlowChannel} and FlowChannel(channel) not in t.channels
        if wrong:
            names = {"chat": self.tr("chat"), "voice": self.tr("voice"), "any": self.tr("all-channel")}
            self.channel_label.setText(self.tr("This node does not run in %1 flows.").replace(
                "%1", names.get(channel, channel)))
        self.channel_label.setVisible(wrong)

    def _retranslate_node(self) -> None:
        self._retranslate_header()
        self._label_caption.setText(self.tr("Label"))
        if self.label_edit is not None:
            self.label_edit.setAccessibleName(self.tr("Label"))
            self.label_edit.setPlaceholderText(self.tr("shown on the canvas"))
        if self.raw_view is not None:
            self._raw_caption.setText(self.tr("Settings"))
            self.raw_view.setAccessibleName(self.tr("Settings"))
        if self._type is None:
            return
        for f in self._type.fields:
            label = self.field_labels[f.key]
            label.setText(field_label(f) + (" *" if f.required else ""))
            label.setToolTip(field_help(f))
            label.setWhatsThis(field_help(f))
            self.editors[f.key].retranslate()
