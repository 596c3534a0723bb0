"""Audio devices through sounddevice (PortAudio): listing by name, choosing by name, hot-plug watch.

PortAudio reads the device list once at initialisation, so seeing a plugged-in headset needs a
re-initialisation, which invalidates open streams. ``list_devices(refresh=True)`` therefore only
re-initialises when no stream of ours is open (``streams_open()``); during a call a vanished
device is noticed by its stream stopping instead (softphone.audio.DeviceLink.check).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger("sb.softphone")

Kind = Literal["input", "output"]
_open_streams = 0
_open_lock = threading.Lock()
# Held while PortAudio is re-initialised (watcher thread) and while a stream is being opened
# (owner thread): re-initialising under a stream being created would leave it dangling.
pa_lock = threading.RLock()


@dataclass(frozen=True, slots=True)
class AudioDevice:
    name: str
    hostapi: str
    index: int
    inputs: int
    outputs: int
    default_input: bool = False
    default_output: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} ({self.hostapi})"


def stream_opened() -> None:
    global _open_streams
    with _open_lock:
        _open_streams += 1


def stream_closed() -> None:
    global _open_streams
    with _open_lock:
        _open_streams = max(0, _open_streams - 1)


def streams_open() -> int:
    with _open_lock:
        return _open_streams


def list_devices(refresh: bool = False) -> list[AudioDevice]:
    """Every PortAudio device with its host API; [] when PortAudio has none (a machine without sound)."""
    try:
        import sounddevice as sd
    except OSError as e:  # PortAudio library missing: the softphone runs on the null device
        log.warning("no PortAudio: %s", e)
        return []
    try:
        with pa_lock:
            if refresh and streams_open() == 0:
                sd._terminate()  # noqa: SLF001 (the documented way to rescan devices in sounddevice)
                sd._initialize()  # noqa: SLF001
        apis = [a["name"] for a in sd.query_hostapis()]
        default_in, default_out = sd.default.device
        out = []
        for d in sd.query_devices():
            out.append(AudioDevice(str(d["name"]), apis[int(d["hostapi"])], int(d["index"]),
                                   int(d["max_input_channels"]), int(d["max_output_channels"]),
                                   int(d["index"]) == default_in, int(d["index"]) == default_out))
        return out
    except sd.PortAudioError as e:
        log.warning("PortAudio device query failed: %s", e)
        return []


def find_device(devices: list[AudioDevice], name: str | None, kind: Kind) -> AudioDevice | None:
    """The device remembered by ``name`` (exact, then case-insensitive prefix), else the default one."""
    usable = [d for d in devices if (d.inputs if kind == "input" else d.outputs) > 0]
    if name:
        for d in usable:
            if d.name == name or d.label == name:
                return d
        for d in usable:
            if d.name.lower().startswith(name.lower()):
                return d
    for d in usable:
        if d.default_input if kind == "input" else d.default_output:
            return d
    return usable[0] if usable else None


class DeviceWatcher:
    """Re-lists devices every ``interval`` s on its own thread; the owner collects changes with ``poll()``.

    The thread never calls back into the owner (Qt or pjsua2): it only stores the new list.
    """

    def __init__(self, list_fn: Callable[[], list[AudioDevice]] | None = None, interval: float = 1.0) -> None:
        self._list_fn = list_fn or (lambda: list_devices(refresh=True))
        self.interval = interval
        self._lock = threading.Lock()
        self._current: list[AudioDevice] = []
        self._pending: list[AudioDevice] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._current = self._list_fn()
        self._thread = threading.Thread(target=self._run, name="sb-audio-devices", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def devices(self) -> list[AudioDevice]:
        with self._lock:
            return list(self._current)

    def poll(self) -> list[AudioDevice] | None:
        """The new device list if it changed since the last poll, else None."""
        with self._lock:
            pending, self._pending = self._pending, None
            return pending

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                now = self._list_fn()
            except Exception:  # noqa: BLE001 (a failing scan must not kill the watcher; logged)
                log.exception("audio device scan failed")
                continue
            with self._lock:
                if now != self._current:
                    added = {d.name for d in now} - {d.name for d in self._current}
                    removed = {d.name for d in self._current} - {d.name for d in now}
                    log.info("audio devices changed: +%s -%s", sorted(added), sorted(removed))
                    self._current = now
                    self._pending = now
