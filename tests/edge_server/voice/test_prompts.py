"""Prompts: espeak-ng to cached 16 kHz WAVs, named files win, generated tones."""
from __future__ import annotations

import math
import shutil
import wave
from pathlib import Path

import pytest

from edge_server.contract.errors import SwitchboardError
from edge_server.voice.prompts import Prompts, read_mono16, rms, voice_for, write_tone

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


def wav_info(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes() / w.getframerate()


def test_voice_for_languages() -> None:
    assert voice_for("zh-CN") == "cmn"
    assert voice_for("zh") == "cmn"
    assert voice_for("en") == "en-us"
    assert voice_for("fr") == "en-us"


@needs_espeak
@pytest.mark.asyncio
@pytest.mark.parametrize(("language", "text"), [("en", "Press one for sales."), ("zh-CN", "欢迎致电，请按一。")])
async def test_speech_is_16k_mono_and_cached(tmp_path: Path, language: str, text: str) -> None:
    prompts = Prompts(tmp_path)
    path = await prompts.speech(text, language)
    channels, width, rate, seconds = wav_info(path)
    assert (channels, width, rate) == (1, 2, 16000)
    assert 0.5 < seconds < 10
    assert rms(path) > 300  # speech, not silence
    mtime = path.stat().st_mtime_ns
    again = await prompts.speech(text, language)
    assert again == path and again.stat().st_mtime_ns == mtime  # served from the cache
    assert path.parent == tmp_path / "prompts" / "cache"
    assert not list(path.parent.glob("*.tmp")) and not list(path.parent.glob("*.raw.wav"))
    other = await prompts.speech(text, "en" if language != "en" else "zh-CN")
    assert other != path  # the voice is part of the key


@needs_espeak
@pytest.mark.asyncio
async def test_named_audio_file_wins_over_tts(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path)
    named = write_tone(tmp_path / "prompts" / "welcome.wav", (440.0,), on_ms=200)
    assert await prompts.resolve("ignored", audio="welcome.wav") == named
    assert await prompts.resolve("ignored", audio=str(named)) == named
    fallback = await prompts.resolve("Hello", audio="missing.wav", language="en")
    assert fallback.parent == prompts.cache


def goertzel(samples: list[int], rate: int, freq: float) -> float:
    k = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + k * s1 - s2, s1
    return math.sqrt(max(0.0, s1 * s1 + s2 * s2 - k * s1 * s2)) / len(samples)


def test_tones_have_the_right_frequency_and_cadence(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path)
    ring = prompts.tone("ringback")
    samples, rate = read_mono16(ring)
    assert rate == 16000 and len(samples) == 5 * 16000  # 1 s on, 4 s off
    on = list(samples[:16000])
    assert goertzel(on, rate, 450.0) > 10 * goertzel(on, rate, 1000.0)
    assert max(abs(s) for s in samples[16000:]) == 0  # the off part is silent
    beep, _ = read_mono16(prompts.tone("beep"))
    assert goertzel(list(beep[:4800]), rate, 1000.0) > 10 * goertzel(list(beep[:4800]), rate, 450.0)
    assert prompts.tone("beep") == prompts.cache / "tone-beep.wav"
    with pytest.raises(SwitchboardError):
        prompts.tone("nonsense")
