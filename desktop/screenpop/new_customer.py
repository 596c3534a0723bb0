"""The card to fill in for an unknown customer: creates them (or names a bare one) or links an existing one."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.interactions_hub import InteractionsHub
from desktop.screenpop.customer_card import plain_label
from desktop.screenpop.customer_form import TIERS
from desktop.screenpop.failures import call_catching
from desktop.screenpop.formatting import format_phone, normalize_identity, split_tags
from desktop.tasks import spawn
from edge_server.contract.interactions import (
    CreateCustomer,
    CustomerCard,
    Identity,
    IdentityKind,
    UpdateCustomer,
)


class NewCustomerForm(QFrame):
    """Two modes: ``start_create(interaction_id)`` for a caller nobody knows, and
    ``start_complete(card, interaction_id)`` for a customer the edge matched by an
    identity but who has no name and no history yet (prefilled with those identities).

    Signals: customer_saved(CustomerCard); customer_linked(interaction_id, customer_id).
    """

    customer_saved = Signal(object)
    customer_linked = Signal(str, str)

    def __init__(self, hub: InteractionsHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new_customer_form")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._hub = hub
        self._interaction_id = ""
        self._card: CustomerCard | None = None
        self._busy = False

        self.title_label = plain_label(self, "new_customer_title")
        self.hint_label = plain_label(self, "new_customer_hint")
        self.hint_label.setWordWrap(True)
        self.name_edit = QLineEdit(self)
        self.phone_edit = QLineEdit(self)
        self.email_edit = QLineEdit(self)
        self.tier_combo = QComboBox(self)
        self.tier_combo.setEditable(True)
        self.tier_combo.addItems(list(TIERS))
        self.tags_edit = QLineEdit(self)
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(64)
        self.error_label = plain_label(self, "form_error")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("new_customer_save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.existing_button = QPushButton(self)
        self.existing_button.setObjectName("new_customer_existing")
        self.existing_button.clicked.connect(self._on_existing_clicked)
        self.search_dialog: QWidget | None = None

        self._captions = [plain_label(self) for _ in range(6)]
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for caption, field in zip(self._captions, (
            self.name_edit, self.phone_edit, self.email_edit, self.tier_combo, self.tags_edit, self.notes_edit,
        ), strict=True):
            form.addRow(caption, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.existing_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.title_label)
        layout.addWidget(self.hint_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._retranslate()

    # --- public -------------------------------------------------------------------------

    @property
    def creating(self) -> bool:
        return self._card is None

    def start_create(self, interaction_id: str) -> None:
        self._interaction_id = interaction_id
        self._card = None
        self._reset_fields()
        self._retranslate()

    def start_complete(self, card: CustomerCard, interaction_id: str) -> None:
        self._interaction_id = interaction_id
        self._card = card
        self._reset_fields()
        phones = [i.value for i in card.identities if i.kind == IdentityKind.PHONE]
        emails = [i.value for i in card.identities if i.kind == IdentityKind.EMAIL]
        self.phone_edit.setText(format_phone(phones[0]) if phones else "")
        self.email_edit.setText(emails[0] if emails else "")
        self.tier_combo.setCurrentText(card.tier)
        self.tags_edit.setText(", ".join(card.tags))
        self.notes_edit.setPlainText(card.notes)
        self._retranslate()

    # --- Qt overrides ---------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- slots ------------------------------------------------------------------------------

    def _on_save_clicked(self) -> None:
        if self._busy:
            return
        name = self.name_edit.text().strip()
        if not name:
            self._show_error(self.tr("Enter the customer's name."))
            self.name_edit.setFocus()
            return
        identities = self._identities()
        if identities is None:
            return
        if self._card is None:
            body = CreateCustomer(
                name=name, interaction_id=self._interaction_id, tier=self.tier_combo.currentText().strip(),
                tags=split_tags(self.tags_edit.text()), notes=self.notes_edit.toPlainText(),
                identities=identities)
            spawn(self._create(body), name="create-customer")
        else:
            known = {(i.kind, i.value) for i in self._card.identities}
            update = UpdateCustomer(
                customer_id=self._card.customer_id, name=name, tier=self.tier_combo.currentText().strip(),
                tags=split_tags(self.tags_edit.text()), notes=self.notes_edit.toPlainText(),
                add_identities=[i for i in identities if (i.kind, i.value) not in known])
            spawn(self._update(update), name="complete-customer")

    def _on_existing_clicked(self) -> None:
        from desktop.screenpop.search_dialog import CustomerSearchDialog  # the search imports the card widgets

        query = self.name_edit.text().strip() or self.phone_edit.text().strip() or self.email_edit.text().strip()
        dialog = CustomerSearchDialog(self._hub, self, query=query, interaction_id=self._interaction_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.customer_linked.connect(self.customer_linked)
        self.search_dialog = dialog
        dialog.open()

    # --- internals --------------------------------------------------------------------------

    async def _create(self, body: CreateCustomer) -> None:
        card, error = await self._busy_call("create_customer", self._hub.create_customer(body))
        if card is None:
            self._show_error(error or self.tr("The customer could not be created."))
            return
        self.customer_saved.emit(card)
        if body.interaction_id:
            self.customer_linked.emit(body.interaction_id, card.customer_id)

    async def _update(self, body: UpdateCustomer) -> None:
        card, error = await self._busy_call("update_customer", self._hub.update_customer(body))
        if card is None:
            self._show_error(error or self.tr("The customer could not be saved."))
            return
        self.customer_saved.emit(card)

    async def _busy_call(self, command: str, call):  # noqa: ANN001, ANN202
        self._busy = True
        self.save_button.setEnabled(False)
        self.error_label.setVisible(False)
        try:
            return await call_catching(self._hub.session, command, call)
        finally:
            self._busy = False
            self.save_button.setEnabled(True)

    def _identities(self) -> list[Identity] | None:
        out: list[Identity] = []
        for kind, edit, message in (
            (IdentityKind.PHONE, self.phone_edit, self.tr("This is not a valid phone number.")),
            (IdentityKind.EMAIL, self.email_edit, self.tr("This is not a valid email address.")),
        ):
            if not edit.text().strip():
                continue
            value = normalize_identity(kind, edit.text())
            if value is None:
                self._show_error(message)
                edit.setFocus()
                return None
            out.append(Identity(kind=kind, value=value))
        if self._card is not None:
            # The identities the edge matched stay; the ones typed here are added.
            out = [i for i in self._card.identities if i.kind not in (IdentityKind.PHONE, IdentityKind.EMAIL)] + out
        return out

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(True)

    def _reset_fields(self) -> None:
        for edit in (self.name_edit, self.phone_edit, self.email_edit, self.tags_edit):
            edit.clear()
        self.notes_edit.clear()
        self.tier_combo.setCurrentIndex(0)
        self.error_label.setVisible(False)

    def _retranslate(self) -> None:
        if self._card is None:
            self.title_label.setText(self.tr("New customer"))
            self.hint_label.setText(self.tr("Nobody is known under this contact yet. Fill in what you learn; "
                                            "saving creates the customer and links this interaction."))
        else:
            self.title_label.setText(self.tr("Complete this customer"))
            self.hint_label.setText(self.tr("Known only by the contact below. Add a name and what you learn."))
        for caption, text in zip(self._captions, (
            self.tr("Name:"), self.tr("Phone:"), self.tr("Email:"), self.tr("Tier:"), self.tr("Tags:"),
            self.tr("Notes:"),
        ), strict=True):
            caption.setText(text)
        self.phone_edit.setPlaceholderText(self.tr("e.g. 138 0013 8000 or +86 …"))
        self.tags_edit.setPlaceholderText(self.tr("Comma-separated, e.g. vip, billing"))
        self.save_button.setText(self.tr("Save customer"))
        self.existing_button.setText(self.tr("This is an existing customer…"))
