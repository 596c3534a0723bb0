"""A provisioned agent PC: the desktop finds /etc/switchboard/desktop.toml when no --config is given."""
from __future__ import annotations

from pathlib import Path

import pytest

from desktop.client_config import SYSTEM_CONFIG, SYSTEM_CONFIG_ENV, find_client_config


def test_explicit_config_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system = tmp_path / "desktop.toml"
    system.write_text('edge = "tcp://10.0.0.5:7700"\n')
    monkeypatch.setenv(SYSTEM_CONFIG_ENV, str(system))
    assert find_client_config(tmp_path / "mine.toml") == tmp_path / "mine.toml"
    assert find_client_config(None) == system


def test_no_system_config_means_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SYSTEM_CONFIG_ENV, str(tmp_path / "absent.toml"))
    assert find_client_config(None) is None
    assert SYSTEM_CONFIG == Path("/etc/switchboard/desktop.toml")
