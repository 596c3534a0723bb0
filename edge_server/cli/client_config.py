"""The desktop client configuration the edge issues (edge address, edge public key, client key)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec


class ClientConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    edge: str  # tcp://host:port of the edge's ROUTER
    edge_public_key: str  # z85 CURVE public key of the edge
    client_key_file: str = ""  # secret key file of this desktop (public key in the same-named .key)
    username: str = ""  # optional: pre-filled user name

    def key_path(self, base: Path) -> Path | None:
        if not self.client_key_file:
            return None
        p = Path(self.client_key_file).expanduser()
        return p if p.is_absolute() else base / p


def read_client_config(path: Path) -> ClientConfig:
    try:
        return msgspec.convert(tomllib.loads(path.read_text(encoding="utf-8")), ClientConfig)
    except (OSError, tomllib.TOMLDecodeError, msgspec.ValidationError) as e:
        raise ValueError(f"{path}: {e}") from e


def write_client_config(path: Path, cfg: ClientConfig) -> None:
    lines = [
        "# Switchboard desktop configuration issued by the edge (`main.py keys issue`).",
        f'edge = "{cfg.edge}"',
        f'edge_public_key = "{cfg.edge_public_key}"',
        f'client_key_file = "{cfg.client_key_file}"',
    ]
    if cfg.username:
        lines.append(f'username = "{cfg.username}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
