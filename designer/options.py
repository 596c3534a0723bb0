"""What ``main.py designer`` passes to :func:`designer.app.run` (Qt-free, so parsing needs no Qt)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class DesignerOptions:
    """Command-line options of the designer; they win over the config file and QSettings."""

    config_path: Path | None = None  # desktop.toml: edge address and CURVE keys (same file as the desktop's)
    offscreen: bool = False  # QT_QPA_PLATFORM=offscreen (tests, smoke runs)
    language: str | None = None  # "en", "zh_CN"; None: the saved choice, else the system locale
    username: str | None = None
    password_env: str | None = None  # name of an env var holding the password: log in unattended
    quit_after_s: float | None = None  # orderly shutdown after this long (smoke tests)
    profile_dir: Path | None = None  # settings and logs; None: the user's standard locations
