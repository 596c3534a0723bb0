"""Prompts as WAV files for the voice workers: text to speech with espeak-ng (cached), named files, tones.

Everything comes out as 16 kHz mono 16-bit PCM, the conference bridge's rate, so pjmedia need not resample.
The TTS cache key is sha256(voice, text): the same sentence is synthesised once per edge.
"""
from __future__ import annotations

import array
import asyncio
import hashlib
import logging
import math
import os
import shutil
import tempfile
import wave
from pathlib import Path

from edge_server.contract.errors import ErrorCode, SwitchboardError

log = logging.getLogger("sb.voice")

RATE = 16000
_VOICES = {"zh": "cmn", "zh-cn": "cmn", "cmn": "cmn", "en": "en-us", "en-us": "en-us", "en-gb": "en-gb"}


def voice_for(language: str) -> str:
    """espeak-ng voice for a flow language ("zh-CN" -> cmn, "en" -> en-us); unknown -> en-us."""
    lang = language.lower()
    return _VOICES.get(lang) or _VOICES.get(lang.split("-")[0], "en-us")


def _resample(samples: array.array[int], src_rate: int, dst_rate: int) -> array.array[int]:
    """Linear interpolation: enough for speech prompts (espeak-ng speaks at 22.05 kHz)."""
    if src_rate == dst_rate or not samples:
        return samples
    n_out = int(len(samples) * dst_rate / src_rate)
    out = array.array("h", bytes(2 * n_out))
    step = src_rate / dst_rate
    last = len(samples) - 1
    for i in range(n_out):
        pos = i * step
        j = int(pos)
        frac = pos - j
        a = samples[j]
        b = samples[j + 1] if j < last else a
        out[i] = int(a + (b - a) * frac)
    return out


def _write_wav_atomic(path: Path, samples: array.array[int], rate: int = RATE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        with wave.open(tmp, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(samples.tobytes())
        os.replace(tmp, path)  # readers (workers) never see a half-written prompt
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_mono16(path: Path | str) -> tuple[array.array[int], int]:
    """Samples (first channel) and rate of a 16-bit PCM WAV."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM WAV is supported")
        channels, rate = w.getnchannels(), w.getframerate()
        data = array.array("h", w.readframes(w.getnframes()))
    if channels > 1:
        data = data[::channels]
    return data, rate


def rms(path: Path | str) -> float:
    """Root mean square of a 16-bit WAV (0 = silence, 32767 = full scale square)."""
    samples, _ = read_mono16(path)
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


def write_tone(path: Path, freqs: tuple[float, ...], *, on_ms: int, off_ms: int = 0, total_ms: int = 0,
               level: float = 0.3) -> Path:
    """Sum of sines ``on_ms`` on / ``off_ms`` off, repeated to ``total_ms`` (0: one burst)."""
    total = total_ms or on_ms + off_ms
    n_on, period = RATE * on_ms // 1000, RATE * (on_ms + off_ms) // 1000
    amp = 32767 * level / max(1, len(freqs))
    out = array.array("h", bytes(2 * (RATE * total // 1000)))
    for i in range(len(out)):
        if i % period < n_on:
            t = i / RATE
            out[i] = int(sum(amp * math.sin(2 * math.pi * f * t) for f in freqs))
    _write_wav_atomic(path, out)
    return path


class Prompts:
    """Resolves what a flow node says to a WAV path under ``<data>/prompts``."""

    def __init__(self, data_dir: Path, *, espeak: str = "espeak-ng") -> None:
        self.root = data_dir / "prompts"
        self.cache = self.root / "cache"
        self._espeak = espeak
        self._locks: dict[str, asyncio.Lock] = {}

    async def resolve(self, text: str, *, audio: str = "", language: str = "en") -> Path:
        """A prompt file named by the node wins (absolute, or relative to <data>/prompts); else TTS of ``text``."""
        if audio:
            candidate = Path(audio)
            if not candidate.is_absolute():
                candidate = self.root / candidate
            if candidate.is_file():
                return candidate
            log.warning("prompt file %s missing: speaking the text instead", candidate)
        if not text.strip():
            return self.tone("silence")
        return await self.speech(text, language)

    async def speech(self, text: str, language: str) -> Path:
        voice = voice_for(language)
        key = hashlib.sha256(f"{voice}\x00{text}".encode()).hexdigest()
        path = self.cache / f"{key}.wav"
        if path.is_file():
            return path
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # two calls asking for the same new sentence synthesise it once
            if not path.is_file():
                await self._synthesise(text, voice, path)
        self._locks.pop(key, None)
        return path

    async def _synthesise(self, text: str, voice: str, path: Path) -> None:
        exe = shutil.which(self._espeak)
        if exe is None:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"{self._espeak} not installed: cannot speak prompts")
        self.cache.mkdir(parents=True, exist_ok=True)
        fd, raw = tempfile.mkstemp(dir=self.cache, suffix=".raw.wav")
        os.close(fd)
        try:
            # Text goes on stdin: never parsed as options, any length.
            proc = await asyncio.create_subprocess_exec(exe, "-v", voice, "-w", raw, "--stdin",
                                                        stdin=asyncio.subprocess.PIPE,
                                                        stdout=asyncio.subprocess.DEVNULL,
                                                        stderr=asyncio.subprocess.PIPE)
            _, err = await asyncio.wait_for(proc.communicate(text.encode()), timeout=30)
            if proc.returncode != 0:
                raise SwitchboardError(ErrorCode.INTERNAL, f"espeak-ng failed ({proc.returncode}): {err.decode()[:200]}")
            samples, rate = await asyncio.to_thread(read_mono16, raw)
            await asyncio.to_thread(_write_wav_atomic, path, _resample(samples, rate, RATE))
        except (OSError, TimeoutError, wave.Error, EOFError) as e:
            raise SwitchboardError(ErrorCode.INTERNAL, f"cannot synthesise prompt: {e}") from e
        finally:
            Path(raw).unlink(missing_ok=True)
        log.info("synthesised prompt %s (%s, %d chars)", path.name, voice, len(text))

    def tone(self, kind: str) -> Path:
        """ringback (China 450 Hz 1 s on 4 s off) | ringback_us | beep | busy | silence, generated once."""
        path = self.cache / f"tone-{kind}.wav"
        if path.is_file():
            return path
        if kind == "ringback":
            return write_tone(path, (450.0,), on_ms=1000, off_ms=4000)
        if kind == "ringback_us":
            return write_tone(path, (440.0, 480.0), on_ms=2000, off_ms=4000)
        if kind == "beep":
            return write_tone(path, (1000.0,), on_ms=300, off_ms=100)
        if kind == "busy":
            return write_tone(path, (450.0,), on_ms=350, off_ms=350, total_ms=2800)
        if kind == "silence":
            return write_tone(path, (0.0,), on_ms=0, off_ms=200)
        raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"unknown tone {kind!r}")
