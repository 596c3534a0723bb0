"""The supervisor's queue table: loaded by list_queues, kept live by the queue stream, sortable."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.settings import Settings
from desktop.supervisor.queue_board import QueueBoard
from desktop.supervisor.queue_model import QueueColumn, QueueTableModel
from desktop_fakes import T0, FakeClock, FakeSession, queue_status, snapshot, status
from edge_server.contract.messages import Role


def _queues() -> list:
    return [
        queue_status("billing.zh", waiting=3, offered=1, oldest_arrival_ms=T0 - 95_000, answered=40,
                     abandoned=2, service_level_pct=72.5, sl_goal_pct=80.0, sl_target_s=20.0, aht_s=245.0,
                     staffed=4, ewt_next_s=62.0),
        queue_status("tech.en", waiting=0, answered=12, service_level_pct=91.0, aht_s=400.0, staffed=2,
                     ewt_next_s=0.0),
        queue_status("sales", open=False),
    ]


def _board(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> QueueBoard:
    board = QueueBoard(session, now_ms=clock.now_ms, tick_ms=20)
    qtbot.addWidget(board)
    session.queues = _queues()
    board.refresh()
    qtbot.waitUntil(lambda: board.model.rowCount() == 3, timeout=2000)
    return board


def _column(board: QueueBoard, col: QueueColumn) -> list[str]:
    p = board.proxy
    return [p.data(p.index(r, col)) for r in range(p.rowCount())]


def _cell(board: QueueBoard, queue: str, col: QueueColumn, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN202
    m = board.model
    return m.data(m.index(m.row_of(queue), col), role)


def test_every_column(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> None:
    board = _board(qtbot, session, clock)
    m = board.model
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in QueueColumn] == [
        "Queue", "Status", "Waiting", "Ringing", "Longest wait", "Service level", "Answered",
        "Abandoned", "AHT", "Staffed", "EWT",
    ]
    row = m.row_of("billing.zh")
    assert [m.data(m.index(row, c)) for c in QueueColumn] == [
        "Billing (Mandarin)", "Open", "3", "1", "01:35", "72.5%", "40", "2", "04:05", "4", "01:02",
    ]
    # No data yet shows a dash, not a zero that looks like a measurement.
    assert _cell(board, "sales", QueueColumn.SERVICE_LEVEL) == "–"
    assert _cell(board, "sales", QueueColumn.LONGEST) == "–"
    assert _cell(board, "sales", QueueColumn.OPEN) == "Closed"
    assert _cell(board, "tech.en", QueueColumn.EWT) == "00:00"
    assert _cell(board, "billing.zh", QueueColumn.NAME, Qt.ItemDataRole.ToolTipRole) == "billing.zh"
    assert board._summary.text() == "3 queues, 3 customers waiting"


def test_service_level_below_goal_is_coloured(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> None:
    board = _board(qtbot, session, clock)
    below = _cell(board, "billing.zh", QueueColumn.SERVICE_LEVEL, Qt.ItemDataRole.ForegroundRole)
    met = _cell(board, "tech.en", QueueColumn.SERVICE_LEVEL, Qt.ItemDataRole.ForegroundRole)
    assert isinstance(below, QBrush) and isinstance(met, QBrush)
    assert below.color().name() == "#9c2f2d" and met.color().name() == "#1f6e37"
    assert _cell(board, "billing.zh", QueueColumn.SERVICE_LEVEL, Qt.ItemDataRole.BackgroundRole) is not None
    assert _cell(board, "tech.en", QueueColumn.SERVICE_LEVEL, Qt.ItemDataRole.BackgroundRole) is None
    assert _cell(board, "billing.zh", QueueColumn.SERVICE_LEVEL, Qt.ItemDataRole.ToolTipRole) == (
        "Goal: 80% answered within 20 s"
    )


def test_published_status_updates_in_place_and_resorts(
    qtbot: QtBot, session: FakeSession, clock: FakeClock
) -> None:
    board = _board(qtbot, session, clock)
    board.table.sortByColumn(QueueColumn.WAITING, Qt.SortOrder.DescendingOrder)
    assert _column(board, QueueColumn.NAME)[0] == "Billing (Mandarin)"
    session.queue_status_published.emit(
        queue_status("tech.en", waiting=7, oldest_arrival_ms=T0 - 10_000, service_level_pct=60.0)
    )
    assert board.model.rowCount() == 3
    assert _column(board, QueueColumn.NAME) == ["Technical support (English)", "Billing (Mandarin)", "Sales"]
    assert _cell(board, "tech.en", QueueColumn.SERVICE_LEVEL, Qt.ItemDataRole.ForegroundRole).color().name() == "#9c2f2d"
    assert board._summary.text() == "3 queues, 10 customers waiting"
    # A queue the table has not seen is added.
    session.queue_status_published.emit(queue_status("vip", name_en="VIP line", waiting=1))
    assert board.model.rowCount() == 4 and "VIP line" in _column(board, QueueColumn.NAME)


def test_sorting_puts_missing_values_first(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> None:
    board = _board(qtbot, session, clock)
    board.table.sortByColumn(QueueColumn.SERVICE_LEVEL, Qt.SortOrder.AscendingOrder)
    assert _column(board, QueueColumn.SERVICE_LEVEL) == ["–", "72.5%", "91%"]
    board.table.sortByColumn(QueueColumn.LONGEST, Qt.SortOrder.DescendingOrder)
    assert _column(board, QueueColumn.NAME)[0] == "Billing (Mandarin)"
    board.table.sortByColumn(QueueColumn.NAME, Qt.SortOrder.AscendingOrder)
    assert _column(board, QueueColumn.NAME) == ["Billing (Mandarin)", "Sales", "Technical support (English)"]


def test_longest_wait_ticks(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> None:
    board = _board(qtbot, session, clock)
    assert _cell(board, "billing.zh", QueueColumn.LONGEST) == "01:35"
    clock.advance(30_000)
    qtbot.waitUntil(lambda: _cell(board, "billing.zh", QueueColumn.LONGEST) == "02:05", timeout=2000)
    # Nothing waiting any more: no longest wait, and no ticking for nothing.
    for q in _queues():
        session.queue_status_published.emit(queue_status(q.queue, waiting=0))
    assert _cell(board, "billing.zh", QueueColumn.LONGEST) == "–"
    assert not board.model._tick.isActive()


def test_reconnect_reloads(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> None:
    board = _board(qtbot, session, clock)
    session.calls.clear()
    session.queues = _queues()[:1]
    session.link_state_changed.emit("reconnecting")
    session.link_state_changed.emit("up")
    qtbot.waitUntil(lambda: board.model.rowCount() == 1, timeout=2000)
    assert session.session_calls() == [("list_queues",)]


def test_empty_model(qtbot: QtBot, clock: FakeClock) -> None:
    m = QueueTableModel(clock.now_ms)
    assert m.rowCount() == 0 and m.columnCount() == len(QueueColumn)
    assert m.data(QModelIndex()) is None and m.rowCount(m.index(0, 0)) == 0


def test_queues_tab_next_to_the_agent_board(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    session.queues = _queues()
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    session.play_login(snapshot(Role.SUPERVISOR, me=status("sup", role=Role.SUPERVISOR)))
    tabs = w.supervisor_tabs
    assert tabs is not None and w.queue_board is not None
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Agents", "Queues"]
    assert tabs.widget(1) is w.queue_board
    qtbot.waitUntil(lambda: w.queue_board is not None and w.queue_board.model.rowCount() == 3, timeout=2000)
    session.logged_out.emit()
    assert w.queue_board is None and w.supervisor_tabs is None
