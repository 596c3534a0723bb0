"""Screenshots of the designer window: a flow open with problems and a simulation run (English and Chinese)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncio  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QLocale, QPointF, QTranslator  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402
from shell_support import menu_flow, qloop  # noqa: E402, F401

from designer.main_window import DesignerWindow  # noqa: E402
from desktop.i18n import ensure_cjk_font, has_cjk_font  # noqa: E402
from desktop.paths import fonts_dir, i18n_dir  # noqa: E402

SHOTS = Path("/tmp")


@pytest.fixture
def chinese(qapp: QApplication, tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Switches the running UI to Chinese: every catalogue compiled with the real lrelease and installed."""
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    translators: list[QTranslator] = []

    def switch() -> None:
        QLocale.setDefault(QLocale("zh_CN"))
        ensure_cjk_font(fonts_dir())
        for ts in sorted(i18n_dir().glob("*_zh_CN.ts")):
            qm = tmp_path / ts.with_suffix(".qm").name
            subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True, timeout=60)
            t = QTranslator(qapp)
            assert t.load(str(qm))
            qapp.installTranslator(t)  # LanguageChange: open widgets re-translate themselves
            translators.append(t)

    try:
        yield switch
    finally:
        for t in translators:
            qapp.removeTranslator(t)
        QLocale.setDefault(QLocale("en_US"))


def _shoot(qtbot: QtBot, name: str, switch: Callable[[], None] | None = None) -> DesignerWindow:
    window = DesignerWindow()
    qtbot.addWidget(window)
    window.resize(1600, 960)
    window.show()
    qtbot.waitExposed(window)
    tab = window.add_tab(menu_flow(), None)
    bad = tab.editor.add_node("collect", QPointF(720, 160))  # no variable, unwired: problems to show
    tab.editor.select_element("")
    qtbot.waitUntil(lambda: any(p.element_id == bad for p in window.problems.problems), timeout=2_000)
    if switch is not None:
        switch()
        qtbot.waitUntil(lambda: window.file_menu.title() != "&File", timeout=2_000)
    window.simulation.inputs_edit.setPlainText("1")
    with qtbot.waitSignal(window.simulation.run_finished, timeout=5_000):
        window.run_sim_action.trigger()
    fit = getattr(tab.editor, "actions_by_name", {}).get("fit")
    if fit is not None:
        fit.trigger()  # the whole flow in view, as a supervisor would look at it
    qtbot.wait(50)
    window.grab().save(str(SHOTS / name))
    return window


def test_screenshot_english(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    window = _shoot(qtbot, "designer_main.png")
    assert window.problems_dock.windowTitle().startswith("Problems (")
    assert (SHOTS / "designer_main.png").stat().st_size > 20_000


def test_screenshot_chinese(qtbot: QtBot, qloop: asyncio.AbstractEventLoop, chinese: Callable[[], None]) -> None:
    window = _shoot(qtbot, "designer_main_zh.png", chinese)  # built in English, switched while open
    assert has_cjk_font()
    assert window.simulation.run_button.text() == "运行(&R) (F9)"
    assert window.browser.new_flow_button.text() == "新建流程…"
    assert window.file_menu.title() == "文件(&F)"
    assert window.problems_dock.windowTitle().startswith("问题（")
    assert window.problems.cell_text(0, 2) == "收集输入" and window.problems.cell_text(0, 0) == "错误"
    assert "已转入队列" in window.simulation.result_label.text()
    assert QCoreApplication.translate("DesignerWindow", "Simulation") == "模拟"
