"""The designer against a real edge process: login, save/reopen, conflicts, publish, history, bindings.

One edge per module (setting up a site costs seconds); each test logs in its own sessions.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncio  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import msgspec  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QPointF, QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402
from shell_support import menu_flow, qloop, run, start, wait_dialog  # noqa: E402, F401

from designer.conflict_dialog import ConflictDialog, UnsavedDialog  # noqa: E402
from designer.controller import DesignerController  # noqa: E402
from designer.design_client import DesignClient  # noqa: E402
from designer.flow.commands import SetConfig  # noqa: E402
from designer.main_window import DesignerWindow  # noqa: E402
from designer.options import DesignerOptions  # noqa: E402
from designer.publish_dialog import PublishDialog  # noqa: E402
from desktop.session import EdgeSession  # noqa: E402
from desktop.client_config import ClientConfig, load_client_config  # noqa: E402
from desktop.i18n import Translations  # noqa: E402
from desktop.settings import Settings  # noqa: E402
from edge_server.contract.designs import LIVE, EntryKind, FlowChannel, FlowDoc, Severity  # noqa: E402

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "switchboard"  # every demo user's password (resources/demo/site.toml)
READY_MARKER = "switchboard-edge ready"


def _main(*args: str) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, f"main.py {' '.join(args)}:\n{out.stdout}\n{out.stderr}"


@dataclass
class LiveEdge:
    router: str
    clients: Path

    def config(self, name: str) -> ClientConfig:
        src = self.clients / name / "desktop.toml"
        dst = self.clients / name / "live.toml"
        dst.write_text(src.read_text(encoding="utf-8").replace("tcp://127.0.0.1:7700", self.router))
        return load_client_config(dst)


@pytest.fixture(scope="module")
def live_edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveEdge]:
    tmp = tmp_path_factory.mktemp("designer-edge")
    data = tmp / "data"
    _main("keys", "--data-dir", str(data), "init")
    _main("admin", "--data-dir", str(data), "import", str(ROOT / "resources" / "demo" / "site.toml"))
    for name in ("des1", "des2"):
        _main("keys", "--data-dir", str(data), "issue", name, "--out", str(tmp / "clients" / name))
    env = dict(os.environ, SWITCHBOARD__EDGE__DATA_DIR=str(data), SWITCHBOARD__EDGE__LOG_DIR=str(tmp / "log"),
               SWITCHBOARD__BUS__ROUTER_ENDPOINT="tcp://127.0.0.1:0", SWITCHBOARD__BUS__PUB_ENDPOINT="tcp://127.0.0.1:0")
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "edge"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    seen: list[str] = []
    router = ""
    for line in proc.stdout:  # bounded: the edge exits (EOF) if it cannot start
        seen.append(line)
        if READY_MARKER in line:
            router = dict(p.split("=", 1) for p in line.split() if "=" in p)["router"]
            break
    try:
        assert router, "edge did not start:\n" + "".join(seen)
        yield LiveEdge(router=router, clients=tmp / "clients")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


@pytest.fixture
def sessions(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> Iterator[list[EdgeSession]]:
    made: list[EdgeSession] = []
    yield made
    for s in made:
        run(qtbot, s.close())


def _login(qtbot: QtBot, sessions: list[EdgeSession], edge: LiveEdge, client: str, user: str) -> DesignClient:
    cfg = edge.config(client)
    s = EdgeSession(client_id=f"test-{client}-{user}", login_timeout_s=10, request_timeout_s=10)
    sessions.append(s)
    assert run(qtbot, s.login(cfg.edge, user, PASSWORD, server_key=cfg.server_key, client_keys=cfg.client_keys))
    return DesignClient(s)


def _window(qtbot: QtBot, client: DesignClient, user: str = "sup") -> DesignerWindow:
    window = DesignerWindow()
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.attach(client, user=user, role="supervisor", edge="tcp://test")
    window.show()
    run(qtbot, window.start())
    return window


# --- login ---------------------------------------------------------------------------------------------------


def test_agent_is_refused_supervisor_gets_in(qtbot: QtBot, qloop: asyncio.AbstractEventLoop, live_edge: LiveEdge,
                                             tmp_path: Path, qapp: QApplication) -> None:
    cfg = live_edge.config("des1")
    settings = Settings(QSettings(str(tmp_path / "designer.ini"), QSettings.Format.IniFormat))
    session = EdgeSession(client_id="test-login", login_timeout_s=10, request_timeout_s=10)
    window = DesignerWindow()
    qtbot.addWidget(window)
    controller = DesignerController(session=session, settings=settings, translations=Translations(qapp, tmp_path),
                                    window=window, config=cfg, opts=DesignerOptions())
    try:
        dialog = controller.show_login_dialog()
        assert dialog is not None
        dialog.user_edit.setText("alice")  # an agent
        dialog.password_edit.setText(PASSWORD)
        dialog.login_button.click()
        qtbot.waitUntil(lambda: not dialog.error_label.isHidden(), timeout=10_000)  # (it clears the password)
        assert "supervisors" in dialog.error_label.text()
        assert dialog.isVisible() and not session.is_logged_in and window.client is None
        dialog.user_edit.setText("sup")
        dialog.password_edit.setText(PASSWORD)
        dialog.login_button.click()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
        assert session.is_logged_in and window.client is not None
        assert "sup (supervisor)" in window.status_label.text() and cfg.edge in window.status_label.text()
        qtbot.waitUntil(lambda: window.browser.table.rowCount() >= 0 and bool(window.catalog.queues), timeout=5_000)
        assert {q.key for q in window.catalog.queues} >= {"sales", "billing.zh"}
    finally:
        run(qtbot, session.close())


# --- drafts -----------------------------------------------------------------------------------------------------


def test_new_flow_edit_save_reopen(qtbot: QtBot, sessions: list[EdgeSession], live_edge: LiveEdge) -> None:
    window = _window(qtbot, _login(qtbot, sessions, live_edge, "des1", "sup"))
    tab = window.new_design("flow", "Greeting", FlowChannel.CHAT)
    editor = tab.editor
    start_id = tab.document().entry
    msg = editor.add_node("message", QPointF(200, 150))
    editor.undo_stack.push(SetConfig(editor.model, msg, "text", {"zh-CN": "您好", "en": "Hello"}))
    end_id = next(n.id for n in tab.document().nodes if n.type == "end")
    editor.connect_exit(start_id, "next", msg)
    editor.connect_exit(msg, "next", end_id)
    assert tab.is_dirty() and tab.base_version == 0
    before = tab.document()
    assert run(qtbot, window.save_tab(tab))
    assert not tab.is_dirty() and tab.base_version == 1 and window.tabs.tabText(window.tabs.indexOf(tab)) == "Greeting"
    listed = window.browser.summary(before.id)
    assert listed is not None and listed.draft_version == 1 and listed.updated_by == "sup"
    assert listed.live_revision == 0 and window.browser.table.item(
        window.browser.designs.index(listed), 4).text() == "unpublished changes"
    assert run(qtbot, window.close_tab(tab))
    assert window.find_tab(before.id) is None
    # Select it in the browser and press Enter, as a supervisor would.
    window.browser.select_ids([before.id])
    assert window.browser.selected_ids() == [before.id]
    window.browser.table.setFocus()
    window.browser.table.setCurrentCell(window.browser.designs.index(listed), 0)
    qtbot.keyClick(window.browser.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.find_tab(before.id) is not None, timeout=10_000)
    reopened = window.find_tab(before.id)
    assert reopened is not None and reopened.base_version == 1
    assert msgspec.json.encode(reopened.document()) == msgspec.json.encode(before)
    # Opening it again focuses the same tab.
    again = run(qtbot, window.open_designs([before.id]))
    assert again == [reopened] and window.tabs.count() == 1


def test_conflicting_save_offers_copy_or_reload(qtbot: QtBot, sessions: list[EdgeSession],
                                                live_edge: LiveEdge) -> None:
    window = _window(qtbot, _login(qtbot, sessions, live_edge, "des1", "sup"))
    other = _login(qtbot, sessions, live_edge, "des2", "admin")
    doc = menu_flow("conflict-flow")
    run(qtbot, other.save_draft(doc, 0))
    tab = run(qtbot, window.open_design(doc.id))
    assert tab is not None and tab.base_version == 1
    # Someone else saves version 2 meanwhile.
    theirs = msgspec.structs.replace(doc, description="admin's edit")
    run(qtbot, other.save_draft(theirs, 1))
    tab.editor.connect_exit("n_menu", "2", "n_route")
    mine = tab.document()
    task = start(window.save_tab(tab))
    dialog = wait_dialog(qtbot, window, ConflictDialog)
    assert "admin saved version 2" in dialog.text()
    dialog.copy_button.click()
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True
    copy_tab = window.current_tab()
    assert copy_tab is not None and copy_tab.design_id != doc.id and copy_tab.name == "Menu flow (copy)"
    assert copy_tab.base_version == 1 and not copy_tab.is_dirty() and window.find_tab(doc.id) is None
    saved_copy = run(qtbot, other.get_design(copy_tab.design_id))
    assert saved_copy.document.nodes == mine.nodes
    original = run(qtbot, other.get_design(doc.id))
    assert original.summary.draft_version == 2 and original.document.description == "admin's edit"  # not overwritten
    # Again, choosing their version this time.
    tab = run(qtbot, window.open_design(doc.id))
    run(qtbot, other.save_draft(msgspec.structs.replace(theirs, description="admin again"), 2))
    tab.editor.connect_exit("n_menu", "2", "n_route")
    task = start(window.save_tab(tab))
    dialog = wait_dialog(qtbot, window, ConflictDialog)
    dialog.reload_button.click()
    qtbot.waitUntil(task.done, timeout=10_000)
    reloaded = window.find_tab(doc.id)
    assert reloaded is not None and reloaded is not tab and reloaded.base_version == 3
    assert reloaded.document().description == "admin again" and not reloaded.is_dirty()
    assert reloaded.document().nodes == doc.nodes  # my rewiring is gone


def test_new_form_saved_when_closing(qtbot: QtBot, sessions: list[EdgeSession], live_edge: LiveEdge) -> None:
    client = _login(qtbot, sessions, live_edge, "des1", "sup")
    window = _window(qtbot, client)
    tab = window.new_design("form", "Intake")
    section = tab.document().pages[0].children[0].id
    assert tab.editor.add_entry("field:phone", section)  # type: ignore[attr-defined]
    doc = tab.document()
    task = start(window.close_tab(tab))
    box = wait_dialog(qtbot, window, UnsavedDialog)
    box.button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True and window.tabs.count() == 0
    listed = window.browser.summary(doc.id)
    assert listed is not None and listed.kind == "form" and listed.draft_version == 1
    reopened = run(qtbot, window.open_design(doc.id))
    assert reopened is not None and reopened.kind == "form"
    assert msgspec.json.encode(reopened.document()) == msgspec.json.encode(doc)


# --- publish, history, bindings, edge simulation ------------------------------------------------------------------


def test_publish_history_rollback_bindings(qtbot: QtBot, sessions: list[EdgeSession], live_edge: LiveEdge) -> None:
    client = _login(qtbot, sessions, live_edge, "des1", "sup")
    window = _window(qtbot, client)
    broken = menu_flow("publish-flow", queue="")  # the route node names no queue: an error
    tab = window.add_tab(broken, None)
    assert run(qtbot, window.save_tab(tab))
    assert any(p.severity == Severity.ERROR and p.element_id == "n_route" for p in tab.problems)
    task = start(window.publish_tab(tab))
    dialog = wait_dialog(qtbot, window, PublishDialog)
    dialog.message_edit.setPlainText("first")
    assert not dialog.publish_button.isEnabled() and "Errors block publishing" in dialog.summary_label.text()
    dialog.reject()
    qtbot.waitUntil(task.done, timeout=5_000)
    assert task.result() is None
    # Fix it through the editor, then publish through the dialog.
    tab.editor.undo_stack.push(SetConfig(tab.editor.model, "n_route", "queue", "sales"))
    task = start(window.publish_tab(tab))
    dialog = wait_dialog(qtbot, window, PublishDialog)
    assert "no problems" in dialog.summary_label.text() or "warnings" in dialog.summary_label.text()
    dialog.message_edit.setPlainText("first version")
    assert dialog.publish_button.isEnabled()
    dialog.publish_button.click()
    qtbot.waitUntil(task.done, timeout=10_000)
    info = task.result()
    assert info is not None and info.number == 1 and info.by == "sup" and info.message == "first version"
    assert tab.base_version == 2  # the fix was saved first
    summary = window.browser.summary("publish-flow")
    assert summary is not None and summary.live_revision == 1
    # A second revision, published without the dialog.
    tab.editor.connect_exit("n_menu", "2", "n_route")
    info2 = run(qtbot, window.publish_tab(tab, message="2 routes too"))
    assert info2 is not None and info2.number == 2

    history = window.history_dialog(tab)
    assert history is not None
    qtbot.addWidget(history)
    history.show()
    assert run(qtbot, history.load())
    assert history.revision_table.rowCount() == 2 and history.live_revision() == 2
    assert history.revision_table.item(0, 1).text() == "live"
    changes = run(qtbot, history.compare(1, 2))
    assert any(c.change == "rewired" and c.element_id == "n_menu" for c in changes), changes
    assert history.diff_table.rowCount() == len(changes)
    history.revision_table.selectRow(1)  # revision 1
    assert history.selected_revision() == 1 and history.make_live_button.isEnabled()
    history.make_live_button.click()
    box = wait_dialog(qtbot, history, QMessageBox, "confirm_make_live")
    with qtbot.waitSignal(history.live_changed, timeout=10_000) as sig:
        next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()
    assert sig.args == [1]
    revisions = run(qtbot, client.list_revisions("publish-flow"))
    assert revisions.aliases[LIVE] == 1
    history.close()

    run(qtbot, window.refresh())
    bindings = window.bindings_dialog()
    assert bindings is not None
    qtbot.addWidget(bindings)
    bindings.show()
    assert run(qtbot, bindings.load())
    combo = bindings.combos[(str(EntryKind.WEBCHAT), "default")]
    index = combo.findData("publish-flow")
    assert index > 0
    combo.setCurrentIndex(index)
    qtbot.waitUntil(lambda: bindings.status_label.text() == "Saved.", timeout=10_000)
    listed = run(qtbot, client.list_bindings())
    assert any(b.entry_kind == EntryKind.WEBCHAT and b.entry_key == "default" and b.design_id == "publish-flow"
               for b in listed)
    # A flow without a live revision cannot be bound: the edge refuses and the dialog says so.
    assert not run(qtbot, bindings.bind(EntryKind.WEBCHAT, "default", "conflict-free-nonexistent"))
    assert "not changed" in bindings.status_label.text()


def test_test_cases_run_on_the_edge(qtbot: QtBot, sessions: list[EdgeSession], live_edge: LiveEdge) -> None:
    window = _window(qtbot, _login(qtbot, sessions, live_edge, "des1", "sup"))
    tab = window.add_tab(menu_flow("edge-sim-flow"), None)
    sim = window.simulation
    sim.inputs_edit.setPlainText("1")
    assert run(qtbot, sim.save_as_test_case()) is not None
    sim.inputs_edit.setPlainText("2")
    sim.clear()
    assert run(qtbot, sim.save_as_test_case()) is not None
    doc = tab.document()
    assert isinstance(doc, FlowDoc) and len(doc.tests) == 2
    outcomes = run(qtbot, sim.run_on_edge())
    assert outcomes == {t.id: True for t in doc.tests}
    assert "On the edge: 2 of 2" in sim.result_label.text()


# --- the process -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("user", "code"), [("sup", 0), ("alice", 5)])
def test_designer_process_logs_in_unattended(live_edge: LiveEdge, tmp_path: Path, user: str, code: int) -> None:
    live_edge.config("des1")  # writes live.toml pointing at this edge
    env = dict(os.environ, SB_TEST_PASSWORD=PASSWORD)
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "designer", "--offscreen", "--config",
         str(live_edge.clients / "des1" / "live.toml"), "--username", user, "--password-env", "SB_TEST_PASSWORD",
         "--quit-after", "1.5", "--profile-dir", str(tmp_path / "profile"), "--language", "en"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    logs = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "profile" / "logs").glob("*.log*"))
    assert out.returncode == code, f"{out.stdout}\n{out.stderr}\n{logs}"
    if code == 0:
        assert "logged in as sup" in logs and "exit code 0" in logs
    else:
        assert "may not use the designer" in logs
