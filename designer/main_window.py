"""The designer's main window: document browser, one tab per open design, Problems, Undo history and
Simulation docks, and the File / Edit / Design / Simulate menus.

Services never touch widgets, so everything the edge is asked goes through the
:class:`~designer.design_client.DesignClient` handed to :meth:`DesignerWindow.attach`
after login. Operations that talk to the edge are coroutines (the menu actions spawn
them; tests await them).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent, QUndoGroup
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QScrollArea, QTabWidget, QUndoView, QWidget

from designer.bindings_dialog import BindingsDialog
from designer.browser import DesignBrowser
from designer.conflict_dialog import ConflictDialog, UnsavedDialog
from designer.design_client import DesignClient, DesignRequestError
from designer.dialogs import inform, run_dialog
from designer.document_tab import DocumentTab, Validator
from designer.history_dialog import HistoryDialog
from designer.new_dialog import NewDesignDialog
from designer.new_documents import as_copy, new_flow, new_form
from designer.problems import ProblemsPanel, element_names
from designer.publish_dialog import PublishDialog
from designer.simulation import SimulationPanel, Simulator
from desktop.i18n import LANGUAGES
from desktop.tasks import spawn
from edge_server.contract.designs import (
    DesignSummary,
    Document,
    FlowChannel,
    FlowDoc,
    RefCatalog,
    RevisionInfo,
)
from edge_server.contract.errors import ErrorCode

log = logging.getLogger("sb.designer")

EditorFactory = Callable[[Document], QWidget]


def default_editor_factory(doc: Document) -> QWidget:
    """The real editors: the flow canvas or the form designer (imported on first use)."""
    if isinstance(doc, FlowDoc):
        from designer.flow.editor import FlowEditor

        return FlowEditor(doc)
    from designer.form.editor import FormEditor

    return FormEditor(doc)


class _NarrowScrollArea(QScrollArea):
    """Starts its dock at a width that leaves the canvas room."""

    def sizeHint(self) -> QSize:
        return QSize(330, 600)


class DesignerWindow(QMainWindow):
    """Browser, tabs and docks; menus with a shortcut for everything."""

    quit_requested = Signal()
    logout_requested = Signal()
    #: The supervisor picked a UI language ("en", "zh_CN"); the controller installs it.
    language_chosen = Signal(str)
    #: A tab was opened, saved, published... (tests and the status bar follow it): a short English tag.
    operation_finished = Signal(str)

    def __init__(
        self,
        *,
        editor_factory: EditorFactory | None = None,
        validator: Validator | None = None,
        simulator: Simulator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("designer_window")
        self._editor_factory = editor_factory or default_editor_factory
        self._validator = validator
        self.client: DesignClient | None = None
        #: What documents may refer to; None until the edge sent it (validation then skips reference checks
        #: rather than calling every queue unknown).
        self.catalog: RefCatalog | None = None
        self._user = ""
        self._edge = ""
        self._closing = False
        self._close_confirmed = False

        self.undo_group = QUndoGroup(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("document_tabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._on_current_tab_changed)
        self.tabs.tabCloseRequested.connect(lambda i: self._spawn(self.close_tab(self.tab_at(i)), "close-tab"))
        self.setCentralWidget(self.tabs)

        self.browser = DesignBrowser(self)
        self.browser.open_requested.connect(lambda ids: self._spawn(self.open_designs(ids), "open"))
        self.browser.new_flow_requested.connect(lambda: self._spawn(self.new_design_interactive("flow"), "new"))
        self.browser.new_form_requested.connect(lambda: self._spawn(self.new_design_interactive("form"), "new"))
        self.browser.refresh_requested.connect(lambda: self._spawn(self.refresh(), "refresh"))
        self.browser_dock = self._dock("browser_dock", self.browser, Qt.DockWidgetArea.LeftDockWidgetArea)

        self.problems = ProblemsPanel(self)
        self.problems.element_activated.connect(self._on_problem_activated)
        self.problems.title_changed.connect(lambda t: self.problems_dock.setWindowTitle(t))
        self.problems_dock = self._dock("problems_dock", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)

        self.undo_view = QUndoView(self.undo_group, self)
        self.undo_view.setObjectName("undo_view")
        self.undo_dock = self._dock("undo_dock", self.undo_view, Qt.DockWidgetArea.RightDockWidgetArea)

        self.simulation = SimulationPanel(None, simulator, self)
        # The panel is taller than most screens: it scrolls inside its dock.
        sim_scroll = _NarrowScrollArea(self)
        sim_scroll.setObjectName("simulation_scroll")
        sim_scroll.setWidgetResizable(True)
        sim_scroll.setWidget(self.simulation)
        self.simulation_dock = self._dock("simulation_dock", sim_scroll, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.undo_dock, self.simulation_dock)
        self.simulation_dock.raise_()

        self.status_label = QLabel(self)
        self.status_label.setObjectName("designer_status")
        self.statusBar().addPermanentWidget(self.status_label)

        self._build_actions()
        self._build_menus()
        self._retranslate()
        self._update_actions()
        self.resize(1400, 860)
        self._sized_docks = False

    # --- construction ---------------------------------------------------------------------------------

    def _dock(self, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, name: str, shortcut: QKeySequence | str | None, slot: Callable[[], object]) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _build_actions(self) -> None:
        self.new_flow_action = self._action("new_flow", "Ctrl+N", lambda: self._spawn(
            self.new_design_interactive("flow"), "new"))
        self.new_form_action = self._action("new_form", "Ctrl+Shift+N", lambda: self._spawn(
            self.new_design_interactive("form"), "new"))
        self.open_action = self._action("open", QKeySequence.StandardKey.Open, self._on_open_action)
        self.refresh_action = self._action("refresh", "F5", lambda: self._spawn(self.refresh(), "refresh"))
        self.save_action = self._action("save", QKeySequence.StandardKey.Save, lambda: self._spawn_on_tab(
            self.save_tab, "save"))
        self.close_tab_action = self._action("close_tab", QKeySequence.StandardKey.Close, lambda: self._spawn_on_tab(
            self.close_tab, "close-tab"))
        self.logout_action = self._action("logout", None, self._on_logout_action)
        self.quit_action = self._action("quit", QKeySequence.StandardKey.Quit, self.close)
        self.undo_action = self.undo_group.createUndoAction(self)
        self.undo_action.setObjectName("undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_group.createRedoAction(self)
        self.redo_action.setObjectName("redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        self.validate_action = self._action("validate", "F7", self._on_validate_action)
        self.publish_action = self._action("publish", "Ctrl+Shift+P", lambda: self._spawn_on_tab(
            self.publish_tab, "publish"))
        self.history_action = self._action("history", "Ctrl+H", lambda: self._spawn_on_tab(
            self.show_history, "history"))
        self.bindings_action = self._action("bindings", "Ctrl+B", lambda: self._spawn(self.show_bindings(), "bindings"))
        self.catalog_action = self._action("refresh_catalog", "Ctrl+F5", lambda: self._spawn(
            self.refresh_catalog(), "catalog"))
        self.run_sim_action = self._action("run_simulation", "F9", self._on_run_simulation)
        self.step_sim_action = self._action("step_simulation", "F10", self._on_step_simulation)
        self.run_tests_action = self._action("run_tests", "Shift+F9", self.simulation.run_all)
        self.run_edge_tests_action = self._action("run_edge_tests", "Ctrl+Shift+F9",
                                                  lambda: self._spawn(self.simulation.run_on_edge(), "edge-tests"))
        self.focus_problems_action = self._action("focus_problems", "Ctrl+Shift+M", self._focus_problems)
        self.focus_browser_action = self._action("focus_browser", "Ctrl+Shift+D", self._focus_browser)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        for a in (self.new_flow_action, self.new_form_action, self.open_action, self.refresh_action, None,
                  self.save_action, self.close_tab_action, None, self.logout_action, self.quit_action):
            self.file_menu.addSeparator() if a is None else self.file_menu.addAction(a)
        self.edit_menu = bar.addMenu("")
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.design_menu = bar.addMenu("")
        for a in (self.validate_action, self.publish_action, self.history_action, None, self.bindings_action,
                  self.catalog_action):
            self.design_menu.addSeparator() if a is None else self.design_menu.addAction(a)
        self.simulate_menu = bar.addMenu("")
        for a in (self.run_sim_action, self.step_sim_action, self.run_tests_action, self.run_edge_tests_action):
            self.simulate_menu.addAction(a)
        self.view_menu = bar.addMenu("")
        for dock in (self.browser_dock, self.problems_dock, self.undo_dock, self.simulation_dock):
            self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.focus_browser_action)
        self.view_menu.addAction(self.focus_problems_action)
        self.view_menu.addSeparator()
        self.language_menu = self.view_menu.addMenu("")
        self.language_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for code, name in LANGUAGES.items():
            # Each language in its own script, untranslated, so a user can always find theirs.
            action = QAction(name, self, checkable=True)
            action.setObjectName(f"language_{code}")
            action.triggered.connect(lambda _checked=False, c=code: self.language_chosen.emit(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Switchboard Designer"))
        self.file_menu.setTitle(self.tr("&File"))
        self.edit_menu.setTitle(self.tr("&Edit"))
        self.design_menu.setTitle(self.tr("&Design"))
        self.simulate_menu.setTitle(self.tr("&Simulate"))
        self.view_menu.setTitle(self.tr("&View"))
        self.language_menu.setTitle(self.tr("&Language"))
        texts = {
            self.new_flow_action: self.tr("New &flow…"),
            self.new_form_action: self.tr("New f&orm…"),
            self.open_action: self.tr("&Open selected"),
            self.refresh_action: self.tr("&Refresh list"),
            self.save_action: self.tr("&Save draft"),
            self.close_tab_action: self.tr("&Close tab"),
            self.logout_action: self.tr("Log &out"),
            self.quit_action: self.tr("&Quit"),
            self.validate_action: self.tr("&Validate now"),
            self.publish_action: self.tr("&Publish…"),
            self.history_action: self.tr("&History…"),
            self.bindings_action: self.tr("&Bindings…"),
            self.catalog_action: self.tr("Refresh queues and &skills"),
            self.run_sim_action: self.tr("&Run simulation"),
            self.step_sim_action: self.tr("&Step"),
            self.run_tests_action: self.tr("Run &all test cases"),
            self.run_edge_tests_action: self.tr("Run test cases on the &edge"),
            self.focus_problems_action: self.tr("Go to &problems"),
            self.focus_browser_action: self.tr("Go to &documents"),
        }
        for action, text in texts.items():
            action.setText(text)
        self.undo_action.setText(self.tr("&Undo"))
        self.redo_action.setText(self.tr("&Redo"))
        self.browser_dock.setWindowTitle(self.tr("Documents"))
        self.problems_dock.setWindowTitle(self.problems.title())
        self.undo_dock.setWindowTitle(self.tr("Undo history"))
        self.simulation_dock.setWindowTitle(self.tr("Simulation"))
        self.undo_view.setEmptyLabel(self.tr("<opened>"))
        self._update_status()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            tab = self.current_tab()
            if tab is not None:  # element names in the Problems panel come from node type labels
                self.problems.set_problems(tab.problems, element_names(tab.document()))
        super().changeEvent(event)

    def set_language_checked(self, language: str) -> None:
        action = self.language_actions.get(language)
        if action is not None:
            action.setChecked(True)

    # --- session ------------------------------------------------------------------------------------------

    def attach(self, client: DesignClient, *, user: str, role: str, edge: str) -> None:
        """Logged in: the edge is reachable through ``client``."""
        self.client = client
        self.simulation.set_client(client)
        self._user = f"{user} ({role})"
        self._edge = edge
        self._update_status()
        self._update_actions()

    def detach(self) -> None:
        self.client = None
        self.simulation.set_client(None)
        self._user = ""
        self._update_status()
        self._update_actions()

    async def start(self) -> None:
        """After login: the catalog (validation needs it) and the list of designs."""
        await self.refresh_catalog()
        await self.refresh()

    def _update_status(self) -> None:
        if self.client is None:
            self.status_label.setText(self.tr("Not connected"))
        else:
            self.status_label.setText(self.tr("Edge: {edge} · User: {user}").format(edge=self._edge, user=self._user))

    # --- tabs -------------------------------------------------------------------------------------------------

    def tab_at(self, index: int) -> DocumentTab | None:
        w = self.tabs.widget(index)
        return w if isinstance(w, DocumentTab) else None

    def current_tab(self) -> DocumentTab | None:
        return self.tab_at(self.tabs.currentIndex())

    def open_tabs(self) -> list[DocumentTab]:
        return [t for t in (self.tab_at(i) for i in range(self.tabs.count())) if t is not None]

    def find_tab(self, design_id: str) -> DocumentTab | None:
        return next((t for t in self.open_tabs() if t.design_id == design_id), None)

    def add_tab(self, document: Document, summary: DesignSummary | None, index: int = -1) -> DocumentTab:
        editor = self._editor_factory(document)
        tab = DocumentTab(editor, document, summary=summary, catalog=self.catalog, validator=self._validator,
                          parent=self.tabs)
        self.undo_group.addStack(tab.editor.undo_stack)
        tab.dirty_changed.connect(lambda _d, t=tab: self._update_tab_title(t))
        tab.problems_changed.connect(lambda problems, t=tab: self._on_tab_problems(t, problems))
        editor.changed.connect(lambda t=tab: self._on_editor_changed(t))  # type: ignore[attr-defined]
        index = self.tabs.insertTab(index, tab, self._tab_icon(tab), tab.title())
        self.tabs.setCurrentIndex(index)
        self._update_tab_title(tab)
        tab.validate_now()
        return tab

    def _tab_icon(self, tab: DocumentTab):  # noqa: ANN202 - QIcon
        from designer.browser import kind_icon

        doc = tab.document()
        return kind_icon(tab.kind, str(doc.channel) if isinstance(doc, FlowDoc) else "", self.style())

    def _remove_tab(self, tab: DocumentTab) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.removeTab(index)
        self.undo_group.removeStack(tab.editor.undo_stack)
        if self.simulation.document() is not None and self.current_tab() is None:
            self.simulation.set_editor(None)
        tab.deleteLater()
        self._on_current_tab_changed(self.tabs.currentIndex())

    def _update_tab_title(self, tab: DocumentTab) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.setTabText(index, tab.title())
            self.tabs.setTabToolTip(index, tab.design_id)
        self._update_actions()

    def _on_current_tab_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if tab is None:
            self.undo_group.setActiveStack(None)  # type: ignore[arg-type]
            self.problems.set_problems([])
            self.simulation.set_editor(None)
        else:
            self.undo_group.setActiveStack(tab.editor.undo_stack)
            self.problems.set_problems(tab.problems, element_names(tab.document()))
            self.simulation.set_editor(tab.editor if tab.kind == "flow" else None)
        self._update_actions()

    def _on_tab_problems(self, tab: DocumentTab, problems: list) -> None:
        if tab is self.current_tab():
            self.problems.set_problems(problems, element_names(tab.document()))

    def _on_editor_changed(self, tab: DocumentTab) -> None:
        self._update_tab_title(tab)  # the name may have changed, not only the dirty mark
        if tab is self.current_tab() and tab.kind == "flow":
            self.simulation.refresh_from_document()

    def _on_problem_activated(self, element_id: str) -> None:
        tab = self.current_tab()
        if tab is not None and element_id:
            tab.editor.select_element(element_id)
            tab.editor.setFocus()  # type: ignore[attr-defined]

    def _update_actions(self) -> None:
        tab = self.current_tab()
        connected = self.client is not None
        for a in (self.new_flow_action, self.new_form_action, self.open_action, self.refresh_action,
                  self.bindings_action, self.catalog_action):
            a.setEnabled(connected)
        for a in (self.save_action, self.publish_action, self.history_action):
            a.setEnabled(connected and tab is not None)
        self.close_tab_action.setEnabled(tab is not None)
        self.validate_action.setEnabled(tab is not None)
        flow = tab is not None and tab.kind == "flow"
        for a in (self.run_sim_action, self.step_sim_action, self.run_tests_action):
            a.setEnabled(flow)
        self.run_edge_tests_action.setEnabled(flow and connected)

    # --- operations (coroutines; the actions spawn them) -----------------------------------------------------

    def _spawn(self, coro, name: str) -> None:  # noqa: ANN001
        spawn(coro, name=name)

    def _spawn_on_tab(self, op: Callable[[DocumentTab], object], name: str) -> None:
        tab = self.current_tab()
        if tab is not None:
            spawn(op(tab), name=name)  # type: ignore[arg-type]

    async def refresh(self) -> list[DesignSummary]:
        if self.client is None:
            return []
        try:
            items = await self.client.list_designs()
        except DesignRequestError as e:
            self._status(self.tr("The list of designs could not be loaded: {message}").format(message=e.message))
            return self.browser.designs
        self.browser.set_designs(items)
        self.operation_finished.emit("refresh")
        return items

    async def refresh_catalog(self) -> RefCatalog | None:
        if self.client is None:
            return self.catalog
        try:
            self.catalog = await self.client.ref_catalog()
        except DesignRequestError as e:
            self._status(self.tr("Queues and skills could not be loaded: {message}").format(message=e.message))
            return self.catalog
        for tab in self.open_tabs():
            tab.set_catalog(self.catalog)
        return self.catalog

    async def open_designs(self, design_ids: list[str]) -> list[DocumentTab]:
        tabs = []
        for design_id in design_ids:
            tab = await self.open_design(design_id)
            if tab is not None:
                tabs.append(tab)
        return tabs

    async def open_design(self, design_id: str, index: int = -1) -> DocumentTab | None:
        """Open the draft in a tab; an open one is only focused."""
        existing = self.find_tab(design_id)
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            return existing
        if self.client is None:
            return None
        try:
            detail = await self.client.get_design(design_id)
        except DesignRequestError as e:
            self._status(self.tr("The design could not be opened: {message}").format(message=e.message))
            return None
        if self.find_tab(design_id) is not None:  # opened twice while the first request was out
            return self.find_tab(design_id)
        tab = self.add_tab(detail.document, detail.summary, index)
        log.info("opened %s %s at draft %d", tab.kind, design_id, tab.base_version)
        self.operation_finished.emit("open")
        return tab

    def new_design(self, kind: str, name: str, channel: FlowChannel = FlowChannel.CHAT) -> DocumentTab:
        """A new, unsaved design in a tab (saved as draft 1 by the first Save)."""
        doc: Document = new_flow(name, channel) if kind == "flow" else new_form(name)
        tab = self.add_tab(doc, None)
        self.operation_finished.emit("new")
        return tab

    async def new_design_interactive(self, kind: str) -> DocumentTab | None:
        dialog = NewDesignDialog(kind, self)
        try:
            if not await run_dialog(dialog):
                return None
            return self.new_design(kind, dialog.name(), dialog.channel())
        finally:
            dialog.deleteLater()

    async def save_tab(self, tab: DocumentTab) -> bool:
        """Save the draft on top of the version the tab is based on; a conflict asks, never overwrites."""
        if self.client is None:
            return False
        doc = tab.document()
        try:
            saved = await self.client.save_draft(doc, tab.base_version)
        except DesignRequestError as e:
            if e.code == ErrorCode.CONFLICT:
                return await self._resolve_conflict(tab, doc, e)
            await inform(self, self.tr("Not saved"), self.tr("The draft was not saved: {message}").format(
                message=e.message), object_name="save_failed")
            return False
        tab.mark_saved(saved.summary, doc)
        self._update_tab_title(tab)
        self._status(self.tr("Saved “{name}” as draft {version}.").format(name=doc.name,
                                                                          version=saved.summary.draft_version))
        log.info("saved %s as draft %d", doc.id, saved.summary.draft_version)
        await self.refresh()
        self.operation_finished.emit("save")
        return True

    async def _resolve_conflict(self, tab: DocumentTab, mine: Document, err: DesignRequestError) -> bool:
        assert self.client is not None
        saved_by, saved_ms = str(err.details.get("updated_by", "")), 0
        version = int(err.details.get("current_version", 0) or 0)
        try:
            # The error names who; the summary also says when.
            current = (await self.client.get_design(tab.design_id)).summary
            saved_by, saved_ms, version = current.updated_by or saved_by, current.updated_ms, current.draft_version
        except DesignRequestError:
            pass  # the dialog can do without the time
        dialog = ConflictDialog(mine.name, saved_by, saved_ms, version, self)
        await run_dialog(dialog)
        choice = dialog.choice
        dialog.deleteLater()
        index = self.tabs.indexOf(tab)
        if choice == "reload":
            self._remove_tab(tab)
            reopened = await self.open_design(tab.design_id, index)
            self._status(self.tr("Reloaded their version of “{name}”.").format(name=mine.name))
            self.operation_finished.emit("reloaded")
            return reopened is not None
        if choice == "copy":
            copy = as_copy(mine, self.tr(" (copy)"))
            try:
                saved = await self.client.save_draft(copy, 0)
            except DesignRequestError as e:
                await inform(self, self.tr("Not saved"), self.tr("The copy was not saved: {message}").format(
                    message=e.message), object_name="save_failed")
                return False
            self._remove_tab(tab)
            self.add_tab(copy, saved.summary, index)
            self._status(self.tr("Saved your version as “{name}”.").format(name=copy.name))
            await self.refresh()
            self.operation_finished.emit("saved_copy")
            return True
        return False

    async def publish_tab(self, tab: DocumentTab, *, message: str | None = None,
                          make_live: bool = True) -> RevisionInfo | None:
        """Save if dirty, show the publish dialog (or use ``message``), publish; the new revision."""
        if self.client is None:
            return None
        if (tab.is_dirty() or tab.base_version == 0) and not await self.save_tab(tab):
            return None
        problems = tab.validate_now()
        if message is None:
            dialog = PublishDialog(tab.name, tab.base_version, problems, self)
            try:
                if not await run_dialog(dialog):
                    return None
                message, make_live = dialog.message(), dialog.make_live()
            finally:
                dialog.deleteLater()
        try:
            info = await self.client.publish(tab.design_id, tab.base_version, message, make_live)
        except DesignRequestError as e:
            await inform(self, self.tr("Not published"), self.tr("The edge did not publish: {message}").format(
                message=e.message), object_name="publish_failed")
            return None
        self._status(self.tr("Published “{name}” as revision {n}{live}.").format(
            name=tab.name, n=info.number, live=self.tr(" (live)") if make_live else ""))
        log.info("published %s revision %d", tab.design_id, info.number)
        await self.refresh()
        self.operation_finished.emit("publish")
        return info

    def history_dialog(self, tab: DocumentTab) -> HistoryDialog | None:
        if self.client is None:
            return None
        dialog = HistoryDialog(self.client, tab.design_id, tab.name, self)
        dialog.live_changed.connect(lambda _n: self._spawn(self.refresh(), "refresh"))
        return dialog

    async def show_history(self, tab: DocumentTab) -> None:
        dialog = self.history_dialog(tab)
        if dialog is None:
            return
        try:
            dialog.open()
            await dialog.load()
            await run_dialog(dialog)
        finally:
            dialog.deleteLater()

    def bindings_dialog(self) -> BindingsDialog | None:
        if self.client is None:
            return None
        return BindingsDialog(self.client, self.catalog or RefCatalog(), self.browser.designs, self)

    async def show_bindings(self) -> None:
        await self.refresh()
        dialog = self.bindings_dialog()
        if dialog is None:
            return
        try:
            dialog.open()
            await dialog.load()
            await run_dialog(dialog)
        finally:
            dialog.deleteLater()

    async def close_tab(self, tab: DocumentTab | None) -> bool:
        """Close after asking about unsaved edits; False when the supervisor cancelled (or the save failed)."""
        if tab is None:
            return True
        if tab.is_dirty():
            self.tabs.setCurrentWidget(tab)
            dialog = UnsavedDialog(tab.name, self)
            await run_dialog(dialog)
            choice = dialog.choice
            dialog.deleteLater()
            if not choice or (choice == "save" and not await self.save_tab(tab)):
                return False
        self._remove_tab(tab)
        self.operation_finished.emit("close")
        return True

    async def close_all(self) -> bool:
        for tab in self.open_tabs():
            if not await self.close_tab(tab):
                return False
        return True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized_docks:
            # The canvas gets the room; the docks start narrow (they can be dragged wider).
            # resizeDocks only takes once the window is laid out, hence here and not in __init__.
            self._sized_docks = True
            self.resizeDocks([self.browser_dock, self.simulation_dock], [230, 320], Qt.Orientation.Horizontal)
            self.resizeDocks([self.problems_dock], [140], Qt.Orientation.Vertical)

    # --- window close ---------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_confirmed or not any(t.is_dirty() for t in self.open_tabs()):
            event.accept()
            self.quit_requested.emit()
            return
        event.ignore()
        if not self._closing:
            self._closing = True
            self._spawn(self._close_after_asking(), "close-window")

    async def _close_after_asking(self) -> None:
        try:
            if await self.close_all():
                self._close_confirmed = True
                self.close()
        finally:
            self._closing = False

    # --- small slots --------------------------------------------------------------------------------------------

    def _status(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _on_open_action(self) -> None:
        ids = self.browser.selected_ids()
        if ids:
            self._spawn(self.open_designs(ids), "open")
        else:
            self._focus_browser()

    def _on_logout_action(self) -> None:
        self._spawn(self._logout_after_asking(), "logout")

    async def _logout_after_asking(self) -> None:
        if await self.close_all():
            self.logout_requested.emit()

    def _on_validate_action(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.validate_now()

    def _on_run_simulation(self) -> None:
        self.simulation_dock.show()
        self.simulation_dock.raise_()
        self.simulation.run()

    def _on_step_simulation(self) -> None:
        self.simulation_dock.show()
        self.simulation_dock.raise_()
        self.simulation.step()

    def _focus_problems(self) -> None:
        self.problems_dock.show()
        self.problems.table.setFocus()

    def _focus_browser(self) -> None:
        self.browser_dock.show()
        self.browser.table.setFocus()
