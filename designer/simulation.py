"""The Simulation dock: run the open flow with a scripted customer and mocks, watch the path light up.

Runs the same runtime the edge runs (edge_server.flows.simulate) inside the designer,
then plays the trace back on the canvas one step every ``STEP_MS``; Step advances one at
a time. Saved test cases run here ("Run all") or on the edge ("Run on edge").
"""
from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, QEvent, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.design_client import DesignClient, DesignRequestError
from designer.editor_api import DocumentEditor
from desktop.tasks import spawn
from desktop.i18n import ui_is_chinese
from edge_server.contract.designs import FlowDoc, FlowOutcome, FlowTestCase, SimulationResult
from edge_server.flows.nodetypes import NODE_TYPES
from edge_server.flows.ids import new_id

log = logging.getLogger("sb.designer")

#: Time between two steps of the animated trace.
STEP_MS = 150
MASK = "***"

Simulator = Callable[[FlowDoc, FlowTestCase], Awaitable[SimulationResult]]


async def _default_simulator(doc: FlowDoc, test: FlowTestCase) -> SimulationResult:
    # The whole run first (mocked, so milliseconds), then the panel plays the trace back at a
    # pace a person can follow; the runtime's own speed would show the path all at once.
    from edge_server.flows.simulate import simulate

    return await simulate(doc, test, language=test.contact.get("language") or "zh-CN")


def outcome_name(outcome: str) -> str:
    names = {
        FlowOutcome.RUNNING: QCoreApplication.translate("SimulationPanel", "running"),
        FlowOutcome.ROUTED: QCoreApplication.translate("SimulationPanel", "routed to a queue"),
        FlowOutcome.TRANSFERRED: QCoreApplication.translate("SimulationPanel", "transferred"),
        FlowOutcome.ENDED: QCoreApplication.translate("SimulationPanel", "ended"),
        FlowOutcome.HANGUP: QCoreApplication.translate("SimulationPanel", "customer left"),
        FlowOutcome.FAILED: QCoreApplication.translate("SimulationPanel", "failed"),
    }
    return names.get(FlowOutcome(outcome), outcome) if outcome in FlowOutcome._value2member_map_ else outcome


def node_type_name(type_name: str) -> str:
    t = NODE_TYPES.get(type_name)
    if t is None:
        return type_name
    return t.label_zh if ui_is_chinese() else t.label_en


_CUSTOMER_KEYS = ("id", "name", "tier", "vip", "last_agent", "tags")


