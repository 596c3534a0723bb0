"""A 1,000-node flow opens well inside the budget, and the editor looks right (screenshot in Chinese)."""
from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
from flow_canvas_support import bench_module, chat_flow, english, open_editor  # noqa: E402, F401
from PySide6.QtCore import QLocale, QPointF, QTranslator  # noqa: E402
from PySide6.QtGui import QFontDatabase  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from designer.flow.commands import MoveNodes  # noqa: E402
from designer.flow.editor import FlowEditor  # noqa: E402
from edge_server.contract.designs import Problem, Severity, TraceStep  # noqa: E402
from edge_server.flows.validate import validate_flow  # noqa: E402

SHOT = Path("/tmp/flow_editor.png")


@pytest.mark.usefixtures("english")
def test_thousand_nodes_load_and_repaint_within_generous_bounds(qtbot: QtBot, qapp: QApplication) -> None:
    doc = bench_module().make_flow(1000)
    t0 = time.perf_counter()
    editor = FlowEditor(doc)
    qtbot.addWidget(editor)
    editor.resize(1600, 1000)
    editor.show()
    qapp.processEvents()
    editor.view.viewport().repaint()
    load_s = time.perf_counter() - t0
    # The bench's target is 1 s on a quiet machine; CI shares its cores, hence the slack.
    assert load_s < 3.0, f"1,000 nodes took {load_s:.2f} s to open"
    assert len(editor.scene.nodes) == 1000 and len(editor.scene.wires) > 1000
    # One move touches one node and its wires, and the document follows.
    t0 = time.perf_counter()
    editor.undo_stack.push(MoveNodes(editor.model, {"n0500": (20.0, 20.0)}))
    editor.view.viewport().repaint()
    assert time.perf_counter() - t0 < 0.25
    assert editor.document().nodes[500].ui == {"x": 20.0, "y": 20.0}
    # Zoomed out the whole flow is drawn as the cached background graph.
    editor.view.fit_contents()
    assert editor.scene.overview
    t0 = time.perf_counter()
    for _ in range(5):
        editor.view.horizontalScrollBar().setValue(editor.view.horizontalScrollBar().value() + 40)
        editor.view.viewport().repaint()
    assert (time.perf_counter() - t0) / 5 < 0.25


@pytest.fixture
def chinese(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    """The UI in Chinese: the designer catalogues compiled from their .ts and installed, as the app does."""
    from desktop.paths import i18n_dir

    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    installed = []
    for ts in sorted(i18n_dir().glob("designer*_zh_CN.ts")):
        qm = tmp_path / ts.with_suffix(".qm").name
        subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True, timeout=60)
        translator = QTranslator()
        assert translator.load(str(qm))
        qapp.installTranslator(translator)
        installed.append(translator)
    old = QLocale()
    QLocale.setDefault(QLocale("zh_CN"))
    yield
    QLocale.setDefault(old)
    for translator in installed:
        qapp.removeTranslator(translator)


@pytest.mark.usefixtures("chinese")
def test_screenshot_of_a_chat_flow_in_chinese(qtbot: QtBot) -> None:
    from desktop.i18n import ensure_cjk_font
    from desktop.paths import fonts_dir

    assert ensure_cjk_font(fonts_dir())
    editor = open_editor(qtbot, chat_flow(), size=(1600, 900))
    problems = validate_flow(editor.document())
    editor.set_problems(problems)
    # A warning badge to look at even if the sample flow validates clean.
    editor.set_problems([*problems, Problem(severity=Severity.WARNING, code="TRANSLATION_MISSING",
                                            element_id="greet", message="missing en", message_zh="缺少英文")])
    editor.show_trace([TraceStep(seq=i + 1, node_id=n, node_type="", ts_ms=i, exit=e) for i, (n, e) in enumerate(
        [("start", "next"), ("hours", "open"), ("greet", "next"), ("lookup", "not_found"), ("menu", "1"),
         ("bot", "")])])
    editor.view.fit_contents()
    editor.select_element("menu")
    editor.minimap.render_now()
    qtbot.waitUntil(lambda: "options" in editor.node_panel.editors, timeout=2000)
    QApplication.processEvents()  # lay out the property panel before the grab
    assert editor.palette.topLevelItem(0).text(0) == "基础"
    assert editor.scene.nodes["menu"].exits[:2] == ["1", "2"]
    assert editor.tabs.tabText(0) == "属性" and editor.tabs.tabText(1) == "大纲"
    assert QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    img = editor.grab()
    assert img.save(str(SHOT))
    assert SHOT.stat().st_size > 20_000
    # The menu node sits inside the view after fit.
    visible = editor.view.mapToScene(editor.view.viewport().rect()).boundingRect()
    assert visible.contains(editor.scene.nodes["menu"].pos() + QPointF(100, 30))
