"""The live preview: the desktop's own FormView with editable sample data, re-rendered on every change.

Sample values typed into the preview survive re-renders (by field key), so a supervisor
can fill the form once and watch a visibility rule react while editing it.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.forms.view import FormView
from edge_server.contract.designs import FormDoc
from edge_server.flows import forms_eval

#: What the preview pretends to know about the customer and the interaction.
SAMPLE_CONTEXT: dict[str, str] = {
    "customer.name": "张伟",
    "customer.tier": "gold",
    "customer.vip": "true",
    "customer.phone": "+8613800138000",
    "customer.email": "zhang.wei@example.cn",
    "interaction.queue": "billing",
    "interaction.channel": "chat",
    "interaction.subject": "账单疑问",
    "agent.username": "alice",
}
#: Coalesce bursts of edits (typing) into one re-render.
RENDER_DELAY_MS = 60


def _typed(text: str) -> Any:
    """Sample values are typed as text; "true"/"false" and numbers mean what they look like."""
    t = text.strip()
    if t in ("true", "false"):
        return t == "true"
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        return text


class PreviewPane(QWidget):
    def __init__(self, chinese: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("form_preview")
        self._doc: FormDoc | None = None
        self._structure = b""
        self.caption = QLabel(self)
        self.caption.setStyleSheet("font-weight: 600;")
        self.language_combo = QComboBox(self)
        self.language_combo.addItem("中文", "zh-CN")
        self.language_combo.addItem("English", "en")
        self.language_combo.setCurrentIndex(0 if chinese else 1)
        self.language_combo.currentIndexChanged.connect(self._on_language_changed)
        self.check_button = QPushButton(self)
        self.check_button.setObjectName("preview_check")
        self.check_button.clicked.connect(self._on_check_clicked)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.view = FormView(self, show_submit=False)
        self.sample_caption = QLabel(self)
        self.sample_table = QTableWidget(len(SAMPLE_CONTEXT), 2, self)
        self.sample_table.verticalHeader().hide()
        self.sample_table.horizontalHeader().setStretchLastSection(True)
        self.sample_table.setMaximumHeight(150)
        for r, (k, v) in enumerate(SAMPLE_CONTEXT.items()):
            key = QTableWidgetItem(k)
            key.setFlags(key.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.sample_table.setItem(r, 0, key)
            self.sample_table.setItem(r, 1, QTableWidgetItem(v))
        self.sample_table.resizeColumnToContents(0)
        self.sample_table.itemChanged.connect(self._on_sample_changed)
        head = QHBoxLayout()
        head.addWidget(self.caption, 1)
        head.addWidget(self.language_combo)
        head.addWidget(self.check_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(head)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.result_label)
        lay.addWidget(self.sample_caption)
        lay.addWidget(self.sample_table)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RENDER_DELAY_MS)
        self._timer.timeout.connect(self.render_now)
        self._retranslate()

    # --- public -------------------------------------------------------------------------------

    def context(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r in range(self.sample_table.rowCount()):
            k, v = self.sample_table.item(r, 0), self.sample_table.item(r, 1)
            if k is not None and v is not None:
                out[k.text()] = _typed(v.text())
        return out

    def set_sample(self, name: str, value: str) -> None:
        for r in range(self.sample_table.rowCount()):
            if self.sample_table.item(r, 0).text() == name:
                self.sample_table.item(r, 1).setText(value)
                return

    def show_document(self, doc: FormDoc) -> None:
        """Re-render ``doc`` shortly (edits in a burst render once)."""
        self._doc = doc
        self._timer.start()

    def render_now(self) -> None:
        self._timer.stop()
        doc = self._doc
        if doc is None:
            return
        context = self.context()
        kept = self.view.values() if self.view.document is not None else {}
        values = {**forms_eval.prefill(doc, context), **{k: v for k, v in kept.items() if v not in (None, "", [])}}
        self.view.set_form(doc, values, context=context, language=self.language())
        self.result_label.clear()

    def pending(self) -> bool:
        return self._timer.isActive()

    def language(self) -> str:
        return str(self.language_combo.currentData())

    def values(self) -> dict[str, Any]:
        return self.view.values()

    # --- Qt overrides ---------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- slots ------------------------------------------------------------------------------------

    def _on_language_changed(self, _index: int) -> None:
        self.render_now()

    def _on_sample_changed(self, _item: QTableWidgetItem) -> None:
        if self.view.document is not None:
            self.view.set_context(self.context())

    def _on_check_clicked(self) -> None:
        if self.pending():
            self.render_now()
        errors = self.view.check().errors
        self.result_label.setStyleSheet("color: #b3261e;" if errors else "color: #2e6b3a;")
        self.result_label.setText(
            self.tr("{n} field(s) need attention.").format(n=len(errors)) if errors
            else self.tr("The sample values pass every check."))

    def _retranslate(self) -> None:
        self.caption.setText(self.tr("Preview"))
        self.check_button.setText(self.tr("Check"))
        self.sample_caption.setText(self.tr("Sample data"))
        self.sample_table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Value")])
