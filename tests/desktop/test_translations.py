from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from desktop.i18n import Translations, ensure_cjk_font, has_cjk_font, normalize_language, resolve_language
from desktop.main_window import MainWindow
from desktop.paths import i18n_dir
from desktop.reasons import ReasonCatalog
from desktop.settings import Settings
from desktop.state_control import StateControl
from desktop.workspace.area import WorkspaceArea
from desktop_fakes import REASONS, FakeClock, FakeSession, offer, queue_status, snapshot, status, task
from edge_server.contract.messages import OfferRescinded, Role, TaskAssigned, WrapUpStarted


@pytest.fixture
def translations(qapp: QApplication, compiled_i18n: Path) -> Iterator[Translations]:
    t = Translations(qapp, compiled_i18n)
    yield t
    t.uninstall()


CATALOGUES = sorted(i18n_dir().glob("*_zh_CN.ts"))


@pytest.mark.parametrize("ts", CATALOGUES, ids=[p.stem for p in CATALOGUES])
def test_every_string_has_a_finished_chinese_translation(ts: Path) -> None:
    root = ET.parse(ts).getroot()
    messages = root.findall(".//message")
    assert messages, f"{ts.name} is empty"
    for msg in messages:
        tr = msg.find("translation")
        src = msg.findtext("source")
        if tr is not None and tr.get("type") in ("obsolete", "vanished"):
            continue  # kept by lupdate for history; never shown
        assert tr is not None and tr.text, f"{ts.name}: untranslated: {src!r}"
        assert tr.get("type") is None, f"{ts.name}: unfinished: {src!r}"
        # Placeholders must survive translation, or .format() breaks at run time.
        assert sorted(re.findall(r"\{[\w.]+\}", src or "")) == sorted(re.findall(r"\{[\w.]+\}", tr.text)), src


def _pairs(ts: Path) -> set[tuple[str, str]]:
    out = set()
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.findall("message"):
            tr = msg.find("translation")
            if tr is not None and tr.get("type") in ("obsolete", "vanished"):
                continue
            out.add((name, msg.findtext("source") or ""))
    return out


def test_every_tr_string_of_the_desktop_and_designer_is_in_a_catalogue(tmp_path: Path) -> None:
    """pyside6-lupdate over desktop/** and designer/** must find nothing that no shipped catalogue has."""
    lupdate = shutil.which("pyside6-lupdate") or str(Path(sys.executable).parent / "pyside6-lupdate")
    root = i18n_dir().parent.parent
    sources = sorted(str(p) for d in ("desktop", "designer") for p in (root / d).rglob("*.py"))
    out = tmp_path / "all.ts"
    subprocess.run([lupdate, "-silent", *sources, "-ts", str(out)], check=True, timeout=120)
    found = _pairs(out)
    assert len(found) > 100
    shipped: set[tuple[str, str]] = set()
    for ts in CATALOGUES:
        shipped |= _pairs(ts)
    missing = sorted(found - shipped)
    assert not missing, f"{len(missing)} strings in no catalogue, e.g. {missing[:8]}"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("zh_CN", "zh_CN"), ("zh-Hans-CN", "zh_CN"), ("zh-TW", "zh_CN"), ("zh", "zh_CN"),
     ("en-GB", "en"), ("en_US", "en"), ("C", "en"), ("fr_FR", None), ("de", None)],
)
def test_normalize_language(tag: str, expected: str | None) -> None:
    assert normalize_language(tag) == expected


def test_resolve_prefers_the_choice_then_the_system() -> None:
    assert resolve_language("zh_CN", QLocale("en_US")) == "zh_CN"
    assert resolve_language("", QLocale("zh_CN")) == "zh_CN"
    assert resolve_language(None, QLocale("fr_FR")) == "en"  # no French: the source language
    assert resolve_language("fr", QLocale("zh_CN")) == "zh_CN"  # unavailable choice: follow the system


