"""WeChat / WeCom push signatures and the WXBizMsgCrypt safe-mode encryption (spec §1.2, §1.5).

AES-256-CBC with IV = key[:16], PKCS#7 padding to **32** bytes (not 16), plaintext framed as
``random(16) | len(4, big-endian) | msg | receive_id``. ``receive_id`` is the AppID (OA) or the
CorpID (WeCom). Several keys may be configured (current first, then the previous one) because a
key rotation on the console does not switch pushes over atomically.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_BLOCK = 32
_AES_KEY_RE = re.compile(r"^[A-Za-z0-9]{43}$")


class CryptoError(Exception):
    """A push could not be verified or decrypted (bad signature, wrong key, wrong receive id)."""


def sha1_signature(*parts: str) -> str:
    """SHA-1 hex of the parts sorted as plain strings and joined without separator."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def check_signature(expected: str, *parts: str) -> bool:
    """Constant-time comparison of ``expected`` with the signature of ``parts``."""
    return hmac.compare_digest(sha1_signature(*parts), expected.lower())


def is_valid_aes_key(encoding_aes_key: str) -> bool:
    return bool(_AES_KEY_RE.match(encoding_aes_key))


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key of a 43-character EncodingAESKey."""
    if not is_valid_aes_key(encoding_aes_key):
        raise CryptoError("EncodingAESKey must be 43 characters of [a-zA-Z0-9]")
    return base64.b64decode(encoding_aes_key + "=")


def pkcs7_pad(data: bytes) -> bytes:
    n = _BLOCK - len(data) % _BLOCK  # 1..32: a full block when already aligned
    return data + bytes([n]) * n


def pkcs7_unpad(data: bytes) -> bytes:
    if not data:
        raise CryptoError("empty plaintext")
    n = data[-1]
    if not 1 <= n <= _BLOCK or data[-n:] != bytes([n]) * n:
        raise CryptoError("bad padding")
    return data[:-n]


class MessageCrypto:
    """Encrypt / decrypt push bodies for one receive id with the configured keys (current first)."""

    def __init__(self, token: str, encoding_aes_keys: list[str], receive_id: str) -> None:
        keys = [k for k in encoding_aes_keys if k]
        if not keys:
            raise CryptoError("no EncodingAESKey configured")
        self.token = token
        self.receive_id = receive_id
        self._keys = [aes_key(k) for k in keys]

    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        return sha1_signature(self.token, timestamp, nonce, encrypt)

    def check(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> bool:
        return check_signature(msg_signature, self.token, timestamp, nonce, encrypt)

    def encrypt(self, msg: bytes, *, key_index: int = 0, random_prefix: bytes | None = None) -> str:
        prefix = os.urandom(16) if random_prefix is None else random_prefix
        if len(prefix) != 16:
            raise ValueError("random_prefix must be 16 bytes")
        plain = pkcs7_pad(prefix + struct.pack(">I", len(msg)) + msg + self.receive_id.encode())
        key = self._keys[key_index]
        enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
        return base64.b64encode(enc.update(plain) + enc.finalize()).decode()

    def decrypt(self, encrypt: str) -> tuple[bytes, int]:
        """The message and the index of the key that opened it (reply with that key)."""
        try:
            raw = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError) as e:
            raise CryptoError("Encrypt is not base64") from e
        if not raw or len(raw) % 16:
            raise CryptoError("Encrypt has a bad length")
        for index, key in enumerate(self._keys):
            msg = self._try_key(key, raw)
            if msg is not None:
                return msg, index
        raise CryptoError("no configured EncodingAESKey decrypts this message (or it is for another receive id)")

    def _try_key(self, key: bytes, raw: bytes) -> bytes | None:
        dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        try:
            plain = pkcs7_unpad(dec.update(raw) + dec.finalize())
        except CryptoError:
            return None  # the wrong key almost always leaves garbage padding
        if len(plain) < 20:
            return None
        (length,) = struct.unpack(">I", plain[16:20])
        msg, rid = plain[20:20 + length], plain[20 + length:]
        # The receive id check is what proves the key was right (padding alone passes 1 time in ~256).
        if len(msg) != length or rid != self.receive_id.encode():
            return None
        return msg
