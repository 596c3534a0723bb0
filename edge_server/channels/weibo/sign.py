"""Weibo push signature: SHA-1 of the sorted [app_secret, timestamp, nonce] joined [S21a]."""
from __future__ import annotations

import hashlib
import hmac


def signature(app_secret: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([app_secret, timestamp, nonce])).encode()).hexdigest()


def verify(app_secret: str, query: dict[str, str]) -> bool:
    expected = signature(app_secret, query.get("timestamp", ""), query.get("nonce", ""))
    return hmac.compare_digest(expected.encode(), query.get("signature", "").encode())
