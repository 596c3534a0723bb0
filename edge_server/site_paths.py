"""The layout of an edge's data directory."""
from __future__ import annotations

import os
from pathlib import Path


class SitePaths:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def store_dir(self) -> Path:
        return self.root / "store"

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def server_public(self) -> Path:
        return self.keys_dir / "server.key"

    @property
    def server_secret(self) -> Path:
        return self.keys_dir / "server.key_secret"

    @property
    def clients_dir(self) -> Path:
        """Allow-list: one ``NAME.key`` public key file per approved desktop."""
        return self.keys_dir / "clients"

    @property
    def issued_dir(self) -> Path:
        """Client key pairs and configs the edge generated for desktops (hand them to IT)."""
        return self.keys_dir / "issued"

    def ensure(self) -> None:
        for d in (self.root, self.keys_dir, self.clients_dir, self.issued_dir):
            d.mkdir(parents=True, exist_ok=True)
        os.chmod(self.keys_dir, 0o700)
