"""SipEngine answering baresip (a third, non-pjsip UA) that plays a tone file as its microphone."""
from __future__ import annotations

import shutil
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from softphone_helpers import first, pump

from softphone.audio import tone
from softphone.engine import SipEngine, free_udp_port
from softphone.events import CallState, EngineEvent, IncomingCall, MediaQuality

BARESIP = shutil.which("baresip")
MODULES = Path("/usr/lib/baresip/modules")
pytestmark = pytest.mark.skipif(BARESIP is None or not MODULES.is_dir(), reason="baresip is not installed")


def _config(d: Path) -> None:
    # G.722 loaded first so it is offered first: aufile needs the file's rate (16 kHz) to match the codec.
    with wave.open(str(d / "tone.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(tone((440.0,), 5000))
    (d / "config").write_text(
        f"poll_method epoll\nsip_listen 127.0.0.1:{free_udp_port()}\nmodule_path {MODULES}\n"
        "module g722.so\nmodule g711.so\nmodule aufile.so\nmodule menu.so\nmodule account.so\n"
        f"audio_source aufile,{d}/tone.wav\naudio_player aufile,{d}/heard.wav\naudio_alert aufile,{d}/alert.wav\n")
    (d / "accounts").write_text("<sip:bare@127.0.0.1>;regint=0\n")


def test_baresip_calls_us_and_we_hear_its_tone(make_engine: Callable[..., SipEngine], tmp_path: Path) -> None:
    assert BARESIP is not None
    engine = make_engine(auto_answer=True, quality_interval_s=0.5)
    _config(tmp_path)
    proc = subprocess.Popen([BARESIP, "-f", str(tmp_path), "-e", f"/dial {engine.contact}", "-t", "4"],
                            cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        ev: list[EngineEvent] = []
        inc = pump(engine, ev, lambda: first(ev, IncomingCall), what="INVITE from baresip")
        assert inc.headers.get("User-Agent", "").startswith("baresip")
        pump(engine, ev, lambda: first(ev, CallState, state="confirmed"), what="answered")
        q = pump(engine, ev, lambda: [e for e in ev if isinstance(e, MediaQuality) and e.rx_packets > 40],
                 timeout=5, what="RTP from baresip")[-1]
        assert q.loss_pct == 0.0 and q.mos >= 4.0
        rx, tx = engine.levels(inc.call_id)
        assert rx > 10, rx  # the tone arrives
        assert tx == 0, tx  # and we send the null device's silence
        pump(engine, ev, lambda: first(ev, CallState, state="disconnected"), timeout=8, what="baresip hangs up")
    finally:
        try:
            proc.wait(timeout=8)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
