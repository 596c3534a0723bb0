"""The agent's main window: who and what state, the link, the workspace, the team view."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import settings as S
from desktop.banner import NoticeBanner
from desktop.clock import ServerClock
from desktop.connection_indicator import ConnectionIndicator
from desktop.i18n import LANGUAGES
from desktop.icons import app_icon
from desktop.reasons import ReasonCatalog
from desktop.settings import Settings
from desktop.state_control import StateControl
from desktop.state_timer import StateTimer
from desktop.supervisor.agent_board import AgentBoard
from desktop.supervisor.queue_board import QueueBoard
from desktop.tasks import spawn
from desktop.texts import LINK_CLOSED, LINK_UP, command_name
from desktop.tray import TrayIcon
from desktop.i18n import ui_is_chinese
from desktop.interactions_hub import InteractionsHub
from desktop.workspace.area import WorkspaceArea, screenpop_panel_class
from desktop.workspace.command_palette import CommandPalette
from desktop.workspace.conversations import ConversationStore
from desktop.workspace.offer_stack import OfferStack
from desktop.workspace.offer_toast import ACCEPT_KEYS, DECLINE_KEYS
from desktop.workspace.palette_commands import PALETTE_KEYS, workspace_commands
from desktop.workspace.work_list import WorkList
from desktop.workspace.work_model import WorkItem
from edge_server.contract.messages import (
    REASON_DISCONNECTED,
    AgentState,
    AgentStatus,
    OfferMade,
    Role,
    Snapshot,
)

if TYPE_CHECKING:
    from desktop.session import EdgeSession

log = logging.getLogger("sb.ui")

_STATUS_TIMEOUT_MS = 8000


class MainWindow(QMainWindow):
    """Observes the session's signals; commands go back to it as background tasks."""

    #: The agent chose Log out.
    logout_requested = Signal()
    #: The agent closed the window or chose Quit.
    quit_requested = Signal()
    #: The agent picked a UI language ("" follows the system).
    language_chosen = Signal(str)

    def __init__(
        self,
        session: EdgeSession,
        settings: Settings,
        *,
        now_ms: Callable[[], int] | None = None,
        tick_ms: int = 1000,
        use_tray: bool = True,
        hub: InteractionsHub | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowIcon(app_icon())
        self._session = session
        self._settings = settings
        self._now_ms = now_ms or ServerClock().now_ms
        self._tick_ms = tick_ms
        self._reasons = ReasonCatalog()
        self._snapshot: Snapshot | None = None
        self._status: AgentStatus | None = None
        self._link = LINK_CLOSED
        self._board: AgentBoard | None = None
        self._queue_board: QueueBoard | None = None
        self._tabs: QTabWidget | None = None
        self._dock: QDockWidget | None = None

        # Header: who, which state since when, and whether the edge hears us.
        self._header = QWidget(self)
        self._header.setObjectName("header")
        self.name_label = QLabel(self._header)
        self.name_label.setObjectName("agent_name")
        self.role_label = QLabel(self._header)
        self.role_label.setObjectName("agent_role")
        self.state_control = StateControl(self._header)
        self.state_control.setEnabled(False)
        self.state_timer = StateTimer(self._now_ms, tick_ms=tick_ms, parent=self._header)
        self.connection = ConnectionIndicator(self._header)
        who = QVBoxLayout()
        who.setSpacing(0)
        who.addWidget(self.name_label)
        who.addWidget(self.role_label)
        header_layout = QHBoxLayout(self._header)
        header_layout.setContentsMargins(12, 8, 12, 8)
        header_layout.setSpacing(12)
        header_layout.addLayout(who)
        header_layout.addSpacing(16)
        header_layout.addWidget(self.state_control)
        header_layout.addWidget(self.state_timer)
        header_layout.addStretch(1)
        header_layout.addWidget(self.connection)

        self.disconnect_banner = NoticeBanner("disconnect_banner", self)
        # app.py builds the one hub; a window built alone (tests, tools) makes its own.
        self.hub = hub if hub is not None else InteractionsHub(session, self)  # type: ignore[arg-type]
        self.conversations = ConversationStore(self.hub, now_ms=self._now_ms, parent=self)
        self.work_list = WorkList(session, now_ms=self._now_ms, tick_ms=tick_ms, store=self.conversations)
        panel_class = screenpop_panel_class()
        self.screenpop = panel_class(self.hub, self) if panel_class is not None else None
        self.workspace = WorkspaceArea(self.work_list, self, screenpop=self.screenpop)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._header)
        banner_box = QVBoxLayout()
        banner_box.setContentsMargins(12, 8, 12, 0)
        banner_box.addWidget(self.disconnect_banner)
        layout.addLayout(banner_box)
        layout.addWidget(self.workspace, 1)
        self.setCentralWidget(central)

        self._edge_label = QLabel(self)
        self._edge_label.setObjectName("edge_label")
        self.statusBar().addPermanentWidget(self._edge_label)

        # After the central widget: the stack floats above it (a later sibling is drawn on top).
        # Anchored on the centre pane, so a ringing offer never hides its own screen-pop on the right.
        self.offers = OfferStack(session, now_ms=self._now_ms, anchor=self.workspace.stack, parent=self)
        self.offers.notice_posted.connect(self._on_notice_posted)
        self.offers.set_hub(self.hub)
        self.offers.offer_closed.connect(self._on_offer_closed)
        self.offers.invite_joined.connect(self.work_list.join)
        self.conversations.invite_received.connect(self.offers.show_invite)
        self.work_list.notice_posted.connect(self._on_notice_posted)
        self.work_list.current_changed.connect(self._on_current_changed)
        session.offer_received.connect(self._on_offer_received)
        self.palette = CommandPalette(lambda: workspace_commands(self), self)
        self._palette_shortcut = QShortcut(PALETTE_KEYS, self)
        self._palette_shortcut.setObjectName("palette_shortcut")
        self._palette_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self._palette_shortcut.activated.connect(self.palette.open)
        # Application-wide: an offer is answered from wherever the agent's focus is.
        self._accept_shortcut = QShortcut(ACCEPT_KEYS, self)
        self._accept_shortcut.setObjectName("accept_offer_shortcut")
        self._accept_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self._accept_shortcut.activated.connect(self.offers.accept_first)
        self._decline_shortcut = QShortcut(DECLINE_KEYS, self)
        self._decline_shortcut.setObjectName("decline_offer_shortcut")
        self._decline_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self._decline_shortcut.activated.connect(self.offers.decline_first)

        self._build_menus()
        self._tray = TrayIcon.create(self) if use_tray else None
        if self._tray is not None:
            self._tray.show_requested.connect(self._on_tray_show_requested)
            self._tray.quit_requested.connect(self.quit_requested)

        self.state_control.state_requested.connect(self._on_state_requested)
        session.logged_in.connect(self._on_logged_in)
        session.state_changed.connect(self._on_state_changed)
        session.link_state_changed.connect(self._on_link_state_changed)
        session.session_lost.connect(self._on_session_lost)
        session.kicked.connect(self._on_kicked)
        session.command_failed.connect(self._on_command_failed)
        session.snapshot_refreshed.connect(self._on_snapshot_refreshed)
        session.logged_out.connect(self._on_logged_out)

        self._retranslate()
        self.resize(980, 640)
        geometry = settings.get(S.WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))

    # --- public ------------------------------------------------------------------------

    @property
    def board(self) -> AgentBoard | None:
        """The supervisor's agent board, once a supervisor or admin logged in."""
        return self._board

    @property
    def queue_board(self) -> QueueBoard | None:
        """The supervisor's queue table (second tab next to the agent board)."""
        return self._queue_board

    @property
    def supervisor_tabs(self) -> QTabWidget | None:
        return self._tabs

    @property
    def supervisor_dock(self) -> QDockWidget | None:
        return self._dock

    def status_message(self) -> str:
        return self.statusBar().currentMessage()

    def save_layout(self) -> None:
        self._settings.set(S.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self._settings.set(S.WINDOW_STATE, bytes(self.saveState().data()))

    def set_language_checked(self, language: str) -> None:
        for action in self._language_group.actions():
            action.setChecked(action.data() == language)

    def hide_tray(self) -> None:
        if self._tray is not None:
            self._tray.hide()
            self._tray = None

    # --- Qt overrides -------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.quit_requested.emit()
        event.accept()

    # --- session slots ----------------------------------------------------------------------

    def _on_logged_in(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._set_reasons(ReasonCatalog(snapshot.reason_codes))
        self._edge_label.setText(self._session.edge)
        # The link may have come up before the login answer: ask the session, not our copy.
        self._link = self._session.link_state
        self.connection.set_link(self._link)
        self.state_control.setEnabled(self._link == LINK_UP)
        if snapshot.role.allows(Role.SUPERVISOR):
            self._ensure_board().refresh()
            if self._queue_board is not None:
                self._queue_board.refresh()
        else:
            self._drop_board()
        self._on_state_changed(snapshot.me)
        self._retranslate()
        self.statusBar().showMessage(
            self.tr("Logged in as {name}.").format(name=snapshot.me.display_name), _STATUS_TIMEOUT_MS
        )

    def _on_state_changed(self, status: AgentStatus) -> None:
        self._status = status
        self.state_control.show_status(status)
        self.state_timer.set_since(status.since_ms)
        self._update_banner()
        self._update_tray()

    def _on_link_state_changed(self, link: str) -> None:
        previous, self._link = self._link, link
        self.connection.set_link(link)
        self.state_control.setEnabled(link == LINK_UP and self._snapshot is not None)
        if link == "reconnecting":
            self.statusBar().showMessage(
                self.tr("Connection lost; reconnecting to the edge server…")
            )
        elif link == LINK_UP and previous == "reconnecting":
            self.statusBar().showMessage(self.tr("Connection restored."), _STATUS_TIMEOUT_MS)

    def _on_session_lost(self, message: str) -> None:
        self._snapshot = None
        self.connection.set_link(LINK_CLOSED, message)
        self.state_control.setEnabled(False)
        self.statusBar().showMessage(message)

    def _on_kicked(self, reason: str) -> None:
        self._snapshot = None
        self.connection.set_link(LINK_CLOSED, reason)
        self.state_control.setEnabled(False)
        self.statusBar().showMessage(self.tr("You were logged out by the edge server: {reason}").format(reason=reason))

    def _on_command_failed(self, command: str, message: str) -> None:
        self.statusBar().showMessage(
            self.tr("{what} failed: {why}").format(what=command_name(command), why=message),
            _STATUS_TIMEOUT_MS,
        )

    def _on_snapshot_refreshed(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._set_reasons(ReasonCatalog(snapshot.reason_codes))

    def _on_notice_posted(self, text: str) -> None:
        self.statusBar().showMessage(text, _STATUS_TIMEOUT_MS)

    # --- screen-pop: the ringing offer first, else the selected interaction ---------------------

    def _on_offer_received(self, offer: OfferMade) -> None:
        if self.screenpop is not None and self.offers.toast_for(offer.offer_id) is not None:
            self.screenpop.show_task(offer.task)

    def _on_offer_closed(self, offer_id: int) -> None:
        self.work_list.offer_closed(offer_id)
        toasts = self.offers.toasts()
        if self.screenpop is None:
            return
        if toasts:
            self.screenpop.show_task(toasts[-1].offer.task)
        else:
            self._on_current_changed(self.work_list.current_item())

    def _on_current_changed(self, item: WorkItem | None) -> None:
        if self.screenpop is None or self.offers.toasts():
            return  # a ringing offer keeps the screen-pop until it is answered
        if item is None:
            self.screenpop.clear()
        else:
            self.screenpop.show_task(item.task)

    def session_logged_in(self) -> bool:
        return self._snapshot is not None

    def toggle_language(self) -> None:
        """English <-> Chinese (the palette's command)."""
        self.language_chosen.emit("en" if ui_is_chinese() else "zh_CN")

    def request_state(self, state: AgentState, reason: str = "") -> None:
        self._on_state_requested(state, reason)

    @property
    def reasons(self) -> ReasonCatalog:
        return self._reasons

    def _on_logged_out(self) -> None:
        self._snapshot = None
        self._status = None
        self.state_control.show_status(None)
        self.state_control.setEnabled(False)
        self.state_timer.set_since(0)
        self.disconnect_banner.clear()
        self._drop_board()
        self._update_tray()
        self._retranslate()

    # --- widget slots ------------------------------------------------------------------------

    def _on_state_requested(self, state: AgentState, reason: str) -> None:
        log.info("agent asks for %s %s", state, reason)
        spawn(self._session.set_state(state, reason), name=f"set-state-{state}")

    def _on_tray_show_requested(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _on_language_triggered(self, action: QAction) -> None:
        self.language_chosen.emit(str(action.data()))

    # --- internals ------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        self._app_menu = QMenu(self)
        self._app_menu.setObjectName("app_menu")
        self.menuBar().addMenu(self._app_menu)
        self._language_menu = QMenu(self._app_menu)
        self._language_menu.setObjectName("language_menu")
        self._app_menu.addMenu(self._language_menu)
        self._language_group = QActionGroup(self)
        self._language_group.setExclusive(True)
        self._system_language = QAction(self._language_menu)
        self._system_language.setData("")
        for action, name in [(self._system_language, "language_system")] + [
            (QAction(text, self._language_menu), f"language_{code}") for code, text in LANGUAGES.items()
        ]:
            action.setObjectName(name)
            if action.data() is None:
                action.setData(name.removeprefix("language_"))
            action.setCheckable(True)
            self._language_group.addAction(action)
            self._language_menu.addAction(action)
        self._language_group.triggered.connect(self._on_language_triggered)
        self._app_menu.addSeparator()
        self._logout_action = self._app_menu.addAction("")
        self._logout_action.setObjectName("logout_action")
        self._logout_action.triggered.connect(self.logout_requested)
        self._quit_action = self._app_menu.addAction("")
        self._quit_action.setObjectName("quit_action")
        self._quit_action.triggered.connect(self.quit_requested)
        self._view_menu = QMenu(self)
        self._view_menu.setObjectName("view_menu")
        self._view_menu.menuAction().setVisible(False)
        self.menuBar().addMenu(self._view_menu)

    def _retranslate(self) -> None:
        name = self._status.display_name if self._status else ""
        self.setWindowTitle(self.tr("Switchboard – {name}").format(name=name) if name else "Switchboard")
        self.name_label.setText(name or self.tr("Not logged in"))
        self.role_label.setText(self._role_text())
        self._app_menu.setTitle(self.tr("&Switchboard"))
        self._language_menu.setTitle(self.tr("&Language"))
        self._system_language.setText(self.tr("System default"))
        self._logout_action.setText(self.tr("Log &out"))
        self._quit_action.setText(self.tr("&Quit"))
        self._view_menu.setTitle(self.tr("&View"))
        if self._dock is not None:
            self._dock.setWindowTitle(self.tr("Team"))
        if self._tabs is not None and self._board is not None and self._queue_board is not None:
            self._tabs.setTabText(self._tabs.indexOf(self._board), self.tr("Agents"))
            self._tabs.setTabText(self._tabs.indexOf(self._queue_board), self.tr("Queues"))
        self._update_banner()
        self._update_tray()

    def _role_text(self) -> str:
        if self._snapshot is None:
            return ""
        match self._snapshot.role:
            case Role.SUPERVISOR:
                return self.tr("Supervisor")
            case Role.ADMIN:
                return self.tr("Administrator")
        return self.tr("Agent")

    def _set_reasons(self, reasons: ReasonCatalog) -> None:
        self._reasons = reasons
        self.state_control.set_reasons(reasons)
        self.work_list.set_reasons(reasons)
        if self._board is not None:
            self._board.set_reasons(reasons)

    def _update_banner(self) -> None:
        s = self._status
        if s is not None and s.state == AgentState.NOT_READY and s.reason == REASON_DISCONNECTED:
            self.disconnect_banner.show_notice(
                self.tr(
                    "Your desktop lost its connection to the edge server, so you were set to "
                    "Not Ready and no work was offered to you. Choose Ready when you are back."
                )
            )
        else:
            self.disconnect_banner.clear()

    def _update_tray(self) -> None:
        if self._tray is None:
            return
        if self._status is None:
            self._tray.show_state(AgentState.LOGGED_OUT)
        else:
            self._tray.show_state(self._status.state, self._reasons.label(self._status.reason))

    def _ensure_board(self) -> AgentBoard:
        if self._board is None:
            self._board = AgentBoard(self._session, now_ms=self._now_ms, tick_ms=self._tick_ms)
            self._board.set_reasons(self._reasons)
            self._queue_board = QueueBoard(self._session, now_ms=self._now_ms, tick_ms=self._tick_ms)
            self._tabs = QTabWidget(self)
            self._tabs.setObjectName("supervisor_tabs")
            self._tabs.setDocumentMode(True)
            self._tabs.addTab(self._board, self.tr("Agents"))
            self._tabs.addTab(self._queue_board, self.tr("Queues"))
            self._dock = QDockWidget(self)
            self._dock.setObjectName("supervisor_dock")
            self._dock.setWidget(self._tabs)
            self._dock.setWindowTitle(self.tr("Team"))
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self._dock)
            self._view_menu.addAction(self._dock.toggleViewAction())
            self._view_menu.menuAction().setVisible(True)
            state = self._settings.get(S.WINDOW_STATE)
            if state:
                self.restoreState(QByteArray(state))
        return self._board

    def _drop_board(self) -> None:
        if self._dock is None:
            return
        self._view_menu.removeAction(self._dock.toggleViewAction())
        self._view_menu.menuAction().setVisible(False)
        self.removeDockWidget(self._dock)
        self._dock.deleteLater()
        self._dock = None
        self._board = None
        self._queue_board = None
        self._tabs = None
