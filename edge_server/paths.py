"""Where Switchboard keeps data, configuration and logs for the current user (XDG layout)."""
from __future__ import annotations

import os
from pathlib import Path


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def default_data_dir() -> Path:
    """Edge data (DuckDB store, journal, keys): ``$XDG_DATA_HOME/switchboard``."""
    return _xdg("XDG_DATA_HOME", ".local/share") / "switchboard"


def default_config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / "switchboard"


def default_log_dir() -> Path:
    return _xdg("XDG_STATE_HOME", ".local/state") / "switchboard"
