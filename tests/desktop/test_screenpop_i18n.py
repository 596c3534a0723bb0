"""The screen-pop catalogue: complete, placeholders intact, and loaded live with the main one."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.i18n import Translations
from desktop.interactions_hub import InteractionsHub
from desktop.paths import i18n_dir
from desktop.screenpop.panel import ScreenPopPanel
from desktop_fakes import FakeSession, snapshot
from edge_server.contract.messages import Role, TaskInfo
from test_screenpop_data import NOW, view


@pytest.fixture(scope="module")
def screenpop_i18n(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """switchboard_* and screenpop_* compiled with the real pyside6-lrelease."""
    out = tmp_path_factory.mktemp("i18n_screenpop")
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    for ts in [*i18n_dir().glob("switchboard_*.ts"), *i18n_dir().glob("screenpop_*.ts")]:
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(out / ts.with_suffix(".qm").name)],
                       check=True, timeout=60)
    return out


@pytest.fixture
def zh(qapp: QApplication, screenpop_i18n: Path) -> Iterator[Translations]:
    t = Translations(qapp, screenpop_i18n)
    yield t
    t.uninstall()


def test_every_screenpop_string_is_translated() -> None:
    root = ET.parse(i18n_dir() / "screenpop_zh_CN.ts").getroot()
    messages = root.findall(".//message")
    assert len(messages) > 100
    for msg in messages:
        src = msg.findtext("source") or ""
        tr = msg.find("translation")
        assert tr is not None and tr.get("type") is None, f"unfinished: {src!r}"
        texts = [n.text or "" for n in tr.findall("numerusform")] or [tr.text or ""]
        for text in texts:
            assert text, f"untranslated: {src!r}"
            assert sorted(re.findall(r"\{\w+\}", src)) == sorted(re.findall(r"\{\w+\}", text)), src
            assert src.count("%n") == text.count("%n"), src


def test_panel_switches_to_chinese_live(qtbot: QtBot, zh: Translations, session: FakeSession) -> None:
    session.snapshot = snapshot(Role.AGENT)
    session.replies["get_customer"] = view(n=6)
    p = ScreenPopPanel(InteractionsHub(session), now_ms=lambda: NOW)  # type: ignore[arg-type]
    qtbot.addWidget(p)
    p.resize(420, 700)
    p.show()
    with qtbot.waitSignal(p.rendered, timeout=3000):
        p.show_task(TaskInfo(task_id="t1", queue="q", customer_id="c-wang", interaction_id="x"))
    assert p.search_button.text() == "Find customer…"
    zh.install("zh_CN")
    qtbot.waitUntil(lambda: p.search_button.text() == "查找客户…", timeout=2000)
    assert p.card_view.vip_badge.text() == "VIP" and p.card_view.edit_button.text() == "编辑…"
    assert p.card_view.identity_texts()[1] == "+86 138 0013 8000"
    kinds = [w.text() for w in p.card_view.findChildren(type(p.card_view.name_label), "identity_kind")
             if w.isVisible()]
    assert kinds == ["微信", "电话"]
    p.clear()
    p.show_task(TaskInfo(task_id="t2", queue="q", customer_id="", interaction_id="y"))
    assert p.form.title_label.text() == "新客户" and p.form.save_button.text() == "保存客户"
    zh.install("en")
    qtbot.waitUntil(lambda: p.form.title_label.text() == "New customer", timeout=2000)
