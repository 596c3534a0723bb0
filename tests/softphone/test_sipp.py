"""SipEngine against SIPp's built-in scenarios (a non-pjsip UA): uac calls us, uas answers us."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from softphone_helpers import first, pump

from softphone.engine import SipEngine, free_udp_port
from softphone.events import CallState, EngineEvent, IncomingCall, MediaQuality, Registration

SIPP = shutil.which("sipp")
pytestmark = pytest.mark.skipif(SIPP is None, reason="sipp (Debian sip-tester) is not installed")


def _sipp(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    assert SIPP is not None
    return subprocess.Popen([SIPP, *args, "-nostdin", "-timeout", "15s", "-timeout_error"], cwd=cwd,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_bound(port: int, proc: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """Until SIPp listens on ``port`` (our bind fails), so our first request is not lost."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "SIPp exited early"
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return
        time.sleep(0.01)
    raise AssertionError(f"SIPp did not bind 127.0.0.1:{port}")


def _finish(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    return int(proc.returncode), err


def test_sipp_uac_calls_us_with_rtp_echo(make_engine: Callable[..., SipEngine], tmp_path: Path) -> None:
    engine = make_engine(auto_answer=True, quality_interval_s=0.5)
    host, port = engine.contact.rsplit("@", 1)[1].split(":")
    proc = _sipp(["-sn", "uac", f"{host}:{port}", "-s", "agent", "-m", "1", "-i", "127.0.0.1",
                  "-p", str(free_udp_port()), "-d", "2500", "-rtp_echo"], tmp_path)
    try:
        ev: list[EngineEvent] = []
        inc = pump(engine, ev, lambda: first(ev, IncomingCall), what="INVITE from SIPp")
        assert "sipp" in inc.remote_uri
        pump(engine, ev, lambda: first(ev, CallState, state="confirmed"), what="answered")
        # Our RTP goes to SIPp and comes back echoed: receive stats exist.
        q = pump(engine, ev, lambda: first(ev, MediaQuality), timeout=4, what="quality from echoed RTP")
        assert q.rx_packets > 0 and q.mos >= 4.0
        st = pump(engine, ev, lambda: first(ev, CallState, state="disconnected"), timeout=8, what="SIPp BYE")
        assert st.call_id == inc.call_id
        pump(engine, ev, lambda: not engine.call_ids(), what="released")
    finally:
        rc, err = _finish(proc)
    assert rc == 0, err


def test_sipp_uas_answers_our_call(engine: SipEngine, tmp_path: Path) -> None:
    sipp_port = free_udp_port()
    proc = _sipp(["-sn", "uas", "-i", "127.0.0.1", "-p", str(sipp_port), "-m", "1", "-rtp_echo"], tmp_path)
    try:
        ev: list[EngineEvent] = []
        _wait_bound(sipp_port, proc)
        cid = engine.make_call(f"sip:service@127.0.0.1:{sipp_port}", {"X-Interaction-Id": "i-9"})
        st = pump(engine, ev, lambda: first(ev, CallState, state="confirmed"), what="answer from SIPp")
        assert st.call_id == cid and st.sip_code == 200
        assert first(ev, CallState, state="early") is not None  # SIPp sent 180
        engine.hangup(cid)
        pump(engine, ev, lambda: first(ev, CallState, call_id=cid, state="disconnected"), what="BYE done")
    finally:
        rc, err = _finish(proc)
    assert rc == 0, err


SCENARIOS = Path(__file__).resolve().parent / "scenarios"


@pytest.mark.parametrize(("password", "code"), [("secret", 200), ("wrong", 403)])
def test_registers_with_digest_credentials(make_engine: Callable[..., SipEngine], tmp_path: Path,
                                            password: str, code: int) -> None:
    port = free_udp_port()
    proc = _sipp(["-sf", str(SCENARIOS / "registrar.xml"), "-i", "127.0.0.1", "-p", str(port), "-m", "1"], tmp_path)
    try:
        _wait_bound(port, proc)
        engine = make_engine(registrar=f"sip:127.0.0.1:{port}", username="1001", password=password)
        ev: list[EngineEvent] = []
        reg = pump(engine, ev, lambda: [e for e in ev if isinstance(e, Registration)], timeout=8,
                   what="REGISTER answered")[0]
        assert reg.code == code, ev
        assert engine.registration_code == code
        if code == 200:
            assert reg.expires > 0
        engine.close()  # sends the un-REGISTER the scenario waits for
    finally:
        rc, err = _finish(proc)
    assert rc == 0, err
