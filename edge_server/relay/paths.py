"""The layout of a relay's data directory."""
from __future__ import annotations

import os
from pathlib import Path


class RelayPaths:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def server_public(self) -> Path:
        return self.keys_dir / "relay.key"

    @property
    def server_secret(self) -> Path:
        return self.keys_dir / "relay.key_secret"

    @property
    def edges_dir(self) -> Path:
        """Allow-list: one ``NAME.key`` public key file per edge allowed to take the log."""
        return self.keys_dir / "edges"

    def ensure(self) -> None:
        for d in (self.root, self.keys_dir, self.edges_dir):
            d.mkdir(parents=True, exist_ok=True)
        os.chmod(self.keys_dir, 0o700)
