"""EdgeSession and the desktop process against a real edge process (real keys, real sockets).

One edge per module: setting up a site costs seconds, the checks themselves milliseconds.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.client_config import ClientConfig, load_client_config
from desktop.main_window import MainWindow
from desktop.session import EdgeSession
from desktop.settings import Settings
from edge_server.bus.client import EdgeClient
from edge_server.contract.messages import (
    AgentState,
    AgentStatus,
    CreateTask,
    QueueStatus,
    Role,
    Snapshot,
    TaskCreated,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "switchboard"  # every demo user's password (resources/demo/site.toml)
READY_MARKER = "switchboard-edge ready"


def _main(*args: str, env: dict[str, str] | None = None) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"main.py {' '.join(args)}:\n{out.stdout}\n{out.stderr}"


@dataclass
class LiveEdge:
    router: str
    clients: Path

    def config(self, name: str) -> Path:
        """The desktop.toml `keys issue` wrote, pointed at the edge's actual port."""
        src = self.clients / name / "desktop.toml"
        dst = self.clients / name / "live.toml"
        dst.write_text(src.read_text(encoding="utf-8").replace("tcp://127.0.0.1:7700", self.router))
        return dst


@pytest.fixture(scope="module")
def live_edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveEdge]:
    tmp = tmp_path_factory.mktemp("live")
    data = tmp / "data"
    _main("keys", "--data-dir", str(data), "init")
    _main("admin", "--data-dir", str(data), "import", str(ROOT / "resources" / "demo" / "site.toml"))
    for name in ("desk1", "sup1"):
        _main("keys", "--data-dir", str(data), "issue", name, "--out", str(tmp / "clients" / name))
    env = dict(
        os.environ,
        SWITCHBOARD__EDGE__DATA_DIR=str(data),
        SWITCHBOARD__EDGE__LOG_DIR=str(tmp / "log"),
        SWITCHBOARD__BUS__ROUTER_ENDPOINT="tcp://127.0.0.1:0",
        SWITCHBOARD__BUS__PUB_ENDPOINT="tcp://127.0.0.1:0",
    )
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


def _session(name: str) -> EdgeSession:
    return EdgeSession(client_id=f"test-{name}", login_timeout_s=10, request_timeout_s=10)


def _run(qtbot: QtBot, coro, timeout_ms: int = 10_000):  # noqa: ANN001, ANN202
    task = asyncio.get_running_loop().create_task(coro)
    qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


def _login(qtbot: QtBot, s: EdgeSession, cfg: ClientConfig, user: str) -> Snapshot:
    with qtbot.waitSignal(s.logged_in, timeout=10_000) as sig:
        ok = _run(qtbot, s.login(cfg.edge, user, PASSWORD, server_key=cfg.server_key,
                                 client_keys=cfg.client_keys))
    assert ok
    return sig.args[0]


def test_agent_and_supervisor_work_together(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, live_edge: LiveEdge
) -> None:
    agent_cfg = load_client_config(live_edge.config("desk1"))
    sup_cfg = load_client_config(live_edge.config("sup1"))
    alice, sup = _session("desk1"), _session("sup1")
    try:
        snap = _login(qtbot, alice, agent_cfg, "alice")
        assert snap.role == Role.AGENT and snap.me.username == "alice"
        assert {"lunch", "break"} <= {r.code for r in snap.reason_codes}
        assert alice.link_state == "up"

        sup_snap = _login(qtbot, sup, sup_cfg, "sup")
        assert sup_snap.role == Role.SUPERVISOR
        agents = _run(qtbot, sup.list_agents())
        assert agents is not None and "alice" in {a.username for a in agents}

        published: list[AgentStatus] = []
        sup.agent_status_published.connect(published.append)
        qtbot.wait(300)  # PUB/SUB joins asynchronously (the slow-joiner)

        with qtbot.waitSignal(alice.state_changed, timeout=5000,
                              check_params_cb=lambda st: st.state == AgentState.READY):
            confirmed = _run(qtbot, alice.set_state(AgentState.READY))
        assert confirmed is not None and confirmed.state == AgentState.READY
        qtbot.waitUntil(lambda: any(p.username == "alice" and p.state == AgentState.READY for p in published),
                        timeout=5000)

        # The supervisor forces her Not Ready: the push reaches alice's own session.
        with qtbot.waitSignal(alice.state_changed, timeout=5000,
                              check_params_cb=lambda st: st.reason == "meeting"):
            _run(qtbot, sup.force_state("alice", AgentState.NOT_READY, "meeting"))
        assert alice.me is not None and alice.me.state == AgentState.NOT_READY

        # A refused command becomes command_failed with the edge's reason, not an exception.
        with qtbot.waitSignal(alice.command_failed, timeout=5000) as failed:
            assert _run(qtbot, alice.set_state(AgentState.NOT_READY, "no-such-reason")) is None
        assert failed.args[0] == "set_state" and failed.args[1].startswith("The edge server refused")

        with qtbot.waitSignal(alice.logged_out, timeout=5000):
            _run(qtbot, alice.logout(3.0))
        assert not alice.is_logged_in
    finally:
        _run(qtbot, alice.close())
        _run(qtbot, sup.close())


