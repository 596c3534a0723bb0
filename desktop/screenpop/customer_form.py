"""Edit a customer: name, tier, VIP, tags, notes, attributes, one more identity -> update_customer."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.interactions_hub import InteractionsHub
from desktop.screenpop.customer_card import plain_label
from desktop.screenpop.style import PANEL_QSS
from desktop.screenpop.failures import call_catching, is_supervisor
from desktop.screenpop.formatting import identity_kind_name, normalize_identity, split_tags
from desktop.tasks import spawn
from edge_server.contract.interactions import CustomerCard, Identity, IdentityKind, UpdateCustomer

#: Tiers offered in the picker; the field stays free text because sites name their own.
TIERS = ("", "silver", "gold", "platinum")


def identity_kind_combo(parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    for kind in IdentityKind:
        combo.addItem(identity_kind_name(kind), kind)
    return combo


class CustomerFormDialog(QDialog):
    """Signals: saved(CustomerCard) once the edge took the change.

    A refusal (an identity that belongs to another customer, a vanished customer)
    stays in the dialog under the fields; supervisors get a way to the merge.
    """

    saved = Signal(object)

    def __init__(self, hub: InteractionsHub, card: CustomerCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customer_form")
        self.setStyleSheet(PANEL_QSS)
        self._hub = hub
        self._card = card
        self._busy = False

        self.name_edit = QLineEdit(card.name, self)
        self.tier_combo = QComboBox(self)
        self.tier_combo.setEditable(True)
        self.tier_combo.addItems(list(TIERS) if card.tier in TIERS else [*TIERS, card.tier])
        self.tier_combo.setCurrentText(card.tier)
        self.vip_check = QCheckBox(self)
        self.vip_check.setChecked(card.vip)
        self.tags_edit = QLineEdit(", ".join(card.tags), self)
        self.notes_edit = QPlainTextEdit(card.notes, self)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(70)
        self.attributes_table = QTableWidget(0, 2, self)
        self.attributes_table.verticalHeader().setVisible(False)
        self.attributes_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.attributes_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.attributes_table.setFixedHeight(110)
        for key, value in sorted(card.attributes.items()):
            self._add_attribute_row(key, value)
        self.add_attribute_button = QPushButton(self)
        self.add_attribute_button.clicked.connect(self._on_add_attribute_clicked)
        self.identity_kind = identity_kind_combo(self)
        self.identity_edit = QLineEdit(self)
        self.error_label = plain_label(self, "form_error")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.merge_button = QPushButton(self)
        self.merge_button.setObjectName("form_merge")
        self.merge_button.setVisible(False)
        self.merge_button.clicked.connect(self._on_merge_clicked)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

        self._form = QFormLayout()
        self._captions = [plain_label(self) for _ in range(7)]
        ident_row = QHBoxLayout()
        ident_row.addWidget(self.identity_kind)
        ident_row.addWidget(self.identity_edit, 1)
        attrs = QVBoxLayout()
        attrs.addWidget(self.attributes_table)
        attrs.addWidget(self.add_attribute_button, 0, Qt.AlignmentFlag.AlignLeft)
        for caption, field in zip(self._captions, (
            self.name_edit, self.tier_combo, self.vip_check, self.tags_edit, self.notes_edit, attrs, ident_row,
        ), strict=True):
            self._form.addRow(caption, field)
        error_row = QHBoxLayout()
        error_row.addWidget(self.error_label, 1)
        error_row.addWidget(self.merge_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(self._form)
        layout.addLayout(error_row)
        layout.addWidget(self.buttons)
        self._retranslate()
        self.resize(460, self.sizeHint().height())

    # --- public -------------------------------------------------------------------------

    def request(self) -> UpdateCustomer | None:
        """The change as the edge takes it; None (and a message) when a field is invalid."""
        new_identities: list[Identity] = []
        typed = self.identity_edit.text().strip()
        if typed:
            kind = IdentityKind(self.identity_kind.currentData())
            value = normalize_identity(kind, typed)
            if value is None:
                self._show_error(self.tr("This is not a valid {kind}.").format(kind=identity_kind_name(kind)))
                return None
            new_identities.append(Identity(kind=kind, value=value))
        return UpdateCustomer(
            customer_id=self._card.customer_id,
            name=self.name_edit.text().strip(),
            tier=self.tier_combo.currentText().strip(),
            vip=self.vip_check.isChecked(),
            tags=split_tags(self.tags_edit.text()),
            notes=self.notes_edit.toPlainText(),
            attributes=self._attributes(),
            add_identities=new_identities,
        )

    # --- slots ------------------------------------------------------------------------------

    def _on_add_attribute_clicked(self) -> None:
        self._add_attribute_row("", "")
        self.attributes_table.editItem(self.attributes_table.item(self.attributes_table.rowCount() - 1, 0))

    def _on_save_clicked(self) -> None:
        if self._busy:
            return
        body = self.request()
        if body is not None:
            spawn(self._save(body), name="update-customer")

    def _on_merge_clicked(self) -> None:
        from desktop.screenpop.search_dialog import CustomerSearchDialog  # the search shows cards: no cycle at import

        dialog = CustomerSearchDialog(self._hub, self, query=self.identity_edit.text().strip(),
                                      pinned=self._card)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()

    # --- internals --------------------------------------------------------------------------

    async def _save(self, body: UpdateCustomer) -> None:
        self._busy = True
        self.buttons.setEnabled(False)
        try:
            card, error = await call_catching(self._hub.session, "update_customer", self._hub.update_customer(body))
        finally:
            self._busy = False
            self.buttons.setEnabled(True)
        if card is None:
            self._show_error(error or self.tr("The customer could not be saved."))
            # The usual refusal: an identity that another customer already has. Merging the two
            # is the fix, and only supervisors may merge.
            self.merge_button.setVisible(bool(body.add_identities) and is_supervisor(self._hub.session))
            return
        self.saved.emit(card)
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(True)

    def _add_attribute_row(self, key: str, value: str) -> None:
        row = self.attributes_table.rowCount()
        self.attributes_table.insertRow(row)
        self.attributes_table.setItem(row, 0, QTableWidgetItem(key))
        self.attributes_table.setItem(row, 1, QTableWidgetItem(value))

    def _attributes(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for row in range(self.attributes_table.rowCount()):
            k = self.attributes_table.item(row, 0)
            v = self.attributes_table.item(row, 1)
            key = k.text().strip() if k is not None else ""
            if key:
                out[key] = v.text().strip() if v is not None else ""
        return out

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Edit customer"))
        for caption, text in zip(self._captions, (
            self.tr("Name:"), self.tr("Tier:"), self.tr("VIP:"), self.tr("Tags:"), self.tr("Notes:"),
            self.tr("Details:"), self.tr("Add identity:"),
        ), strict=True):
            caption.setText(text)
        self.vip_check.setText(self.tr("VIP customer"))
        self.tags_edit.setPlaceholderText(self.tr("Comma-separated, e.g. vip, billing"))
        self.attributes_table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.add_attribute_button.setText(self.tr("Add field"))
        self.identity_edit.setPlaceholderText(self.tr("Phone, email, WeChat id…"))
        self.merge_button.setText(self.tr("Find and merge…"))
        self.merge_button.setToolTip(self.tr("Find the customer who has this identity and merge the two"))
