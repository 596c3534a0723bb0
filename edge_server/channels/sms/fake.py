"""A local SMS platform for tests and the demo: Aliyun RPC, Tencent TC3 and a Twilio-style gateway in one
aiohttp app (channels.md §6.5). Signatures are checked exactly as the providers do; answers and error codes
follow their documentation; receipts and uplinks are pushed to the edge and retried until acknowledged.

Routes: ``POST /aliyun/`` (endpoint ``<base>/aliyun``), ``POST /tencent/`` (endpoint ``<base>/tencent``),
``POST /twilio/2010-04-01/Accounts/{sid}/Messages.json`` (base_url ``<base>/twilio``).
"""
from __future__ import annotations

import asyncio
import base64
import calendar
import json
import logging
import re
import secrets
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
from aiohttp import web

from edge_server.channels.sms import signing

log = logging.getLogger("sb.channels.sms.fake")

_AUTH = re.compile(r"^TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([^/]+)/tc3_request, "
                   r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$")


class FakeSms:
    """One message the fake accepted."""

    def __init__(self, provider: str, msg_id: str, to: str, text: str, ref: str, callback: str = "") -> None:
        self.provider = provider
        self.msg_id = msg_id  # Aliyun BizId / Tencent SerialNo / gateway sid
        self.to = to
        self.text = text
        self.ref = ref  # Aliyun OutId / Tencent SessionContext / ""
        self.callback = callback
        self.ts = time.time()


class FakeSmsPlatform:
    def __init__(self, *, aliyun_keys: Mapping[str, str] | None = None,
                 tencent_keys: Mapping[str, str] | None = None,
                 gateway_accounts: Mapping[str, str] | None = None,
                 per_number_per_minute: int = 0,
                 push_retry_s: Sequence[float] = (60.0, 300.0, 600.0)) -> None:
        self.aliyun_keys = dict(aliyun_keys or {})
        self.tencent_keys = dict(tencent_keys or {})
        self.gateway_accounts = dict(gateway_accounts or {})
        self.per_number_per_minute = per_number_per_minute  # flow control; 0: off
        self.push_retry_s = tuple(push_retry_s)  # Aliyun: 1, 5, 10 min after the first push [S32b]
        self.sent: list[FakeSms] = []
        self.requests: defaultdict[str, int] = defaultdict(int)  # action → count, signature-valid only
        self.rejected: list[str] = []  # error codes answered
        self.hang_s = 0.0  # answer SendSms only after this long (the message IS taken): client timeouts
        self.hang_next = 0  # how many sends hang
        self.fail_next: list[str] = []  # error codes to answer on the next sends (after signature checks)
        self.approved_signs: set[str] | None = None  # None: any sign name
        self._nonces: set[str] = set()
        self._per_number: defaultdict[str, list[float]] = defaultdict(list)
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.base_url = ""
        self.app = web.Application()
        self.app.router.add_post("/aliyun/", self._aliyun)
        self.app.router.add_post("/tencent/", self._tencent)
        self.app.router.add_post("/twilio/2010-04-01/Accounts/{sid}/Messages.json", self._gateway)

    async def __aenter__(self) -> FakeSmsPlatform:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._client = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- shared behaviour --------------------------------------------------------------------------

    def _flow_limited(self, number: str) -> bool:
        if not self.per_number_per_minute:
            return False
        now = time.monotonic()
        recent = [t for t in self._per_number[number] if now - t < 60.0]
        self._per_number[number] = recent
        return len(recent) >= self.per_number_per_minute

    def _count(self, number: str) -> None:
        self._per_number[number].append(time.monotonic())  # counted on a successful submit [S32c]

    async def _maybe_hang(self) -> None:
        if self.hang_next > 0:
            self.hang_next -= 1
            await asyncio.sleep(self.hang_s)

    # --- Aliyun RPC --------------------------------------------------------------------------------

    async def _aliyun(self, request: web.Request) -> web.Response:
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        err = self._aliyun_auth(form)
        if err is not None:
            self.rejected.append(err[1])
            return web.json_response({"Code": err[1], "Message": err[2], "RequestId": _rid()}, status=err[0])
        action = form.get("Action", "")
        self.requests[action] += 1
        if action == "SendSms":
            return await self._aliyun_send(form)
        if action == "QuerySendDetails":
            return self._aliyun_query(form)
        return web.json_response({"Code": "InvalidAction.NotFound", "Message": action, "RequestId": _rid()},
                                 status=404)

    def _aliyun_auth(self, form: dict[str, str]) -> tuple[int, str, str] | None:
        for k in ("AccessKeyId", "Action", "SignatureMethod", "SignatureNonce", "SignatureVersion",
                  "Timestamp", "Version", "Signature"):
            if not form.get(k):
                return 400, "MissingParameter", f"{k} is mandatory for this action."
        secret = self.aliyun_keys.get(form["AccessKeyId"])
        if secret is None:
            return 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
        if form["SignatureMethod"] != "HMAC-SHA1" or form["SignatureVersion"] != "1.0":
            return 400, "InvalidParameter", "SignatureMethod/SignatureVersion"
        params = {k: v for k, v in form.items() if k != "Signature"}
        expected = signing.aliyun_rpc_signature(secret, "POST", params)
        if not signing.constant_time_equal(expected, form["Signature"]):
            return 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
        try:
            ts = calendar.timegm(time.strptime(form["Timestamp"], "%Y-%m-%dT%H:%M:%SZ"))
        except ValueError:
            return 400, "InvalidTimeStamp.Format", "Specified time stamp is not valid."
        if abs(time.time() - ts) > 900:
            return 400, "InvalidTimeStamp.Expired", "Specified time stamp or date header is expired."
        if form["SignatureNonce"] in self._nonces:
            return 400, "SignatureNonceUsed", "Specified signature nonce was used already."
        self._nonces.add(form["SignatureNonce"])
        if form["Version"] != "2017-05-25":
            return 400, "InvalidVersion", "Specified parameter Version is not valid."
        return None

    async def _aliyun_send(self, form: dict[str, str]) -> web.Response:
        def refuse(code: str, message: str) -> web.Response:
            self.rejected.append(code)
            return web.json_response({"Code": code, "Message": message, "RequestId": _rid()})

        if self.fail_next:
            code = self.fail_next.pop(0)
            if code.startswith("Throttling"):
                self.rejected.append(code)
                return web.json_response({"Code": code, "Message": "Request was denied due to user flow "
                                          "control.", "RequestId": _rid()}, status=400)
            return refuse(code, code)
        number = form.get("PhoneNumbers", "")
        if not re.fullmatch(r"(\+?86|0086)?1\d{10}|00\d{7,15}", number):
            return refuse("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if self.approved_signs is not None and form.get("SignName") not in self.approved_signs:
            return refuse("isv.SMS_SIGNATURE_ILLEGAL", "签名不合法")
        try:
            params = json.loads(form.get("TemplateParam") or "{}")
            if not isinstance(params, dict):
                raise ValueError
        except ValueError:
            return refuse("isv.INVALID_JSON_PARAM", "JSON参数不合法")
        if self._flow_limited(number):
            return refuse("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
        self._count(number)
        biz_id = f"{secrets.randbelow(10**9):09d}^{secrets.randbelow(10**10):010d}"
        self.sent.append(FakeSms("aliyun", biz_id, number, str(next(iter(params.values()), "")),
                                 form.get("OutId", "")))
        await self._maybe_hang()
        return web.json_response({"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": _rid()})

    def _aliyun_query(self, form: dict[str, str]) -> web.Response:
        number, day = form.get("PhoneNumber", ""), form.get("SendDate", "")
        size, page = int(form.get("PageSize") or 10), int(form.get("CurrentPage") or 1)
        rows = [s for s in self.sent if s.provider == "aliyun" and s.to.endswith(number)
                and time.strftime("%Y%m%d", time.gmtime(s.ts + 8 * 3600)) == day]
        chunk = rows[(page - 1) * size: page * size]
        dtos = [{"PhoneNum": s.to, "SendStatus": 1, "ErrCode": "", "TemplateCode": "", "Content": s.text,
                 "OutId": s.ref, "SendDate": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(s.ts + 28800))}
                for s in chunk]
        return web.json_response({"Code": "OK", "Message": "OK", "RequestId": _rid(), "TotalCount": len(rows),
                                  "SmsSendDetailDTOs": {"SmsSendDetailDTO": dtos}})

    # --- Tencent TC3 -------------------------------------------------------------------------------

    async def _tencent(self, request: web.Request) -> web.Response:
        body = await request.read()

        def error(code: str, message: str) -> web.Response:
            self.rejected.append(code)
            return web.json_response({"Response": {"Error": {"Code": code, "Message": message},
                                                   "RequestId": _rid()}})

        m = _AUTH.match(request.headers.get("Authorization", ""))
        if m is None:
            return error("AuthFailure.InvalidAuthorization", "Authorization header is not valid")
        secret_id, date, service, signed_headers, sig = m.groups()
        key = self.tencent_keys.get(secret_id)
        if key is None:
            return error("AuthFailure.SecretIdNotFound", "SecretId not found")
        try:
            ts = int(request.headers.get("X-TC-Timestamp", ""))
        except ValueError:
            return error("MissingParameter", "X-TC-Timestamp")
        if abs(time.time() - ts) > 300:
            return error("AuthFailure.SignatureExpire", "signature expired (clock skew > 5 min)")
        expected = signing.tc3_signature(
            secret_key=key, service=service, host=request.headers.get("Host", ""),
            content_type=request.headers.get("Content-Type", ""), payload=body, timestamp=ts)
        if (service != "sms" or signed_headers != "content-type;host" or date != signing.tc3_date(ts)
                or not signing.constant_time_equal(expected, sig)):
            return error("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        action = request.headers.get("X-TC-Action", "")
        self.requests[action] += 1
        if action != "SendSms" or request.headers.get("X-TC-Version") != "2021-01-11":
            return error("InvalidAction", f"action {action} not found")
        if self.fail_next:
            code = self.fail_next.pop(0)
            return error(code, code)
        try:
            req = json.loads(body)
        except ValueError:
            return error("InvalidParameter", "body is not JSON")
        statuses = []
        for number in req.get("PhoneNumberSet", []):
            st = {"SerialNo": "", "PhoneNumber": number, "Fee": 0, "SessionContext": req.get("SessionContext", ""),
                  "IsoCode": "CN" if number.startswith("+86") else "", "Code": "Ok", "Message": "send success"}
            if not re.fullmatch(r"\+\d{7,15}", number):
                st |= {"Code": "InvalidParameterValue.IncorrectPhoneNumber", "Message": "incorrect number"}
            elif self._flow_limited(number):
                st |= {"Code": "LimitExceeded.PhoneNumberThirtySecondLimit", "Message": "30 s limit"}
            else:
                self._count(number)
                serial = f"{secrets.randbelow(10**4):04d}:{secrets.randbelow(10**20):020d}"
                st |= {"SerialNo": serial, "Fee": 1}
                params = req.get("TemplateParamSet") or [""]
                self.sent.append(FakeSms("tencent", serial, number, params[0], req.get("SessionContext", "")))
            if st["Code"] != "Ok":
                self.rejected.append(st["Code"])
            statuses.append(st)
        await self._maybe_hang()
        return web.json_response({"Response": {"SendStatusSet": statuses, "RequestId": _rid()}})

    # --- Twilio-style gateway ----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.Response:
        sid = request.match_info["sid"]
        token = self.gateway_accounts.get(sid)
        auth = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()
        if token is None or not signing.constant_time_equal(auth, expected):
            self.rejected.append("20003")
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        self.requests["Messages.create"] += 1
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        if self.fail_next:
            code = int(self.fail_next.pop(0))
            self.rejected.append(str(code))
            status = 429 if code == 20429 else 400
            headers = {"Retry-After": "2"} if status == 429 else {}
            return web.json_response({"code": code, "message": "Too Many Requests" if status == 429 else "error",
                                      "status": status}, status=status, headers=headers)
        to = form.get("To", "")
        if not re.fullmatch(r"\+\d{7,15}", to):
            self.rejected.append("21211")
            return web.json_response({"code": 21211, "message": f"The 'To' number {to} is not a valid phone "
                                      "number.", "status": 400}, status=400)
        if self._flow_limited(to):
            self.rejected.append("20429")
            return web.json_response({"code": 20429, "message": "Too Many Requests", "status": 429}, status=429,
                                     headers={"Retry-After": "60"})
        self._count(to)
        msg_sid = "SM" + secrets.token_hex(16)
        self.sent.append(FakeSms("http", msg_sid, to, form.get("Body", ""), "", form.get("StatusCallback", "")))
        await self._maybe_hang()
        return web.json_response({"sid": msg_sid, "status": "queued", "to": to, "from": form.get("From", ""),
                                  "body": form.get("Body", "")}, status=201)

    # --- pushes to the edge ------------------------------------------------------------------------

    async def push(self, url: str, *, json_body: Any = None, form: Mapping[str, str] | None = None,
                   twilio_token: str = "", ack: str = "status") -> int:
        """POST a push, retried on the platform's schedule until acknowledged. Returns the attempts made
        (the last one acknowledged) or raises TimeoutError after the schedule is used up.

        ``ack``: "aliyun" (HTTP 200 + numeric ``code``), "tencent" (``result`` == 0) or "status" (any 2xx).
        """
        assert self._client is not None, "use `async with FakeSmsPlatform()`"
        headers: dict[str, str] = {}
        data: bytes
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if twilio_token:
                headers["X-Twilio-Signature"] = signing.twilio_signature(twilio_token, url, dict(form))
        else:
            data = json.dumps(json_body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        delays = (0.0, *self.push_retry_s)
        for attempt, delay in enumerate(delays, start=1):
            await asyncio.sleep(delay)
            try:
                async with self._client.post(url, data=data, headers=headers,
                                             timeout=aiohttp.ClientTimeout(total=5.0)) as resp:
                    body = await resp.read()
                    if _acknowledged(ack, resp.status, body):
                        return attempt
                    log.info("push to %s not acknowledged (%s), will retry", url, resp.status)
            except (aiohttp.ClientError, TimeoutError) as e:
                log.info("push to %s failed: %s, will retry", url, e)
        raise TimeoutError(f"push to {url} not acknowledged after {len(delays)} attempts")

    @staticmethod
    def aliyun_report(sms: FakeSms, *, success: bool = True, err_code: str = "DELIVERED") -> dict[str, Any]:
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 28800))
        return {"phone_number": sms.to, "send_time": now, "report_time": now, "success": success,
                "err_code": err_code, "err_msg": "用户接收成功" if success else "失败", "sms_size": "1",
                "biz_id": sms.msg_id, "out_id": sms.ref}

    @staticmethod
    def aliyun_uplink(number: str, text: str, sequence_id: int) -> dict[str, Any]:
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 28800))
        return {"phone_number": number, "send_time": now, "content": text, "sign_name": "测试",
                "dest_code": "1234", "sequence_id": sequence_id}

    @staticmethod
    def tencent_status(sms: FakeSms, *, success: bool = True) -> dict[str, Any]:
        national = sms.to.removeprefix("+86")
        return {"user_receive_time": time.strftime("%Y-%m-%d %H:%M:%S"), "nationcode": "86", "mobile": national,
                "report_status": "SUCCESS" if success else "FAIL", "errmsg": "DELIVRD" if success else "MK:0001",
                "description": "用户短信送达成功" if success else "失败", "sid": sms.msg_id}

    @staticmethod
    def tencent_reply(mobile: str, text: str, ts: int) -> dict[str, Any]:
        return {"extend": "", "mobile": mobile, "nationcode": "86", "sign": "测试", "text": text, "time": ts}


def _acknowledged(kind: str, status: int, body: bytes) -> bool:
    if kind == "status":
        return 200 <= status < 300
    if status != 200:
        return False
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    if kind == "aliyun":
        return isinstance(doc.get("code"), int)
    return doc.get("result") == 0


def _rid() -> str:
    return secrets.token_hex(8).upper()
