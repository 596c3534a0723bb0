"""Aliyun Dysmsapi 2017-05-25: SendSms, QuerySendDetails, receipts (SmsReport) and uplinks (SmsUp) [S32].

SendSms is not idempotent. Every send carries ``OutId`` = our idempotency key and is marked in flight
on disk first; when the outcome is unknown (timeout, dropped connection, 5xx, isp.SYSTEM_ERROR) the
mark stays, and the next attempt asks QuerySendDetails for that OutId before sending again. So a retry
never produces a second SMS, even across a restart.
"""
from __future__ import annotations

import calendar
import hashlib
import json
import logging
import time
import uuid
from typing import Any

import aiohttp

from edge_server.channels.base import Delivery, DeliveryUpdate, InboundMessage, SendError, SendResult
from edge_server.channels.sms import phone as phones
from edge_server.channels.sms.config import AliyunSmsConfig
from edge_server.channels.sms.http import TransportOutcome, request
from edge_server.channels.sms.inflight import InflightMark, InflightMarks
from edge_server.channels.sms.signing import aliyun_rpc_signature
from edge_server.contract.interactions import Identity, IdentityKind

log = logging.getLogger("sb.channels.sms")

API_VERSION = "2017-05-25"
CST_OFFSET_S = 8 * 3600  # Aliyun's SendDate is a China Standard Time date

# Codes after which the message certainly was not sent and retrying cannot help [S32d].
_PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL": "the phone number is not valid",
    "isv.TEMPLATE_MISSING_PARAMETERS": "the SMS template is missing parameters (check template_param)",
    "isv.SMS_SIGNATURE_ILLEGAL": "the SMS signature (sign_name) is not approved",
    "isv.SMS_TEMPLATE_ILLEGAL": "the SMS template (template_code) is not approved",
    "isv.INVALID_JSON_PARAM": "the template parameters are not valid JSON",
    "isv.AMOUNT_NOT_ENOUGH": "the Aliyun account has no credit left",
    "isv.OUT_OF_SERVICE": "the Aliyun SMS service is suspended for this account",
    "isv.BLACK_KEY_CONTROL_LIMIT": "the text contains a blocked keyword",
    "isv.DAY_LIMIT_CONTROL": "the daily sending limit for this number is reached",
    "isv.MONTH_LIMIT_CONTROL": "the monthly sending limit for this number is reached",
    "isp.RAM_PERMISSION_DENY": "the access key may not send SMS (RAM permission)",
    "SignatureDoesNotMatch": "Aliyun rejected the request signature (check access_key_secret)",
    "InvalidAccessKeyId.NotFound": "Aliyun does not know access_key_id",
    "isv.ACCOUNT_NOT_EXISTS": "the Aliyun account does not exist",
}


def out_id_for(key: str) -> str:
    """OutId carries the idempotency key; long or unusual keys are hashed to stay within the field."""
    if len(key) <= 64 and all(c.isalnum() or c in "-_.:" for c in key):
        return key
    return "sb-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def cst_date(ts: float) -> str:
    return time.strftime("%Y%m%d", time.gmtime(ts + CST_OFFSET_S))


def sign_params(cfg: AliyunSmsConfig, action: str, params: dict[str, str], *, method: str = "POST",
                now: float | None = None) -> dict[str, str]:
    """The full signed parameter set of one RPC call."""
    ts = time.time() if now is None else now
    p = {
        "AccessKeyId": cfg.access_key_id, "Action": action, "Format": "JSON", "RegionId": cfg.region_id,
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": str(uuid.uuid4()), "SignatureVersion": "1.0",
        "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)), "Version": API_VERSION,
        **params,
    }
    p["Signature"] = aliyun_rpc_signature(cfg.access_key_secret, method, p)
    return p


