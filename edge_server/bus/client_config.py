"""A desktop's install config (`desktop.toml`): the edge's address and CURVE keys. Qt-free.

Written by the edge's `keys issue`; read by the desktop, the online admin CLI and the benches.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import msgspec
import zmq.auth


class ClientConfigError(Exception):
    """The client config file is missing, unreadable or has a bad key; the message names it."""


class ClientConfigFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The keys a client config file may hold."""

    edge: str = ""  # "tcp://host:port" of the edge's ROUTER socket
    edge_public_key: str = ""  # z85 CURVE public key of the edge; empty: no encryption
    client_key_file: str = ""  # secret key file written by zmq.auth.create_certificates
    username: str = ""  # pre-filled user name


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """The config file resolved: keys loaded, paths made absolute."""

    edge: str = ""
    server_key: bytes | None = None
    client_keys: tuple[bytes, bytes] | None = None  # (public, secret), z85
    username: str = ""
    source: Path | None = None


def load_client_config(path: Path) -> ClientConfig:
    """Read and validate ``path``; raises ClientConfigError naming the file and the key."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ClientConfigError(f"cannot read client config {path}: {e.strerror or e}") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ClientConfigError(f"client config {path} is not valid TOML: {e}") from e
    try:
        file = msgspec.convert(raw, ClientConfigFile)
    except msgspec.ValidationError as e:
        # msgspec names the key (e.g. "at `$.edge`"), which is what the user needs to see.
        raise ClientConfigError(f"client config {path}: {e}") from e

    server_key: bytes | None = None
    if file.edge_public_key:
        server_key = file.edge_public_key.encode("ascii", errors="replace")
        if len(server_key) != 40:
            raise ClientConfigError(
                f"client config {path}: edge_public_key must be a 40-character z85 key"
            )
    client_keys: tuple[bytes, bytes] | None = None
    if file.client_key_file:
        key_path = Path(file.client_key_file).expanduser()
        if not key_path.is_absolute():
            # Relative to the config file, so an install folder can be moved as a whole.
            key_path = path.parent / key_path
        client_keys = _load_client_keys(path, key_path)
    if server_key is not None and client_keys is None:
        raise ClientConfigError(
            f"client config {path}: edge_public_key is set but client_key_file is not; "
            "CURVE needs both"
        )
    return ClientConfig(
        edge=file.edge,
        server_key=server_key,
        client_keys=client_keys,
        username=file.username,
        source=path,
    )


def _load_client_keys(config: Path, key_path: Path) -> tuple[bytes, bytes]:
    try:
        public, secret = zmq.auth.load_certificate(key_path)
    except (OSError, ValueError) as e:
        raise ClientConfigError(f"client config {config}: client_key_file {key_path}: {e}") from e
    if secret is None:
        raise ClientConfigError(
            f"client config {config}: client_key_file {key_path} holds no secret key "
            "(use the .key_secret file, not the .key file)"
        )
    return public, secret


def write_client_config(path: Path, file: ClientConfigFile) -> None:
    """Write a config the loader reads back (key file paths relative to the config's folder)."""
    lines = ["# Switchboard desktop configuration issued by the edge (`main.py keys issue`)."]
    for name in ("edge", "edge_public_key", "client_key_file", "username"):
        value = getattr(file, name)
        if value:
            lines.append(f'{name} = "{value}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
