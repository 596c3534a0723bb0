"""The WeCom callback (spec §2.2): encrypted echostr on GET, ``kf_msg_or_event`` on POST.

The callback carries no message content, only a pull Token; the handler stays pure and hands the
Token to the adapter's pull loop through ``on_notify`` (an in-memory wake-up, no I/O). Nothing is
returned to store: losing a wake-up costs latency only (the safety poll pulls anyway), never data.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from edge_server.channels.base import DeliveryUpdate, InboundMessage, WebhookRequest, WebhookResponse
from edge_server.channels.wechat.crypto import CryptoError, MessageCrypto
from edge_server.channels.wechat.xml import XmlError, parse_xml
from edge_server.channels.wecom.settings import WeComAccountConfig

log = logging.getLogger("sb.channels.wecom")

CHANNEL = "wecom"
Items = Sequence[InboundMessage | DeliveryUpdate]


class WeComWebhook:
    channel = CHANNEL

    def __init__(self, cfg: WeComAccountConfig, on_notify: Callable[[str], None] | None = None) -> None:
        self.cfg = cfg
        self.account = f"{cfg.corp_id}/{cfg.open_kfid}"
        self.path = f"/hooks/wecom/{cfg.corp_id}/{cfg.open_kfid}"
        self.crypto = MessageCrypto(cfg.token, [cfg.encoding_aes_key, cfg.previous_encoding_aes_key], cfg.corp_id)
        self.on_notify = on_notify
        self.last_event: dict[str, str] = {}  # the last decrypted callback (support, tests)

    def handle(self, req: WebhookRequest) -> tuple[WebhookResponse, Items]:
        q = req.query
        ts, nonce, sig = q.get("timestamp", ""), q.get("nonce", ""), q.get("msg_signature", "")
        try:
            if req.method == "GET":
                echostr = q.get("echostr", "")
                if not (ts and nonce and echostr and self.crypto.check(sig, ts, nonce, echostr)):
                    raise CryptoError("bad msg_signature")
                plain, _ = self.crypto.decrypt(echostr)
                # Must be answered within 1 s with exactly the plaintext: no quotes, BOM or newline.
                return WebhookResponse(body=plain), []
            if req.method != "POST":
                return WebhookResponse(status=405, body=b"method not allowed"), []
            encrypt = parse_xml(req.body).get("Encrypt", "")
            if not (ts and nonce and encrypt and self.crypto.check(sig, ts, nonce, encrypt)):
                raise CryptoError("bad msg_signature")
            fields = parse_xml(self.crypto.decrypt(encrypt)[0])
        except CryptoError as e:
            log.warning("%s: callback refused: %s", self.path, e)
            return WebhookResponse(status=403, body=b"cannot verify or decrypt"), []
        except XmlError as e:
            log.warning("%s: malformed callback: %s", self.path, e)
            return WebhookResponse(status=400, body=b"malformed"), []
        self.last_event = fields
        if fields.get("Event", "").lower() == "kf_msg_or_event":
            kfid = fields.get("OpenKfId", "")
            if kfid and kfid != self.cfg.open_kfid:
                log.info("%s: news for kf account %s, not ours", self.path, kfid)
            elif self.on_notify is not None:
                self.on_notify(fields.get("Token", ""))
        else:
            log.info("%s: callback %s/%s ignored", self.path, fields.get("MsgType"), fields.get("Event"))
        return WebhookResponse(body=b""), []  # 200 with an empty body = received
