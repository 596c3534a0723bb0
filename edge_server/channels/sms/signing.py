"""Request and webhook signatures of the SMS providers (channels.md §6), pure functions.

Each is checked against the provider's official vector in tests/edge_server/channels/sms/test_signing.py.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Mapping


# --- Aliyun RPC signature (SignatureVersion 1.0, HMAC-SHA1) [S32e] ---------------------------------


def aliyun_percent_encode(value: str) -> str:
    """RFC 3986 encoding as Aliyun wants it: space→%20, '*'→%2A, '~' kept."""
    return urllib.parse.quote(value, safe="-_.~")


def aliyun_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    canonical = "&".join(
        f"{aliyun_percent_encode(k)}={aliyun_percent_encode(params[k])}" for k in sorted(params)
    )
    return f"{method.upper()}&%2F&{aliyun_percent_encode(canonical)}"


def aliyun_rpc_signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    """Base64(HMAC-SHA1(secret + "&", StringToSign)); ``params`` must not contain ``Signature``."""
    digest = hmac.new((secret + "&").encode(), aliyun_string_to_sign(method, params).encode(),
                      hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# --- Tencent Cloud TC3-HMAC-SHA256 [S33b][S33f] -------------------------------------------------


def _hmac256(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def tc3_date(timestamp: int) -> str:
    """The UTC date of the timestamp (a local date breaks signatures near midnight)."""
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def tc3_canonical_request(*, method: str, host: str, content_type: str, payload: bytes,
                          query: str = "") -> str:
    return "\n".join([
        method.upper(), "/", query,
        f"content-type:{content_type}", f"host:{host}", "",
        "content-type;host", hashlib.sha256(payload).hexdigest(),
    ])


def tc3_signature(*, secret_key: str, service: str, host: str, content_type: str, payload: bytes,
                  timestamp: int, method: str = "POST") -> str:
    date = tc3_date(timestamp)
    canonical = tc3_canonical_request(method=method, host=host, content_type=content_type, payload=payload)
    string_to_sign = "\n".join([
        "TC3-HMAC-SHA256", str(timestamp), f"{date}/{service}/tc3_request",
        hashlib.sha256(canonical.encode()).hexdigest(),
    ])
    key = _hmac256(_hmac256(_hmac256(("TC3" + secret_key).encode(), date), service), "tc3_request")
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def tc3_authorization(*, secret_id: str, secret_key: str, service: str, host: str, content_type: str,
                      payload: bytes, timestamp: int) -> str:
    sig = tc3_signature(secret_key=secret_key, service=service, host=host, content_type=content_type,
                        payload=payload, timestamp=timestamp)
    return (f"TC3-HMAC-SHA256 Credential={secret_id}/{tc3_date(timestamp)}/{service}/tc3_request, "
            f"SignedHeaders=content-type;host, Signature={sig}")


# --- Twilio-style webhook signature [S34a] ---------------------------------------------------------


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Base64(HMAC-SHA1(token, full URL + sorted POST params as key+value))."""
    data = url + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
