"""One ringing offer: who, from which queue, how long it still rings, Accept / Decline."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from desktop.icons import channel_icon
from desktop.texts import channel_name, customer_name, localized_name
from edge_server.contract.messages import OfferMade

#: Shortcuts the main window binds application-wide; shown on the buttons' tooltips.
ACCEPT_KEYS = QKeySequence("Ctrl+Shift+A")
DECLINE_KEYS = QKeySequence("Ctrl+Shift+D")
#: Below this the countdown turns red: the agent has a few seconds left to react.
_URGENT_MS = 5000


class OfferToast(QFrame):
    """A frameless card; the owning stack ticks it with the edge-corrected clock.

    Its buttons never take keyboard focus, so an offer that appears (or is clicked)
    while the agent types elsewhere leaves the cursor where it was.
    """

    #: Accept was clicked: offer_id.
    accept_requested = Signal(int)
    #: Decline was clicked: offer_id.
    decline_requested = Signal(int)

    def __init__(self, offer: OfferMade, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offer_toast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._offer = offer
        self._busy = ""
        self._remaining_ms = offer.timeout_ms

        self.channel_label = QLabel(self)
        self.channel_label.setObjectName("offer_channel")
        self.channel_label.setFixedSize(QSize(32, 32))
        self.customer_label = QLabel(self)
        self.customer_label.setObjectName("offer_customer")
        self.priority_badge = QLabel(self)
        self.priority_badge.setObjectName("priority_badge")
        self.queue_label = QLabel(self)
        self.queue_label.setObjectName("offer_queue")
        self.subject_label = QLabel(self)
        self.subject_label.setObjectName("offer_subject")
        self.subject_label.setWordWrap(True)
        self.countdown = QProgressBar(self)
        self.countdown.setObjectName("offer_countdown")
        self.countdown.setTextVisible(False)
        self.countdown.setFixedHeight(6)
        self.seconds_label = QLabel(self)
        self.seconds_label.setObjectName("offer_seconds")
        self.seconds_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.accept_button = QPushButton(self)
        self.accept_button.setObjectName("offer_accept")
        self.decline_button = QPushButton(self)
        self.decline_button.setObjectName("offer_decline")
        for button in (self.accept_button, self.decline_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.accept_button.clicked.connect(self._on_accept_clicked)
        self.decline_button.clicked.connect(self._on_decline_clicked)

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.customer_label, 1)
        top.addWidget(self.priority_badge, 0, Qt.AlignmentFlag.AlignTop)
        timer_row = QHBoxLayout()
        timer_row.setSpacing(8)
        timer_row.addWidget(self.countdown, 1)
        timer_row.addWidget(self.seconds_label)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.accept_button, 1)
        buttons.addWidget(self.decline_button, 1)
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 10, 12, 12)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.addWidget(self.channel_label, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(top, 0, 1)
        grid.addWidget(self.queue_label, 1, 1)
        grid.addWidget(self.subject_label, 2, 1)
        grid.addLayout(timer_row, 3, 0, 1, 2)
        grid.addLayout(buttons, 4, 0, 1, 2)

        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(18)
        shadow.setOffset(0, 3)
        shadow.setColor(QColor(20, 30, 45, 90))
        self.setGraphicsEffect(shadow)
        self._show_offer()

    # --- public -----------------------------------------------------------------------

    @property
    def offer(self) -> OfferMade:
        return self._offer

    @property
    def offer_id(self) -> int:
        return self._offer.offer_id

    @property
    def busy(self) -> bool:
        """An answer was sent; the toast waits for the edge and no longer counts down to closing."""
        return bool(self._busy)

    @property
    def remaining_ms(self) -> int:
        return self._remaining_ms

    def update_offer(self, offer: OfferMade) -> None:
        """The same offer again (a snapshot after reconnect): take its newer details."""
        self._offer = offer
        self._show_offer()

    def tick(self, now_ms: int) -> int:
        """Recompute the countdown at ``now_ms`` (edge clock); returns the ms left."""
        self._remaining_ms = max(0, self._offer.expires_ms - now_ms)
        total = max(1, self._offer.timeout_ms, self._remaining_ms)
        self.countdown.setMaximum(total)
        self.countdown.setValue(self._remaining_ms)
        # Round up: "1 s" until the very end, never a "0 s" that still rings.
        seconds = -(-self._remaining_ms // 1000)
        self.seconds_label.setText(self.tr("{seconds} s").format(seconds=seconds))
        urgent = self._remaining_ms < _URGENT_MS
        if self.countdown.property("urgent") != urgent:
            self.countdown.setProperty("urgent", urgent)
            self.countdown.style().unpolish(self.countdown)
            self.countdown.style().polish(self.countdown)
        return self._remaining_ms

    def set_busy(self, text: str) -> None:
        """Show that an answer is on its way; both buttons stop taking clicks."""
        self._busy = text
        self.accept_button.setEnabled(False)
        self.decline_button.setEnabled(False)
        self.seconds_label.setText(text)

    # --- Qt overrides -------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._show_offer()
        super().changeEvent(event)

    # --- slots ----------------------------------------------------------------------------

    def _on_accept_clicked(self) -> None:
        if not self._busy:
            self.accept_requested.emit(self._offer.offer_id)

    def _on_decline_clicked(self) -> None:
        if not self._busy:
            self.decline_requested.emit(self._offer.offer_id)

    # --- internals ------------------------------------------------------------------------

    def _show_offer(self) -> None:
        task = self._offer.task
        self.channel_label.setPixmap(channel_icon(task.channel).pixmap(QSize(32, 32)))
        self.channel_label.setToolTip(channel_name(task.channel))
        self.customer_label.setText(customer_name(task.customer_name))
        queue = localized_name(task.queue_name_en, task.queue_name_zh, task.queue)
        self.queue_label.setText(
            self.tr("{queue} · {channel}").format(queue=queue, channel=channel_name(task.channel))
        )
        self.subject_label.setText(task.subject)
        self.subject_label.setVisible(bool(task.subject))
        self.priority_badge.setText(self.tr("VIP"))
        self.priority_badge.setToolTip(self.tr("Priority {priority}").format(priority=task.priority))
        self.priority_badge.setVisible(task.priority > 0)
        self.accept_button.setText(self.tr("Accept"))
        self.accept_button.setToolTip(
            self.tr("Accept ({keys})").format(keys=ACCEPT_KEYS.toString(QKeySequence.SequenceFormat.NativeText))
        )
        self.decline_button.setText(self.tr("Decline"))
        self.decline_button.setToolTip(
            self.tr("Decline ({keys})").format(keys=DECLINE_KEYS.toString(QKeySequence.SequenceFormat.NativeText))
        )
        self.setAccessibleName(
            self.tr("Offer: {customer}, {queue}").format(customer=self.customer_label.text(), queue=queue)
        )
        if self._busy:
            self.seconds_label.setText(self._busy)
