"""The designer shell's widgets without an edge: problems, publish dialog, tabs, simulation (real FlowEditor)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncio  # noqa: E402

import msgspec  # noqa: E402
from PySide6.QtCore import QLocale, QPointF, Qt  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402
from shell_support import compile_catalogues, menu_flow, qloop, run, start, wait_dialog  # noqa: E402, F401

from designer.conflict_dialog import UnsavedDialog  # noqa: E402
from designer.controller import DesignerController  # noqa: E402
from designer.options import DesignerOptions  # noqa: E402
from desktop.session import EdgeSession  # noqa: E402
from desktop import settings as S  # noqa: E402
from desktop.client_config import ClientConfig  # noqa: E402
from desktop.i18n import Translations  # noqa: E402
from desktop.settings import Settings  # noqa: E402
from designer.document_tab import DocumentTab  # noqa: E402
from designer.main_window import DesignerWindow  # noqa: E402
from designer.new_dialog import NewDesignDialog  # noqa: E402
from designer.new_documents import as_copy, new_flow, new_form  # noqa: E402
from designer.problems import ProblemsPanel, counts  # noqa: E402
from designer.publish_dialog import PublishDialog  # noqa: E402
from designer.simulation import STEP_MS  # noqa: E402
from edge_server.contract.designs import FlowChannel, FlowDoc, LayoutKind, Problem, Severity  # noqa: E402
from edge_server.flows.validate import has_errors, validate  # noqa: E402


def _p(sev: Severity, code: str, element: str = "", zh: str = "") -> Problem:
    return Problem(severity=sev, code=code, element_id=element, message=f"{code} in English", message_zh=zh)


def test_new_documents_are_valid_and_copies_get_new_ids() -> None:
    flow = new_flow("Greeting", FlowChannel.VOICE)
    start = next(n for n in flow.nodes if n.type == "start")
    end = next(n for n in flow.nodes if n.type == "end")
    assert flow.entry == start.id and start.exits == {"next": end.id}
    assert (start.ui["x"], start.ui["y"]) == (0.0, 0.0) and flow.channel == FlowChannel.VOICE
    assert not has_errors(validate(flow, None))
    form = new_form("Intake")
    assert [p.kind for p in form.pages] == [LayoutKind.PAGE]
    assert [c.kind for c in form.pages[0].children] == [LayoutKind.SECTION]
    copy = as_copy(flow)
    assert copy.id != flow.id and copy.name == "Greeting (copy)" and copy.nodes == flow.nodes


def test_problems_panel_sorts_counts_and_activates(qtbot: QtBot) -> None:
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    problems = [_p(Severity.WARNING, "TRANSLATION_MISSING", "n2"), _p(Severity.ERROR, "EXIT_UNWIRED", "n1", "出口未连接"),
                _p(Severity.INFO, "NOTE")]
    with qtbot.waitSignal(panel.title_changed) as sig:
        panel.set_problems(problems, {"n1": "Main menu (Menu)"})
    assert sig.args == ["Problems (1 errors, 1 warnings)"]
    assert counts(problems) == (1, 1)
    assert [panel.cell_text(r, 1) for r in range(3)] == ["EXIT_UNWIRED", "TRANSLATION_MISSING", "NOTE"]
    assert panel.cell_text(0, 2) == "Main menu (Menu)"
    assert panel.cell_text(2, 2) == "(document)"
    assert panel.cell_text(0, 0) == "Error"
    panel.show()
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(1, 0))
    with qtbot.waitSignal(panel.element_activated) as sig:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert sig.args == ["n2"]
    rect = panel.table.visualRect(panel.table.model().index(0, 3))
    with qtbot.waitSignal(panel.element_activated) as sig:
        # A real double-click is press, release, then the double-click event (the view checks the press).
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == ["n1"]
    QLocale.setDefault(QLocale("zh_CN"))
    try:
        panel.set_problems(problems)
        assert panel.cell_text(0, 3) == "出口未连接"
        assert panel.cell_text(1, 3) == "TRANSLATION_MISSING in English"  # no Chinese written: English
    finally:
        QLocale.setDefault(QLocale("en_US"))


def test_publish_dialog_blocks_on_errors_and_needs_a_message(qtbot: QtBot) -> None:
    blocked = PublishDialog("Menu", 3, [_p(Severity.ERROR, "EXIT_UNWIRED"), _p(Severity.WARNING, "W")])
    qtbot.addWidget(blocked)
    blocked.message_edit.setPlainText("ship it")
    assert not blocked.publish_button.isEnabled()
    assert "Errors block publishing" in blocked.summary_label.text()
    assert blocked.problem_list.count() == 2
    ok = PublishDialog("Menu", 3, [_p(Severity.WARNING, "W")])
    qtbot.addWidget(ok)
    assert not ok.publish_button.isEnabled()  # the message is required
    ok.message_edit.setPlainText("  first version ")
    assert ok.publish_button.isEnabled() and ok.message() == "first version" and ok.make_live()


def test_tab_dirty_state_follows_edits_and_undo(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    from designer.flow.editor import FlowEditor

    doc = menu_flow()
    editor = FlowEditor(doc)
    from edge_server.contract.designs import DesignSummary

    tab = DocumentTab(editor, doc, summary=DesignSummary(design_id=doc.id, kind="flow", name=doc.name,
                                                        draft_version=4))
    qtbot.addWidget(tab)
    assert not tab.is_dirty() and tab.base_version == 4 and tab.title() == "Menu flow"
    with qtbot.waitSignal(tab.dirty_changed) as sig:
        node_id = editor.add_node("message", QPointF(600, 300))
    assert sig.args == [True] and tab.title() == "Menu flow *"
    # The debounced validation reports the new node's unwired exit and missing text.
    with qtbot.waitSignal(tab.problems_changed, timeout=2_000) as sig:
        pass
    assert any(p.element_id == node_id and p.severity == Severity.ERROR for p in sig.args[0])
    with qtbot.waitSignal(tab.dirty_changed) as sig:
        editor.undo_stack.undo()
    assert sig.args == [False]
    # Moving a node is not a semantic change, but it is unsaved work all the same.
    editor.undo_stack.redo()
    saved = editor.document()
    from edge_server.contract.designs import DesignSummary as DS

    tab.mark_saved(DS(design_id=doc.id, kind="flow", name=doc.name, draft_version=5), saved)
    assert not tab.is_dirty() and tab.base_version == 5
    editor.select_element(node_id)
    editor.nudge(20, 0)
    assert tab.is_dirty()


def test_problem_activation_selects_the_node(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    window = DesignerWindow()
    qtbot.addWidget(window)
    tab = window.add_tab(menu_flow(), None)
    editor = tab.editor
    node_id = editor.add_node("collect", QPointF(700, 200))  # no variable, no wiring: errors on this node
    editor.select_element("")
    qtbot.waitUntil(lambda: any(p.element_id == node_id for p in window.problems.problems), timeout=2_000)
    assert window.problems_dock.windowTitle().startswith("Problems (")
    row = next(r for r, p in enumerate(window.problems.problems) if p.element_id == node_id)
    assert editor.selected_element != node_id
    window.problems.activate_row(row)
    assert editor.selected_element == node_id


def _flow_window(qtbot: QtBot) -> tuple[DesignerWindow, DocumentTab]:
    window = DesignerWindow()
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    tab = window.add_tab(menu_flow(), None)
    return window, tab


def test_simulation_animates_the_path_and_reports(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    window, tab = _flow_window(qtbot)
    sim = window.simulation
    shown: list[int] = []
    original = tab.editor.show_trace
    tab.editor.show_trace = lambda steps: (shown.append(len(steps)), original(steps))  # type: ignore[method-assign]
    sim.inputs_edit.setPlainText("1")
    with qtbot.waitSignal(sim.run_finished, timeout=5_000) as sig:
        window.run_sim_action.trigger()
    result = sig.args[0]
    assert [s.node_id for s in result.steps] == ["n_start", "n_menu", "n_route"]
    assert result.outcome == "routed" and result.passed
    assert shown[-3:] == [1, 2, 3]  # one step at a time
    assert "routed to a queue" in sim.result_label.text() and "passed" in sim.result_label.text()
    assert sim.transcript_list.count() >= 2  # the menu prompt and the customer's answer
    # Step walks the same path one step per press.
    sim.clear()
    for expected in (1, 2, 3):
        run(qtbot, sim.step_async())
        assert shown[-1] == expected
    assert STEP_MS == 150


def test_save_as_test_case_is_one_undoable_edit_and_runs(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    window, tab = _flow_window(qtbot)
    sim = window.simulation
    stack = tab.editor.undo_stack
    sim.inputs_edit.setPlainText("2")
    sim.test_name_edit.setText("bye path")
    before = stack.count()
    case = run(qtbot, sim.save_as_test_case())
    assert case is not None and stack.count() == before + 1
    doc = tab.document()
    assert isinstance(doc, FlowDoc) and [t.name for t in doc.tests] == ["bye path"]
    assert doc.tests[0].expect_path == ["n_start", "n_menu", "n_end"] and doc.tests[0].expect_outcome == "ended"
    assert sim.tests_list.count() == 1 and tab.is_dirty()
    outcomes = run(qtbot, sim.run_all_async())
    assert outcomes == {case.id: True}
    sim.inputs_edit.clear()
    with qtbot.waitSignal(sim.run_finished, timeout=5_000) as sig:
        sim.tests_list.itemActivated.emit(sim.tests_list.item(0))  # Enter on the saved case replays it
    assert sim.inputs_edit.toPlainText() == "2" and sig.args[0].passed
    # Rewire "2" to the route node: the saved expectation now fails.
    tab.editor.connect_exit("n_menu", "2", "n_route")
    outcomes = run(qtbot, sim.run_all_async())
    assert outcomes == {case.id: False}
    assert "0 of 1" in sim.result_label.text()
    tab.editor.undo_stack.undo()  # the rewiring
    tab.editor.undo_stack.undo()  # the test case
    assert tab.document().tests == [] and sim.tests_list.count() == 0
    assert msgspec.json.encode(tab.document()) == msgspec.json.encode(menu_flow())


def test_edit_menu_follows_the_current_tab(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    window = DesignerWindow()
    qtbot.addWidget(window)
    flow_tab = window.add_tab(menu_flow(), None)
    form_tab = window.new_design("form", "Intake")
    form = form_tab.document()
    section = form.pages[0].children[0].id
    field_item = form_tab.editor.add_entry("field:text", section)  # type: ignore[attr-defined]
    assert field_item and len(form_tab.document().fields) == 1
    assert window.current_tab() is form_tab and window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert form_tab.document().fields == []
    window.redo_action.trigger()
    assert len(form_tab.document().fields) == 1
    window.tabs.setCurrentWidget(flow_tab)
    assert not window.undo_action.isEnabled()  # the flow has no edits to undo
    assert window.run_sim_action.isEnabled()  # flows can be simulated
    window.tabs.setCurrentWidget(form_tab)
    assert not window.run_sim_action.isEnabled() and window.simulation.document() is None
    assert window.undo_view.group() is window.undo_group and window.undo_group.activeStack() is form_tab.editor.undo_stack


def _answer(qtbot: QtBot, window: DesignerWindow, button: QMessageBox.StandardButton) -> None:
    box = wait_dialog(qtbot, window, UnsavedDialog)
    assert "Intake" in box.text()
    box.button(button).click()


def test_closing_unsaved_work_asks(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    window = DesignerWindow()
    qtbot.addWidget(window)
    window.show()
    tab = window.new_design("form", "Intake")  # never saved: dirty from the start
    assert tab.is_dirty() and window.tabs.tabText(0) == "Intake *"
    task = start(window.close_tab(tab))
    _answer(qtbot, window, QMessageBox.StandardButton.Cancel)
    qtbot.waitUntil(task.done)
    assert task.result() is False and window.find_tab(tab.design_id) is tab
    # Closing the window asks too; Discard lets it close.
    with qtbot.waitSignal(window.quit_requested, timeout=5_000):
        window.close()
        _answer(qtbot, window, QMessageBox.StandardButton.Discard)
    assert window.tabs.count() == 0 and not window.isVisible()


def test_language_menu_switches_the_running_ui(qtbot: QtBot, qloop: asyncio.AbstractEventLoop, tmp_path: Path,
                                               qapp: QApplication) -> None:
    settings = Settings(QSettings(str(tmp_path / "designer.ini"), QSettings.Format.IniFormat))
    translations = Translations(qapp, compile_catalogues(tmp_path))
    window = DesignerWindow()
    qtbot.addWidget(window)
    controller = DesignerController(session=EdgeSession(client_id="test-lang"), settings=settings,
                                    translations=translations, window=window, config=ClientConfig(),
                                    opts=DesignerOptions())
    try:
        window.new_design("flow", "Greeting")
        assert window.file_menu.title() == "&File"
        window.language_actions["zh_CN"].trigger()
        assert translations.language == "zh_CN" and settings.get(S.LANGUAGE) == "zh_CN"
        # LanguageChange is posted, not sent: the widgets re-translate on the next event round.
        qtbot.waitUntil(lambda: window.file_menu.title() == "文件(&F)", timeout=2_000)
        assert window.simulation.step_button.text() == "单步(&S) (F10)"
        assert window.language_actions["zh_CN"].isChecked()
        window.language_actions["en"].trigger()
        qtbot.waitUntil(lambda: window.file_menu.title() == "&File", timeout=2_000)
        assert window.simulation.step_button.text() == "&Step (F10)"
    finally:
        translations.uninstall()
        QLocale.setDefault(QLocale("en_US"))
        controller.deleteLater()


def test_new_flow_dialog_asks_name_and_channel(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    window = DesignerWindow()
    qtbot.addWidget(window)
    window.show()
    task = start(window.new_design_interactive("flow"))
    dialog = wait_dialog(qtbot, window, NewDesignDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # a name is required
    qtbot.keyClicks(dialog.name_edit, "IVR main")  # (QTest cannot type CJK: it aborts)
    dialog.channel_combo.setCurrentIndex(dialog.channel_combo.findData("voice"))
    ok.click()
    qtbot.waitUntil(task.done)
    tab = task.result()
    assert tab is not None and window.current_tab() is tab and tab.name == "IVR main"
    doc = tab.document()
    assert isinstance(doc, FlowDoc) and doc.channel == FlowChannel.VOICE and [n.type for n in doc.nodes] == [
        "start", "end"]
