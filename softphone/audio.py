"""Sound for the softphone: the device side (sounddevice streams + jitter buffers), the pjsua2 bridge
port, the ringer, the mic level meter and the test sound.

Format everywhere: 16 kHz mono signed 16-bit, 20 ms frames (320 samples, 640 bytes), pjmedia's
conference format here. Two clocks meet in this module: PortAudio's (the sound card) and pjmedia's
(the conference bridge, clocked by the null device). ``FrameBuffer`` absorbs jitter and drift.

pjsua2 note: ``pj.AudioMediaPort`` (a Python media port) exists from pjproject 2.11; the installed
2.10.post6 wheel lacks it, so there ``bridge_supported()`` is False and the engine stays on the null
device (``audio_mode == "null"``) while ringer, meter and device handling still work.
"""
from __future__ import annotations

import logging
import math
import threading
import wave
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from softphone.devices import AudioDevice, find_device, list_devices, pa_lock, stream_closed, stream_opened
from softphone.errors import SoftphoneError
from softphone.jitter import BufferStats, FrameBuffer

log = logging.getLogger("sb.softphone")

SAMPLE_RATE = 16000
FRAME_SAMPLES = 320  # 20 ms
FRAME_BYTES = FRAME_SAMPLES * 2
SOUNDS_DIR = Path(__file__).resolve().parents[1] / "resources" / "sounds"


class Stream(Protocol):
    """The part of a sounddevice Raw*Stream we use (tests pass fakes without sound hardware)."""

    active: bool

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


StreamFactory = Callable[..., Stream]


def _sd_factory(kind: str) -> StreamFactory:
    def make(**kw: Any) -> Stream:
        import sounddevice as sd

        cls = {"duplex": sd.RawStream, "output": sd.RawOutputStream, "input": sd.RawInputStream}[kind]
        try:
            with pa_lock:
                return cls(**kw)
        except sd.PortAudioError as e:
            raise SoftphoneError("audio", f"cannot open {kind} stream on {kw.get('device')}: {e}") from e
    return make


