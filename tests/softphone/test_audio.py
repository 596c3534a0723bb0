"""Audio without sound hardware: level meter, tones, fallback on device loss, hot-plug, ringer, bridge."""
from __future__ import annotations

import math
import threading
import time
from array import array
from collections.abc import Callable
from typing import Any

import pytest

from softphone import audio
from softphone.audio import DeviceLink, Ringer, bridge_supported, make_bridge, rms_dbfs, tone
from softphone.devices import AudioDevice, DeviceWatcher, find_device, list_devices, streams_open
from softphone.engine import SipEngine
from softphone.errors import SoftphoneError

HEADSET = AudioDevice("USB Headset", "ALSA", 3, 1, 2)
SPEAKERS = AudioDevice("Speakers", "ALSA", 0, 0, 2, default_output=True)
MIC = AudioDevice("Built-in Mic", "ALSA", 1, 2, 0, default_input=True)


class FakeStream:
    """Stands in for a sounddevice Raw stream: records how it was opened, lets the test drive it."""

    made: list[FakeStream] = []

    def __init__(self, **kw: Any) -> None:
        self.kw = kw
        self.active = False
        self.closed = False
        FakeStream.made.append(self)

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        self.closed = True

    def unplug(self) -> None:
        self.active = False
        self.kw["finished_callback"]()


@pytest.fixture
def fake_streams() -> list[FakeStream]:
    FakeStream.made = []
    return FakeStream.made


def test_rms_dbfs() -> None:
    assert rms_dbfs(bytes(640)) == -96.0
    full = tone((1000.0,), 1000, level_dbfs=0.0)
    assert rms_dbfs(full) == pytest.approx(-3.0, abs=0.2)  # a full-scale sine is -3 dBFS RMS
    assert rms_dbfs(tone((1000.0,), 1000, level_dbfs=-20.0)) == pytest.approx(-23.0, abs=0.2)
    square = array("h", [16384, -16384] * 160).tobytes()
    assert rms_dbfs(square) == pytest.approx(20 * math.log10(0.5), abs=0.01)


def test_generated_ring_is_a_two_tone_cadence() -> None:
    pcm, rate = audio.ring_pcm()
    assert rate == 16000 and len(pcm) == 2 * rate * 6  # 2 s on + 4 s off
    on, off = pcm[: 2 * rate * 2], pcm[2 * rate * 2:]
    assert -20 < rms_dbfs(on) < -10 and rms_dbfs(off) == -96.0


def test_find_device_by_name_then_default() -> None:
    devs = [SPEAKERS, MIC, HEADSET]
    assert find_device(devs, "USB Headset", "input") == HEADSET
    assert find_device(devs, "usb head", "output") == HEADSET
    assert find_device(devs, "Gone Headset", "output") == SPEAKERS  # remembered device missing: default
    assert find_device(devs, None, "input") == MIC
    assert find_device([], "x", "input") is None


def test_no_sound_hardware_here_means_empty_list() -> None:
    devs = list_devices()
    assert isinstance(devs, list)
    assert all(isinstance(d, AudioDevice) for d in devs)


def test_device_link_exchanges_frames_and_meters(fake_streams: list[FakeStream]) -> None:
    link = DeviceLink("USB Headset", "USB Headset", factory=FakeStream, devices=lambda: [SPEAKERS, MIC, HEADSET])
    link.open()
    try:
        s = fake_streams[0]
        assert s.kw["device"] == (3, 3) and s.kw["samplerate"] == 16000 and s.kw["blocksize"] == 320
        assert streams_open() == 1
        voice = tone((400.0,), 100, level_dbfs=-20.0)[1280:1920]  # a mid slice: no fade
        for _ in range(4):
            link.playback.push(b"\x01\x00" * 320)
        out = bytearray(640)
        s.kw["callback"](voice, out, 320, None, None)
        assert link.level_dbfs == pytest.approx(-23.0, abs=0.3)
        assert link.capture.stats.fill == 1
        assert bytes(out) == b"\x01\x00" * 320  # primed (4 >= target 3): speaker got the call's frame
    finally:
        link.close()
    assert streams_open() == 0 and fake_streams[0].closed


def test_device_vanishing_mid_call_falls_back_to_default(fake_streams: list[FakeStream]) -> None:
    link = DeviceLink("USB Headset", "USB Headset", factory=FakeStream, devices=lambda: [SPEAKERS, MIC, HEADSET])
    link.open()
    try:
        assert not link.check()
        fake_streams[0].unplug()
        assert link.check()
        assert link.fallbacks == 1 and link.device_pair == (None, None)
        assert fake_streams[0].closed and fake_streams[1].active
        assert fake_streams[1].kw["device"] == (None, None)
        assert not link.check()
    finally:
        link.close()
    assert streams_open() == 0


def test_hot_plug_reported_within_two_seconds() -> None:
    present = [SPEAKERS, MIC]
    lock = threading.Lock()

    def scan() -> list[AudioDevice]:
        with lock:
            return list(present)

    w = DeviceWatcher(scan, interval=1.0)
    w.start()
    try:
        assert w.poll() is None and w.devices == [SPEAKERS, MIC]
        with lock:
            present.append(HEADSET)
        t0 = time.monotonic()
        while (got := w.poll()) is None and time.monotonic() - t0 < 3:
            time.sleep(0.02)
        latency = time.monotonic() - t0
        assert got is not None and HEADSET in got
        assert latency < 2.0, latency
        assert w.poll() is None  # reported once
    finally:
        w.stop()


def test_ringer_loops_until_stopped(fake_streams: list[FakeStream]) -> None:
    r = Ringer("USB Headset", factory=FakeStream, devices=lambda: [SPEAKERS, HEADSET])
    assert r.start() and r.ringing
    s = fake_streams[0]
    assert s.kw["device"] == 3 and s.active
    total = 0
    out = bytearray(640)
    for _ in range(400):  # 8 s of callbacks: past the end of the 6 s cadence, so it wrapped around
        s.kw["callback"](out, 320, None, None)
        total += rms_dbfs(bytes(out)) > -60
    assert 150 <= total <= 250  # ~2 s on in each 6 s cycle: 100 frames + the second cycle's ring
    r.stop()
    assert not r.ringing and s.closed and streams_open() == 0


def test_ringer_without_any_output_is_silent_not_an_error() -> None:
    r = Ringer(None, devices=lambda: [])
    assert r.start() is False and not r.ringing


def test_test_sound_plays_once(fake_streams: list[FakeStream]) -> None:
    import sounddevice as sd

    p = audio.play_test_sound("Speakers", factory=FakeStream, devices=lambda: [SPEAKERS])
    assert p is not None
    cb: Callable[..., None] = fake_streams[0].kw["callback"]
    out = bytearray(640)
    with pytest.raises(sd.CallbackStop):
        for _ in range(60):
            cb(out, 320, None, None)
    p.stop()
    assert streams_open() == 0


def test_bridge_needs_audiomediaport(engine: SipEngine) -> None:
    assert engine.audio_mode == "null"
    link = DeviceLink(factory=FakeStream, devices=lambda: [])
    if bridge_supported():  # pjproject >= 2.11
        port = make_bridge(engine.endpoint, link)
        engine.use_audio_port(port)
        assert engine.audio_mode == "bridge"
        engine.use_audio_port(None)
    else:
        with pytest.raises(SoftphoneError) as ei:
            make_bridge(engine.endpoint, link)
        assert ei.value.code == "audio"
        assert engine.audio_mode == "null"
