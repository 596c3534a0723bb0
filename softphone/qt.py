"""The softphone as a QObject for the desktop: polls SipEngine from a 10 ms QTimer, re-emits Qt signals.

Everything pjsua2 runs on the GUI thread (threadCnt = 0, polled here); the device watcher's thread
only stores a list that the timer collects, so no foreign thread ever touches Qt or pjsua2.
Device choices are remembered by NAME (indexes change with every plug) through ``DeviceSettings``.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from softphone.audio import DeviceLink, Ringer, StreamFactory, bridge_supported, make_bridge, play_test_sound
from softphone.devices import AudioDevice, DeviceWatcher, list_devices
from softphone.engine import DtmfMethod, EngineConfig, SipEngine
from softphone.errors import SoftphoneError
from softphone.events import CallState, Dtmf, EngineError, EngineEvent, IncomingCall, MediaQuality, Registration

log = logging.getLogger("sb.softphone")

KEY_INPUT = "softphone/input_device"
KEY_OUTPUT = "softphone/output_device"
KEY_RINGER = "softphone/ringer_device"


class DeviceSettings(Protocol):
    """Where device choices persist (the desktop adapts its Settings to this)."""

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None: ...


class MemorySettings:
    """A DeviceSettings in a dict (tests; a desktop without a profile)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def set(self, key: str, value: str) -> None:
        self.values[key] = value


def _device_dict(d: AudioDevice) -> dict[str, object]:
    return {"name": d.name, "hostapi": d.hostapi, "inputs": d.inputs, "outputs": d.outputs,
            "default_input": d.default_input, "default_output": d.default_output}


