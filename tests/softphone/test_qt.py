"""Softphone (QObject) with a real pjsua2 peer: signals, ringer, device choice by name, close."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from softphone_helpers import Peer

from softphone.audio import bridge_supported
from softphone.devices import AudioDevice
from softphone.engine import EngineConfig
from softphone.qt import KEY_INPUT, KEY_OUTPUT, KEY_RINGER, MemorySettings, Softphone

SPEAKERS = AudioDevice("Speakers", "ALSA", 0, 0, 2, default_output=True)
HEADSET = AudioDevice("USB Headset", "ALSA", 3, 1, 2)


class FakeOut:
    made: list[FakeOut] = []

    def __init__(self, **kw: Any) -> None:
        self.kw, self.active, self.closed = kw, False, False
        FakeOut.made.append(self)

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        self.closed = True


class Devices:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = [SPEAKERS]

    def __call__(self) -> list[AudioDevice]:
        with self.lock:
            return list(self.now)


@pytest.fixture
def phone(qtbot: QtBot) -> Iterator[tuple[Softphone, MemorySettings, Devices]]:
    FakeOut.made = []
    settings = MemorySettings()
    settings.set(KEY_RINGER, "USB Headset")
    devices = Devices()
    sp = Softphone(EngineConfig(quality_interval_s=0.5), settings, list_fn=devices, stream_factory=FakeOut,
                   watch_interval=0.2)
    try:
        yield sp, settings, devices
    finally:
        sp.close()


def test_incoming_call_signals_ringer_answer_dtmf_hangup(qtbot: QtBot, phone: tuple[Softphone, MemorySettings,
                                                                                   Devices]) -> None:
    sp, _, _ = phone
    assert sp.contact.startswith("sip:agent@127.0.0.1:") and sp.audio_mode == "null"
    peer = Peer()
    states: list[tuple[str, str, int]] = []
    sp.call_state.connect(lambda c, s, code: states.append((c, s, code)))
    try:
        qtbot.waitUntil(lambda: peer.find("ready") is not None, timeout=5000)
        with qtbot.waitSignal(sp.incoming, timeout=5000) as blocker:
            peer.send(f"call {sp.contact} X-Interaction-Id=int-7")
        call_id, remote, _display, headers = blocker.args
        assert headers["X-Interaction-Id"] == "int-7" and remote.startswith("sip:peer@")
        assert FakeOut.made and FakeOut.made[0].active  # ringing on the ringer device
        assert FakeOut.made[0].kw["device"] == 0  # "USB Headset" not plugged: the default output
        assert sp.answer(call_id)
        qtbot.waitUntil(lambda: (call_id, "confirmed", 200) in states, timeout=5000)
        assert FakeOut.made[0].closed  # the ringer stopped on answer
        qtbot.waitUntil(lambda: peer.find("media", status="active") is not None, timeout=5000)
        with qtbot.waitSignal(sp.dtmf, timeout=5000) as dt:
            peer.send("dtmf 5")
        assert dt.args == [call_id, "5"]
        with qtbot.waitSignal(sp.quality, timeout=5000) as q:
            pass
        assert q.args[0] == call_id and q.args[1]["mos"] > 4.0
        assert sp.send_dtmf(call_id, "1", "info")
        qtbot.waitUntil(lambda: peer.find("dtmf", digit="1") is not None, timeout=5000)
        assert sp.mute(call_id) and sp.engine.is_muted(call_id)
        peer.send("hangup")
        qtbot.waitUntil(lambda: (call_id, "disconnected", 200) in states, timeout=5000)
        qtbot.waitUntil(lambda: sp.call_ids() == [], timeout=5000)
    finally:
        peer.close()


def test_errors_come_out_as_signal(qtbot: QtBot, phone: tuple[Softphone, MemorySettings, Devices]) -> None:
    sp, _, _ = phone
    with qtbot.waitSignal(sp.error, timeout=1000) as blocker:
        assert sp.answer("nope") is False
    assert "nope" in blocker.args[0]
    with qtbot.waitSignal(sp.error, timeout=1000):
        assert sp.make_call("mailto:x") is None


def test_device_choices_by_name_and_hot_plug(qtbot: QtBot, phone: tuple[Softphone, MemorySettings,
                                                                          Devices]) -> None:
    sp, settings, devices = phone
    assert [d["name"] for d in sp.devices()] == ["Speakers"]
    with qtbot.waitSignal(sp.devices_changed, timeout=3000) as blocker:
        with devices.lock:
            devices.now = [SPEAKERS, HEADSET]
    assert [d["name"] for d in blocker.args[0]] == ["Speakers", "USB Headset"]
    sp.set_input_device("USB Headset")
    sp.set_output_device("USB Headset")
    sp.set_ringer_device("Speakers")
    assert settings.values[KEY_INPUT] == "USB Headset" and settings.values[KEY_OUTPUT] == "USB Headset"
    assert sp.device_choice()[KEY_RINGER] == "Speakers"
    FakeOut.made.clear()
    assert sp.play_test_sound()
    assert FakeOut.made[-1].kw["device"] == 3  # the remembered output, found by name
    if not bridge_supported():  # pjsua2 2.10: no AudioMediaPort, so no capture stream and no meter
        assert sp.mic_level_dbfs() is None and sp.audio_mode == "null"


def test_close_is_idempotent_and_releases_calls(qtbot: QtBot) -> None:
    sp = Softphone(EngineConfig(), list_fn=lambda: [], stream_factory=None)
    peer = Peer(auto_answer=True)
    try:
        qtbot.waitUntil(lambda: peer.find("ready") is not None, timeout=5000)
        with qtbot.waitSignal(sp.call_state, timeout=5000,
                              check_params_cb=lambda c, s, code: s == "confirmed"):
            assert sp.make_call(peer.contact) is not None
        sp.close()
        assert sp.call_ids() == []
        sp.close()
        qtbot.waitUntil(lambda: peer.find("state", state="disconnected") is not None, timeout=5000)
    finally:
        sp.close()
        peer.close()
