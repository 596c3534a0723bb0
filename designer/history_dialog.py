"""History of a design: its revisions, a semantic diff between any two (or a revision and the draft),
and rollback by pointing ``live`` at an older revision."""
from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.browser import format_time
from designer.design_client import DesignClient, DesignRequestError
from designer.dialogs import confirm
from desktop.tasks import spawn
from edge_server.contract.designs import LIVE, DiffEntry, RevisionList

log = logging.getLogger("sb.designer")

_CHANGE_ORDER = ("added", "removed", "changed", "rewired", "moved")


def change_name(change: str) -> str:
    from PySide6.QtCore import QCoreApplication

    names = {
        "added": QCoreApplication.translate("HistoryDialog", "added"),
        "removed": QCoreApplication.translate("HistoryDialog", "removed"),
        "changed": QCoreApplication.translate("HistoryDialog", "changed"),
        "rewired": QCoreApplication.translate("HistoryDialog", "rewired"),
        "moved": QCoreApplication.translate("HistoryDialog", "moved"),
    }
    return names.get(change, change)


class HistoryDialog(QDialog):
    """Revisions (number, message, by, when, live marker), diff, and "Make live" (rollback)."""

    #: The live revision changed (rollback or roll forward); carries the new number.
    live_changed = Signal(int)

    def __init__(self, client: DesignClient, design_id: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history_dialog")
        self.setWindowTitle(self.tr("History of “{name}”").format(name=name))
        self._client = client
        self.design_id = design_id
        self.revisions = RevisionList(design_id=design_id)
        self.revision_table = QTableWidget(0, 5, self)
        self.revision_table.setObjectName("revision_table")
        self.revision_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.revision_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.revision_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.revision_table.verticalHeader().hide()
        self.revision_table.setHorizontalHeaderLabels(
            [self.tr("Revision"), self.tr("Live"), self.tr("Message"), self.tr("By"), self.tr("When")])
        self.revision_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.revision_table.horizontalHeader().setStretchLastSection(True)
        self.from_combo = QComboBox(self)
        self.from_combo.setObjectName("diff_from")
        self.to_combo = QComboBox(self)
        self.to_combo.setObjectName("diff_to")
        self.compare_button = QPushButton(self.tr("&Compare"), self)
        self.compare_button.setObjectName("compare_button")
        self.make_live_button = QPushButton(self.tr("Make &live"), self)
        self.make_live_button.setObjectName("make_live_button")
        self.make_live_button.setToolTip(self.tr("Point live at the selected revision (rollback)"))
        self.diff_table = QTableWidget(0, 3, self)
        self.diff_table.setObjectName("diff_table")
        self.diff_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.diff_table.verticalHeader().hide()
        self.diff_table.setHorizontalHeaderLabels([self.tr("Change"), self.tr("Element"), self.tr("Summary")])
        self.diff_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.diff_table.horizontalHeader().setStretchLastSection(True)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("history_status")
        self.status_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        compare_row = QHBoxLayout()
        from_label = QLabel(self.tr("&From:"), self)
        from_label.setBuddy(self.from_combo)
        to_label = QLabel(self.tr("&To:"), self)
        to_label.setBuddy(self.to_combo)
        for w in (from_label, self.from_combo, to_label, self.to_combo, self.compare_button):
            compare_row.addWidget(w)
        compare_row.addStretch(1)
        compare_row.addWidget(self.make_live_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.revision_table, 2)
        layout.addLayout(compare_row)
        layout.addWidget(self.diff_table, 3)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.compare_button.clicked.connect(
            lambda: spawn(self.compare(self.from_combo.currentData(), self.to_combo.currentData()), name="diff"))
        self.make_live_button.clicked.connect(self._on_make_live_clicked)
        self.revision_table.itemSelectionChanged.connect(self._update_buttons)
        self.resize(720, 560)
        self._update_buttons()

    # --- async operations (the buttons spawn them; tests await them) ------------------------------

    async def load(self) -> bool:
        try:
            self.revisions = await self._client.list_revisions(self.design_id)
        except DesignRequestError as e:
            self._show_error(e)
            return False
        self._fill_revisions()
        return True

    async def compare(self, from_revision: int, to_revision: int) -> list[DiffEntry]:
        """Diff two revisions (``to_revision`` 0 = the draft) and list the changes."""
        if from_revision is None or to_revision is None:
            return []
        try:
            diff = await self._client.diff(self.design_id, int(from_revision), int(to_revision))
        except DesignRequestError as e:
            self._show_error(e)
            return []
        changes = sorted(diff.changes, key=lambda c: (_CHANGE_ORDER.index(c.change)
                                                       if c.change in _CHANGE_ORDER else 9, c.element_id))
        self.diff_table.setRowCount(len(changes))
        for row, c in enumerate(changes):
            element = f"{c.element_kind} {c.element_id}".strip()
            for col, text in enumerate((change_name(c.change), element, c.summary)):
                self.diff_table.setItem(row, col, QTableWidgetItem(text))
        to_text = self.tr("the draft") if not to_revision else str(to_revision)
        self.status_label.setText(self.tr("{count} changes from revision {a} to {b}.").format(
            count=len(changes), a=from_revision, b=to_text))
        return changes

    async def make_live(self, revision: int, *, ask: bool = True) -> bool:
        """Point live at ``revision`` after the supervisor confirms."""
        if ask and not await confirm(
            self, self.tr("Make revision {n} live?").format(n=revision),
            self.tr("New interactions will run revision {n}; those in progress finish on theirs.").format(
                n=revision),
            yes=self.tr("Make live"), object_name="confirm_make_live",
        ):
            return False
        try:
            self.revisions = await self._client.set_live(self.design_id, revision)
        except DesignRequestError as e:
            self._show_error(e)
            return False
        self._fill_revisions()
        self.status_label.setText(self.tr("Revision {n} is live.").format(n=revision))
        self.live_changed.emit(revision)
        return True

    # --- internals --------------------------------------------------------------------------------------

    def live_revision(self) -> int:
        return int(self.revisions.aliases.get(LIVE, 0))

    def selected_revision(self) -> int:
        rows = self.revision_table.selectionModel().selectedRows()
        if not rows:
            return 0
        item = self.revision_table.item(rows[0].row(), 0)
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else 0

    def _fill_revisions(self) -> None:
        live = self.live_revision()
        items = self.revisions.items
        self.revision_table.setRowCount(len(items))
        for row, r in enumerate(items):
            number = QTableWidgetItem(str(r.number))
            number.setData(Qt.ItemDataRole.UserRole, r.number)
            cells = [number, QTableWidgetItem(self.tr("live") if r.number == live else ""),
                     QTableWidgetItem(r.message), QTableWidgetItem(r.by), QTableWidgetItem(format_time(r.ts_ms))]
            for col, item in enumerate(cells):
                self.revision_table.setItem(row, col, item)
        self.from_combo.clear()
        self.to_combo.clear()
        self.to_combo.addItem(self.tr("Draft"), 0)
        for r in items:  # newest first
            self.from_combo.addItem(self.tr("Revision {n}").format(n=r.number), r.number)
            self.to_combo.addItem(self.tr("Revision {n}").format(n=r.number), r.number)
        if len(items) > 1:
            self.from_combo.setCurrentIndex(1)  # previous revision -> draft: "what would I publish"
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.selected_revision()
        self.make_live_button.setEnabled(bool(selected) and selected != self.live_revision())
        self.compare_button.setEnabled(self.from_combo.count() > 0)

    def _on_make_live_clicked(self) -> None:
        revision = self.selected_revision()
        if revision:
            spawn(self.make_live(revision), name="make-live")

    def _show_error(self, e: DesignRequestError) -> None:
        self.status_label.setText(self.tr("The edge refused: {message}").format(message=e.message))
