"""Another agent asks this one into a chat (consult or conference): the offer toast's look, Accept / Decline."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QGraphicsDropShadowEffect, QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.icons import channel_icon
from desktop.texts import channel_name, customer_name
from edge_server.contract.interactions import InteractionInvite, ParticipantRole


class InviteToast(QFrame):
    """Signals: answered(str interaction_id, bool accept)."""

    answered = Signal(str, bool)

    def __init__(self, invite: InteractionInvite, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offer_toast")  # the same card as an offer (QSS)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.invite = invite
        self.busy = False
        self.channel_label = QLabel(self)
        self.channel_label.setFixedSize(QSize(32, 32))
        self.customer_label = QLabel(self)
        self.customer_label.setObjectName("offer_customer")
        self.from_label = QLabel(self)
        self.from_label.setObjectName("offer_queue")
        self.from_label.setWordWrap(True)
        self.note_label = QLabel(self)
        self.note_label.setObjectName("offer_subject")
        self.note_label.setWordWrap(True)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)  # another agent's words, shown as typed
        self.accept_button = QPushButton(self)
        self.accept_button.setObjectName("offer_accept")
        self.decline_button = QPushButton(self)
        self.decline_button.setObjectName("offer_decline")
        for button, accept in ((self.accept_button, True), (self.decline_button, False)):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, a=accept: self._answer(a))
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button, 1)
        buttons.addWidget(self.decline_button, 1)
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 10, 12, 12)
        grid.setHorizontalSpacing(10)
        grid.addWidget(self.channel_label, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.customer_label, 0, 1)
        grid.addWidget(self.from_label, 1, 1)
        grid.addWidget(self.note_label, 2, 1)
        grid.addLayout(buttons, 3, 0, 1, 2)
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(18)
        shadow.setOffset(0, 3)
        shadow.setColor(QColor(20, 30, 45, 90))
        self.setGraphicsEffect(shadow)
        self._show()

    @property
    def interaction_id(self) -> str:
        return self.invite.interaction_id

    def set_busy(self) -> None:
        self.busy = True
        self.accept_button.setEnabled(False)
        self.decline_button.setEnabled(False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._show()
        super().changeEvent(event)

    def _answer(self, accept: bool) -> None:
        if not self.busy:
            self.answered.emit(self.invite.interaction_id, accept)

    def _show(self) -> None:
        inv = self.invite
        info = inv.info
        channel = str(info.channel) if info is not None else "chat"
        self.channel_label.setPixmap(channel_icon(channel).pixmap(QSize(32, 32)))
        self.channel_label.setToolTip(channel_name(channel))
        self.customer_label.setText(customer_name(info.customer_name if info is not None else ""))
        who = inv.from_name or inv.from_agent
        if inv.mode == ParticipantRole.CONFERENCE:
            self.from_label.setText(self.tr("{agent} invites you to a conference").format(agent=who))
        else:
            self.from_label.setText(self.tr("{agent} asks you to consult").format(agent=who))
        self.note_label.setText(inv.note)
        self.note_label.setVisible(bool(inv.note))
        self.accept_button.setText(self.tr("Join"))
        self.decline_button.setText(self.tr("Decline"))
        self.setAccessibleName(self.from_label.text())