class AliyunSms:
    def __init__(self, cfg: AliyunSmsConfig, marks: InflightMarks) -> None:
        self.cfg = cfg
        self._marks = marks

    async def _call(self, session: aiohttp.ClientSession, action: str,
                    params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        signed = sign_params(self.cfg, action, params)
        status, _headers, body = await request(session, "POST", self.cfg.endpoint.rstrip("/") + "/",
                                               timeout_s=self.cfg.request_timeout_s, data=signed)
        try:
            doc = json.loads(body) if body else {}
        except ValueError:
            doc = {}
        return status, doc if isinstance(doc, dict) else {}

    async def send(self, session: aiohttp.ClientSession, key: str, to: str, text: str) -> SendResult:
        out_id = out_id_for(key)
        now = time.time()
        mark = self._marks.get(key)
        if mark is not None:
            # An earlier attempt may have been taken: ask before sending anything.
            wait = mark.first_ts + self.cfg.query_delay_s - now
            if wait > 0:
                raise SendError("Aliyun's answer to the last attempt was lost; checking it before a retry",
                                not_sent=True, retry_after_s=wait)
            found = await self.query(session, mark, out_id)
            if found is not None:
                self._marks.clear(key)
                return found
            log.info("aliyun: %s not found by QuerySendDetails, sending again", out_id)
        self._marks.put(InflightMark(key=key, phone=to, first_ts=int(mark.first_ts if mark else now)))
        params = {
            "PhoneNumbers": phones.aliyun_number(to), "SignName": self.cfg.sign_name,
            "TemplateCode": self.cfg.template_code,
            "TemplateParam": json.dumps({self.cfg.template_param: text}, ensure_ascii=False),
            "OutId": out_id,
        }
        try:
            status, doc = await self._call(session, "SendSms", params)
        except TransportOutcome as e:
            if not e.maybe_taken:
                self._marks.clear(key)
                raise SendError(f"Aliyun SMS: {e.reason}", not_sent=True) from e
            raise SendError(f"Aliyun SMS: {e.reason}; will check QuerySendDetails before a retry",
                            not_sent=True, retry_after_s=self.cfg.query_delay_s) from e
        code = str(doc.get("Code", ""))
        if status == 200 and code == "OK":
            self._marks.clear(key)
            return SendResult(provider_id=out_id, state=Delivery.SENT)
        if status >= 500 or code.startswith("isp.SYSTEM_ERROR") or code.startswith("InternalError"):
            raise SendError(f"Aliyun SMS: server error {status} {code}; will check QuerySendDetails "
                            "before a retry", not_sent=True, retry_after_s=self.cfg.query_delay_s)
        # Every other answer is a definite refusal: nothing was sent.
        self._marks.clear(key)
        raise _refusal(code, str(doc.get("Message", "")), status)

    async def query(self, session: aiohttp.ClientSession, mark: InflightMark,
                    out_id: str) -> SendResult | None:
        """Look for our OutId among the number's sends on the day(s) of the attempt; None: not taken."""
        days = sorted({cst_date(mark.first_ts), cst_date(max(time.time(), mark.first_ts))})
        for day in days:
            page = 1
            while True:
                try:
                    status, doc = await self._call(session, "QuerySendDetails", {
                        "PhoneNumber": phones.aliyun_number(mark.phone), "SendDate": day,
                        "PageSize": "50", "CurrentPage": str(page)})
                except TransportOutcome as e:
                    raise SendError(f"Aliyun QuerySendDetails: {e.reason}", not_sent=True,
                                    retry_after_s=self.cfg.query_delay_s) from e
                if status != 200 or doc.get("Code") != "OK":
                    raise SendError(f"Aliyun QuerySendDetails failed: {doc.get('Code', status)} "
                                    f"{doc.get('Message', '')}", not_sent=True,
                                    retry_after_s=self.cfg.query_delay_s)
                dtos = (doc.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
                for d in dtos:
                    if d.get("OutId") == out_id:
                        return _found(d, out_id)
                if page * 50 >= int(doc.get("TotalCount") or 0) or not dtos:
                    break
                page += 1
        return None


def _found(dto: dict[str, Any], out_id: str) -> SendResult:
    state = int(dto.get("SendStatus") or 1)  # 1 waiting for the receipt, 2 failed, 3 delivered
    if state == 2:
        raise SendError(f"The SMS was not delivered: {dto.get('ErrCode', 'failed')}", not_sent=False,
                        permanent=True)
    return SendResult(provider_id=out_id, state=Delivery.DELIVERED if state == 3 else Delivery.SENT)


def _refusal(code: str, message: str, status: int) -> SendError:
    if code == "isv.BUSINESS_LIMIT_CONTROL":
        # Per-number flow control (1/min, 5/h, ... for codes; 50/day for notifications) [S32c].
        return SendError(f"Aliyun flow control for this number: {message or code}", not_sent=True,
                         retry_after_s=60.0)
    if code.startswith("Throttling"):
        return SendError(f"Aliyun throttled the request: {message or code}", not_sent=True, retry_after_s=1.0)
    reason = _PERMANENT.get(code)
    if reason is not None:
        return SendError(f"SMS not sent: {reason} ({code})", not_sent=True, permanent=True)
    return SendError(f"SMS not sent: Aliyun answered {status} {code} {message}".strip(), not_sent=True,
                     permanent=True)


# --- pushes: receipts and uplink messages [S32b] ------------------------------------------------------


def parse_reports(account: str, body: bytes) -> list[DeliveryUpdate]:
    """SmsReport: a JSON array. The same receipt twice gives two equal updates (the hub de-duplicates)."""
    items = json.loads(body)
    if not isinstance(items, list):
        raise ValueError("SmsReport body is not a JSON array")
    out: list[DeliveryUpdate] = []
    for it in items:
        provider_id = str(it.get("out_id") or it.get("biz_id") or "")
        if not provider_id:
            continue
        ok = bool(it.get("success"))
        err = "" if ok else f"{it.get('err_code', '')} {it.get('err_msg', '')}".strip()
        out.append(DeliveryUpdate(channel="sms", account=account, provider_id=provider_id,
                                  state=Delivery.DELIVERED if ok else Delivery.FAILED, error=err))
    return out


def parse_uplinks(account: str, body: bytes) -> list[InboundMessage]:
    """SmsUp: a JSON array of {phone_number, send_time, content, sign_name, dest_code, sequence_id}.

    (unverified field list, from the console's push documentation; sequence_id is the message's id.)
    """
    items = json.loads(body)
    if not isinstance(items, list):
        raise ValueError("SmsUp body is not a JSON array")
    out: list[InboundMessage] = []
    for it in items:
        number = phones.to_e164(str(it.get("phone_number", "")))
        if not number:
            log.warning("aliyun uplink without a usable phone number: %r", it.get("phone_number"))
            continue
        seq = str(it.get("sequence_id") or "")
        ext = seq or hashlib.sha256(f"{number}|{it.get('send_time')}|{it.get('content')}".encode()).hexdigest()
        out.append(InboundMessage(
            channel="sms", account=account, external_id=ext,
            identities=[Identity(kind=IdentityKind.PHONE, value=number)],
            text=str(it.get("content", "")), ts_ms=_cst_ms(str(it.get("send_time", ""))),
            meta={k: str(it[k]) for k in ("sign_name", "dest_code", "sequence_id") if it.get(k)}))
    return out


def _cst_ms(s: str) -> int:
    """'2017-02-02 22:23:32' in China Standard Time → unix ms (0 when absent or malformed)."""
    try:
        t = time.strptime(s, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return 0
    return (calendar.timegm(t) - CST_OFFSET_S) * 1000
