"""Shared helpers of the flow canvas tests (imported by name: tests/ runs in importlib mode)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads: tests never need a display

import importlib.util  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402

import msgspec  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QLocale, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from designer.flow.editor import FlowEditor  # noqa: E402
from edge_server.contract.designs import FlowDoc, FlowNode, Variable  # noqa: E402
from edge_server.flows.canonical import content_hash  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    """Node labels follow QLocale's default (desktop/i18n.py sets it): pin English, restore after."""
    old = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(old)


def snapshot(doc: FlowDoc) -> tuple[str, bytes]:
    """The semantic hash and the exact bytes (ui blocks included): undo must restore both."""
    return content_hash(doc), msgspec.json.encode(doc)


def open_editor(qtbot: QtBot, doc: FlowDoc, size: tuple[int, int] = (1400, 900)) -> FlowEditor:
    editor = FlowEditor(doc)
    qtbot.addWidget(editor)
    editor.resize(*size)
    editor.show()
    qtbot.waitExposed(editor)
    # Shortcuts and focus need the window to be the active one.
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=2000)
    editor.view.set_zoom(1.0)
    return editor


def view_point(editor: FlowEditor, scene_pos: QPointF) -> QPoint:
    return editor.view.mapFromScene(scene_pos)


def drag(editor: FlowEditor, start: QPointF, end: QPointF, steps: int = 5) -> None:
    """A real left-button drag on the canvas between two scene positions."""
    vp = editor.view.viewport()
    a, b = view_point(editor, start), view_point(editor, end)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for i in range(1, steps + 1):
        p = a + (b - a) * (i / steps)
        QTest.mouseMove(vp, p)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def click(editor: FlowEditor, scene_pos: QPointF,
          modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.mouseClick(editor.view.viewport(), Qt.MouseButton.LeftButton, modifier, view_point(editor, scene_pos))


def node_centre(editor: FlowEditor, node_id: str) -> QPointF:
    item = editor.scene.nodes[node_id]
    return item.pos() + QPointF(100, 30)


def _n(nid: str, type_name: str, label: str, x: float, y: float, config: dict | None = None,
       **exits: str | None) -> FlowNode:
    return FlowNode(id=nid, type=type_name, label=label, config=config or {}, exits=dict(exits),
                    ui={"x": x, "y": y})


def chat_flow() -> FlowDoc:
    """A realistic 12-node web-chat flow with Chinese labels (the screenshot's subject)."""
    zh_en = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731
    nodes = [
        _n("start", "start", "开始", 0, 200, next="hours"),
        _n("hours", "business_hours", "营业时间", 260, 200,
           {"timezone": "Asia/Shanghai", "hours": [{"days": ["mon", "tue", "wed", "thu", "fri"],
                                                   "open": "09:00", "close": "18:00"}]},
           open="greet", closed="closed_msg"),
        _n("greet", "message", "欢迎语", 520, 120, {"text": zh_en("您好，欢迎咨询！", "Hello!")}, next="lookup"),
        _n("lookup", "customer_lookup", "识别客户", 780, 120, {"identity": "contact"},
           found="vip", not_found="menu"),
        _n("vip", "condition", "VIP 客户？", 1040, 40,
           {"branches": [{"name": "vip", "when": "customer.vip"}]}, vip="route_vip", **{"else": "menu"}),
        _n("menu", "menu", "主菜单", 1040, 260,
           {"prompt": zh_en("请选择服务", "Choose"),
            "options": [{"key": "1", "label": zh_en("订单查询", "Orders")},
                        {"key": "2", "label": zh_en("售后服务", "After-sales")}],
            "timeout_s": 60, "max_retries": 2},
           **{"1": "bot", "2": "route_support", "no_match": "route_support", "timeout": "bye",
              "max_retries": "route_support"}),
        _n("bot", "bot", "智能问答", 1300, 200,
           {"prompt": zh_en("请描述您的问题", "Your question?"),
            "intents": [{"name": "track", "keywords": ["物流", "快递"], "answer": zh_en("请提供订单号", "Order no.?")}],
            "max_turns": 5, "timeout_s": 120},
           resolved="bye", handoff="route_support", timeout="bye"),
        _n("route_vip", "route", "VIP 专席", 1300, 0, {"queue": "vip", "priority": "10", "skills": {}},
           unavailable="route_support"),
        _n("route_support", "route", "售后队列", 1560, 280, {"queue": "support", "priority": "0", "skills": {}},
           unavailable="voicemail"),
        _n("voicemail", "voicemail", "留言", 1820, 280,
           {"prompt": zh_en("请留言", "Leave a message"), "queue": "support", "timeout_s": 60}, done="bye"),
        _n("closed_msg", "message", "非工作时间", 520, 380, {"text": zh_en("现在是非工作时间", "We are closed")},
           next="bye"),
        _n("bye", "end", "结束", 1820, 60, {"text": zh_en("感谢您的咨询，再见！", "Thanks, bye!")}),
    ]
    return FlowDoc(id="chat-main", name="网页客服主流程", entry="start", nodes=nodes,
                   variables=[Variable(name="attempts", type="number", default="0")])


def small_flow() -> FlowDoc:
    """start -> message -> end, plus an unwired menu: the canvas tests' playground."""
    return FlowDoc(id="small", name="small", entry="s", nodes=[
        _n("s", "start", "", 0, 0, next="m"),
        _n("m", "message", "Hello", 300, 0, {"text": {"zh-CN": "你好", "en": "Hello"}}, next="e"),
        _n("e", "end", "Bye", 600, 0),
        _n("menu", "menu", "Menu", 300, 240,
           {"prompt": {"zh-CN": "请选择", "en": "Choose"},
            "options": [{"key": "1", "label": {"zh-CN": "一", "en": "One"}}], "timeout_s": 60, "max_retries": 2},
           **{"1": None, "no_match": None, "timeout": None, "max_retries": None}),
    ])


def bench_module() -> ModuleType:
    """bench/designer_canvas.py (its 1,000-node generator is the load test's input too)."""
    spec = importlib.util.spec_from_file_location("designer_canvas_bench", ROOT / "bench" / "designer_canvas.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
