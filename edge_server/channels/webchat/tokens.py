"""Visitor tokens (HMAC-signed, kept by the browser) and site-user identity hashes.

A token is ``base64url(json{v, t}) "." base64url(hmac_sha256(key, payload))``;
the key is 32 random bytes in ``<data>/keys/webchat.secret`` so tokens survive
restarts but cannot be forged. Tokens carry no expiry: a visitor id is only a
pseudonymous handle for "the same browser", never an authorisation to an agent.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import time
import uuid
from pathlib import Path

import msgspec

log = logging.getLogger("sb.webchat")

SECRET_FILE = "webchat.secret"


class TokenError(Exception):
    """The token is malformed, forged or signed with another key."""


class _Payload(msgspec.Struct, forbid_unknown_fields=True):
    v: str  # visitor id, uuid hex
    t: int  # issued, epoch ms


def load_or_create_secret(keys_dir: Path) -> bytes:
    """Read the signing key, creating it (mode 0600, never overwritten) on first start."""
    path = keys_dir / SECRET_FILE
    keys_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes()
        if len(key) != 32:
            raise TokenError(f"{path}: expected 32 bytes, found {len(key)}; delete it to create a new key "
                             "(visitors will be seen as new)") from None
        return key
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    log.info("created the web chat token key %s", path)
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def issue(self, visitor_id: str | None = None) -> tuple[str, str]:
        """Return (token, visitor_id); a new visitor id when none is given."""
        vid = visitor_id or uuid.uuid4().hex
        payload = msgspec.json.encode(_Payload(v=vid, t=int(time.time() * 1000)))
        sig = hmac.new(self._key, payload, hashlib.sha256).digest()
        return f"{_b64(payload)}.{_b64(sig)}", vid

    def verify(self, token: str) -> str:
        """Return the visitor id of a valid token, else raise TokenError."""
        try:
            p64, s64 = token.split(".")
            payload, sig = _unb64(p64), _unb64(s64)
        except (ValueError, UnicodeEncodeError) as e:
            raise TokenError("malformed token") from e
        good = hmac.new(self._key, payload, hashlib.sha256).digest()
        if not hmac.compare_digest(good, sig):
            raise TokenError("bad token signature")
        try:
            data = msgspec.json.decode(payload, type=_Payload)
        except (msgspec.DecodeError, msgspec.ValidationError) as e:
            raise TokenError("malformed token payload") from e
        try:
            uuid.UUID(hex=data.v)
        except ValueError as e:
            raise TokenError("malformed visitor id") from e
        return data.v


def user_hash(secret: str, user_id: str) -> str:
    """What a site computes for ``data-user-hash``: hex HMAC-SHA256(identity_secret, user_id)."""
    return hmac.new(secret.encode("utf-8"), user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_user_hash(secret: str, user_id: str, given: str) -> bool:
    if not secret or not user_id or not given:
        return False
    return hmac.compare_digest(user_hash(secret, user_id), given.strip().lower())
