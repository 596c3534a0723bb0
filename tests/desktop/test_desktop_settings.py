from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from desktop import settings as S
from desktop.settings import Settings


def test_defaults_when_nothing_stored(settings: Settings) -> None:
    for setting in S.SCHEMA:
        assert settings.get(setting) == setting.default, setting.key
        assert setting.doc, f"{setting.key} needs a line of doc"


def test_values_round_trip_through_the_ini_file(tmp_path: Path, qapp: object) -> None:
    path = tmp_path / "p" / "desktop.ini"
    first = Settings.open(tmp_path / "p")
    assert Path(first.file_path) == path
    first.set(S.LAST_USERNAME, "alice")
    first.set(S.LOGIN_TIMEOUT_S, 4.5)
    first.set(S.HEARTBEAT_MS, 250)
    first.set(S.LOG_JSON, True)
    first.set(S.WINDOW_GEOMETRY, b"\x00\x01binary")
    first.sync()
    again = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert again.get(S.LAST_USERNAME) == "alice"
    assert again.get(S.LOGIN_TIMEOUT_S) == 4.5
    assert again.get(S.HEARTBEAT_MS) == 250
    assert again.get(S.LOG_JSON) is True
    assert again.get(S.WINDOW_GEOMETRY) == b"\x00\x01binary"


def test_bad_stored_value_falls_back_and_names_the_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "desktop.ini"
    path.write_text("[session]\nheartbeat_ms=often\n")
    s = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    with caplog.at_level(logging.WARNING, logger="sb.ui"):
        assert s.get(S.HEARTBEAT_MS) == S.HEARTBEAT_MS.default
    assert "session/heartbeat_ms" in caplog.text


def test_wrong_type_is_refused_with_the_key(settings: Settings) -> None:
    with pytest.raises(TypeError, match="session/heartbeat_ms"):
        settings.set(S.HEARTBEAT_MS, "fast")  # type: ignore[arg-type]


def test_changed_signal_only_on_real_change(settings: Settings) -> None:
    seen: list[str] = []
    settings.changed.connect(seen.append)
    settings.set(S.LANGUAGE, "zh_CN")
    settings.set(S.LANGUAGE, "zh_CN")
    assert seen == ["ui/language"]


def test_client_id_is_created_once_and_kept(settings: Settings) -> None:
    cid = settings.client_id()
    assert len(cid) == 32
    assert settings.client_id() == cid
