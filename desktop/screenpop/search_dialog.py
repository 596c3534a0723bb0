"""Find a customer by name, phone, email, tag or past messages; open, link, and (supervisors) merge/split."""
from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.interactions_hub import InteractionsHub
from desktop.screenpop.customer_card import CustomerCardView, plain_label
from desktop.screenpop.failures import call_catching, disposition_labeler, is_supervisor
from desktop.screenpop.formatting import full_time_text, identity_text
from desktop.screenpop.merge_split import MergeDialog, SplitDialog
from desktop.screenpop.style import PANEL_QSS
from desktop.screenpop.timeline import TimelineView
from desktop.screenpop.transcript_dialog import TranscriptDialog
from desktop.tasks import spawn
from desktop.texts import customer_name
from edge_server.contract.interactions import AuditEntry, CustomerCard, CustomerHit

log = logging.getLogger("sb.ui")

#: Wait this long after the last key before asking the edge (Amazon Connect's quick-response figure).
DEBOUNCE_MS = 250
_CARD_ROLE = Qt.ItemDataRole.UserRole + 1


class CustomerSearchDialog(QDialog):
    """Signals: customer_linked(interaction_id, customer_id); customers_merged(CustomerCard survivor);
    customer_split(CustomerCard new_customer).

    ``interaction_id`` given: a "Link" button attaches that interaction to the open customer.
    ``pinned``: a customer the dialog came from (the edit form); it is offered for merging.
    """

    customer_linked = Signal(str, str)
    customers_merged = Signal(object)
    customer_split = Signal(object)

    def __init__(
        self,
        hub: InteractionsHub,
        parent: QWidget | None = None,
        *,
        query: str = "",
        interaction_id: str = "",
        pinned: CustomerCard | None = None,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customer_search")
        self.setStyleSheet(PANEL_QSS)  # a window of its own: the panel's sheet does not reach it
        self._hub = hub
        self._interaction_id = interaction_id
        self._pinned = pinned
        self._supervisor = is_supervisor(hub.session)
        self._search_gen = 0
        self._open_gen = 0
        self._open: CustomerCard | None = None
        self.merge_dialog: MergeDialog | None = None
        self.split_dialog: SplitDialog | None = None
        self.transcript_dialog: TranscriptDialog | None = None

        self.query_edit = QLineEdit(self)
        self.query_edit.setObjectName("search_query")
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.textChanged.connect(self._on_query_text_changed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self.status_label = plain_label(self, "search_status")
        self.hits_list = QListWidget(self)
        self.hits_list.setObjectName("search_hits")
        self.hits_list.setWordWrap(True)
        self.hits_list.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection if self._supervisor
            else QAbstractItemView.SelectionMode.SingleSelection)
        self.hits_list.itemSelectionChanged.connect(self._on_hits_selection_changed)
        self.card_view = CustomerCardView(hub, self, editable=False)
        self.timeline_view = TimelineView(self)
        self.timeline_view.entry_activated.connect(self._on_entry_activated)
        self.audit_list = QListWidget(self)
        self.audit_list.setObjectName("audit_list")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.timeline_view, "")
        if self._supervisor:
            self.tabs.addTab(self.audit_list, "")
        else:
            self.audit_list.hide()
        self.error_label = plain_label(self, "search_error")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.link_button = QPushButton(self)
        self.link_button.setObjectName("search_link")
        self.link_button.setVisible(bool(interaction_id))
        self.link_button.clicked.connect(self._on_link_clicked)
        self.merge_button = QPushButton(self)
        self.merge_button.setObjectName("search_merge")
        self.merge_button.clicked.connect(self._on_merge_clicked)
        self.split_button = QPushButton(self)
        self.split_button.setObjectName("search_split")
        self.split_button.clicked.connect(self._on_split_clicked)
        self.merge_button.setVisible(self._supervisor)
        self.split_button.setVisible(self._supervisor)
        self.close_button = QPushButton(self)
        self.close_button.clicked.connect(self.reject)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.query_edit)
        left_layout.addWidget(self.status_label)
        left_layout.addWidget(self.hits_list, 1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.card_view)
        right_layout.addWidget(self.tabs, 1)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error_label, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.split_button)
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.card_view.hide()
        self.tabs.hide()
        self._retranslate()
        self._update_buttons()
        self.resize(880, 560)
        if query:
            self.query_edit.setText(query)

    # --- public -------------------------------------------------------------------------

    @property
    def open_customer(self) -> CustomerCard | None:
        return self._open

    def hits(self) -> list[CustomerHit]:
        return [self.hits_list.item(i).data(_CARD_ROLE) for i in range(self.hits_list.count())]

    def search_now(self) -> None:
        """Search at once (Enter, or a test that does not want to wait for the debounce)."""
        self._debounce.stop()
        self._on_debounce_timeout()

    # --- Qt overrides ---------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- slots ------------------------------------------------------------------------------

    def _on_query_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _on_debounce_timeout(self) -> None:
        query = self.query_edit.text().strip()
        self._search_gen += 1
        if not query:
            self.hits_list.clear()
            self.status_label.clear()
            return
        self.status_label.setText(self.tr("Searching…"))
        spawn(self._search(self._search_gen, query), name="search-customers")

    def _on_hits_selection_changed(self) -> None:
        selected = self.hits_list.selectedItems()
        if len(selected) == 1:
            hit: CustomerHit = selected[0].data(_CARD_ROLE)
            self._open_gen += 1
            spawn(self._open_customer(self._open_gen, hit.card.customer_id), name="open-customer")
        self._update_buttons()

    def _on_entry_activated(self, interaction_id: str) -> None:
        self.transcript_dialog = TranscriptDialog(self._hub, interaction_id, self)
        self.transcript_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.transcript_dialog.open()

    def _on_link_clicked(self) -> None:
        if self._open is not None and self._interaction_id:
            spawn(self._link(self._interaction_id, self._open.customer_id), name="link-customer")

    def _on_merge_clicked(self) -> None:
        pair = self._merge_pair()
        if pair is None:
            return
        self.merge_dialog = MergeDialog(pair[0], pair[1], self)
        self.merge_dialog.accepted.connect(self._on_merge_dialog_accepted)
        self.merge_dialog.open()

    def _on_merge_dialog_accepted(self) -> None:
        assert self.merge_dialog is not None
        survivor, merged, reason = self.merge_dialog.choice()
        spawn(self._merge(survivor, merged, reason), name="merge-customers")

    def _on_split_clicked(self) -> None:
        if self._open is None:
            return
        self.split_dialog = SplitDialog(self._open, self)
        self.split_dialog.accepted.connect(self._on_split_dialog_accepted)
        self.split_dialog.open()

    def _on_split_dialog_accepted(self) -> None:
        assert self.split_dialog is not None and self._open is not None
        spawn(self._split(self._open.customer_id, self.split_dialog), name="split-customer")

    # --- internals --------------------------------------------------------------------------

    async def _search(self, gen: int, query: str) -> None:
        hits, error = await call_catching(self._hub.session, "search_customers", self._hub.search_customers(query))
        if gen != self._search_gen:
            return  # the agent typed on: these results answer an older query
        self.hits_list.clear()
        if hits is None:
            self.status_label.setText(error or self.tr("The search failed."))
            return
        for hit in hits:
            item = QListWidgetItem(self._hit_text(hit))
            item.setData(_CARD_ROLE, hit)
            self.hits_list.addItem(item)
        self.status_label.setText(self.tr("%n customer(s) found", "", len(hits)))

    async def _open_customer(self, gen: int, customer_id: str) -> None:
        view = await self._hub.get_customer(customer_id)
        if gen != self._open_gen or view is None:
            return
        self._open = view.card
        self.card_view.set_card(view.card)
        self.card_view.show()
        self.timeline_view.delegate.set_disposition_label(disposition_labeler(self._hub.session))
        self.timeline_view.timeline_model.reset(list(view.timeline), view.has_more)
        self.tabs.show()
        self.error_label.setVisible(False)
        if self._supervisor:
            spawn(self._load_audit(gen, customer_id), name="customer-audit")
        self._update_buttons()

    async def _load_audit(self, gen: int, customer_id: str) -> None:
        entries = await self._hub.customer_audit(customer_id)
        if gen != self._open_gen or entries is None:
            return
        self.audit_list.clear()
        for e in sorted(entries, key=lambda a: a.ts_ms, reverse=True):
            self.audit_list.addItem(self._audit_text(e))

    async def _link(self, interaction_id: str, customer_id: str) -> None:
        card, error = await call_catching(
            self._hub.session, "link_customer", self._hub.link_customer(interaction_id, customer_id))
        if card is None:
            self._show_error(error or self.tr("The interaction could not be linked."))
            return
        self.customer_linked.emit(interaction_id, card.customer_id)
        self.accept()

    async def _merge(self, survivor: str, merged: str, reason: str) -> None:
        card, error = await call_catching(
            self._hub.session, "merge_customers", self._hub.merge_customers(survivor, merged, reason))
        if card is None:
            self._show_error(error or self.tr("The customers could not be merged."))
            return
        self.customers_merged.emit(card)
        self._open_gen += 1
        await self._open_customer(self._open_gen, card.customer_id)
        self.search_now()  # the merged-away customer leaves the hits

    async def _split(self, customer_id: str, dialog: SplitDialog) -> None:
        card, error = await call_catching(
            self._hub.session, "split_customer",
            self._hub.split_customer(customer_id, dialog.chosen(), dialog.name_edit.text().strip(),
                                     dialog.reason_edit.text().strip()))
        if card is None:
            self._show_error(error or self.tr("The customer could not be split."))
            return
        self.customer_split.emit(card)
        self._open_gen += 1
        await self._open_customer(self._open_gen, customer_id)

    def _merge_pair(self) -> tuple[CustomerCard, CustomerCard] | None:
        cards = [item.data(_CARD_ROLE).card for item in self.hits_list.selectedItems()]
        if self._pinned is not None and len(cards) == 1 and cards[0].customer_id != self._pinned.customer_id:
            return self._pinned, cards[0]
        if len(cards) == 2:
            return cards[0], cards[1]
        return None

    def _update_buttons(self) -> None:
        self.link_button.setEnabled(self._open is not None and len(self.hits_list.selectedItems()) == 1)
        self.merge_button.setEnabled(self._merge_pair() is not None)
        self.split_button.setEnabled(
            self._open is not None and len(self._open.identities) > 1 and len(self.hits_list.selectedItems()) == 1)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(True)

    def _hit_text(self, hit: CustomerHit) -> str:
        ids = identity_text(hit.card.identities[0]) if hit.card.identities else ""
        first = customer_name(hit.card.name) + (f"   {ids}" if ids else "")
        why = self._matched_name(hit.matched)
        second = f"{why}: {hit.snippet}" if hit.snippet else why
        return f"{first}\n{second}"

    def _matched_name(self, matched: str) -> str:
        match matched:
            case "name":
                return self.tr("Name matches")
            case "phone":
                return self.tr("Phone matches")
            case "email":
                return self.tr("Email matches")
            case "identity":
                return self.tr("Identity matches")
            case "tag":
                return self.tr("Tag matches")
            case "message":
                return self.tr("Found in a message")
        return matched

    def _audit_text(self, e: AuditEntry) -> str:
        details = ", ".join(f"{k}={v}" for k, v in sorted(e.details.items()))
        return self.tr("{when} {who}: {action} {details}").format(
            when=full_time_text(e.ts_ms), who=e.by, action=self._action_name(e.action), details=details).strip()

    def _action_name(self, action: str) -> str:
        match action:
            case "created":
                return self.tr("created")
            case "updated":
                return self.tr("edited")
            case "identity_added":
                return self.tr("added an identity")
            case "merged":
                return self.tr("merged another customer into this one")
            case "merged_into":
                return self.tr("merged this customer into another")
            case "split":
                return self.tr("split identities off")
            case "split_from":
                return self.tr("created by a split")
        return action

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Find a customer"))
        self.query_edit.setPlaceholderText(self.tr("Name, phone, email, tag:vip or words from a message"))
        self.tabs.setTabText(0, self.tr("Interactions"))
        if self._supervisor:
            self.tabs.setTabText(1, self.tr("Audit trail"))
        self.link_button.setText(self.tr("Link to this interaction"))
        self.merge_button.setText(self.tr("Merge…"))
        self.merge_button.setToolTip(self.tr("Select two customers to merge them"))
        self.split_button.setText(self.tr("Split…"))
        self.close_button.setText(self.tr("Close"))
