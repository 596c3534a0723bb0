"""CURVE key files: generate, load, and normalise keys (the pyzmq / czmq certificate format)."""
from __future__ import annotations

import logging
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import zmq
from zmq.auth import create_certificates, load_certificate
from zmq.utils import z85

from edge_server.bus.errors import KeyFileError

log = logging.getLogger("sb.bus")

_Z85_KEY_LEN = 40
_RAW_KEY_LEN = 32


@dataclass(frozen=True, slots=True)
class ServerKeys:
    """The edge's CURVE key pair, both z85-encoded (40 bytes)."""

    public: bytes
    secret: bytes = field(repr=False)  # never in logs or tracebacks


def normalise_key(key: bytes | str) -> bytes:
    """Return ``key`` as 40 z85 bytes; accepts z85 text/bytes or 32 raw bytes; ValueError otherwise."""
    if isinstance(key, str):
        key = key.encode("ascii", "strict")
    if len(key) == _RAW_KEY_LEN:
        return z85.encode(key)
    if len(key) == _Z85_KEY_LEN:
        try:
            if len(z85.decode(key)) == _RAW_KEY_LEN:
                return bytes(key)
        except (ValueError, KeyError, IndexError) as e:
            raise ValueError(f"not a z85 CURVE key: {key!r}") from e
    raise ValueError(f"a CURVE key is 40 z85 characters or 32 raw bytes, got {len(key)} bytes")


def generate_keypair(directory: Path, name: str) -> tuple[Path, Path]:
    """Write ``name.key`` (public, 0644) and ``name.key_secret`` (0600) into ``directory``.

    Refuses to overwrite: replacing a desktop's or the edge's key locks its peers out.
    """
    if not name or "/" in name or os.sep in name or name.startswith("."):
        raise ValueError(f"key name must be a plain file name, got {name!r}")
    directory = Path(directory)
    public_path = directory / f"{name}.key"
    secret_path = directory / f"{name}.key_secret"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for p in (public_path, secret_path):
            if p.exists():
                raise KeyFileError(f"{p} already exists; remove it first if you really mean to replace the key")
        # pyzmq writes with the process umask; writing into a private (0700) temporary
        # directory first means the secret is never readable by others, not even briefly.
        with tempfile.TemporaryDirectory(dir=directory, prefix=".keygen-") as tmp:
            tmp_public, tmp_secret = create_certificates(tmp, name)
            os.chmod(tmp_secret, 0o600)
            os.chmod(tmp_public, 0o644)
            os.replace(tmp_public, public_path)
            os.replace(tmp_secret, secret_path)
    except OSError as e:
        raise KeyFileError(f"cannot write CURVE keys {name!r} into {directory}: {e}") from e
    log.info("generated CURVE key pair %s in %s", name, directory)
    return public_path, secret_path


def load_keypair(path: Path) -> ServerKeys:
    """Load a ``.key_secret`` file written by ``generate_keypair`` (or czmq/pyzmq)."""
    path = Path(path)
    try:
        public, secret = load_certificate(path)
    except (OSError, ValueError) as e:
        raise KeyFileError(f"cannot read CURVE key pair from {path}: {e}") from e
    if secret is None:
        raise KeyFileError(f"{path} holds only a public key; the secret is in the .key_secret file")
    try:
        mode = path.stat().st_mode
    except OSError as e:
        raise KeyFileError(f"cannot stat {path}: {e}") from e
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("secret key file %s is readable by others (mode %o); chmod 600 it", path, mode & 0o777)
    try:
        return ServerKeys(public=normalise_key(public), secret=normalise_key(secret))
    except ValueError as e:
        raise KeyFileError(f"malformed CURVE key in {path}: {e}") from e


def load_public(path: Path) -> bytes:
    """Load the public key (z85) from a ``.key`` or ``.key_secret`` file."""
    path = Path(path)
    try:
        public, _ = load_certificate(path)
        return normalise_key(public)
    except (OSError, ValueError) as e:
        raise KeyFileError(f"cannot read CURVE public key from {path}: {e}") from e


def curve_keypair() -> tuple[bytes, bytes]:
    """A fresh in-memory (public, secret) pair, z85; for tests and throwaway dev setups."""
    public, secret = zmq.curve_keypair()
    return public, secret
