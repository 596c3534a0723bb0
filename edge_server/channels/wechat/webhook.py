"""The WeChat OA push endpoint: URL verification, plain / compatible / safe mode, "success" at once.

Pure (no I/O) so it runs the same on the edge and in the cloud relay. Never answers with a passive
reply: the host cannot promise 5 s, and a late or malformed reply shows the customer "该公众号暂时
无法提供服务" — answers go through the customer-service API instead (spec §0, §1.4).
"""
from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from edge_server.channels.base import DeliveryUpdate, InboundMessage, WebhookRequest, WebhookResponse
from edge_server.channels.wechat.crypto import CryptoError, MessageCrypto, check_signature
from edge_server.channels.wechat.inbound import CHANNEL, to_items
from edge_server.channels.wechat.settings import WeChatAccountConfig
from edge_server.channels.wechat.xml import XmlError, parse_xml

log = logging.getLogger("sb.channels.wechat")

Items = Sequence[InboundMessage | DeliveryUpdate]
_SUCCESS = WebhookResponse(body=b"success")


def _fail(status: int, why: str) -> tuple[WebhookResponse, Items]:
    return WebhookResponse(status=status, body=why.encode()), []


def _parse_body(body: bytes) -> dict[str, str]:
    """XML (default) or JSON (accounts that chose the JSON push format)."""
    if body.lstrip()[:1] == b"{":
        try:
            doc = json.loads(body)
        except ValueError as e:
            raise XmlError(f"not valid JSON: {e}") from e
        if not isinstance(doc, dict):
            raise XmlError("JSON push is not an object")
        return {str(k): str(v) for k, v in doc.items() if not isinstance(v, dict | list)}
    return parse_xml(body)


class WeChatWebhook:
    channel = CHANNEL

    def __init__(self, cfg: WeChatAccountConfig) -> None:
        self.cfg = cfg
        self.account = cfg.app_id
        self.path = f"/hooks/wechat/{cfg.app_id}"
        keys = [cfg.encoding_aes_key, cfg.previous_encoding_aes_key]
        self.crypto = MessageCrypto(cfg.token, keys, cfg.app_id) if cfg.encoding_aes_key else None

    def handle(self, req: WebhookRequest) -> tuple[WebhookResponse, Items]:
        q = req.query
        ts, nonce = q.get("timestamp", ""), q.get("nonce", "")
        # Every request, GET or POST, in every mode, carries signature = SHA1(sort[Token, ts, nonce]).
        if not (ts and nonce and check_signature(q.get("signature", ""), self.cfg.token, ts, nonce)):
            log.warning("%s: bad or missing signature from %s", self.path, req.remote or "?")
            return _fail(403, "bad signature")
        if req.method == "GET":
            # OA URL check: echostr comes back verbatim, plaintext even in safe mode (unlike WeCom).
            return WebhookResponse(body=q.get("echostr", "").encode()), []
        if req.method != "POST":
            return _fail(405, "method not allowed")
        try:
            fields = self._fields(req, ts, nonce)
        except CryptoError as e:
            log.warning("%s: push refused: %s", self.path, e)
            return _fail(403, "cannot verify or decrypt")
        except XmlError as e:
            log.warning("%s: malformed push: %s", self.path, e)
            return _fail(400, "malformed")
        to = fields.get("ToUserName", "")
        if self.cfg.original_id and to and to != self.cfg.original_id:
            log.warning("%s: push for %s, this account is %s", self.path, to, self.cfg.original_id)
            return _fail(403, "wrong account")
        return _SUCCESS, to_items(self.account, fields)

    def _fields(self, req: WebhookRequest, ts: str, nonce: str) -> dict[str, str]:
        q = req.query
        encrypted = q.get("encrypt_type", "raw").lower() == "aes"
        if not encrypted:
            if self.cfg.mode == "safe":
                # A plaintext push to a safe-mode account is a downgrade (or a misconfigured console).
                raise CryptoError("plaintext push refused in safe mode")
            return _parse_body(req.body)
        if self.crypto is None:
            raise CryptoError("encrypted push but no encoding_aes_key configured")
        envelope = _parse_body(req.body)
        encrypt = envelope.get("Encrypt", "")
        # Verify over the ciphertext before decrypting anything.
        if not encrypt or not self.crypto.check(q.get("msg_signature", ""), ts, nonce, encrypt):
            raise CryptoError("bad msg_signature")
        plain, key_index = self.crypto.decrypt(encrypt)
        if key_index:
            log.info("%s: push opened with the previous EncodingAESKey (rotation in progress)", self.path)
        return _parse_body(plain)
