"""`doctor` against real sockets and a real data directory: each finding says what is wrong and what to do."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from edge_server.cli import doctor
from edge_server.cli.doctor import Status
from edge_server.cli.keys import init_server_keys
from edge_server.config import load_config
from edge_server.site_paths import SitePaths

ROOT = Path(__file__).resolve().parents[2]


def _cfg(data: Path, router: str = "tcp://127.0.0.1:0", pub: str = "tcp://127.0.0.1:0"):  # noqa: ANN202
    return load_config(None, {"SWITCHBOARD__EDGE__DATA_DIR": str(data),
                              "SWITCHBOARD__BUS__ROUTER_ENDPOINT": router,
                              "SWITCHBOARD__BUS__PUB_ENDPOINT": pub})


def _by_check(findings: list[doctor.Finding]) -> dict[str, doctor.Finding]:
    return {f.check: f for f in findings}


@pytest.fixture
def udp_port() -> Iterator[int]:
    """A UDP port held busy for the test."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    yield s.getsockname()[1]
    s.close()


def test_fresh_machine_names_the_missing_pieces(tmp_path: Path) -> None:
    found = _by_check(doctor.run_checks(_cfg(tmp_path / "nope"), sip_port=0))
    assert found["data directory"].status is Status.FAIL and "keys init" in found["data directory"].fix
    assert found["keys"].status is Status.FAIL and "keys init" in found["keys"].fix
    assert "store" not in found  # nothing to open without a data directory
    assert found["SIP trunk"].detail.startswith("no SIP trunk configured")


def test_busy_port_means_running_edge_and_store_is_left_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init_server_keys(SitePaths(data))
    (data / "store").mkdir()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        found = _by_check(doctor.run_checks(_cfg(data, router=f"tcp://127.0.0.1:{port}"), sip_port=0))
    assert found["router port"].status is Status.WARN and "in use" in found["router port"].detail
    assert "systemctl status switchboard-edge" in found["router port"].fix
    assert found["pub port"].status is Status.OK
    assert found["store"].status is Status.OK and "not opened" in found["store"].detail
    assert found["keys"].status is Status.OK
    assert found["desktop keys"].status is Status.WARN and "keys issue" in found["desktop keys"].fix


def test_foreign_address_is_a_failure(tmp_path: Path) -> None:
    f, busy = doctor.check_port("router port", "tcp://192.0.2.1:7700")  # TEST-NET-1, never local
    assert f.status is Status.FAIL and not busy and "not an address of this machine" in f.detail


def test_existing_store_is_opened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init_server_keys(SitePaths(data))
    (data / "store").mkdir()
    found = _by_check(doctor.run_checks(_cfg(data), sip_port=0))
    assert found["store"].status is Status.OK and "opened" in found["store"].detail
    assert any(p.name.endswith(".duckdb") or p.is_dir() for p in (data / "store").iterdir())


def test_sip_port_in_use_is_a_warning(udp_port: int) -> None:
    found = _by_check(doctor.check_sip(udp_port, None))
    assert found["SIP port"].status is Status.WARN and "PBX" in found["SIP port"].fix


def test_sip_options_probe_gets_an_answer() -> None:
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind(("127.0.0.1", 0))
    srv.settimeout(5)
    got: list[bytes] = []

    def answer() -> None:
        data, peer = srv.recvfrom(65535)
        got.append(data)
        srv.sendto(b"SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", peer)

    t = threading.Thread(target=answer)
    t.start()
    try:
        found = _by_check(doctor.check_sip(0, f"127.0.0.1:{srv.getsockname()[1]}"))
    finally:
        t.join(5)
        srv.close()
    assert found["SIP trunk"].status is Status.OK and "SIP/2.0 200 OK" in found["SIP trunk"].detail
    assert got and got[0].startswith(b"OPTIONS sip:127.0.0.1:") and b"CSeq: 1 OPTIONS" in got[0]


def test_sip_probe_without_answer_fails_with_a_fix() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))  # bound but never answers
        found = _by_check(doctor.check_sip(0, f"127.0.0.1:{silent.getsockname()[1]}", timeout_s=0.3))
    assert found["SIP trunk"].status is Status.FAIL and "firewall" in found["SIP trunk"].fix


def test_command_exit_code_and_output(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD__")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), SWITCHBOARD__BUS__ROUTER_ENDPOINT="tcp://127.0.0.1:0",
               SWITCHBOARD__BUS__PUB_ENDPOINT="tcp://127.0.0.1:0")
    bad = subprocess.run([sys.executable, str(ROOT / "main.py"), "doctor", "--data-dir", str(tmp_path / "x"),
                          "--sip-port", "0"], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 1 and bad.stderr == ""
    assert "[FAIL] keys" in bad.stdout and "2 problem(s)" in bad.stdout
    init_server_keys(SitePaths(tmp_path / "y"))
    good = subprocess.run([sys.executable, str(ROOT / "main.py"), "doctor", "--data-dir", str(tmp_path / "y"),
                           "--sip-port", "0"], capture_output=True, text=True, env=env, timeout=60)
    assert good.returncode == 0, good.stdout
    assert "FAIL" not in good.stdout and good.stderr == ""
