"""The screen-pop panel: skeleton at once, then the customer card and the first timeline page.

Public API (the workspace and bench/screenpop.py depend on it):
    ScreenPopPanel(hub, parent=None)
    show_task(task: TaskInfo) -> None   a newer call supersedes an older one still loading
    clear() -> None
    rendered(str customer_id)           the card and the first timeline page have been painted
    customer_linked(str interaction_id, str customer_id)
    form_section: FormSection           the queue's form for the interaction (loaded after rendered)
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.forms.client import ScreenFormClient
from desktop.interactions_hub import InteractionsHub
from desktop.screenpop.customer_card import CustomerCardView, plain_label
from desktop.screenpop.customer_form import CustomerFormDialog
from desktop.screenpop.failures import disposition_labeler
from desktop.screenpop.form_section import FormSection, form_context
from desktop.screenpop.new_customer import NewCustomerForm
from desktop.screenpop.search_dialog import CustomerSearchDialog
from desktop.screenpop.skeleton import SkeletonView
from desktop.screenpop.style import PANEL_QSS
from desktop.screenpop.timeline import TimelineView
from desktop.screenpop.transcript_dialog import TranscriptDialog
from desktop.tasks import spawn
from edge_server.contract.interactions import CustomerCard, CustomerChanged, CustomerView
from edge_server.contract.messages import TaskInfo

log = logging.getLogger("sb.ui")

#: The first page: what the edge sends with the card, and what fills a panel's height.
FIRST_PAGE = 20
#: Older pages fetched on scroll.
PAGE = 20
#: A merged-away card points at its survivor; follow at most this many hops (a loop is an edge bug).
_MAX_MERGE_HOPS = 3
#: What the timeline keeps when a form takes room under the card.
_MIN_TIMELINE_H = 160


def _wall_ms() -> int:
    return int(time.time() * 1000)


class ScreenPopPanel(QWidget):
    """Signals: rendered(customer_id) after the card and the first timeline page were painted;
    customer_linked(interaction_id, customer_id) when the agent created or picked the customer
    of an interaction here.
    """

    rendered = Signal(str)
    customer_linked = Signal(str, str)

    def __init__(
        self, hub: InteractionsHub, parent: QWidget | None = None, *, now_ms: Callable[[], int] = _wall_ms,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("screenpop_panel")
        self.setStyleSheet(PANEL_QSS)
        self._hub = hub
        self._task: TaskInfo | None = None
        self._gen = 0  # bumped by every show_task/clear: a load that finds it changed is stale
        self._customer_id = ""
        self._started = 0.0
        self._render_wait: tuple[int, str] | None = None
        self._painted: set[QObject] = set()
        #: Seconds from the last show_task to its rendered signal (for the bench and the log).
        self.last_render_s: float | None = None
        self.transcript_dialog: TranscriptDialog | None = None
        self.form_dialog: CustomerFormDialog | None = None
        self.search_dialog: CustomerSearchDialog | None = None

        self._title = plain_label(self, "screenpop_title")
        self.search_button = QPushButton(self)
        self.search_button.setObjectName("screenpop_search")
        self.search_button.clicked.connect(self._on_search_clicked)
        self.stack = QStackedWidget(self)
        self.empty_label = plain_label(self, "screenpop_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.skeleton = SkeletonView(self)
        self.card_view = CustomerCardView(hub, self)
        self.card_view.edit_requested.connect(self._on_edit_requested)
        self.card_view.customer_updated.connect(self._on_customer_updated)
        self.timeline = TimelineView(self, now_ms=now_ms)
        self.timeline.entry_activated.connect(self._on_entry_activated)
        self.timeline.more_requested.connect(self._on_more_requested)
        self._timeline_caption = plain_label(self, "timeline_caption")
        timeline_box = QWidget(self)
        tl = QVBoxLayout(timeline_box)
        tl.setContentsMargins(0, 4, 0, 0)
        tl.setSpacing(2)
        tl.addWidget(self._timeline_caption)
        tl.addWidget(self.timeline, 1)
        self.content = QSplitter(Qt.Orientation.Vertical, self)
        self.content.setObjectName("screenpop_content")
        self.content.setChildrenCollapsible(False)
        self.form_section = FormSection(ScreenFormClient(hub.session), self)
        self.form_section.loaded.connect(self._on_form_loaded)
        self.form_section.toggle.toggled.connect(self._on_form_toggled)
        self.content.addWidget(self.card_view)
        self.content.addWidget(self.form_section)
        self.content.addWidget(timeline_box)
        self.content.setStretchFactor(2, 1)
        self.form = NewCustomerForm(hub, self)
        self.form.customer_saved.connect(self._on_form_customer_saved)
        self.form.customer_linked.connect(self._on_form_customer_linked)
        for page in (self.empty_label, self.skeleton, self.content, self.form):
            self.stack.addWidget(page)

        head = QHBoxLayout()
        head.setContentsMargins(8, 6, 8, 0)
        head.addWidget(self._title, 1)
        head.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)

        self.card_view.name_label.installEventFilter(self)
        self.timeline.viewport().installEventFilter(self)
        hub.customer_changed.connect(self._on_customer_changed)
        # The form loads once the card is on screen: it must never hold up the screen-pop itself.
        self.rendered.connect(self._on_rendered)
        self._retranslate()
        self.stack.setCurrentWidget(self.empty_label)

    # --- public -------------------------------------------------------------------------

    @property
    def task(self) -> TaskInfo | None:
        return self._task

    @property
    def customer_id(self) -> str:
        """The customer shown (or being completed); "" while loading or for a new one."""
        return self._customer_id

    @property
    def card(self) -> CustomerCard | None:
        return self.card_view.card if self.stack.currentWidget() is self.content else None

    def page(self) -> str:
        """Which page shows: empty | loading | customer | form (for tests and the workspace)."""
        return {id(self.empty_label): "empty", id(self.skeleton): "loading", id(self.content): "customer",
                id(self.form): "form"}[id(self.stack.currentWidget())]

    def show_task(self, task: TaskInfo) -> None:
        """Show the customer of ``task``: the skeleton now, the data when it arrives."""
        self._gen += 1
        if self._task is None or task.interaction_id != self._task.interaction_id:
            self.form_section.clear()  # the same interaction again (offer, then accept) keeps what was typed
        self._task = task
        self._customer_id = ""
        self._render_wait = None
        self._started = time.perf_counter()
        self.timeline.set_loading(False)
        if not task.customer_id:
            self.form.start_create(task.interaction_id)
            self.stack.setCurrentWidget(self.form)
            return
        self.stack.setCurrentWidget(self.skeleton)
        spawn(self._load(self._gen, task.customer_id), name="screenpop-load")

    def clear(self) -> None:
        self._gen += 1
        self.form_section.clear()
        self._task = None
        self._customer_id = ""
        self._render_wait = None
        self.timeline.timeline_model.reset([], False)
        self.empty_label.setText(self._empty_text())
        self.stack.setCurrentWidget(self.empty_label)

    # --- Qt overrides ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._render_wait is not None:
            self._painted.add(watched)
            if len(self._painted) == 2:
                gen, customer_id = self._render_wait
                self._render_wait = None
                # The paint event is being delivered now; the frame is done once the event loop
                # comes back, so the signal is posted rather than emitted from inside the paint.
                QTimer.singleShot(0, lambda: self._emit_rendered(gen, customer_id))
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- slots ------------------------------------------------------------------------------

    def _on_customer_changed(self, change: CustomerChanged) -> None:
        card = change.card
        if self._task is None:
            return
        mine = self._task.interaction_id and self._task.interaction_id in change.interaction_ids
        if card.customer_id == self._customer_id:
            if card.merged_into:
                self._reload(card.merged_into)
            elif self.stack.currentWidget() is self.content:
                self.card_view.set_card(card)
        elif mine:
            # This interaction now belongs to another customer (linked, split off): follow it.
            self._reload(card.customer_id)

    def _on_customer_updated(self, card: CustomerCard) -> None:
        log.info("customer %s edited from the screen-pop", card.customer_id)

    def _on_rendered(self, _customer_id: str) -> None:
        task = self._task
        if task is None or not task.interaction_id:
            return
        context = form_context(task, self.card_view.card, self._agent_name())
        if self.form_section.interaction_id == task.interaction_id:
            self.form_section.update_context(context)  # the customer was reloaded: keep the typed values
        else:
            self.form_section.load(task.interaction_id, context)

    def _on_edit_requested(self) -> None:
        card = self.card_view.card
        if card is None:
            return
        self.form_dialog = CustomerFormDialog(self._hub, card, self)
        self.form_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.form_dialog.saved.connect(self._on_form_dialog_saved)
        self.form_dialog.open()

    def _on_form_dialog_saved(self, card: CustomerCard) -> None:
        if card.customer_id == self._customer_id:
            self.card_view.set_card(card)

    def _on_entry_activated(self, interaction_id: str) -> None:
        self.transcript_dialog = TranscriptDialog(self._hub, interaction_id, self)
        self.transcript_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.transcript_dialog.open()

    def _on_more_requested(self) -> None:
        model = self.timeline.timeline_model
        if self.timeline.loading or not model.has_more or not self._customer_id:
            return
        self.timeline.set_loading(True)
        spawn(self._load_more(self._gen, self._customer_id, model.oldest_ms()), name="screenpop-page")

    def _on_form_customer_saved(self, card: CustomerCard) -> None:
        self._reload(card.customer_id)

    def _on_form_customer_linked(self, interaction_id: str, customer_id: str) -> None:
        self.customer_linked.emit(interaction_id, customer_id)
        if self._task is not None and interaction_id == self._task.interaction_id:
            self._reload(customer_id)

    def _on_search_clicked(self) -> None:
        interaction_id = self._task.interaction_id if self._task is not None else ""
        self.search_dialog = CustomerSearchDialog(self._hub, self, interaction_id=interaction_id)
        self.search_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.search_dialog.customer_linked.connect(self._on_form_customer_linked)
        self.search_dialog.open()

    # --- internals --------------------------------------------------------------------------

    def _reload(self, customer_id: str) -> None:
        self._gen += 1
        self._started = time.perf_counter()
        self.stack.setCurrentWidget(self.skeleton)
        spawn(self._load(self._gen, customer_id), name="screenpop-load")

    async def _load(self, gen: int, customer_id: str) -> None:
        view: CustomerView | None = None
        for _hop in range(_MAX_MERGE_HOPS + 1):
            view = await self._hub.get_customer(customer_id, timeline_limit=FIRST_PAGE)
            if gen != self._gen:
                return  # superseded: a newer task (or clear) owns the panel now
            if view is None or not view.card.merged_into:
                break
            customer_id = view.card.merged_into
        if view is None:
            self.empty_label.setText(self.tr("The customer could not be loaded."))
            self.stack.setCurrentWidget(self.empty_label)
            return
        self._show_view(gen, view)

    def _show_view(self, gen: int, view: CustomerView) -> None:
        card = view.card
        current = self._task.interaction_id if self._task is not None else ""
        self._customer_id = card.customer_id
        model = self.timeline.timeline_model
        self.timeline.delegate.set_disposition_label(disposition_labeler(self._hub.session))
        model.reset(list(view.timeline), view.has_more, current)
        if not card.name and model.past_count() == 0:
            # Matched on an identity only (a first contact): ask for the rest instead of an empty card.
            self.form.start_complete(card, current)
            self.stack.setCurrentWidget(self.form)
            return
        self.card_view.set_card(card)
        self._painted = set()
        self._render_wait = (gen, card.customer_id)
        self.stack.setCurrentWidget(self.content)
        self.card_view.name_label.update()
        self.timeline.viewport().update()
        if not self.isVisible():
            # Nothing will be painted while hidden; the data is in place, which is all there is to wait for.
            self._render_wait = None
            QTimer.singleShot(0, lambda: self._emit_rendered(gen, card.customer_id))

    async def _load_more(self, gen: int, customer_id: str, before_ms: int) -> None:
        try:
            page = await self._hub.get_timeline(customer_id, before_ms=before_ms, limit=PAGE)
        finally:
            if gen == self._gen:
                self.timeline.set_loading(False)
        if gen != self._gen or page is None:
            return
        self.timeline.timeline_model.append_page(list(page.entries), page.has_more)

    def _emit_rendered(self, gen: int, customer_id: str) -> None:
        if gen != self._gen:
            return
        self.last_render_s = time.perf_counter() - self._started
        log.debug("screen-pop of %s rendered in %.1f ms", customer_id, self.last_render_s * 1000)
        self.rendered.emit(customer_id)

    def _on_form_loaded(self, shown: bool) -> None:
        if shown:
            self._fit_form()

    def _on_form_toggled(self, _expanded: bool) -> None:
        if not self.form_section.isHidden():
            self._fit_form()

    def _fit_form(self) -> None:
        # A splitter gives a pane that was hidden no room when it appears: make room for the form,
        # taken from the timeline (which scrolls), up to half of the panel.
        card, _form, timeline = self.content.sizes()
        total = card + _form + timeline
        want = min(self.form_section.preferred_height(), total // 2)
        want = max(min(want, total - card - _MIN_TIMELINE_H), 0)
        self.content.setSizes([card, want, total - card - want])

    def _agent_name(self) -> str:
        snapshot = self._hub.session.snapshot
        return snapshot.me.username if snapshot is not None else ""

    def _retranslate(self) -> None:
        self._title.setText(self.tr("Customer"))
        self.search_button.setText(self.tr("Find customer…"))
        self._timeline_caption.setText(self.tr("Interactions on every channel"))
        self.timeline.set_empty_text(self.tr("No earlier interactions"))
        if self.stack.currentWidget() is not self.empty_label or not self.empty_label.text():
            self.empty_label.setText(self._empty_text())

    def _empty_text(self) -> str:
        return self.tr("The customer of the selected interaction shows here.")
