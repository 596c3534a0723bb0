"""The SMS providers' push endpoints as pure WebhookHandlers (verify, parse, answer; no I/O).

Paths: ``/hooks/sms/<account>/status`` (delivery receipts) and ``/hooks/sms/<account>/inbound`` (uplink).
Aliyun and Tencent do not sign their pushes, so the URL configured in their consoles carries a secret
``?token=`` (design); the Twilio-style gateway signs with X-Twilio-Signature [S34a].
"""
from __future__ import annotations

import json
import logging
import urllib.parse
from collections.abc import Callable, Sequence

from edge_server.channels.base import DeliveryUpdate, InboundMessage, WebhookRequest, WebhookResponse
from edge_server.channels.sms import aliyun, gateway, tencent
from edge_server.channels.sms.config import AliyunSmsConfig, HttpGatewayConfig, SmsConfig, TencentSmsConfig
from edge_server.channels.sms.signing import constant_time_equal, twilio_signature

log = logging.getLogger("sb.channels.sms")

Items = Sequence[InboundMessage | DeliveryUpdate]
JSON = "application/json; charset=utf-8"
_FORBIDDEN = WebhookResponse(status=403, body=b"forbidden")
_BAD = WebhookResponse(status=400, body=b"bad request")


class TokenJsonHook:
    """Aliyun / Tencent: POST JSON, authenticated by the secret token in the URL."""

    channel = "sms"

    def __init__(self, account: str, kind: str, token: str, parse: Callable[[str, bytes], Items],
                 ack: bytes) -> None:
        self.account = account
        self.path = f"/hooks/sms/{account}/{kind}"
        self._token = token
        self._parse = parse
        self._ack = ack

    def handle(self, req: WebhookRequest) -> tuple[WebhookResponse, Items]:
        if req.method.upper() != "POST":
            return WebhookResponse(status=405, body=b"method not allowed"), []
        if not constant_time_equal(req.query.get("token", ""), self._token):
            log.warning("sms %s: push to %s with a wrong token from %s", self.account, self.path, req.remote)
            return _FORBIDDEN, []
        try:
            items = self._parse(self.account, req.body)
        except (ValueError, AttributeError, TypeError) as e:
            log.warning("sms %s: unreadable push to %s: %s", self.account, self.path, e)
            return _BAD, []
        return WebhookResponse(status=200, body=self._ack, content_type=JSON), items


class TwilioHook:
    """Generic gateway: form POST signed with HMAC-SHA1 over the public URL and the sorted fields."""

    channel = "sms"

    def __init__(self, cfg: HttpGatewayConfig, kind: str) -> None:
        self.account = cfg.account
        self.path = f"/hooks/sms/{cfg.account}/{kind}"
        self._cfg = cfg
        self._kind = kind

    def public_url(self, query: dict[str, str]) -> str:
        url = self._cfg.public_base_url.rstrip("/") + self.path
        return url + ("?" + urllib.parse.urlencode(query) if query else "")

    def handle(self, req: WebhookRequest) -> tuple[WebhookResponse, Items]:
        if req.method.upper() != "POST":
            return WebhookResponse(status=405, body=b"method not allowed"), []
        try:
            form = dict(urllib.parse.parse_qsl(req.body.decode(), keep_blank_values=True, strict_parsing=False))
        except UnicodeDecodeError:
            return _BAD, []
        expected = twilio_signature(self._cfg.auth_token, self.public_url(req.query), form)
        if not constant_time_equal(req.headers.get("x-twilio-signature", ""), expected):
            log.warning("sms %s: bad X-Twilio-Signature on %s from %s", self.account, self.path, req.remote)
            return _FORBIDDEN, []
        if self._kind == "status":
            return WebhookResponse(status=200), gateway.parse_status(self.account, form)
        return (WebhookResponse(status=200, body=b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
                                content_type="text/xml"),
                gateway.parse_inbound(self.account, form))


def hooks_for(cfg: SmsConfig) -> list[TokenJsonHook | TwilioHook]:
    if isinstance(cfg, AliyunSmsConfig):
        # Aliyun checks only that `code` is numeric [S32b].
        ack = json.dumps({"code": 0, "msg": "成功"}, ensure_ascii=False).encode()
        return [TokenJsonHook(cfg.account, "status", cfg.webhook_token, aliyun.parse_reports, ack),
                TokenJsonHook(cfg.account, "inbound", cfg.webhook_token, aliyun.parse_uplinks, ack)]
    if isinstance(cfg, TencentSmsConfig):
        ack = b'{"result":0,"errmsg":"OK"}'
        return [TokenJsonHook(cfg.account, "status", cfg.webhook_token, tencent.parse_status, ack),
                TokenJsonHook(cfg.account, "inbound", cfg.webhook_token, tencent.parse_replies, ack)]
    return [TwilioHook(cfg, "status"), TwilioHook(cfg, "inbound")]
