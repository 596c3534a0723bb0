"""The desktop's install config: a TOML file naming the edge and the CURVE keys (Qt-free)."""
from __future__ import annotations

import os
from pathlib import Path

# One loader for every reader of desktop.toml; the desktop only adds where to look for it.
from edge_server.bus.client_config import (  # noqa: F401 - re-exported for the desktop
    ClientConfig,
    ClientConfigError,
    ClientConfigFile,
    load_client_config,
)


#: Where IT provisions an agent PC (the desktop package's documented location); a --config wins.
SYSTEM_CONFIG = Path("/etc/switchboard/desktop.toml")
#: Overrides SYSTEM_CONFIG (tests, or a relocated install).
SYSTEM_CONFIG_ENV = "SWITCHBOARD_DESKTOP_CONFIG"


def find_client_config(explicit: Path | None) -> Path | None:
    """The config file to use: ``explicit`` if given, else the system one if it exists, else None."""
    if explicit is not None:
        return explicit
    system = Path(os.environ.get(SYSTEM_CONFIG_ENV) or SYSTEM_CONFIG)
    return system if system.is_file() else None
