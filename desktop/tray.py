"""The system-tray icon showing the agent's state, when the platform has a tray."""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop.icons import tray_icon
from desktop.texts import state_with_reason
from edge_server.contract.messages import AgentState

log = logging.getLogger("sb.ui")


class TrayIcon(QObject):
    """Wraps QSystemTrayIcon; create it with :meth:`create`, which returns None without a tray."""

    #: The user asked to bring the main window up.
    show_requested = Signal()
    #: The user chose Quit from the tray menu.
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tray = QSystemTrayIcon(self)
        self._menu = QMenu()
        self._show_action = QAction(self)
        self._show_action.triggered.connect(self.show_requested)
        self._quit_action = QAction(self)
        self._quit_action.triggered.connect(self.quit_requested)
        self._menu.addAction(self._show_action)
        self._menu.addSeparator()
        self._menu.addAction(self._quit_action)
        self._tray.setContextMenu(self._menu)
        self._tray.activated.connect(self._on_activated)
        self._state = AgentState.LOGGED_OUT
        self._reason = ""
        self.retranslate()
        self._tray.show()

    @classmethod
    def create(cls, parent: QObject | None = None) -> TrayIcon | None:
        # Offscreen and many minimal desktops have no tray; asking for one would only warn.
        if not QSystemTrayIcon.isSystemTrayAvailable():
            log.info("no system tray on this platform; the tray icon is skipped")
            return None
        return cls(parent)

    def show_state(self, state: AgentState, reason_label: str = "") -> None:
        self._state = state
        self._reason = reason_label
        self.retranslate()

    def retranslate(self) -> None:
        self._tray.setIcon(tray_icon(self._state))
        self._tray.setToolTip(f"Switchboard — {state_with_reason(self._state, self._reason)}")
        self._show_action.setText(self.tr("Show Switchboard"))
        self._quit_action.setText(self.tr("Quit"))

    def hide(self) -> None:
        self._tray.hide()
        self._menu.deleteLater()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_requested.emit()