class SimulationPanel(QWidget):
    """Contact, inputs, mocks; Run / Step; transcript, variables, pass/fail; test cases."""

    #: The animated trace finished (or Step reached the end); carries the result.
    run_finished = Signal(object)
    #: "Run all" finished: test id -> passed.
    tests_finished = Signal(dict)
    #: "Run on edge" finished: test id -> passed (missing: the edge refused; see the status line).
    edge_tests_finished = Signal(dict)

    def __init__(self, client: DesignClient | None = None, simulator: Simulator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("simulation_panel")
        self._client = client
        self._simulate = simulator or _default_simulator
        self._editor: DocumentEditor | None = None
        self.result: SimulationResult | None = None
        self._shown = 0
        self._timer = QTimer(self)
        self._timer.setInterval(STEP_MS)
        self._timer.timeout.connect(self._advance)
        self._build()
        self.set_editor(None)

    # --- building ----------------------------------------------------------------------------------

    def _build(self) -> None:
        # Contact
        self.channel_combo = QComboBox(self)
        self.channel_combo.setObjectName("sim_channel")
        self.channel_combo.setEditable(True)
        self.channel_combo.addItems(["chat", "voice", "wechat", "weibo", "sms", "email"])
        self.from_edit = QLineEdit("+8613800000000", self)
        self.from_edit.setObjectName("sim_from")
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("sim_name")
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("sim_language")
        self.language_combo.addItems(["zh-CN", "en"])
        self._captions: dict[str, QLabel] = {}
        self._contact_box = contact = QGroupBox(self)
        cf = QFormLayout(contact)
        cf.addRow(self._caption("channel", self.channel_combo), self.channel_combo)
        cf.addRow(self._caption("from", self.from_edit), self.from_edit)
        cf.addRow(self._caption("name", self.name_edit), self.name_edit)
        cf.addRow(self._caption("language", self.language_combo), self.language_combo)
        # Inputs
        self.inputs_edit = QPlainTextEdit(self)
        self.inputs_edit.setObjectName("sim_inputs")
        self.inputs_edit.setTabChangesFocus(True)
        self.inputs_edit.setMaximumHeight(80)
        inputs_label = self._caption("inputs", self.inputs_edit)
        # Mocks
        self.customer_found_check = QCheckBox(self)
        self.customer_found_check.setObjectName("sim_customer_found")
        self.customer_table = QTableWidget(len(_CUSTOMER_KEYS), 2, self)
        self.customer_table.setObjectName("sim_customer_table")
        self.customer_table.verticalHeader().hide()
        self.customer_table.horizontalHeader().setStretchLastSection(True)
        self.customer_table.setMaximumHeight(150)
        for row, key in enumerate(_CUSTOMER_KEYS):
            k = QTableWidgetItem(key)
            self.customer_table.setItem(row, 0, k)
            self.customer_table.setItem(row, 1, QTableWidgetItem(""))
        self.customer_found_check.toggled.connect(self.customer_table.setEnabled)
        self.customer_table.setEnabled(False)
        self.http_table = QTableWidget(0, 4, self)
        self.http_table.setObjectName("sim_http_table")
        self.http_table.verticalHeader().hide()
        self.http_table.horizontalHeader().setStretchLastSection(True)
        self.http_table.setMaximumHeight(110)
        self.now_edit = QDateTimeEdit(QDateTime.currentDateTime(), self)
        self.now_edit.setObjectName("sim_now")
        self.now_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.route_combo = QComboBox(self)
        self.route_combo.setObjectName("sim_route")
        self._mocks_box = mocks = QGroupBox(self)
        mf = QFormLayout(mocks)
        mf.addRow(self.customer_found_check)
        mf.addRow(self.customer_table)
        mf.addRow(self._caption("http", self.http_table), self.http_table)
        mf.addRow(self._caption("now", self.now_edit), self.now_edit)
        mf.addRow(self._caption("route", self.route_combo), self.route_combo)
        # Buttons (F9 / F10 are the window's Simulate actions: a button shortcut would make them ambiguous)
        self.run_button = QPushButton(self)
        self.run_button.setObjectName("sim_run")
        self.step_button = QPushButton(self)
        self.step_button.setObjectName("sim_step")
        self.clear_button = QPushButton(self)
        self.clear_button.setObjectName("sim_clear")
        self.run_button.clicked.connect(self.run)
        self.step_button.clicked.connect(self.step)
        self.clear_button.clicked.connect(self.clear)
        run_row = QHBoxLayout()
        for b in (self.run_button, self.step_button, self.clear_button):
            run_row.addWidget(b)
        # Results
        self.result_label = QLabel(self)
        self.result_label.setObjectName("sim_result")
        self.result_label.setWordWrap(True)
        self.transcript_list = QListWidget(self)
        self.transcript_list.setObjectName("sim_transcript")
        self.transcript_list.setMaximumHeight(140)
        self.variables_table = QTableWidget(0, 2, self)
        self.variables_table.setObjectName("sim_variables")
        self.variables_table.verticalHeader().hide()
        self.variables_table.horizontalHeader().setStretchLastSection(True)
        self.variables_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.variables_table.setMaximumHeight(140)
        # Test cases
        self.test_name_edit = QLineEdit(self)
        self.test_name_edit.setObjectName("sim_test_name")
        self.save_test_button = QPushButton(self)
        self.save_test_button.setObjectName("sim_save_test")
        self.save_test_button.clicked.connect(self._on_save_test_clicked)
        self.tests_list = QListWidget(self)
        self.tests_list.setObjectName("sim_tests")
        self.tests_list.setMaximumHeight(110)
        self.tests_list.itemActivated.connect(self._on_test_activated)
        self.run_all_button = QPushButton(self)
        self.run_all_button.setObjectName("sim_run_all")
        self.run_all_button.clicked.connect(self.run_all)
        self.run_edge_button = QPushButton(self)
        self.run_edge_button.setObjectName("sim_run_edge")
        self.run_edge_button.clicked.connect(self._on_run_edge_clicked)
        save_row = QHBoxLayout()
        save_row.addWidget(self.test_name_edit, 1)
        save_row.addWidget(self.save_test_button)
        tests_row = QHBoxLayout()
        tests_row.addWidget(self.run_all_button)
        tests_row.addWidget(self.run_edge_button)
        self._tests_box = tests = QGroupBox(self)
        tl = QVBoxLayout(tests)
        tl.addLayout(save_row)
        tl.addWidget(self.tests_list)
        tl.addLayout(tests_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(contact)
        layout.addWidget(inputs_label)
        layout.addWidget(self.inputs_edit)
        layout.addWidget(mocks)
        layout.addLayout(run_row)
        layout.addWidget(self.result_label)
        layout.addWidget(self._caption("transcript", self.transcript_list))
        layout.addWidget(self.transcript_list)
        layout.addWidget(self._caption("variables", self.variables_table))
        layout.addWidget(self.variables_table)
        layout.addWidget(tests)
        layout.addStretch(1)
        self.route_combo.addItem("", "ok")
        self.route_combo.addItem("", "unavailable")
        self.http_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._retranslate()

    def _caption(self, key: str, buddy: QWidget) -> QLabel:
        label = QLabel(self)
        label.setBuddy(buddy)
        self._captions[key] = label
        return label

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self._contact_box.setTitle(self.tr("Contact"))
        self._mocks_box.setTitle(self.tr("Mocks"))
        self._tests_box.setTitle(self.tr("Test cases"))
        captions = {
            "channel": self.tr("Cha&nnel:"), "from": self.tr("&From:"), "name": self.tr("Na&me:"),
            "language": self.tr("&Language:"), "inputs": self.tr("Customer &inputs:"),
            "http": self.tr("HTTP answers:"), "now": self.tr("&Now:"), "route": self.tr("&Routing:"),
            "transcript": self.tr("Transcript:"), "variables": self.tr("Variables:"),
        }
        for key, text in captions.items():
            self._captions[key].setText(text)
        self.inputs_edit.setPlaceholderText(self.tr("What the customer types or presses, one line each, in order"))
        self.customer_found_check.setText(self.tr("Customer lookup &finds a customer"))
        self.run_button.setText(self.tr("&Run (F9)"))
        self.step_button.setText(self.tr("&Step (F10)"))
        self.clear_button.setText(self.tr("Clear"))
        self.save_test_button.setText(self.tr("Save as &test case"))
        self.test_name_edit.setPlaceholderText(self.tr("Test case name"))
        self.run_all_button.setText(self.tr("Run &all"))
        self.run_edge_button.setText(self.tr("Run on &edge"))
        self.route_combo.setItemText(0, self.tr("an agent takes it"))
        self.route_combo.setItemText(1, self.tr("queue unavailable"))
        self.customer_table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.http_table.setHorizontalHeaderLabels(
            [self.tr("Node"), self.tr("Status"), self.tr("JSON body"), self.tr("Timeout")])
        self.variables_table.setHorizontalHeaderLabels([self.tr("Variable"), self.tr("Value")])

    # --- the editor it works on ----------------------------------------------------------------------

    def set_editor(self, editor: DocumentEditor | None) -> None:
        """The flow editor of the current tab (None: a form or nothing is open)."""
        if self._editor is not None and self._editor is not editor:
            self._stop()
            self._editor.show_trace([])
        self._editor = editor
        self.result = None
        self._shown = 0
        enabled = editor is not None
        for w in (self.run_button, self.step_button, self.save_test_button, self.run_all_button,
                  self.run_edge_button):
            w.setEnabled(enabled)
        self.refresh_from_document()

    def document(self) -> FlowDoc | None:
        if self._editor is None:
            return None
        doc = self._editor.document()
        return doc if isinstance(doc, FlowDoc) else None

    def refresh_from_document(self) -> None:
        """HTTP nodes and saved test cases follow the document."""
        doc = self.document()
        http_nodes = [n for n in doc.nodes if n.type == "http"] if doc else []
        old = {self.http_table.item(r, 0).data(256): r for r in range(self.http_table.rowCount())
               if self.http_table.item(r, 0) is not None}
        keep = {nid: self._http_row(r) for nid, r in old.items()}
        self.http_table.setRowCount(len(http_nodes))
        for row, node in enumerate(http_nodes):
            item = QTableWidgetItem(node.label or node.id[:8])
            item.setData(256, node.id)
            self.http_table.setItem(row, 0, item)
            status, body, timeout = keep.get(node.id, (200, "{}", False))
            spin = QSpinBox(self.http_table)
            spin.setRange(100, 599)
            spin.setValue(status)
            self.http_table.setCellWidget(row, 1, spin)
            self.http_table.setItem(row, 2, QTableWidgetItem(body))
            check = QCheckBox(self.http_table)
            check.setChecked(timeout)
            self.http_table.setCellWidget(row, 3, check)
        self.tests_list.clear()
        for case in doc.tests if doc else []:
            item = QListWidgetItem(case.name)
            item.setData(256, case.id)
            self.tests_list.addItem(item)

    def _http_row(self, row: int) -> tuple[int, str, bool]:
        spin = self.http_table.cellWidget(row, 1)
        body = self.http_table.item(row, 2)
        check = self.http_table.cellWidget(row, 3)
        return (spin.value() if isinstance(spin, QSpinBox) else 200, body.text() if body else "{}",
                check.isChecked() if isinstance(check, QCheckBox) else False)

    # --- the test case the form describes -------------------------------------------------------------

    def build_test_case(self, name: str = "") -> FlowTestCase:
        inputs = [line for line in self.inputs_edit.toPlainText().splitlines() if line.strip()]
        contact = {"channel": self.channel_combo.currentText().strip() or "chat",
                   "from": self.from_edit.text().strip(), "name": self.name_edit.text().strip(),
                   "language": self.language_combo.currentText()}
        mocks: dict[str, Any] = {"now": self.now_edit.dateTime().toString("yyyy-MM-ddTHH:mm:ss"),
                                 "route": self.route_combo.currentData()}
        if self.customer_found_check.isChecked():
            customer: dict[str, Any] = {}
            for row in range(self.customer_table.rowCount()):
                key, value = self.customer_table.item(row, 0), self.customer_table.item(row, 1)
                if key and value and key.text().strip() and value.text().strip():
                    customer[key.text().strip()] = value.text().strip()
            mocks["customer"] = customer
        else:
            mocks["customer"] = None
        for row in range(self.http_table.rowCount()):
            node_id = str(self.http_table.item(row, 0).data(256))
            status, body, timeout = self._http_row(row)
            if timeout:
                mocks[f"http:{node_id}"] = {"error": "timeout"}
                continue
            try:
                parsed: Any = json.loads(body) if body.strip() else None
            except ValueError:
                parsed = body  # not JSON: the runtime sees a text body, and its mapping fails like a bad answer
            mocks[f"http:{node_id}"] = {"status": status, "body": parsed}
        return FlowTestCase(id=new_id(), name=name or self.tr("Simulation"), inputs=inputs, contact=contact,
                            mocks=mocks)

    # --- running -------------------------------------------------------------------------------------------

    async def simulate(self, test: FlowTestCase) -> SimulationResult | None:
        doc = self.document()
        if doc is None:
            return None
        try:
            return await self._simulate(doc, test)
        except Exception as e:
            # The runtime reports flow errors in the result; an exception is its bug, shown and logged.
            log.exception("simulation of %s crashed", doc.id)
            self.result_label.setText(self.tr("The simulation crashed: {error}").format(error=e))
            return None

    def run(self) -> None:
        spawn(self.run_async(), name="simulate")

    def step(self) -> None:
        spawn(self.step_async(), name="simulate-step")

    async def run_async(self) -> SimulationResult | None:
        """Simulate, then play the trace back one step every STEP_MS (run_finished at the end)."""
        self._stop()
        result = await self.simulate(self.build_test_case())
        if result is None:
            return None
        self._start(result)
        self._timer.start()
        return result

    async def step_async(self) -> None:
        """Advance the trace by one step (simulating first when nothing is loaded or it ended)."""
        self._timer.stop()
        if self.result is None or self._shown >= len(self.result.steps):
            result = await self.simulate(self.build_test_case())
            if result is None:
                return
            self._start(result)
        self._advance()

    def clear(self) -> None:
        self._stop()
        self.result = None
        self._shown = 0
        self.transcript_list.clear()
        self.variables_table.setRowCount(0)
        self.result_label.clear()
        if self._editor is not None:
            self._editor.show_trace([])

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def _start(self, result: SimulationResult) -> None:
        self.result = result
        self._shown = 0
        self.transcript_list.clear()
        self.variables_table.setRowCount(0)
        if self._editor is not None:
            self._editor.show_trace([])

    def _stop(self) -> None:
        self._timer.stop()

    def _advance(self) -> None:
        result = self.result
        if result is None:
            self._timer.stop()
            return
        if self._shown < len(result.steps):
            self._shown += 1
            step = result.steps[self._shown - 1]
            if self._editor is not None:
                self._editor.show_trace(list(result.steps[: self._shown]))
            self.result_label.setText(self.tr("Step {n} of {total}: {type}").format(
                n=self._shown, total=len(result.steps), type=node_type_name(step.node_type)))
        if self._shown >= len(result.steps):
            self._timer.stop()
            self._show_result(result)
            self.run_finished.emit(result)

    def _show_result(self, result: SimulationResult) -> None:
        self.transcript_list.clear()
        for line in result.transcript:
            self.transcript_list.addItem(line)
        doc = self.document()
        sensitive = {v.name for v in doc.variables if v.sensitive} if doc else set()
        items = sorted(result.variables.items())
        self.variables_table.setRowCount(len(items))
        for row, (name, value) in enumerate(items):
            self.variables_table.setItem(row, 0, QTableWidgetItem(name))
            self.variables_table.setItem(row, 1, QTableWidgetItem(MASK if name in sensitive else value))
        verdict = self.tr("passed") if result.passed else self.tr("FAILED")
        text = self.tr("Outcome: {outcome} after {steps} steps — {verdict}").format(
            outcome=outcome_name(result.outcome), steps=len(result.steps), verdict=verdict)
        if result.failures:
            text += "\n" + "\n".join(result.failures)
        self.result_label.setText(text)

    # --- test cases --------------------------------------------------------------------------------------------

    def _on_save_test_clicked(self) -> None:
        spawn(self.save_as_test_case(), name="save-test-case")

    async def save_as_test_case(self) -> FlowTestCase | None:
        """Add what the form describes as a test case (one undoable edit); the last run's path becomes the expectation."""
        doc = self.document()
        editor = self._editor
        if doc is None or editor is None:
            return None
        name = self.test_name_edit.text().strip() or self.tr("Test {n}").format(n=len(doc.tests) + 1)
        case = self.build_test_case(name)
        result = self.result if self.result is not None else await self.simulate(case)
        if result is not None:
            case.expect_path = [s.node_id for s in result.steps]
            case.expect_outcome = str(result.outcome)
        set_tests = getattr(editor, "set_tests", None)
        if set_tests is None:
            log.error("the flow editor has no set_tests(); cannot save the test case")
            return None
        set_tests([*doc.tests, case])
        self.test_name_edit.clear()
        self.refresh_from_document()
        return case

    def run_all(self) -> None:
        spawn(self.run_all_async(), name="run-tests")

    async def run_all_async(self) -> dict[str, bool]:
        """Run every saved test case locally; marks each passed or failed (tests_finished)."""
        doc = self.document()
        outcomes: dict[str, bool] = {}
        if doc is None:
            return outcomes
        for case in doc.tests:
            result = await self.simulate(case)
            outcomes[case.id] = bool(result and result.passed)
            if result is not None and not result.passed:
                log.info("test %s failed: %s", case.name, "; ".join(result.failures))
        self._mark_tests(outcomes)
        passed = sum(outcomes.values())
        self.result_label.setText(self.tr("{passed} of {total} test cases passed.").format(
            passed=passed, total=len(outcomes)))
        self.tests_finished.emit(outcomes)
        return outcomes

    async def run_on_edge(self) -> dict[str, bool]:
        """Run every saved test case on the edge (the same runtime, the edge's copy)."""
        doc = self.document()
        outcomes: dict[str, bool] = {}
        if doc is None or self._client is None:
            self.edge_tests_finished.emit(outcomes)
            return outcomes
        for case in doc.tests:
            try:
                result = await self._client.run_simulation(doc, case)
            except DesignRequestError as e:
                self.result_label.setText(self.tr("The edge refused: {message}").format(message=e.message))
                break
            outcomes[case.id] = result.passed
        else:
            passed = sum(outcomes.values())
            self.result_label.setText(self.tr("On the edge: {passed} of {total} test cases passed.").format(
                passed=passed, total=len(outcomes)))
        self._mark_tests(outcomes)
        self.edge_tests_finished.emit(outcomes)
        return outcomes

    def set_client(self, client: DesignClient | None) -> None:
        self._client = client

    def _mark_tests(self, outcomes: dict[str, bool]) -> None:
        style = self.style()
        for row in range(self.tests_list.count()):
            item = self.tests_list.item(row)
            ok = outcomes.get(str(item.data(256)))
            if ok is None:
                continue
            item.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton if ok
                                            else QStyle.StandardPixmap.SP_DialogCancelButton))

    def _on_test_activated(self, item: QListWidgetItem) -> None:
        """Enter on a saved test case loads it into the form and runs it."""
        doc = self.document()
        case = next((t for t in doc.tests if t.id == item.data(256)), None) if doc else None
        if case is None:
            return
        self.load_test_case(case)
        spawn(self._replay(case), name="simulate-test")

    async def _replay(self, case: FlowTestCase) -> None:
        self._stop()
        result = await self.simulate(case)
        if result is not None:
            self._start(result)
            self._timer.start()

    def load_test_case(self, case: FlowTestCase) -> None:
        self.inputs_edit.setPlainText("\n".join(case.inputs))
        self.channel_combo.setCurrentText(case.contact.get("channel", "chat"))
        self.from_edit.setText(case.contact.get("from", ""))
        self.name_edit.setText(case.contact.get("name", ""))
        self.language_combo.setCurrentText(case.contact.get("language", "zh-CN"))
        customer = case.mocks.get("customer")
        self.customer_found_check.setChecked(isinstance(customer, dict))
        if isinstance(customer, dict):
            for row in range(self.customer_table.rowCount()):
                key = self.customer_table.item(row, 0).text()
                self.customer_table.setItem(row, 1, QTableWidgetItem(str(customer.get(key, ""))))
        route = case.mocks.get("route", "ok")
        self.route_combo.setCurrentIndex(max(self.route_combo.findData(route), 0))
        now = case.mocks.get("now")
        if isinstance(now, str):
            moment = QDateTime.fromString(now[:19], "yyyy-MM-ddTHH:mm:ss")
            if moment.isValid():
                self.now_edit.setDateTime(moment)
        for row in range(self.http_table.rowCount()):
            mock = case.mocks.get(f"http:{self.http_table.item(row, 0).data(256)}")
            if not isinstance(mock, dict):
                continue
            spin, check = self.http_table.cellWidget(row, 1), self.http_table.cellWidget(row, 3)
            if isinstance(check, QCheckBox):
                check.setChecked(mock.get("error") == "timeout")
            if isinstance(spin, QSpinBox) and isinstance(mock.get("status"), int):
                spin.setValue(mock["status"])
            if "body" in mock:
                self.http_table.setItem(row, 2, QTableWidgetItem(json.dumps(mock["body"], ensure_ascii=False)))

    def _on_run_edge_clicked(self) -> None:
        spawn(self.run_on_edge(), name="run-on-edge")
