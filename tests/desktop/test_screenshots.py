"""Offscreen screenshots of the main screens into /tmp/shots, for a human to look at.

They also prove the screens render without Qt warnings (pytest-qt fails on those).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.i18n import Translations
from desktop.login_dialog import LoginDialog
from desktop.main_window import MainWindow
from desktop.settings import Settings
from desktop_fakes import T0, FakeClock, FakeSession, offer, queue_status, snapshot, status, task
from desktop.texts import describe_error
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import AgentState, Role, WrapUpStarted


@pytest.fixture
def translations(qapp: QApplication, compiled_i18n: Path) -> Iterator[Translations]:
    t = Translations(qapp, compiled_i18n)
    yield t
    t.uninstall()


def _save(widget, path: Path) -> None:  # noqa: ANN001
    # Layouts settle through posted LayoutRequest events, one nesting level per round.
    for _ in range(4):
        QApplication.processEvents()
    assert widget.grab().save(str(path))
    img = QImage(str(path))
    assert img.width() > 200 and img.height() > 100
    # Not a blank image: a rendered screen has many distinct colours.
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert len(colours) > 5


def _agent_window(qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock) -> MainWindow:
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    w.resize(900, 520)
    session.link_state_changed.emit("up")
    session.play_login(snapshot(Role.AGENT, me=status("li.wei", display_name="李伟 Li Wei")))
    session.state_changed.emit(
        status("li.wei", AgentState.NOT_READY, "lunch", since_ms=clock.ms - 125_000, display_name="李伟 Li Wei")
    )
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_login_dialog_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, settings: Settings,
    shots_dir: Path, language: str,
) -> None:
    translations.install(language)
    d = LoginDialog(settings, edge="tcp://edge.local:7700", username="alice")
    qtbot.addWidget(d)
    d.password_edit.setText("secret")
    err = SwitchboardError(ErrorCode.THROTTLED, "locked", retry_after_s=30)
    d.show_error(describe_error(err), retry_after_s=30)
    d.show()
    qtbot.waitExposed(d)
    _save(d, shots_dir / f"login_dialog_{language}.png")


def test_main_window_english_shot(
    qtbot: QtBot, styled: QApplication, session: FakeSession, settings: Settings, clock: FakeClock, shots_dir: Path
) -> None:
    w = _agent_window(qtbot, session, settings, clock)
    _save(w, shots_dir / "main_window_en.png")
    session.state_changed.emit(
        status("li.wei", AgentState.NOT_READY, "disconnected", since_ms=clock.ms, display_name="李伟 Li Wei")
    )
    session.link_state_changed.emit("reconnecting")
    _save(w, shots_dir / "main_window_disconnected_en.png")


def test_main_window_chinese_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession,
    settings: Settings, clock: FakeClock, shots_dir: Path,
) -> None:
    translations.install("zh_CN")
    w = _agent_window(qtbot, session, settings, clock)
    assert w.state_control.text() == "示忙 – 午餐"
    _save(w, shots_dir / "main_window_zh_CN.png")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_supervisor_view_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession,
    settings: Settings, clock: FakeClock, shots_dir: Path, language: str,
) -> None:
    translations.install(language)
    session.agents = [
        status("alice", AgentState.READY, since_ms=T0 - 42_000, team="Support"),
        status("bob", AgentState.NOT_READY, "break", since_ms=T0 - 305_000, team="Support"),
        status("li.wei", AgentState.ACW, since_ms=T0 - 12_000, team="Billing", display_name="李伟"),
        status("zhang.min", AgentState.NOT_READY, "disconnected", since_ms=T0 - 65_000, team="Billing",
               display_name="张敏", connected=False),
        status("sup", AgentState.READY, since_ms=T0 - 3_600_000, team="Support", role=Role.SUPERVISOR),
    ]
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    w.resize(1000, 700)
    session.link_state_changed.emit("up")
    session.play_login(snapshot(Role.SUPERVISOR, me=status("sup", AgentState.READY, role=Role.SUPERVISOR)))
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.board is not None and w.board.model.rowCount() == 5, timeout=2000)
    assert w.board is not None
    _save(w, shots_dir / f"supervisor_window_{language}.png")
    _save(w.board, shots_dir / f"supervisor_board_{language}.png")
    # Rendered without popping up: a popup grabs the keyboard, which offscreen warns about.
    menu = w.board.menu_for("bob")
    menu.adjustSize()
    assert menu.grab().save(str(shots_dir / f"supervisor_menu_{language}.png"))


def _work_window(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> MainWindow:
    """An agent with an active chat and a call in timed wrap-up."""
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    w.resize(1000, 640)
    session.link_state_changed.emit("up")
    me = status("li.wei", AgentState.READY, since_ms=clock.ms - 312_000, display_name="李伟 Li Wei")
    session.play_login(snapshot(
        Role.AGENT, me=me,
        tasks=[
            task("t1", customer="王芳 Wang Fang", channel="wechat", subject="退款进度查询 Refund status",
                 attributes={"order": "A-20931", "language": "zh"}),
            task("t2", customer="张伟 Zhang Wei", channel="voice", priority=1,
                 subject="Invoice 2024-113 charged twice", attributes={"ani": "+86 138 0013 8000"}),
        ],
        wrapups=[WrapUpStarted(task_id="t2", until_ms=clock.ms + 95_000 + 42_000, codes=["resolved", "follow_up"])],
    ))
    clock.advance(95_000)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_offer_toast_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession,
    settings: Settings, clock: FakeClock, shots_dir: Path, language: str,
) -> None:
    translations.install(language)
    w = _work_window(qtbot, session, settings, clock)
    session.offer_received.emit(offer(
        1, task("t3", customer="陈静 Chen Jing", channel="voice", priority=2, queue="tech.en",
                queue_en="Technical support (English)", queue_zh="技术支持（英文）",
                subject="Router keeps dropping the connection"),
        now_ms=clock.ms - 6_000, timeout_ms=20_000,
    ))
    session.offer_received.emit(offer(2, task("t4", customer="", subject=""), now_ms=clock.ms, timeout_ms=30_000))
    assert len(w.offers.toasts()) == 2
    _save(w, shots_dir / f"offer_toast_{language}.png")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_work_list_wrapup_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession,
    settings: Settings, clock: FakeClock, shots_dir: Path, language: str,
) -> None:
    translations.install(language)
    w = _work_window(qtbot, session, settings, clock)
    w.work_list.select_task("t2")
    panel = w.work_list.view_for("t2").wrapup_panel  # type: ignore[union-attr]
    assert panel is not None
    panel.notes_edit.setPlainText("Duplicate charge confirmed; refund requested from billing.")
    _save(w, shots_dir / f"work_list_wrapup_{language}.png")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_supervisor_queue_table_shot(
    qtbot: QtBot, styled: QApplication, translations: Translations, session: FakeSession,
    settings: Settings, clock: FakeClock, shots_dir: Path, language: str,
) -> None:
    translations.install(language)
    session.queues = [
        queue_status("billing.zh", waiting=4, offered=1, oldest_arrival_ms=T0 - 134_000, answered=52,
                     abandoned=3, service_level_pct=68.4, aht_s=262.0, staffed=3, ewt_next_s=95.0),
        queue_status("tech.en", waiting=1, oldest_arrival_ms=T0 - 12_000, answered=31, abandoned=0,
                     service_level_pct=93.5, aht_s=410.0, staffed=5, ewt_next_s=8.0),
        queue_status("sales", open=False, answered=9, abandoned=1, service_level_pct=88.9, aht_s=185.0),
    ]
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    w.resize(1100, 700)
    session.link_state_changed.emit("up")
    session.play_login(snapshot(Role.SUPERVISOR, me=status("sup", AgentState.READY, role=Role.SUPERVISOR,
                                                           display_name="陈静 Chen Jing")))
    assert w.supervisor_tabs is not None and w.queue_board is not None
    w.supervisor_tabs.setCurrentWidget(w.queue_board)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.queue_board is not None and w.queue_board.model.rowCount() == 3, timeout=2000)
    _save(w, shots_dir / f"supervisor_queues_window_{language}.png")
    _save(w.queue_board, shots_dir / f"supervisor_queues_{language}.png")