# ---------------------------------------------------------------- levels and tones
def rms_dbfs(frame: bytes) -> float:
    """RMS level of 16-bit PCM in dBFS (full-scale sine = -3 dB; digital silence = -96 dB floor)."""
    samples = array("h")
    samples.frombytes(frame[: len(frame) // 2 * 2])
    if not samples:
        return -96.0
    rms = math.sqrt(sum(s * s for s in samples) / len(samples))
    return max(-96.0, 20.0 * math.log10(rms / 32768.0)) if rms > 0 else -96.0


def tone(freqs: tuple[float, ...], ms: int, rate: int = SAMPLE_RATE, level_dbfs: float = -12.0) -> bytes:
    """A sum of sines (e.g. (440, 480) for a ring) as 16-bit mono PCM, with 5 ms fades (no clicks)."""
    n = rate * ms // 1000
    amp = 32767 * 10 ** (level_dbfs / 20) / max(1, len(freqs))
    fade = max(1, rate // 200)
    out = array("h", bytes(2 * n))
    for i in range(n):
        env = min(1.0, i / fade, (n - 1 - i) / fade)
        out[i] = int(env * amp * sum(math.sin(2 * math.pi * f * i / rate) for f in freqs))
    return out.tobytes()


def ring_pcm(rate: int = SAMPLE_RATE) -> tuple[bytes, int]:
    """One ring cycle: resources/sounds/ring.wav if present (16-bit mono), else 2 s of 440+480 Hz + 4 s silence."""
    wav = SOUNDS_DIR / "ring.wav"
    if wav.is_file():
        try:
            with wave.open(str(wav), "rb") as w:
                if w.getsampwidth() == 2 and w.getnchannels() == 1:
                    return w.readframes(w.getnframes()), w.getframerate()
                log.warning("%s is not 16-bit mono; using the generated ring", wav)
        except (wave.Error, OSError) as e:
            log.warning("cannot read %s (%s); using the generated ring", wav, e)
    return tone((440.0, 480.0), 2000, rate) + bytes(2 * rate * 4), rate


# ---------------------------------------------------------------- playing PCM (ringer, test sound)
class PcmPlayer:
    """Plays a PCM clip on an output device from PortAudio's callback, once or looped."""

    def __init__(self, pcm: bytes, rate: int, device: AudioDevice | None, loop: bool,
                 factory: StreamFactory | None = None) -> None:
        self._pcm, self._pos, self._loop = pcm, 0, loop
        self.done = threading.Event()
        self._stream = (factory or _sd_factory("output"))(
            device=device.index if device else None, samplerate=rate, channels=1, dtype="int16",
            blocksize=rate // 50, callback=self._callback, finished_callback=self.done.set)
        stream_opened()
        self._stream.start()

    def _callback(self, outdata: Any, frames: int, time: Any, status: Any) -> None:
        want = frames * 2
        chunk = self._pcm[self._pos: self._pos + want]
        self._pos += len(chunk)
        if len(chunk) < want and self._loop:
            self._pos = want - len(chunk)
            chunk += self._pcm[: self._pos]
        outdata[:] = chunk.ljust(want, b"\0")
        if len(chunk) < want or (not self._loop and self._pos >= len(self._pcm)):
            import sounddevice as sd

            raise sd.CallbackStop

    def stop(self) -> None:
        try:
            self._stream.stop()
            self._stream.close()
        finally:
            stream_closed()
            self.done.set()


class Ringer:
    """The ring tone on its own output device (chosen by name; default device if gone)."""

    def __init__(self, device_name: str | None = None, factory: StreamFactory | None = None,
                 devices: Callable[[], list[AudioDevice]] = list_devices) -> None:
        self.device_name = device_name
        self._factory, self._devices = factory, devices
        self._player: PcmPlayer | None = None

    @property
    def ringing(self) -> bool:
        return self._player is not None

    def start(self) -> bool:
        """Start ringing; False (and a log line) when there is no output device to ring on."""
        if self._player is not None:
            return True
        device = find_device(self._devices(), self.device_name, "output")
        if device is None and self._factory is None:
            log.info("no output device: ringing silently")
            return False
        pcm, rate = ring_pcm()
        try:
            self._player = PcmPlayer(pcm, rate, device, loop=True, factory=self._factory)
        except SoftphoneError as e:
            log.warning("ringer: %s", e)
            return False
        return True

    def stop(self) -> None:
        player, self._player = self._player, None
        if player is not None:
            player.stop()


def play_test_sound(device_name: str | None = None, factory: StreamFactory | None = None,
                    devices: Callable[[], list[AudioDevice]] = list_devices) -> PcmPlayer | None:
    """'Play a test sound' before a shift: 1 s of 440 Hz on the chosen output (None if no device)."""
    device = find_device(devices(), device_name, "output")
    if device is None and factory is None:
        return None
    return PcmPlayer(tone((440.0,), 1000), SAMPLE_RATE, device, loop=False, factory=factory)


# ---------------------------------------------------------------- the device side of a call
class DeviceLink:
    """Microphone and speaker streams feeding two FrameBuffers, with fallback to the default device.

    ``capture`` (mic -> call) is filled by PortAudio and drained by pjmedia; ``playback``
    (call -> speaker) the other way round. ``check()`` (from the owner's poll) notices a stream that
    stopped because its device vanished and reopens on the system default, without touching the call.
    """

    def __init__(self, input_name: str | None = None, output_name: str | None = None,
                 factory: StreamFactory | None = None,
                 devices: Callable[[], list[AudioDevice]] = list_devices) -> None:
        self.input_name, self.output_name = input_name, output_name
        self._factory = factory or _sd_factory("duplex")
        self._devices = devices
        self.capture = FrameBuffer(FRAME_BYTES)
        self.playback = FrameBuffer(FRAME_BYTES)
        self.level_dbfs = -96.0  # mic meter: RMS of the last captured frame
        self.fallbacks = 0
        self.device_pair: tuple[int | None, int | None] = (None, None)
        self._stream: Stream | None = None
        self._dead = threading.Event()

    def open(self) -> None:
        devs = self._devices()
        inp = find_device(devs, self.input_name, "input")
        out = find_device(devs, self.output_name, "output")
        self._open((inp.index if inp else None, out.index if out else None))

    def _open(self, pair: tuple[int | None, int | None]) -> None:
        self._dead.clear()
        self._stream = self._factory(device=pair, samplerate=SAMPLE_RATE, blocksize=FRAME_SAMPLES, channels=1,
                                     dtype="int16", callback=self._callback, finished_callback=self._dead.set)
        stream_opened()
        self._stream.start()
        self.device_pair = pair
        log.info("audio streams open on %s", pair)

    def _callback(self, indata: Any, outdata: Any, frames: int, time: Any, status: Any) -> None:
        # PortAudio's thread: buffers only (thread-safe), never pjsua2 or Qt.
        frame = bytes(indata)
        self.capture.push(frame)
        self.level_dbfs = rms_dbfs(frame)
        outdata[:] = self.playback.pop()

    def check(self) -> bool:
        """Reopen on the default devices if the stream died (device unplugged). True if it fell back."""
        stream = self._stream
        if stream is None or (stream.active and not self._dead.is_set()):
            return False
        log.warning("audio device %s gone: falling back to the system default", self.device_pair)
        self._close_stream()
        self.fallbacks += 1
        self.capture.clear()
        self.playback.clear()
        self._open((None, None))
        return True

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception as e:  # noqa: BLE001 (a vanished device may fail to close; logged)
                log.info("closing a dead stream: %s", e)
            finally:
                stream_closed()

    def close(self) -> None:
        self._close_stream()

    def stats(self) -> tuple[BufferStats, BufferStats]:
        return self.capture.stats, self.playback.stats


# ---------------------------------------------------------------- the pjsua2 side
def bridge_supported() -> bool:
    """True when the installed pjsua2 has AudioMediaPort (pjproject >= 2.11)."""
    import pjsua2 as pj

    try:
        return hasattr(pj, "AudioMediaPort")
    except AttributeError:  # pjsua2's lazy __getattr__ raises instead of returning False
        return False


def make_bridge(endpoint: Any, link: DeviceLink) -> Any:
    """A pj.AudioMediaPort exchanging 20 ms frames with ``link``; pass it to SipEngine.use_audio_port()."""
    import pjsua2 as pj

    if not bridge_supported():
        raise SoftphoneError("audio", "this pjsua2 build has no AudioMediaPort (needs pjproject >= 2.11)")

    class AudioBridge(pj.AudioMediaPort):  # type: ignore[misc,name-defined]
        # Runs on pjmedia's clock thread, which pjlib created: it must NOT be re-registered with
        # libRegisterThread. Measured with pjsua2 2.15.1: libIsThreadRegistered() answers False there,
        # and registering anyway aborts in grp_lock_unset_owner_thread; without it 50 frames/s flow.
        # Only buffers (thread-safe) are touched here, never the engine, Qt or other pjsua2 objects.
        def onFrameRequested(self, frame: Any) -> None:  # noqa: N802 (mic -> call)
            frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO
            frame.buf = pj.ByteVector(link.capture.pop())

        def onFrameReceived(self, frame: Any) -> None:  # noqa: N802 (call -> speaker)
            link.playback.push(bytes(frame.buf))

    port = AudioBridge()
    fmt = pj.MediaFormatAudio()
    fmt.init(pj.PJMEDIA_FORMAT_PCM, SAMPLE_RATE, 1, 20000, 16)
    try:
        port.createPort("sb-audio-bridge", fmt)
    except pj.Error as e:
        raise SoftphoneError("audio", f"createPort: {e.reason}", int(e.status)) from e
    return port
