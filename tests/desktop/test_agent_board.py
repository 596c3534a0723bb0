from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.reasons import ReasonCatalog
from desktop.settings import Settings
from desktop.supervisor.agent_board import AgentBoard
from desktop.supervisor.agent_model import AgentTableModel, Column
from desktop_fakes import REASONS, T0, FakeClock, FakeSession, snapshot, status
from edge_server.contract.messages import AgentState, Role


def _column(board: AgentBoard, col: Column) -> list[str]:
    p = board.proxy
    return [p.data(p.index(r, col)) for r in range(p.rowCount())]


def _agents() -> list:
    return [
        status("carol", AgentState.READY, since_ms=T0 - 30_000, team="Sales"),
        status("alice", AgentState.NOT_READY, "lunch", since_ms=T0 - 600_000, team="Support"),
        status("bob", AgentState.ACW, since_ms=T0 - 5_000, team="Support", connected=False),
    ]


def _board(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> AgentBoard:
    board = AgentBoard(session, now_ms=clock.now_ms, tick_ms=20)
    qtbot.addWidget(board)
    board.set_reasons(ReasonCatalog(REASONS))
    session.agents_listed.emit(_agents())
    return board


def test_rows_show_every_column(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> None:
    board = _board(qtbot, session, clock)
    m = board.model
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "Agent", "Team", "State", "Reason", "Time in state", "Connected",
    ]
    row = m.row_of("alice")
    assert row is not None
    assert [m.data(m.index(row, c)) for c in Column] == [
        "Alice", "Support", "Not Ready", "Lunch", "10:00", "Yes",
    ]
    assert m.data(m.index(m.row_of("bob"), Column.CONNECTED)) == "No"


def test_sorted_by_name_by_default_and_by_time_on_request(
    qtbot: QtBot, session: FakeSession, clock: FakeClock
) -> None:
    board = _board(qtbot, session, clock)
    assert _column(board, Column.NAME) == ["Alice", "Bob", "Carol"]
    board.table.sortByColumn(Column.TIME, Qt.SortOrder.DescendingOrder)
    assert _column(board, Column.NAME) == ["Alice", "Carol", "Bob"]  # longest in state first
    board.table.sortByColumn(Column.STATE, Qt.SortOrder.AscendingOrder)
    assert _column(board, Column.STATE) == ["Ready", "After-Call Work", "Not Ready"]


def test_published_status_updates_its_row_and_resorts(
    qtbot: QtBot, session: FakeSession, clock: FakeClock
) -> None:
    board = _board(qtbot, session, clock)
    board.table.sortByColumn(Column.STATE, Qt.SortOrder.AscendingOrder)
    changed: list[int] = []
    board.model.dataChanged.connect(lambda tl, br, roles=(): changed.append(tl.row()))
    session.agent_status_published.emit(status("alice", AgentState.READY, since_ms=T0, team="Support"))
    assert changed == [board.model.row_of("alice")]
    assert board.model.rowCount() == 3  # updated in place, not appended
    assert _column(board, Column.NAME)[:2] in (["Alice", "Carol"], ["Carol", "Alice"])
    assert _column(board, Column.STATE)[:2] == ["Ready", "Ready"]
    # A status overtaken by a newer one is ignored.
    session.agent_status_published.emit(status("alice", AgentState.NOT_READY, "break", since_ms=T0 - 1))
    row = board.model.row_of("alice")
    assert board.model.data(board.model.index(row, Column.STATE)) == "Ready"


def test_unknown_agent_is_appended(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> None:
    board = _board(qtbot, session, clock)
    with qtbot.waitSignal(board.model.rowsInserted):
        session.agent_status_published.emit(status("li.wei", AgentState.READY, display_name="李伟"))
    assert "李伟" in _column(board, Column.NAME)


def test_time_in_state_ticks(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> None:
    board = _board(qtbot, session, clock)
    m = board.model
    cell = m.index(m.row_of("bob"), Column.TIME)
    assert m.data(cell) == "00:05"
    clock.advance(4_000)
    with qtbot.waitSignal(m.dataChanged, timeout=2000):
        pass
    assert m.data(cell) == "00:09"


def test_filter_by_text_and_state(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> None:
    board = _board(qtbot, session, clock)
    board.filter_edit.setText("support")
    assert _column(board, Column.NAME) == ["Alice", "Bob"]
    board.filter_edit.setText("LUNCH")  # the reason label, case-insensitive
    assert _column(board, Column.NAME) == ["Alice"]
    board.filter_edit.clear()
    board.state_filter.setCurrentIndex(board.state_filter.findData("ready"))
    assert _column(board, Column.NAME) == ["Carol"]
    assert board.findChild(type(board._count), "agent_count").text() == "1 of 3 agents"


def test_context_menu_forces_state(
    qtbot: QtBot, session: FakeSession, clock: FakeClock
) -> None:
    board = _board(qtbot, session, clock)
    menu = board.menu_for("alice")
    sub = menu.findChild(QMenu, "force_not_ready_menu")
    assert sub is not None
    assert [a.text() for a in sub.actions()] == ["Lunch", "Break", "Training"]
    menu.findChild(type(menu.actions()[0]), "force_ready").trigger()
    next(a for a in sub.actions() if a.objectName() == "force_not_ready_break").trigger()
    qtbot.waitUntil(lambda: len(session.session_calls()) == 2, timeout=2000)
    assert session.session_calls() == [
        ("force_state", "alice", AgentState.READY, ""),
        ("force_state", "alice", AgentState.NOT_READY, "break"),
    ]


def test_force_logout_asks_first(
    qtbot: QtBot, session: FakeSession, clock: FakeClock, monkeypatch
) -> None:
    board = _board(qtbot, session, clock)
    answers = iter([False, True])
    asked: list[str] = []

    def confirm(name: str) -> bool:
        asked.append(name)
        return next(answers)

    monkeypatch.setattr(board, "_confirm_force_logout", confirm)
    out = next(a for a in board.menu_for("bob").actions() if a.objectName() == "force_logout")
    out.trigger()  # declined
    out.trigger()  # confirmed
    qtbot.waitUntil(lambda: len(session.session_calls()) == 1, timeout=2000)
    assert asked == ["Bob", "Bob"]
    assert session.session_calls() == [("force_state", "bob", AgentState.LOGGED_OUT, "")]


def test_reconnect_reloads_the_list(qtbot: QtBot, session: FakeSession, clock: FakeClock) -> None:
    board = _board(qtbot, session, clock)
    session.agents = _agents()[:1]
    session.link_state_changed.emit("reconnecting")
    assert session.session_calls() == []
    session.link_state_changed.emit("up")
    qtbot.waitUntil(lambda: session.session_calls() == [("list_agents",)], timeout=2000)
    assert board.model.rowCount() == 1


def test_model_with_no_rows_does_not_tick(qtbot: QtBot, clock: FakeClock) -> None:
    m = AgentTableModel(clock.now_ms, tick_ms=20)
    assert m.rowCount() == 0 and m.columnCount() == len(Column)
    assert m.rowCount(m.index(0, 0)) == 0
    assert m.data(QModelIndex()) is None
    assert not m._tick.isActive()
    m.set_agents(_agents())
    assert m._tick.isActive()
    m.set_agents([])
    assert not m._tick.isActive()


def test_board_appears_only_for_supervisors_and_loads_agents(
    qtbot: QtBot, session: FakeSession, settings: Settings, clock: FakeClock
) -> None:
    w = MainWindow(session, settings, now_ms=clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    session.play_login(snapshot(Role.AGENT))
    assert w.board is None and w.supervisor_dock is None
    session.agents = _agents()
    session.play_login(snapshot(Role.SUPERVISOR, me=status("sup", role=Role.SUPERVISOR)))
    assert w.board is not None and w.supervisor_dock is not None
    assert w.supervisor_dock.windowTitle() == "Team"
    qtbot.waitUntil(lambda: w.board is not None and w.board.model.rowCount() == 3, timeout=2000)
    qtbot.waitUntil(lambda: len(session.session_calls()) == 2, timeout=2000)
    assert sorted(session.session_calls()) == [("list_agents",), ("list_queues",)]  # both tabs load
    # Reason labels reach the board too.
    m = w.board.model
    assert m.data(m.index(m.row_of("alice"), Column.REASON)) == "Lunch"
    session.logged_out.emit()
    assert w.board is None
