"""The ringing offers, stacked at the main window's top-right, fed by the session.

A child widget of the main window rather than a top-level popup: it never takes
focus from what the agent is typing, needs no window manager (works offscreen and
over remote desktops), and moves with the window.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.tasks import spawn
from desktop.texts import customer_name, rescind_reason
from desktop.workspace.invite_toast import InviteToast
from desktop.workspace.offer_toast import OfferToast
from edge_server.contract.interactions import InteractionInvite
from edge_server.contract.messages import OfferMade, OfferRescinded, Snapshot, TaskAssigned

if TYPE_CHECKING:
    from desktop.interactions_hub import InteractionsHub
    from desktop.session import EdgeSession

log = logging.getLogger("sb.ui")

_WIDTH = 360
_MARGIN = 12


class OfferStack(QWidget):
    """Every offer ringing at this agent, oldest on top; Ctrl+Shift+A/D act on the top one."""

    #: A line for the status bar (an offer withdrawn or run out).
    notice_posted = Signal(str)
    #: An offer's card went away for any reason (answered, withdrawn, run out): offer_id.
    offer_closed = Signal(int)
    #: An invite was accepted and the edge sent the interaction: InteractionDetail.
    invite_joined = Signal(object)

    def __init__(
        self,
        session: EdgeSession,
        *,
        now_ms: Callable[[], int],
        anchor: QWidget,
        tick_ms: int = 200,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("offer_stack")
        self._session = session
        self._now_ms = now_ms
        self._anchor = anchor
        self._toasts: dict[int, OfferToast] = {}
        self._invites: dict[str, InviteToast] = {}
        self._hub: InteractionsHub | None = None
        self._layout = QVBoxLayout(self)
        # Room around the cards for their drop shadows.
        self._layout.setContentsMargins(8, 4, 8, 10)
        self._layout.setSpacing(10)
        self._tick = QTimer(self)
        self._tick.setObjectName("offer_tick")
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)
        anchor.installEventFilter(self)
        parent.installEventFilter(self)
        self.hide()

        session.offer_received.connect(self._on_offer_received)
        session.offer_rescinded.connect(self._on_offer_rescinded)
        session.task_assigned.connect(self._on_task_assigned)
        session.logged_in.connect(self._on_snapshot)
        session.snapshot_refreshed.connect(self._on_snapshot)
        session.logged_out.connect(self.clear)
        session.kicked.connect(self.clear)
        session.session_lost.connect(self.clear)

    # --- public -------------------------------------------------------------------------

    def toasts(self) -> list[OfferToast]:
        """The shown toasts, top to bottom."""
        return list(self._toasts.values())

    def toast_for(self, offer_id: int) -> OfferToast | None:
        return self._toasts.get(offer_id)

    def accept_first(self) -> bool:
        """Accept the oldest offer not already answered (the hotkey); False if there is none."""
        toast = self._first_open()
        if toast is None:
            return False
        self._on_accept_requested(toast.offer_id)
        return True

    def decline_first(self) -> bool:
        toast = self._first_open()
        if toast is None:
            return False
        self._on_decline_requested(toast.offer_id)
        return True

    def clear(self) -> None:
        for offer_id in list(self._toasts):
            self._close(offer_id)
        for interaction_id in list(self._invites):
            self._close_invite(interaction_id)

    def set_hub(self, hub: InteractionsHub) -> None:
        """Invites come and are answered through the hub."""
        self._hub = hub

    def invites(self) -> list[InviteToast]:
        return list(self._invites.values())

    def show_invite(self, invite: InteractionInvite) -> InviteToast:
        toast = self._invites.get(invite.interaction_id)
        if toast is not None:
            return toast
        toast = InviteToast(invite, self)
        toast.answered.connect(self._on_invite_answered)
        self._invites[invite.interaction_id] = toast
        self._layout.addWidget(toast)
        toast.show()
        self._place()
        return toast

    # --- Qt overrides ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move) and (self._toasts or self._invites):
            self._place()
        return False

    # --- session slots --------------------------------------------------------------------

    def _on_offer_received(self, offer: OfferMade) -> None:
        toast = self._toasts.get(offer.offer_id)
        if toast is not None:
            toast.update_offer(offer)
            return
        if offer.expires_ms <= self._now_ms():
            # A snapshot can carry an offer that ran out while we reconnected.
            log.info("offer %d already expired; not shown", offer.offer_id)
            return
        toast = OfferToast(offer, self)
        toast.accept_requested.connect(self._on_accept_requested)
        toast.decline_requested.connect(self._on_decline_requested)
        toast.tick(self._now_ms())
        self._toasts[offer.offer_id] = toast
        self._layout.addWidget(toast)
        toast.show()  # now, not when the layout gets to it: the stack's height counts it
        if not self._tick.isActive():
            self._tick.start()
        self._place()

    def _on_offer_rescinded(self, rescinded: OfferRescinded) -> None:
        toast = self._toasts.get(rescinded.offer_id)
        if toast is None:
            return  # answered or run out here already; nothing left to tell
        self._close(rescinded.offer_id)
        self.notice_posted.emit(
            self.tr("Offer withdrawn: {customer} – {reason}").format(
                customer=customer_name(toast.offer.task.customer_name),
                reason=rescind_reason(rescinded.reason),
            )
        )

    def _on_task_assigned(self, assigned: TaskAssigned) -> None:
        for offer_id, toast in list(self._toasts.items()):
            if offer_id == assigned.offer_id or toast.offer.task.task_id == assigned.task.task_id:
                self._close(offer_id)

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        # The snapshot is the truth: what it does not list stopped ringing while we were away.
        ringing = {o.offer_id for o in snapshot.offers}
        for offer_id in list(self._toasts):
            if offer_id not in ringing:
                self._close(offer_id)

    # --- toast slots ------------------------------------------------------------------------

    def _on_accept_requested(self, offer_id: int) -> None:
        toast = self._toasts.get(offer_id)
        if toast is None or toast.busy:
            return
        toast.set_busy(self.tr("Accepting…"))
        spawn(self._accept(toast.offer), name=f"accept-offer-{offer_id}")

    def _on_decline_requested(self, offer_id: int) -> None:
        toast = self._toasts.get(offer_id)
        if toast is None or toast.busy:
            return
        # Closed at once: the agent said no, and waiting on the edge would only delay them.
        self._close(offer_id)
        spawn(self._session.decline_offer(toast.offer, ""), name=f"decline-offer-{offer_id}")

    def _on_tick(self) -> None:
        now = self._now_ms()
        for offer_id, toast in list(self._toasts.items()):
            if toast.tick(now) <= 0 and not toast.busy:
                # The edge times the offer out itself; a decline now would only race it.
                self._close(offer_id)
                self.notice_posted.emit(
                    self.tr("The offer from {customer} was not answered in time.").format(
                        customer=customer_name(toast.offer.task.customer_name)
                    )
                )

    def _on_invite_answered(self, interaction_id: str, accept: bool) -> None:
        toast = self._invites.get(interaction_id)
        if toast is None or toast.busy or self._hub is None:
            return
        toast.set_busy()
        spawn(self._answer_invite(interaction_id, accept), name=f"answer-invite-{interaction_id}")

    # --- internals --------------------------------------------------------------------------

    async def _answer_invite(self, interaction_id: str, accept: bool) -> None:
        assert self._hub is not None
        detail = await self._hub.answer_invite(interaction_id, accept)
        self._close_invite(interaction_id)
        if accept and detail is not None:
            self.invite_joined.emit(detail)

    def _close_invite(self, interaction_id: str) -> None:
        toast = self._invites.pop(interaction_id, None)
        if toast is None:
            return
        self._layout.removeWidget(toast)
        toast.hide()
        toast.deleteLater()
        self._place()

    async def _accept(self, offer: OfferMade) -> None:
        await self._session.accept_offer(offer)
        # On success task_assigned closed it already; on failure command_failed says why.
        self._close(offer.offer_id)

    def _first_open(self) -> OfferToast | None:
        return next((t for t in self._toasts.values() if not t.busy), None)

    def _close(self, offer_id: int) -> None:
        toast = self._toasts.pop(offer_id, None)
        if toast is None:
            return
        self._layout.removeWidget(toast)
        toast.hide()
        toast.deleteLater()
        if not self._toasts:
            self._tick.stop()
        self._place()
        self.offer_closed.emit(offer_id)

    def _place(self) -> None:
        """Top-right of the anchor (the workspace), above every sibling."""
        if not self._toasts and not self._invites:
            self.hide()
            return
        self._layout.activate()
        # Word-wrapped subjects make the height depend on the width: ask for exactly ours.
        if self._layout.hasHeightForWidth():
            height = self._layout.totalHeightForWidth(_WIDTH)
        else:
            height = self._layout.totalSizeHint().height()
        parent = self.parentWidget()
        assert parent is not None
        top_right = self._anchor.mapTo(parent, QPoint(self._anchor.width(), 0))
        x = max(0, top_right.x() - _WIDTH - _MARGIN + 8)
        y = top_right.y() + _MARGIN - 4
        self.setGeometry(x, y, _WIDTH, height)
        self.show()
        self.raise_()