def test_wrong_password_is_explained(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, live_edge: LiveEdge
) -> None:
    cfg = load_client_config(live_edge.config("desk1"))
    s = _session("desk1")
    try:
        with qtbot.waitSignal(s.login_failed, timeout=10_000) as sig:
            assert not _run(qtbot, s.login(cfg.edge, "bob", "wrong", server_key=cfg.server_key,
                                           client_keys=cfg.client_keys))
        assert sig.args == ["auth_failed", "Wrong user name or password."]
    finally:
        _run(qtbot, s.close())


def test_unattended_desktop_process_logs_in_goes_ready_and_quits(
    tmp_path: Path, live_edge: LiveEdge
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["SB_TEST_PASSWORD"] = PASSWORD
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "desktop", "--offscreen",
         "--config", str(live_edge.config("desk1")), "--username", "li.wei",
         "--password-env", "SB_TEST_PASSWORD", "--auto-ready", "--quit-after", "1.5",
         "--profile-dir", str(tmp_path / "profile")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    log = (tmp_path / "profile" / "logs" / "desktop.log").read_text(encoding="utf-8")
    assert "logged in as li.wei" in log
    assert "own state: ready" in log  # --auto-ready, confirmed by the edge
    assert log.index("own state: ready") < log.index("shut down")


def test_offer_to_wrapup_through_the_main_window(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, live_edge: LiveEdge, settings: Settings
) -> None:
    """The real edge routes a task to alice's window: toast, Accept, Complete, wrap-up, Submit."""
    agent_cfg = load_client_config(live_edge.config("desk1"))
    sup_cfg = load_client_config(live_edge.config("sup1"))
    alice, sup = _session("desk1-work"), _session("sup1-work")
    # A second connection with the supervisor desk's key plays the integration that creates work.
    admin = EdgeClient(sup_cfg.edge, server_key=sup_cfg.server_key, client_keys=sup_cfg.client_keys,
                       client_id="test-admin-work", request_timeout_s=10)
    w = MainWindow(alice, settings, now_ms=alice.clock.now_ms, use_tray=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    try:
        _login(qtbot, alice, agent_cfg, "alice")
        _login(qtbot, sup, sup_cfg, "sup")
        queues = _run(qtbot, sup.list_queues())
        assert queues is not None and {"billing.zh", "tech.en", "sales"} <= {q.queue for q in queues}
        published: list[QueueStatus] = []
        sup.queue_status_published.connect(published.append)
        qtbot.wait(300)  # PUB/SUB joins asynchronously (the slow-joiner)
        _run(qtbot, admin.start())
        _run(qtbot, admin.wait_up(10))
        _run(qtbot, admin.login("admin", PASSWORD))
        created = _run(qtbot, admin.request(CreateTask(queue="billing.zh", customer_name="王小明",
                                                       subject="账单疑问 Billing question", priority=1)))
        assert isinstance(created, TaskCreated) and created.accepted
        qtbot.waitUntil(lambda: any(q.queue == "billing.zh" and q.waiting >= 1 for q in published), timeout=5000)

        _run(qtbot, alice.set_state(AgentState.READY))
        qtbot.waitUntil(lambda: len(w.offers.toasts()) == 1, timeout=5000)
        toast = w.offers.toasts()[0]
        assert toast.customer_label.text() == "王小明"
        assert toast.queue_label.text() == "Billing (Mandarin) · Chat"
        assert not toast.priority_badge.isHidden()
        assert 15 <= int(toast.seconds_label.text().split()[0]) <= 20  # offer_timeout_s = 20, edge clock
        qtbot.mouseClick(toast.accept_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.work_list.count() == 1 and not w.offers.toasts(), timeout=5000)
        assert w.work_list.current_task_id() == created.task_id

        view = w.work_list.current_view()
        assert view is not None and view.subject_label.text() == "账单疑问 Billing question"
        qtbot.mouseClick(view.complete_button, Qt.MouseButton.LeftButton)
        # The queue's after-call work is manual with two allowed codes: the wrap-up is mandatory.
        qtbot.waitUntil(lambda: view.wrapup_panel is not None, timeout=5000)
        panel = view.wrapup_panel
        assert panel is not None and panel.required and panel.codes() == ["resolved", "follow_up"]
        assert not panel.submit_button.isEnabled()
        panel.code_combo.setEditText("needs follow-up")
        panel.notes_edit.setPlainText("callback tomorrow")
        qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.work_list.count() == 0, timeout=5000)
        assert not w.workspace.showing_work
        qtbot.waitUntil(lambda: any(q.queue == "billing.zh" and q.answered >= 1 for q in published), timeout=5000)
    finally:
        _run(qtbot, admin.close())
        _run(qtbot, alice.logout(3.0))
        _run(qtbot, sup.close())
