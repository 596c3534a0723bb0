"""Where the desktop finds its bundled resources, in a checkout and in a PyInstaller bundle."""
from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources`` folder (icons, styles, i18n, fonts)."""
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's bootloader
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def icons_dir() -> Path:
    return resources_dir() / "icons"


def i18n_dir() -> Path:
    return resources_dir() / "i18n"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def styles_dir() -> Path:
    return resources_dir() / "styles"
