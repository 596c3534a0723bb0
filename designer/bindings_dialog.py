"""Bindings: which live flow serves each entry point, and which live form pops for each queue."""
from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.design_client import DesignClient, DesignRequestError
from desktop.i18n import ui_is_chinese
from desktop.tasks import spawn
from edge_server.contract.designs import Binding, DesignSummary, EntryKind, RefCatalog

log = logging.getLogger("sb.designer")

#: The web widget's default entry point exists on every site, even when the catalog omits it.
DEFAULT_WEBCHAT = Binding(entry_kind=EntryKind.WEBCHAT, entry_key="default")


def entry_kind_name(kind: EntryKind) -> str:
    names = {
        EntryKind.WEBCHAT: QCoreApplication.translate("BindingsDialog", "Web chat"),
        EntryKind.PHONE: QCoreApplication.translate("BindingsDialog", "Phone number"),
        EntryKind.WECHAT: QCoreApplication.translate("BindingsDialog", "WeChat"),
        EntryKind.WECOM: QCoreApplication.translate("BindingsDialog", "WeCom"),
        EntryKind.WEIBO: QCoreApplication.translate("BindingsDialog", "Weibo"),
        EntryKind.EMAIL: QCoreApplication.translate("BindingsDialog", "Email"),
        EntryKind.SMS: QCoreApplication.translate("BindingsDialog", "SMS"),
        EntryKind.QUEUE_FORM: QCoreApplication.translate("BindingsDialog", "Queue"),
    }
    return names.get(kind, str(kind))


class BindingsDialog(QDialog):
    """One row per entry point and per queue; the combo picks the design (or none)."""

    def __init__(self, client: DesignClient, catalog: RefCatalog, designs: list[DesignSummary],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bindings_dialog")
        self.setWindowTitle(self.tr("Bindings"))
        self._client = client
        self._catalog = catalog
        self._flows = [d for d in designs if d.kind == "flow" and d.live_revision]
        self._forms = [d for d in designs if d.kind == "form" and d.live_revision]
        self.bindings: list[Binding] = []
        self._rows: list[tuple[EntryKind, str]] = []
        self.combos: dict[tuple[str, str], QComboBox] = {}
        self._filling = False
        intro = QLabel(self.tr("Only designs with a live revision can be bound; a change takes effect at once "
                               "for new interactions."), self)
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("bindings_table")
        self.table.setHorizontalHeaderLabels([self.tr("Entry point / queue"), self.tr("Design")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("bindings_status")
        self.status_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.resize(620, 460)

    async def load(self) -> bool:
        try:
            self.bindings = await self._client.list_bindings()
        except DesignRequestError as e:
            self.status_label.setText(self.tr("The edge refused: {message}").format(message=e.message))
            return False
        self._fill()
        return True

    async def bind(self, kind: EntryKind, key: str, design_id: str) -> bool:
        """Set (``design_id`` "" = remove) one binding; the table shows what the edge answered."""
        try:
            self.bindings = await self._client.set_binding(
                Binding(entry_kind=kind, entry_key=key, design_id=design_id))
        except DesignRequestError as e:
            self.status_label.setText(self.tr("The binding was not changed: {message}").format(message=e.message))
            self._fill()  # back to what the edge has
            return False
        self.status_label.setText(self.tr("Saved."))
        self._fill()
        return True

    def bound_design(self, kind: EntryKind, key: str) -> str:
        return next((b.design_id for b in self.bindings if b.entry_kind == kind and b.entry_key == key), "")

    def _entries(self) -> list[tuple[EntryKind, str, str]]:
        zh = ui_is_chinese()
        rows: list[tuple[EntryKind, str, str]] = []
        seen: set[tuple[str, str]] = set()
        for b in [DEFAULT_WEBCHAT, *self._catalog.entries, *self.bindings]:
            if b.entry_kind == EntryKind.QUEUE_FORM or (b.entry_kind, b.entry_key) in seen:
                continue
            seen.add((b.entry_kind, b.entry_key))
            rows.append((b.entry_kind, b.entry_key, f"{entry_kind_name(b.entry_kind)}: {b.entry_key}"))
        for q in self._catalog.queues:
            name = (q.name_zh if zh else q.name_en) or q.key
            rows.append((EntryKind.QUEUE_FORM, q.key, f"{entry_kind_name(EntryKind.QUEUE_FORM)}: {name}"))
        return rows

    def _fill(self) -> None:
        self._filling = True
        entries = self._entries()
        self.table.setRowCount(len(entries))
        self.combos.clear()
        for row, (kind, key, label) in enumerate(entries):
            self.table.setItem(row, 0, QTableWidgetItem(label))
            combo = QComboBox(self.table)
            combo.setObjectName(f"binding_{kind}_{key}")
            combo.setAccessibleName(label)
            combo.addItem(self.tr("(none)"), "")
            for d in (self._forms if kind == EntryKind.QUEUE_FORM else self._flows):
                combo.addItem(self.tr("{name} (revision {n})").format(name=d.name, n=d.live_revision), d.design_id)
            current = self.bound_design(kind, key)
            index = combo.findData(current)
            if index < 0 and current:
                combo.addItem(current, current)  # bound to a design we do not list (no live revision now)
                index = combo.count() - 1
            combo.setCurrentIndex(max(index, 0))
            combo.currentIndexChanged.connect(
                lambda _i, k=kind, key_=key, c=combo: self._on_combo_changed(k, key_, c))
            self.table.setCellWidget(row, 1, combo)
            self.combos[(str(kind), key)] = combo
        self._filling = False

    def _on_combo_changed(self, kind: EntryKind, key: str, combo: QComboBox) -> None:
        if not self._filling:
            spawn(self.bind(kind, key, str(combo.currentData() or "")), name="set-binding")
