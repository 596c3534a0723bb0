"""Shared helpers of the designer shell's tests (imported by name: tests/ runs in importlib mode)."""
from __future__ import annotations

import asyncio
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads: tests never need a display

import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Coroutine, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

import pytest  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import QLocale  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from desktop.paths import i18n_dir  # noqa: E402
from edge_server.contract.designs import FlowDoc, FlowNode  # noqa: E402

T = TypeVar("T")
W = TypeVar("W", bound=QWidget)


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop driven by pytest-qt's event processing (qtbot.wait*), as under the app."""
    QLocale.setDefault(QLocale("en_US"))
    loop = qasync.QEventLoop(qapp, already_running=True)
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in pending:
            t.cancel()
        rounds = 50
        while any(not t.done() for t in pending) and rounds:
            qapp.processEvents()
            rounds -= 1
        # Not loop.stop(): it calls QApplication.exit(), after which every qtbot.wait* returns at once.
        loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
        asyncio.events._set_running_loop(None)
        loop.close()
        assert all(t.done() for t in pending), "a task ignored its cancellation"


def run(qtbot: QtBot, coro: Coroutine[Any, Any, T], timeout_ms: int = 10_000) -> T:
    """Run ``coro`` on the qasync loop while Qt processes events; its result."""
    task = asyncio.get_running_loop().create_task(coro)
    qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


def start(coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    return asyncio.get_running_loop().create_task(coro)


def wait_dialog(qtbot: QtBot, parent: QWidget, cls: type[W], name: str = "", timeout_ms: int = 5_000) -> W:
    """The visible dialog of ``cls`` (and object name) under ``parent`` once it is open."""
    found: list[W] = []

    def _open() -> bool:
        found[:] = [w for w in parent.findChildren(cls) if w.isVisible() and (not name or w.objectName() == name)]
        return bool(found)

    qtbot.waitUntil(_open, timeout=timeout_ms)
    return found[0]


def menu_flow(doc_id: str = "flow-menu", queue: str = "sales") -> FlowDoc:
    """start -> menu (1 sales, 2 bye) -> route / end; every exit wired, valid against the demo site."""
    menu_cfg = {"prompt": {"zh-CN": "请选择", "en": "Choose"},
                "options": [{"key": "1", "label": {"zh-CN": "销售", "en": "Sales"}},
                            {"key": "2", "label": {"zh-CN": "再见", "en": "Bye"}}],
                "timeout_s": 60, "max_retries": 2}
    nodes = [
        FlowNode(id="n_start", type="start", exits={"next": "n_menu"}, ui={"x": 0.0, "y": 0.0}),
        FlowNode(id="n_menu", type="menu", label="Main menu", config=menu_cfg,
                 exits={"1": "n_route", "2": "n_end", "no_match": "n_end", "timeout": "n_end",
                        "max_retries": "n_end"}, ui={"x": 240.0, "y": 0.0}),
        FlowNode(id="n_route", type="route", config={"queue": queue, "priority": "0", "skills": {}},
                 exits={"unavailable": "n_end"}, ui={"x": 480.0, "y": -80.0}),
        FlowNode(id="n_end", type="end", config={"text": {"zh-CN": "再见", "en": "Bye"}}, ui={"x": 480.0, "y": 80.0}),
    ]
    return FlowDoc(id=doc_id, name="Menu flow", entry="n_start", nodes=nodes)


def compile_catalogues(out: Path) -> Path:
    """Every shipped .ts compiled to .qm in ``out`` with the real pyside6-lrelease."""
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    for ts in sorted(i18n_dir().glob("*_*.ts")):
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(out / ts.with_suffix(".qm").name)],
                       check=True, timeout=60)
    return out
