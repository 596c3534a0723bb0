"""Supervisor dialogs: merge two customers (pick the survivor, confirm, reason) and split identities off."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.screenpop.customer_card import plain_label
from desktop.screenpop.style import PANEL_QSS
from desktop.screenpop.formatting import identity_kind_name, identity_text
from desktop.texts import customer_name
from edge_server.contract.interactions import CustomerCard, Identity


def _describe(card: CustomerCard) -> str:
    ids = ", ".join(identity_text(i) for i in card.identities[:3])
    return f"{customer_name(card.name)} ({ids})" if ids else customer_name(card.name)


class MergeDialog(QDialog):
    """Which of two customers survives; the other's identities and interactions move to it."""

    def __init__(self, first: CustomerCard, second: CustomerCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("merge_dialog")
        self.setStyleSheet(PANEL_QSS)
        self._cards = (first, second)
        self._intro = plain_label(self)
        self._intro.setWordWrap(True)
        self.keep_first = QRadioButton(self)
        self.keep_second = QRadioButton(self)
        group = QButtonGroup(self)
        group.addButton(self.keep_first)
        group.addButton(self.keep_second)
        self.keep_first.setChecked(True)
        self.reason_edit = QLineEdit(self)
        self.confirm_check = QCheckBox(self)
        self.confirm_check.toggled.connect(self._on_confirm_toggled)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._reason_caption = plain_label(self)
        form = QFormLayout()
        form.addRow(self._reason_caption, self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addWidget(self.keep_first)
        layout.addWidget(self.keep_second)
        layout.addLayout(form)
        layout.addWidget(self.confirm_check)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.tr("Merge customers"))
        self._intro.setText(self.tr("Choose the customer to keep. The other one's identities and "
                                    "interactions move to it; the merge is recorded in the audit trail."))
        self.keep_first.setText(self.tr("Keep {customer}").format(customer=_describe(first)))
        self.keep_second.setText(self.tr("Keep {customer}").format(customer=_describe(second)))
        self._reason_caption.setText(self.tr("Reason:"))
        self.reason_edit.setPlaceholderText(self.tr("Why these are the same person"))
        self.confirm_check.setText(self.tr("I checked that both are the same customer"))
        self._on_confirm_toggled(False)

    def choice(self) -> tuple[str, str, str]:
        """(survivor_id, merged_id, reason)."""
        first, second = self._cards
        survivor, merged = (first, second) if self.keep_first.isChecked() else (second, first)
        return survivor.customer_id, merged.customer_id, self.reason_edit.text().strip()

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _on_confirm_toggled(self, checked: bool) -> None:
        self.ok_button().setEnabled(checked)


class SplitDialog(QDialog):
    """Pick identities to move to a new customer (with the interactions that came on them)."""

    def __init__(self, card: CustomerCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("split_dialog")
        self.setStyleSheet(PANEL_QSS)
        self._card = card
        self._intro = plain_label(self)
        self._intro.setWordWrap(True)
        self.identity_list = QListWidget(self)
        for ident in card.identities:
            item = QListWidgetItem(f"{identity_kind_name(ident.kind)}: {identity_text(ident)}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, ident)
            self.identity_list.addItem(item)
        self.identity_list.itemChanged.connect(self._on_item_changed)
        self.name_edit = QLineEdit(self)
        self.reason_edit = QLineEdit(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._captions = (plain_label(self), plain_label(self))
        form = QFormLayout()
        form.addRow(self._captions[0], self.name_edit)
        form.addRow(self._captions[1], self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addWidget(self.identity_list)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.tr("Split customer"))
        self._intro.setText(self.tr("Tick the identities that belong to another person. They move to a "
                                    "new customer together with the interactions that came on them."))
        self._captions[0].setText(self.tr("New customer's name:"))
        self._captions[1].setText(self.tr("Reason:"))
        self._on_item_changed()

    def chosen(self) -> list[Identity]:
        out: list[Identity] = []
        for row in range(self.identity_list.count()):
            item = self.identity_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def set_checked(self, values: list[str]) -> None:
        for row in range(self.identity_list.count()):
            item = self.identity_list.item(row)
            ident: Identity = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if ident.value in values else Qt.CheckState.Unchecked)

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _on_item_changed(self, *_args: object) -> None:
        n = len(self.chosen())
        # Moving every identity would leave an empty shell: that is a rename, not a split.
        self.ok_button().setEnabled(0 < n < self.identity_list.count())
