"""Tencent Cloud SMS API 3.0 (2021-01-11): SendSms signed with TC3-HMAC-SHA256, status and reply callbacks [S33].

``SessionContext`` carries our idempotency key and comes back in the answer; it is not an idempotency
key on Tencent's side, and there is no query by it, so a timeout is an unknown outcome (not retried).
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
import urllib.parse
from typing import Any

import aiohttp

from edge_server.channels.base import Delivery, DeliveryUpdate, InboundMessage, SendError, SendResult
from edge_server.channels.sms import phone as phones
from edge_server.channels.sms.config import TencentSmsConfig
from edge_server.channels.sms.http import TransportOutcome, request
from edge_server.channels.sms.signing import tc3_authorization
from edge_server.contract.interactions import Identity, IdentityKind

log = logging.getLogger("sb.channels.sms")

API_VERSION = "2021-01-11"
SERVICE = "sms"
CONTENT_TYPE = "application/json; charset=utf-8"

_RETRYABLE = ("RequestLimitExceeded", "LimitExceeded.PhoneNumberThirtySecondLimit",
              "LimitExceeded.PhoneNumberOneHourLimit", "LimitExceeded.DeliveryFrequencyLimit")
_RETRY_AFTER = {"LimitExceeded.PhoneNumberThirtySecondLimit": 30.0,
                "LimitExceeded.PhoneNumberOneHourLimit": 3600.0}
_REASONS = {
    "AuthFailure.SignatureFailure": "Tencent rejected the request signature (check secret_key)",
    "AuthFailure.SignatureExpire": "the edge's clock is more than 5 minutes off",
    "AuthFailure.SecretIdNotFound": "Tencent does not know secret_id",
    "InvalidParameterValue.IncorrectPhoneNumber": "the phone number is not valid",
    "FailedOperation.PhoneNumberInBlacklist": "the customer has unsubscribed from SMS",
    "FailedOperation.InsufficientBalanceInSmsPackage": "the SMS package has no credit left",
    "LimitExceeded.PhoneNumberDailyLimit": "the daily sending limit for this number is reached",
    "FailedOperation.SignatureIncorrectOrUnapproved": "the SMS signature (sign_name) is not approved",
    "FailedOperation.TemplateIncorrectOrUnapproved": "the SMS template (template_id) is not approved",
    "UnauthorizedOperation.IpNotInWhitelist": "the edge's address is not in the account's IP whitelist",
}


def build_request(cfg: TencentSmsConfig, key: str, to: str, text: str,
                  now: int | None = None) -> tuple[str, dict[str, str], bytes]:
    """URL, headers and body of one signed SendSms."""
    ts = int(time.time()) if now is None else now
    host = urllib.parse.urlsplit(cfg.endpoint).netloc
    body = json.dumps({
        "PhoneNumberSet": [to], "SmsSdkAppId": cfg.sdk_app_id, "SignName": cfg.sign_name,
        "TemplateId": cfg.template_id, "TemplateParamSet": [text], "SessionContext": key,
    }, ensure_ascii=False).encode()
    headers = {
        "Content-Type": CONTENT_TYPE, "Host": host, "X-TC-Action": "SendSms", "X-TC-Version": API_VERSION,
        "X-TC-Timestamp": str(ts), "X-TC-Region": cfg.region,
        "Authorization": tc3_authorization(secret_id=cfg.secret_id, secret_key=cfg.secret_key, service=SERVICE,
                                           host=host, content_type=CONTENT_TYPE, payload=body, timestamp=ts),
    }
    return cfg.endpoint.rstrip("/") + "/", headers, body


class TencentSms:
    def __init__(self, cfg: TencentSmsConfig) -> None:
        self.cfg = cfg

    async def send(self, session: aiohttp.ClientSession, key: str, to: str, text: str) -> SendResult:
        url, headers, body = build_request(self.cfg, key, to, text)
        try:
            status, _h, raw = await request(session, "POST", url, timeout_s=self.cfg.request_timeout_s,
                                            data=body, headers=headers)
        except TransportOutcome as e:
            raise SendError(f"Tencent SMS: {e.reason}" + ("; outcome unknown, not retried so the customer "
                            "does not get it twice" if e.maybe_taken else ""), not_sent=not e.maybe_taken) from e
        if status >= 500:
            raise SendError(f"Tencent SMS: server error {status}; outcome unknown", not_sent=False)
        try:
            resp: dict[str, Any] = json.loads(raw).get("Response", {})
        except (ValueError, AttributeError) as e:
            raise SendError(f"Tencent SMS: unreadable answer ({status})", not_sent=False) from e
        err = resp.get("Error")
        if err:
            raise _refusal(str(err.get("Code", "")), str(err.get("Message", "")))
        statuses = resp.get("SendStatusSet") or []
        if not statuses:
            raise SendError("Tencent SMS: answer without SendStatusSet; outcome unknown", not_sent=False)
        st = statuses[0]
        if st.get("Code") == "Ok":
            return SendResult(provider_id=str(st.get("SerialNo", "")), state=Delivery.SENT)
        raise _refusal(str(st.get("Code", "")), str(st.get("Message", "")))


def _refusal(code: str, message: str) -> SendError:
    if code.startswith("InternalError"):
        return SendError(f"Tencent SMS: internal error {code}; outcome unknown", not_sent=False)
    if code in _RETRYABLE:
        return SendError(f"Tencent SMS rate limit: {message or code}", not_sent=True,
                         retry_after_s=_RETRY_AFTER.get(code, 1.0))
    reason = _REASONS.get(code, message or "refused")
    return SendError(f"SMS not sent: {reason} ({code})", not_sent=True, permanent=True)


# --- callbacks [S33g] ----------------------------------------------------------------------------------


def parse_status(account: str, body: bytes) -> list[DeliveryUpdate]:
    """Status callback: JSON array of {user_receive_time, nationcode, mobile, report_status, errmsg,
    description, sid}."""
    doc = json.loads(body)
    items = doc if isinstance(doc, list) else [doc]
    out: list[DeliveryUpdate] = []
    for it in items:
        sid = str(it.get("sid") or "")
        if not sid:
            continue
        ok = it.get("report_status") == "SUCCESS"
        err = "" if ok else f"{it.get('errmsg', '')} {it.get('description', '')}".strip()
        out.append(DeliveryUpdate(channel="sms", account=account, provider_id=sid,
                                  state=Delivery.DELIVERED if ok else Delivery.FAILED, error=err))
    return out


def parse_replies(account: str, body: bytes) -> list[InboundMessage]:
    """Reply (MO) callback: {extend, mobile, nationcode, sign, text, time} (unverified field list).

    It carries no message id: the de-dup key hashes number, time and text, so a retried push matches.
    """
    doc = json.loads(body)
    items = doc if isinstance(doc, list) else [doc]
    out: list[InboundMessage] = []
    for it in items:
        number = phones.to_e164(str(it.get("mobile", "")), nationcode=str(it.get("nationcode", "")))
        if not number:
            log.warning("tencent reply without a usable phone number: %r", it.get("mobile"))
            continue
        t = int(it.get("time") or 0)
        text = str(it.get("text", ""))
        ext = hashlib.sha256(f"{number}|{t}|{text}".encode()).hexdigest()[:32]
        out.append(InboundMessage(
            channel="sms", account=account, external_id=ext,
            identities=[Identity(kind=IdentityKind.PHONE, value=number)], text=text, ts_ms=t * 1000,
            meta={k: str(it[k]) for k in ("sign", "extend") if it.get(k)}))
    return out