class Softphone(QObject):
    """The desktop's phone. Methods return False (and emit ``error``) when the action failed."""

    incoming = Signal(str, str, str, dict)  # call_id, remote URI, display name, INVITE headers
    call_state = Signal(str, str, int)  # call_id, ringing|early|connecting|confirmed|held|disconnected, SIP code
    quality = Signal(str, dict)  # call_id, {jitter_ms, loss_pct, rtt_ms, mos, rx_packets}
    dtmf = Signal(str, str)  # call_id, digit
    registration = Signal(int, str)  # SIP code of the last REGISTER (200 registered, 401/403 refused), reason
    devices_changed = Signal(list)  # [{name, hostapi, inputs, outputs, default_input, default_output}]
    error = Signal(str)

    def __init__(self, config: EngineConfig | None = None, settings: DeviceSettings | None = None,
                 parent: QObject | None = None, *, poll_ms: int = 10,
                 list_fn: Callable[[], list[AudioDevice]] | None = None,
                 stream_factory: StreamFactory | None = None, watch_interval: float = 1.0) -> None:
        super().__init__(parent)
        self._settings = settings or MemorySettings()
        self._list_fn = list_fn or list_devices
        self._factory = stream_factory
        self._engine = SipEngine(config)
        self._ringing: set[str] = set()
        self._ringer = Ringer(self._settings.get(KEY_RINGER), factory=stream_factory, devices=self._list_fn)
        self._link: DeviceLink | None = None
        self._watcher = DeviceWatcher(list_fn, interval=watch_interval) if list_fn else DeviceWatcher(
            interval=watch_interval)
        self._watcher.start()
        self._attach_audio()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()
        self._last_device_check = time.monotonic()

    # ---------------------------------------------------------------- state
    @property
    def contact(self) -> str:
        return self._engine.contact

    @property
    def audio_mode(self) -> str:
        return self._engine.audio_mode

    @property
    def engine(self) -> SipEngine:
        return self._engine

    def call_ids(self) -> list[str]:
        return self._engine.call_ids()

    def devices(self) -> list[dict[str, object]]:
        return [_device_dict(d) for d in self._watcher.devices]

    def device_choice(self) -> dict[str, str | None]:
        return {k: self._settings.get(k) for k in (KEY_INPUT, KEY_OUTPUT, KEY_RINGER)}

    # ---------------------------------------------------------------- polling
    def _on_tick(self) -> None:
        try:
            events = self._engine.poll(0)
        except SoftphoneError as e:
            self.error.emit(str(e))
            return
        for ev in events:
            self._dispatch(ev)
        now = time.monotonic()
        if now - self._last_device_check >= 0.25:
            self._last_device_check = now
            changed = self._watcher.poll()
            if changed is not None:
                self.devices_changed.emit([_device_dict(d) for d in changed])
            if self._link is not None and self._link.check():
                self.error.emit("audio device lost: switched to the system default")

    def _dispatch(self, ev: EngineEvent) -> None:
        if isinstance(ev, IncomingCall):
            self.incoming.emit(ev.call_id, ev.remote_uri, ev.display, dict(ev.headers))
            if not self._engine.config.auto_answer:
                self._ringing.add(ev.call_id)
                self._ringer.start()
        elif isinstance(ev, CallState):
            if ev.state not in ("ringing", "early"):
                self._ringing.discard(ev.call_id)
                if not self._ringing:
                    self._ringer.stop()
            self.call_state.emit(ev.call_id, ev.state, ev.sip_code)
        elif isinstance(ev, MediaQuality):
            self.quality.emit(ev.call_id, {"jitter_ms": ev.jitter_ms, "loss_pct": ev.loss_pct,
                                           "rtt_ms": ev.rtt_ms, "mos": ev.mos, "rx_packets": ev.rx_packets})
        elif isinstance(ev, Dtmf):
            self.dtmf.emit(ev.call_id, ev.digit)
        elif isinstance(ev, Registration):
            self.registration.emit(ev.code, ev.reason)
        elif isinstance(ev, EngineError):
            self.error.emit(ev.message)

    def _do(self, what: str, fn: Callable[[], object]) -> bool:
        try:
            fn()
        except SoftphoneError as e:
            log.warning("%s failed: %s", what, e)
            self.error.emit(f"{what}: {e.message}")
            return False
        return True

    # ---------------------------------------------------------------- calls (mirror SipEngine)
    def make_call(self, uri: str, headers: dict[str, str] | None = None) -> str | None:
        try:
            return self._engine.make_call(uri, headers)
        except SoftphoneError as e:
            self.error.emit(f"call {uri}: {e.message}")
            return None

    def answer(self, call_id: str) -> bool:
        return self._do("answer", lambda: self._engine.answer(call_id))

    def hangup(self, call_id: str) -> bool:
        return self._do("hang up", lambda: self._engine.hangup(call_id))

    def hold(self, call_id: str) -> bool:
        return self._do("hold", lambda: self._engine.hold(call_id))

    def unhold(self, call_id: str) -> bool:
        return self._do("resume", lambda: self._engine.unhold(call_id))

    def mute(self, call_id: str) -> bool:
        return self._do("mute", lambda: self._engine.mute(call_id))

    def unmute(self, call_id: str) -> bool:
        return self._do("unmute", lambda: self._engine.unmute(call_id))

    def send_dtmf(self, call_id: str, digits: str, method: DtmfMethod = "rfc4733") -> bool:
        return self._do("DTMF", lambda: self._engine.send_dtmf(call_id, digits, method))

    def blind_transfer(self, call_id: str, uri: str) -> bool:
        return self._do("transfer", lambda: self._engine.blind_transfer(call_id, uri))

    def attended_transfer(self, call_id: str, other_call_id: str) -> bool:
        return self._do("transfer", lambda: self._engine.attended_transfer(call_id, other_call_id))

    def conference(self, call_a: str, call_b: str) -> bool:
        return self._do("conference", lambda: self._engine.conference(call_a, call_b))

    # ---------------------------------------------------------------- devices
    def set_input_device(self, name: str) -> None:
        self._settings.set(KEY_INPUT, name)
        self._attach_audio()

    def set_output_device(self, name: str) -> None:
        self._settings.set(KEY_OUTPUT, name)
        self._attach_audio()

    def set_ringer_device(self, name: str) -> None:
        self._settings.set(KEY_RINGER, name)
        self._ringer.device_name = name

    def play_test_sound(self) -> bool:
        """1 s of 440 Hz on the chosen output; False when there is no output device."""
        return play_test_sound(self._settings.get(KEY_OUTPUT), factory=self._factory,
                               devices=self._list_fn) is not None

    def mic_level_dbfs(self) -> float | None:
        """The mic meter (RMS dBFS of the last captured frame); None without a capture stream."""
        return self._link.level_dbfs if self._link is not None else None

    def _attach_audio(self) -> None:
        """Open the chosen devices and route calls through them, or stay on the null device."""
        if self._link is not None:
            self._engine.use_audio_port(None)
            self._link.close()
            self._link = None
        if not bridge_supported():
            log.info("audio: null device (pjsua2 without AudioMediaPort)")
            return
        if not self._watcher.devices and self._factory is None:
            log.info("audio: null device (no sound devices)")
            return
        link = DeviceLink(self._settings.get(KEY_INPUT), self._settings.get(KEY_OUTPUT),
                          factory=self._factory, devices=self._list_fn)
        try:
            link.open()
            self._engine.use_audio_port(make_bridge(self._engine.endpoint, link))
        except SoftphoneError as e:
            link.close()
            self.error.emit(f"audio: {e.message}; calls continue without sound devices")
            return
        self._link = link

    # ---------------------------------------------------------------- shutdown
    def close(self) -> None:
        """Stop polling, hang up and release everything (idempotent)."""
        self._timer.stop()
        self._ringer.stop()
        self._watcher.stop()
        if self._link is not None:
            self._engine.use_audio_port(None)
            self._link.close()
            self._link = None
        self._engine.close()
