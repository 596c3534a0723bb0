"""What ``main.py desktop`` passes to :func:`desktop.app.run` (Qt-free, so parsing needs no Qt)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class DesktopOptions:
    """Command-line options of the desktop; they win over the config file and QSettings."""

    config_path: Path | None = None  # TOML client config (edge address, keys, optional username)
    offscreen: bool = False  # QT_QPA_PLATFORM=offscreen: no display needed (tests, demos)
    language: str | None = None  # "en", "zh_CN"; None: the saved choice, else the system locale
    username: str | None = None
    password_env: str | None = None  # name of an env var holding the password: log in unattended
    auto_ready: bool = False  # go Ready right after login
    quit_after_s: float | None = None  # orderly shutdown after this long (smoke tests)
    profile_dir: Path | None = None  # QSettings file and logs; None: the user's standard locations
