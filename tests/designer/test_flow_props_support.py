"""Shared helpers of the property-panel tests (imported by name: tests/ runs in importlib mode)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads: tests never need a display

from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QLocale, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from designer.flow.properties import NodePropertiesPanel  # noqa: E402
from edge_server.contract.designs import FlowNode, RefCatalog, RefItem, Variable  # noqa: E402
from edge_server.flows.nodetypes import NODE_TYPES  # noqa: E402

CATALOG = RefCatalog(
    queues=[RefItem(key="sales", name_en="Sales", name_zh="销售"),
            RefItem(key="support", name_en="Support", name_zh="技术支持")],
    skills=[RefItem(key="english", name_en="English", name_zh="英语"),
            RefItem(key="billing", name_en="Billing", name_zh="账务")],
)
VARIABLES = [Variable(name="phone", sensitive=True), Variable(name="attempts", type="number", default="0")]


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    """Node labels follow QLocale's default (as desktop/i18n.py sets it): pin English, restore after."""
    old = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(old)


def node(type_name: str, node_id: str = "n1", **config: Any) -> FlowNode:
    cfg = NODE_TYPES[type_name].default_config()
    cfg.update(config)
    return FlowNode(id=node_id, type=type_name, config=cfg)


class Recorder:
    """Collects the panel's edit signals in order."""

    def __init__(self, panel: NodePropertiesPanel) -> None:
        self.config: list[tuple[str, str, Any]] = []
        self.labels: list[tuple[str, str]] = []
        panel.config_edited.connect(lambda i, k, v: self.config.append((i, k, v)))
        panel.label_edited.connect(lambda i, t: self.labels.append((i, t)))


def make_panel(qtbot: QtBot, shown: FlowNode | None = None, *, channel: str = "voice",
               width: int = 380, height: int = 900) -> tuple[NodePropertiesPanel, Recorder]:
    p = NodePropertiesPanel()
    qtbot.addWidget(p)
    p.resize(width, height)
    rec = Recorder(p)
    if shown is not None:
        show(p, shown, channel=channel)
    p.show()
    qtbot.waitExposed(p)
    p.activateWindow()
    return p, rec


def show(p: NodePropertiesPanel, n: FlowNode, *, channel: str = "voice") -> None:
    p.show_node(n, variables=list(VARIABLES), catalog=CATALOG, channel=channel)


def focus(qtbot: QtBot, w: QWidget) -> None:
    w.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(w.hasFocus, timeout=2000)


def settle(qtbot: QtBot, w: QWidget) -> None:
    """Let nested layouts finish (each level posts a LayoutRequest to its parent) before a screenshot."""
    for _ in range(8):
        QApplication.processEvents()
    qtbot.waitUntil(lambda: w.isVisible(), timeout=2000)