def test_chinese_loads_and_widgets_retranslate_live(
    qtbot: QtBot, translations: Translations
) -> None:
    area = WorkspaceArea()
    qtbot.addWidget(area)
    control = StateControl()
    qtbot.addWidget(control)
    control.set_reasons(ReasonCatalog(REASONS))
    assert area.empty_title == "No interactions"
    assert translations.install("zh_CN")
    assert translations.language == "zh_CN"
    assert QLocale().language() == QLocale.Language.Chinese
    qtbot.waitUntil(lambda: area.empty_title == "暂无交互", timeout=2000)
    qtbot.waitUntil(lambda: control.text() == "已登出", timeout=2000)
    sub = control.menu().findChild(QMenu, "not_ready_menu")
    # Reason codes come with both labels: the Chinese one under a Chinese UI.
    assert [a.text() for a in sub.actions()] == ["午餐", "小休", "培训"]
    assert translations.install("en")
    qtbot.waitUntil(lambda: area.empty_title == "No interactions", timeout=2000)
    sub = control.menu().findChild(QMenu, "not_ready_menu")
    assert [a.text() for a in sub.actions()] == ["Lunch", "Break", "Training"]


def test_main_window_in_chinese(
    qtbot: QtBot, translations: Translations, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    translations.install("zh_CN")
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    session.play_login(snapshot())
    assert w.state_control.text() == "示忙"
    assert w.role_label.text() == "坐席"
    assert w.connection.text() == "已连接"
    assert w.status_message() == "已以 Alice 的身份登录。"


def test_missing_catalogue_falls_back_to_english(
    qapp: QApplication, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    t = Translations(qapp, tmp_path)
    with caplog.at_level(logging.WARNING, logger="sb.ui"):
        assert not t.install("zh_CN")
    assert t.language == "en"
    assert "switchboard_zh_CN.qm" in caplog.text and "pyside6-lrelease" in caplog.text


def test_unusable_bundled_font_is_reported(
    qapp: QApplication, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "broken.ttf").write_bytes(b"not a font")
    with caplog.at_level(logging.INFO, logger="sb.ui"):
        ok = ensure_cjk_font(tmp_path, required=False)
    assert ok == has_cjk_font()
    if not ok:
        assert "could not load bundled font" in caplog.text
        assert "fonts-wqy-microhei" in caplog.text


def test_work_views_in_chinese(
    qtbot: QtBot, translations: Translations, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    translations.install("zh_CN")
    session.queues = [queue_status("billing.zh", service_level_pct=50.0)]
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    session.play_login(snapshot(Role.SUPERVISOR, me=status("sup", role=Role.SUPERVISOR)))
    session.offer_received.emit(offer(1, task("t1"), now_ms=clock.ms))
    [toast] = w.offers.toasts()
    assert toast.queue_label.text() == "账单（中文） · 在线聊天"  # the queue's own Chinese name
    assert toast.accept_button.text() == "接受" and toast.seconds_label.text() == "20 秒"
    session.offer_rescinded.emit(OfferRescinded(offer_id=1, task_id="t1", reason="cancelled"))
    assert w.status_message() == "分配已撤回：张伟 Zhang Wei – 客户已离开"
    session.task_assigned.emit(TaskAssigned(task=task("t2")))
    session.wrapup_started.emit(WrapUpStarted(task_id="t2", codes=["resolved", "follow_up"]))
    panel = w.work_list.view_for("t2").wrapup_panel  # type: ignore[union-attr]
    assert panel is not None
    # Wrap-up codes take the site's Chinese labels, and type-ahead works on them.
    assert [panel.code_combo.itemText(i) for i in range(2)] == ["已解决", "需跟进"]
    panel.code_combo.setEditText("需跟进")
    assert panel.chosen_code() == "follow_up"
    assert w.work_list.view_for("t2").phase_label.text() == "话后整理"  # type: ignore[union-attr]
    assert w.supervisor_tabs is not None and w.supervisor_tabs.tabText(1) == "队列"
    board = w.queue_board
    assert board is not None
    qtbot.waitUntil(lambda: board.model.rowCount() == 1, timeout=2000)
    m = board.model
    assert m.data(m.index(0, 0)) == "账单（中文）"
    assert m.headerData(5, Qt.Orientation.Horizontal) == "服务水平"
    # Switching back to English relabels live.
    translations.install("en")
    qtbot.waitUntil(lambda: toast_free_label(w) == "Billing (Mandarin) · Chat", timeout=2000)
    assert [panel.code_combo.itemText(i) for i in range(2)] == ["Resolved", "Needs follow-up"]
    assert panel.chosen_code() == "follow_up"


def toast_free_label(w: MainWindow) -> str:
    """The work list's queue line of the selected task (no toast is left by now)."""
    view = w.work_list.view_for("t2")
    return view.queue_label.text() if view is not None else ""
