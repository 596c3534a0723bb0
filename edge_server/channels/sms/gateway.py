"""A generic HTTP SMS gateway in Twilio's shape: form POST with basic auth, signed status/inbound webhooks [S34]."""
from __future__ import annotations

import base64
import json
import logging
from collections.abc import Mapping

import aiohttp

from edge_server.channels.base import Delivery, DeliveryUpdate, InboundMessage, SendError, SendResult
from edge_server.channels.sms import phone as phones
from edge_server.channels.sms.config import HttpGatewayConfig
from edge_server.channels.sms.http import TransportOutcome, request
from edge_server.contract.interactions import Identity, IdentityKind

log = logging.getLogger("sb.channels.sms")

# Twilio status → our delivery state; states before "sent" change nothing (the outbox already says queued)
# and inbound states are not receipts [S34c].
STATUS_MAP: dict[str, Delivery] = {
    "sent": Delivery.SENT, "delivered": Delivery.DELIVERED, "partially_delivered": Delivery.DELIVERED,
    "read": Delivery.READ, "undelivered": Delivery.FAILED, "failed": Delivery.FAILED,
    "canceled": Delivery.FAILED,
}
_PERMANENT_CODES = {21211: "the phone number is not valid", 21610: "the customer has unsubscribed (STOP)",
                    21614: "the number cannot receive SMS", 21408: "sending to this region is not enabled",
                    20003: "the gateway rejected the credentials (check account_sid/auth_token)"}


class HttpGateway:
    def __init__(self, cfg: HttpGatewayConfig) -> None:
        self.cfg = cfg

    def status_callback_url(self) -> str:
        base = self.cfg.public_base_url.rstrip("/")
        return f"{base}/hooks/sms/{self.cfg.account}/status" if base else ""

    async def send(self, session: aiohttp.ClientSession, key: str, to: str, text: str) -> SendResult:
        form = {"To": to, "Body": text}
        if self.cfg.messaging_service_sid:
            form["MessagingServiceSid"] = self.cfg.messaging_service_sid
        else:
            form["From"] = self.cfg.from_number
        if cb := self.status_callback_url():
            form["StatusCallback"] = cb
        url = self.cfg.base_url.rstrip("/") + self.cfg.send_path.format(account_sid=self.cfg.account_sid)
        try:
            status, headers, raw = await request(
                session, "POST", url, timeout_s=self.cfg.request_timeout_s, data=form,
                headers={"Authorization": _basic_auth(self.cfg.account_sid, self.cfg.auth_token)})
        except TransportOutcome as e:
            # The gateway has no idempotency key: an unknown outcome is not retried.
            raise SendError(f"SMS gateway: {e.reason}", not_sent=not e.maybe_taken) from e
        try:
            doc = json.loads(raw) if raw else {}
        except ValueError:
            doc = {}
        if status in (200, 201) and doc.get("sid"):
            st = STATUS_MAP.get(str(doc.get("status", "")), Delivery.SENT)
            return SendResult(provider_id=str(doc["sid"]), state=Delivery.SENT if st == Delivery.FAILED else st)
        if status >= 500:
            raise SendError(f"SMS gateway: server error {status}; outcome unknown", not_sent=False)
        code = int(doc.get("code") or 0)
        msg = str(doc.get("message", ""))
        if status == 429 or code == 20429:
            retry = headers.get("retry-after", "")
            raise SendError(f"SMS gateway throttled the request: {msg or status}", not_sent=True,
                            retry_after_s=float(retry) if retry.replace(".", "", 1).isdigit() else 1.0)
        reason = _PERMANENT_CODES.get(code, msg or f"HTTP {status}")
        raise SendError(f"SMS not sent: {reason}" + (f" ({code})" if code else ""), not_sent=True, permanent=True)


def _basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def parse_status(account: str, form: Mapping[str, str]) -> list[DeliveryUpdate]:
    state = STATUS_MAP.get(form.get("MessageStatus", form.get("SmsStatus", "")))
    sid = form.get("MessageSid", form.get("SmsSid", ""))
    if state is None or not sid:
        return []
    err = ""
    if state == Delivery.FAILED:
        code = form.get("ErrorCode", "")
        err = f"{form.get('MessageStatus', 'failed')}" + (f" (error {code})" if code else "")
    return [DeliveryUpdate(channel="sms", account=account, provider_id=sid, state=state, error=err)]


def parse_inbound(account: str, form: Mapping[str, str]) -> list[InboundMessage]:
    number = phones.to_e164(form.get("From", ""))
    sid = form.get("MessageSid", form.get("SmsSid", ""))
    if not number or not sid:
        log.warning("inbound SMS without From or MessageSid; ignored")
        return []
    return [InboundMessage(channel="sms", account=account, external_id=sid,
                           identities=[Identity(kind=IdentityKind.PHONE, value=number)],
                           text=form.get("Body", ""), meta={"To": form.get("To", ""), "MessageSid": sid})]
