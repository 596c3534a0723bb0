"""The agent's own state: a button showing it, whose menu asks for another."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from desktop.icons import state_icon
from desktop.reasons import ReasonCatalog
from desktop.texts import state_name, state_with_reason
from edge_server.contract.messages import AgentState, AgentStatus, ReasonKind


class StateControl(QToolButton):
    """Ready / Not Ready ▸ reason / After-Call Work.

    The button shows only what the edge confirmed; picking an entry emits
    ``state_requested`` and the caller sends it. Nothing changes until the edge answers.
    """

    #: The agent picked a state: (AgentState, reason code or "").
    state_requested = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("state_button")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._reasons = ReasonCatalog()
        self._status: AgentStatus | None = None
        self._menu = QMenu(self)
        self._menu.setObjectName("state_menu")
        self._group = QActionGroup(self)
        self._group.setExclusive(True)
        self.setMenu(self._menu)
        self._rebuild_menu()
        self._show()

    @property
    def status(self) -> AgentStatus | None:
        return self._status

    def set_reasons(self, reasons: ReasonCatalog) -> None:
        self._reasons = reasons
        self._rebuild_menu()
        self._show()

    def show_status(self, status: AgentStatus | None) -> None:
        self._status = status
        self._show()

    def menu_actions(self) -> list[QAction]:
        """Every pickable entry, submenus flattened (for keyboard shortcuts and tests)."""
        return list(self._group.actions())

    # --- Qt overrides ---------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._rebuild_menu()
            self._show()
        super().changeEvent(event)

    # --- internals ------------------------------------------------------------------

    def _rebuild_menu(self) -> None:
        for action in self._group.actions():
            self._group.removeAction(action)
        self._menu.clear()
        for sub in self._menu.findChildren(QMenu):
            sub.setObjectName("")  # so findChild never returns one that is on its way out
            sub.deleteLater()

        self._add(self._menu, "action_ready", state_name(AgentState.READY), AgentState.READY, "")
        not_ready = self._reasons.of_kind(ReasonKind.NOT_READY)
        if not_ready:
            sub = self._menu.addMenu(state_icon(AgentState.NOT_READY), state_name(AgentState.NOT_READY))
            sub.setObjectName("not_ready_menu")
            for rc in not_ready:
                self._add(
                    sub, f"action_not_ready_{rc.code}", self._reasons.label(rc.code),
                    AgentState.NOT_READY, rc.code,
                )
        else:
            self._add(
                self._menu, "action_not_ready", state_name(AgentState.NOT_READY),
                AgentState.NOT_READY, "",
            )
        self._add(self._menu, "action_acw", state_name(AgentState.ACW), AgentState.ACW, "")
        self._check_current()

    def _add(self, menu: QMenu, name: str, text: str, state: AgentState, reason: str) -> None:
        action = menu.addAction(state_icon(state), text)
        action.setObjectName(name)
        action.setCheckable(True)
        action.setData((state.value, reason))
        self._group.addAction(action)
        action.triggered.connect(lambda _checked=False, s=state, r=reason: self._on_picked(s, r))

    def _on_picked(self, state: AgentState, reason: str) -> None:
        # Re-check what the edge confirmed: the pick is only a request.
        self._check_current()
        self.state_requested.emit(state, reason)

    def _check_current(self) -> None:
        current = (
            (self._status.state.value, self._status.reason) if self._status is not None else None
        )
        for action in self._group.actions():
            action.setChecked(action.data() == current)

    def _show(self) -> None:
        status = self._status
        state = status.state if status is not None else AgentState.LOGGED_OUT
        reason = self._reasons.label(status.reason) if status is not None else ""
        self.setText(state_with_reason(state, reason))
        self.setIcon(state_icon(state))
        self.setToolTip(self.tr("Your state. Click to change it."))
        self.setAccessibleName(self.text())
        self.setAccessibleDescription(self.toolTip())
        self.setProperty("agent_state", state.value)
        # Re-apply the stylesheet: property selectors are not re-evaluated on their own.
        self.style().unpolish(self)
        self.style().polish(self)
        self._check_current()
