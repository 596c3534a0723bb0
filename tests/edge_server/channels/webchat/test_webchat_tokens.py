"""Visitor tokens and site-user identity hashes."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from edge_server.channels.webchat.tokens import (
    TokenError,
    TokenSigner,
    load_or_create_secret,
    user_hash,
    verify_user_hash,
)


def test_secret_created_0600_and_reused(tmp_path: Path) -> None:
    key = load_or_create_secret(tmp_path / "keys")
    path = tmp_path / "keys" / "webchat.secret"
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_secret(tmp_path / "keys") == key


def test_truncated_secret_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "webchat.secret").write_bytes(b"short")
    with pytest.raises(TokenError, match="32 bytes"):
        load_or_create_secret(tmp_path / "keys")


def test_sign_verify_roundtrip_and_same_visitor() -> None:
    s = TokenSigner(b"k" * 32)
    token, vid = s.issue()
    assert len(vid) == 32 and s.verify(token) == vid
    token2, vid2 = s.issue(vid)
    assert vid2 == vid and s.verify(token2) == vid


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
    lambda t: "eyJ2IjoiMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAiLCJ0IjoxfQ." + t.split(".")[1],  # payload
    lambda t: t.replace(".", ""),
    lambda t: "",
    lambda t: "a.b.c",
    lambda t: "é.é",
])
def test_tampered_tokens_are_refused(mangle) -> None:  # noqa: ANN001
    s = TokenSigner(b"k" * 32)
    token, _ = s.issue()
    with pytest.raises(TokenError):
        s.verify(mangle(token))


def test_token_of_another_key_is_refused() -> None:
    token, _ = TokenSigner(b"a" * 32).issue()
    with pytest.raises(TokenError):
        TokenSigner(b"b" * 32).verify(token)


def test_user_hash() -> None:
    h = user_hash("secret", "user-42")
    assert verify_user_hash("secret", "user-42", h)
    assert verify_user_hash("secret", "user-42", h.upper())
    assert not verify_user_hash("secret", "user-43", h)
    assert not verify_user_hash("other", "user-42", h)
    assert not verify_user_hash("", "user-42", user_hash("", "user-42"))  # no secret: nothing is accepted
