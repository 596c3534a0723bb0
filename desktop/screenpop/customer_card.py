"""The customer card: name, tier/VIP, tags, identities, editable notes, custom attributes."""
from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.icons import channel_icon
from desktop.interactions_hub import InteractionsHub
from desktop.screenpop.failures import call_catching
from desktop.screenpop.flow_layout import FlowLayout
from desktop.screenpop.formatting import identity_channel, identity_kind_name, identity_text
from desktop.tasks import spawn
from desktop.texts import customer_name
from edge_server.contract.interactions import CustomerCard, UpdateCustomer

log = logging.getLogger("sb.ui")


def plain_label(parent: QWidget, object_name: str = "") -> QLabel:
    """A QLabel that never interprets customer text as HTML (Qt guesses rich text otherwise)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if object_name:
        label.setObjectName(object_name)
    return label


class CustomerCardView(QFrame):
    """Signals: customer_updated(CustomerCard) after notes were saved here; edit_requested()."""

    customer_updated = Signal(object)
    edit_requested = Signal()

    def __init__(self, hub: InteractionsHub | None, parent: QWidget | None = None, *, editable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("customer_card")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._hub = hub
        self._card: CustomerCard | None = None
        self._editable = editable and hub is not None
        self._saving = False

        self.name_label = plain_label(self, "customer_name")
        self.name_label.setWordWrap(True)
        self.tier_badge = plain_label(self, "tier_badge")
        self.vip_badge = plain_label(self, "vip_badge")
        self.edit_button = QPushButton(self)
        self.edit_button.setObjectName("customer_edit")
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.edit_button.setVisible(self._editable)
        self._tags_box = QWidget(self)
        self._tags = FlowLayout(self._tags_box)
        self._ids_box = QWidget(self)
        self._ids = QGridLayout(self._ids_box)
        self._ids.setContentsMargins(0, 0, 0, 0)
        self._ids.setHorizontalSpacing(6)
        self._ids.setVerticalSpacing(2)
        self._notes_caption = plain_label(self, "card_caption")
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setObjectName("customer_notes")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(54)
        self.notes_edit.setReadOnly(not self._editable)
        self.notes_edit.textChanged.connect(self._on_notes_text_changed)
        self.save_notes_button = QPushButton(self)
        self.save_notes_button.setObjectName("customer_save_notes")
        self.save_notes_button.setVisible(False)
        self.save_notes_button.clicked.connect(self._on_save_notes_clicked)
        self.error_label = plain_label(self, "card_error")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self._attrs_caption = plain_label(self, "card_caption")
        self._attrs_box = QWidget(self)
        self._attrs = QGridLayout(self._attrs_box)
        self._attrs.setContentsMargins(0, 0, 0, 0)
        self._attrs.setHorizontalSpacing(10)
        self._attrs.setVerticalSpacing(1)

        # Name and Edit on the first line, tier/VIP badges on the second: a bilingual name
        # ("王芳 Wang Fang") then fits the panel's width without breaking in the middle.
        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(self.name_label, 1)
        head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        badges = QHBoxLayout()
        badges.setSpacing(6)
        badges.addWidget(self.tier_badge)
        badges.addWidget(self.vip_badge)
        badges.addStretch(1)
        notes_head = QHBoxLayout()
        notes_head.addWidget(self._notes_caption, 1)
        notes_head.addWidget(self.save_notes_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addLayout(badges)
        layout.addWidget(self._tags_box)
        layout.addWidget(self._ids_box)
        layout.addLayout(notes_head)
        layout.addWidget(self.notes_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self._attrs_caption)
        layout.addWidget(self._attrs_box)
        self._retranslate()

    # --- public ---------------------------------------------------------------------------

    @property
    def card(self) -> CustomerCard | None:
        return self._card

    def set_card(self, card: CustomerCard) -> None:
        self._card = card
        self.name_label.setText(customer_name(card.name))
        self.tier_badge.setText(card.tier)
        self.tier_badge.setVisible(bool(card.tier))
        self.vip_badge.setVisible(card.vip)
        self._fill_tags(card.tags)
        self._fill_identities(card)
        self.notes_edit.blockSignals(True)
        self.notes_edit.setPlainText(card.notes)
        self.notes_edit.blockSignals(False)
        self.save_notes_button.setVisible(False)
        self.error_label.setVisible(False)
        self._fill_attributes(card.attributes)

    def tag_texts(self) -> list[str]:
        return [self._tags.itemAt(i).widget().text() for i in range(self._tags.count())]

    def identity_texts(self) -> list[str]:
        # From the grid, not findChildren: a refill's old labels live on until deleteLater runs.
        out = []
        for row in range(self._ids.rowCount()):
            item = self._ids.itemAtPosition(row, 2)
            if item is not None and isinstance(item.widget(), QLabel):
                out.append(item.widget().text())
        return out

    # --- Qt overrides ---------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- slots ------------------------------------------------------------------------------

    def _on_edit_clicked(self) -> None:
        self.edit_requested.emit()

    def _on_notes_text_changed(self) -> None:
        changed = self._card is not None and self.notes_edit.toPlainText() != self._card.notes
        self.save_notes_button.setVisible(self._editable and changed)

    def _on_save_notes_clicked(self) -> None:
        if self._card is None or self._hub is None or self._saving:
            return
        spawn(self._save_notes(self._card.customer_id, self.notes_edit.toPlainText()), name="save-customer-notes")

    # --- internals --------------------------------------------------------------------------

    async def _save_notes(self, customer_id: str, notes: str) -> None:
        assert self._hub is not None
        self._saving = True
        self.save_notes_button.setEnabled(False)
        try:
            card, error = await call_catching(
                self._hub.session, "update_customer",
                self._hub.update_customer(UpdateCustomer(customer_id=customer_id, notes=notes)))
        finally:
            self._saving = False
            self.save_notes_button.setEnabled(True)
        if self._card is None or self._card.customer_id != customer_id:
            return  # another customer is shown by now
        if card is None:
            self.error_label.setText(error or self.tr("The notes could not be saved."))
            self.error_label.setVisible(True)
            return
        self.set_card(card)
        self.customer_updated.emit(card)

    def _fill_tags(self, tags: list[str]) -> None:
        while self._tags.count():
            item = self._tags.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().hide()  # deleteLater alone would paint it once more at its old place
                item.widget().deleteLater()
        for tag in tags:
            chip = plain_label(self._tags_box, "tag_chip")
            chip.setText(tag)
            self._tags.addWidget(chip)
            # A child made under an already visible parent stays hidden until shown (a refill
            # on a card on screen: the language changed, notes saved, the customer edited).
            chip.show()
        self._tags_box.setVisible(bool(tags))

    def _fill_identities(self, card: CustomerCard) -> None:
        _clear_grid(self._ids)
        for row, ident in enumerate(card.identities):
            icon = QLabel(self._ids_box)
            icon.setPixmap(channel_icon(identity_channel(ident.kind)).pixmap(QSize(16, 16)))
            kind = plain_label(self._ids_box, "identity_kind")
            kind.setText(identity_kind_name(ident.kind))
            value = plain_label(self._ids_box, "identity_value")
            value.setText(identity_text(ident))
            value.setToolTip(ident.value if value.text() != ident.value else "")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            for col, widget in enumerate((icon, kind, value)):
                self._ids.addWidget(widget, row, col)
                widget.show()  # see _fill_tags
        self._ids.setColumnStretch(2, 1)
        self._ids_box.setVisible(bool(card.identities))

    def _fill_attributes(self, attributes: dict[str, str]) -> None:
        _clear_grid(self._attrs)
        for row, (key, val) in enumerate(sorted(attributes.items())):
            k = plain_label(self._attrs_box, "attribute_key")
            k.setText(key)
            v = plain_label(self._attrs_box, "attribute_value")
            v.setText(val)
            v.setWordWrap(True)
            self._attrs.addWidget(k, row, 0, Qt.AlignmentFlag.AlignTop)
            self._attrs.addWidget(v, row, 1)
            k.show()  # see _fill_tags
            v.show()
        self._attrs.setColumnStretch(1, 1)
        self._attrs_caption.setVisible(bool(attributes))
        self._attrs_box.setVisible(bool(attributes))

    def _retranslate(self) -> None:
        self.vip_badge.setText(self.tr("VIP"))
        self.edit_button.setText(self.tr("Edit…"))
        self.edit_button.setToolTip(self.tr("Edit the customer's details"))
        self._notes_caption.setText(self.tr("Notes"))
        self.notes_edit.setPlaceholderText(self.tr("Notes about this customer, for every agent"))
        self.save_notes_button.setText(self.tr("Save notes"))
        self._attrs_caption.setText(self.tr("Details"))
        if self._card is not None:
            self.name_label.setText(customer_name(self._card.name))
            self._fill_identities(self._card)


def _clear_grid(grid: QGridLayout) -> None:
    while grid.count():
        item = grid.takeAt(0)
        if item is not None and item.widget() is not None:
            item.widget().hide()
            item.widget().deleteLater()
