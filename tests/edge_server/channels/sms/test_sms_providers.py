"""SMS adapters against the local fake platform over real HTTP: signing, errors, no duplicate sends,
receipts and uplinks through the webhook handlers."""
from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from edge_server.channels.base import (Delivery, DeliveryUpdate, InboundMessage, OutboundMessage, SendError,
                                       WebhookRequest)
from edge_server.channels.sms.adapter import SmsAdapter, from_config
from edge_server.channels.sms.fake import FakeSmsPlatform
from edge_server.channels.sms.inflight import InflightMark, InflightMarks
from edge_server.config import ConfigError
from edge_server.contract.interactions import Identity, IdentityKind
from tests.edge_server.channels.sms.hookhost import HookHost

PHONE = "+8613800138000"
FAST_RETRY = (0.05, 0.1, 0.2)


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSmsPlatform]:
    async with FakeSmsPlatform(aliyun_keys={"ak": "sk"}, tencent_keys={"sid": "skey"},
                               gateway_accounts={"AC1": "tok"}, push_retry_s=FAST_RETRY) as f:
        yield f


def aliyun_cfg(fake: FakeSmsPlatform, **over: Any) -> dict[str, Any]:
    return {"provider": "aliyun", "account": "ali", "access_key_id": "ak", "access_key_secret": "sk",
            "sign_name": "测试", "template_code": "SMS_1", "webhook_token": "hooktok",
            "endpoint": fake.base_url + "/aliyun", "request_timeout_s": 2.0, "query_delay_s": 0.0} | over


def tencent_cfg(fake: FakeSmsPlatform, **over: Any) -> dict[str, Any]:
    return {"provider": "tencent", "account": "tc", "secret_id": "sid", "secret_key": "skey",
            "sdk_app_id": "1400000000", "sign_name": "测试", "template_id": "449739", "webhook_token": "hooktok",
            "endpoint": fake.base_url + "/tencent", "request_timeout_s": 2.0} | over


def http_cfg(fake: FakeSmsPlatform, public: str = "https://edge.example.com", **over: Any) -> dict[str, Any]:
    return {"provider": "http", "account": "gw", "base_url": fake.base_url + "/twilio", "account_sid": "AC1",
            "auth_token": "tok", "from_number": "+15005550006", "public_base_url": public,
            "request_timeout_s": 2.0} | over


def out(key: str, text: str = "您好，您的工单已处理", phone: str = PHONE) -> OutboundMessage:
    return OutboundMessage(channel="sms", account="x", interaction_id="i1", seq=3, idempotency_key=key,
                           to=[Identity(kind=IdentityKind.EMAIL, value="a@b.c"),
                               Identity(kind=IdentityKind.PHONE, value=phone)], text=text)


async def closing(adapter: SmsAdapter, msg: OutboundMessage) -> Any:
    try:
        return await adapter.send(msg)
    finally:
        await adapter.stop()


# --- config -------------------------------------------------------------------------------------------


def test_config_errors_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="access_key_secret"):
        from_config({"provider": "aliyun", "account": "a", "access_key_id": "x"}, tmp_path)
    with pytest.raises(ConfigError, match="bogus"):
        from_config({"provider": "tencent", "account": "a", "secret_id": "", "secret_key": "", "sdk_app_id": "",
                     "sign_name": "", "template_id": "", "webhook_token": "", "bogus": 1}, tmp_path)
    with pytest.raises(ConfigError, match="provider"):
        from_config({"provider": "smpp", "account": "a"}, tmp_path)
    with pytest.raises(ConfigError, match="from_number"):
        from_config({"provider": "http", "account": "a", "base_url": "u", "account_sid": "s", "auth_token": "t"},
                    tmp_path)


def test_limits_and_paths(tmp_path: Path) -> None:
    a = from_config({"provider": "http", "account": "gw", "base_url": "u", "account_sid": "s",
                     "auth_token": "t", "from_number": "+1500", "max_chars": 320, "queue": "sms"}, tmp_path)
    assert a.limits().max_chars == 320 and a.limits().media_types == [] and a.limits().reply_window_s == 0
    assert sorted(h.path for h in a.webhooks()) == ["/hooks/sms/gw/inbound", "/hooks/sms/gw/status"]
    assert a.provider == "http"


@pytest.mark.asyncio
async def test_refuses_what_sms_cannot_carry(tmp_path: Path, fake: FakeSmsPlatform) -> None:
    a = from_config(aliyun_cfg(fake, max_chars=10), tmp_path)
    for msg, why in [(out("k1", phone="not a number"), "no phone"), (out("k2", text="x" * 11), "longer than 10")]:
        with pytest.raises(SendError, match=why) as e:
            await a.send(msg)
        assert e.value.permanent and e.value.not_sent
    await a.stop()
    assert fake.requests == {}


# --- Aliyun -------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_aliyun_send_signed_with_out_id(tmp_path: Path, fake: FakeSmsPlatform) -> None:
    res = await closing(from_config(aliyun_cfg(fake), tmp_path), out("ik-1"))
    assert res.provider_id == "ik-1" and res.state == Delivery.SENT
    assert [(s.to, s.text, s.ref) for s in fake.sent] == [("13800138000", "您好，您的工单已处理", "ik-1")]
    assert fake.rejected == []


@pytest.mark.asyncio
async def test_aliyun_errors(tmp_path: Path, fake: FakeSmsPlatform) -> None:
    with pytest.raises(SendError, match="SignatureDoesNotMatch") as e:
        await closing(from_config(aliyun_cfg(fake, access_key_secret="wrong"), tmp_path), out("k"))
    assert e.value.permanent and e.value.not_sent
    with pytest.raises(SendError, match="MOBILE_NUMBER_ILLEGAL") as e:
        await closing(from_config(aliyun_cfg(fake), tmp_path), out("k", phone="+8623456"))
    assert e.value.permanent
    fake.fail_next = ["Throttling.User"]
    with pytest.raises(SendError, match="throttled") as e:
        await closing(from_config(aliyun_cfg(fake), tmp_path), out("k"))
    assert e.value.not_sent and not e.value.permanent and e.value.retry_after_s == 1.0
    fake.per_number_per_minute = 1
    await closing(from_config(aliyun_cfg(fake), tmp_path), out("k"))
    with pytest.raises(SendError, match="flow control") as e:
        await closing(from_config(aliyun_cfg(fake), tmp_path), out("k2"))
    assert e.value.not_sent and not e.value.permanent and e.value.retry_after_s == 60.0
    assert len(fake.sent) == 1


@pytest.mark.asyncio
async def test_aliyun_timeout_is_checked_not_resent(tmp_path: Path, fake: FakeSmsPlatform) -> None:
    """The provider took the SMS but the answer was lost: the retry (after a restart) queries, never resends."""
    fake.hang_next, fake.hang_s = 1, 1.0
    first = from_config(aliyun_cfg(fake, request_timeout_s=0.3), tmp_path)
    with pytest.raises(SendError, match="QuerySendDetails") as e:
        await closing(first, out("ik-7"))
    assert e.value.not_sent and not e.value.permanent and len(fake.sent) == 1
    restarted = from_config(aliyun_cfg(fake), tmp_path)  # same data dir: the in-flight mark survived
    res = await closing(restarted, out("ik-7"))
    assert res.provider_id == "ik-7"
    assert fake.requests["SendSms"] == 1 and fake.requests["QuerySendDetails"] >= 1 and len(fake.sent) == 1
    again = await closing(from_config(aliyun_cfg(fake), tmp_path), out("ik-8"))  # mark cleared: plain send
    assert again.provider_id == "ik-8" and fake.requests["QuerySendDetails"] == 1


@pytest.mark.asyncio
async def test_aliyun_retry_waits_then_sends_when_not_taken(tmp_path: Path, fake: FakeSmsPlatform) -> None:
    marks = InflightMarks(tmp_path / "channels" / "sms" / "ali" / "inflight")
    marks.put(InflightMark(key="ik-9", phone=PHONE, first_ts=int(time.time())))
    with pytest.raises(SendError) as e:  # too early to trust the query: no request at all
        await closing(from_config(aliyun_cfg(fake, query_delay_s=30.0), tmp_path), out("ik-9"))
    assert e.value.not_sent and 0 < (e.value.retry_after_s or 0) <= 30.0 and dict(fake.requests) == {}
    res = await closing(from_config(aliyun_cfg(fake), tmp_path), out("ik-9"))  # query: not there → send once
    assert res.provider_id == "ik-9" and fake.requests["QuerySendDetails"] == 1 and len(fake.sent) == 1
    assert marks.get("ik-9") is None


@pytest.mark.asyncio
async def test_aliyun_receipts_and_uplinks(tmp_path: Path, fake: FakeSmsPlatform) -> None:
    a = from_config(aliyun_cfg(fake), tmp_path)
    await closing(a, out("ik-r"))
    sms = fake.sent[0]
    async with HookHost(a.webhooks(), fail_first=2) as host:
        url = host.base_url + "/hooks/sms/ali/status?token=hooktok"
        report = fake.aliyun_report(sms)
        attempts = await fake.push(url, json_body=[report], ack="aliyun")
        assert attempts == 3 and host.statuses == [500, 500, 200]  # retried like Aliyun until acknowledged
        await fake.push(url, json_body=[report], ack="aliyun")  # receipts are not idempotent: a duplicate
        assert host.items[0] == host.items[1] == DeliveryUpdate(
            channel="sms", account="ali", provider_id="ik-r", state=Delivery.DELIVERED)
        await fake.push(url, json_body=[fake.aliyun_report(sms, success=False, err_code="MN:0017")], ack="aliyun")
        assert host.items[2].state == Delivery.FAILED and "MN:0017" in host.items[2].error  # type: ignore[union-attr]
        with pytest.raises(TimeoutError):  # wrong token: 403 every time, nothing stored
            await fake.push(host.base_url + "/hooks/sms/ali/status?token=guess", json_body=[report], ack="aliyun")
        assert len(host.items) == 3 and host.statuses[-1] == 403
        await fake.push(host.base_url + "/hooks/sms/ali/inbound?token=hooktok",
                        json_body=[fake.aliyun_uplink("13900139000", "请回电", 1001)], ack="aliyun")
        msg = host.items[3]
        assert isinstance(msg, InboundMessage)
        assert (msg.identities, msg.text, msg.external_id, msg.account) == (
            [Identity(kind=IdentityKind.PHONE, value="+8613900139000")], "请回电", "1001", "ali")
        assert msg.ts_ms > 0


# --- Tencent ------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_tencent_send_and_errors(tmp_path: Path, fake: FakeSmsPlatform) -> None:
    res = await closing(from_config(tencent_cfg(fake), tmp_path), out("ik-t"))
    assert res.provider_id == fake.sent[0].msg_id and fake.sent[0].ref == "ik-t" and fake.sent[0].to == PHONE
    with pytest.raises(SendError, match="SignatureFailure") as e:
        await closing(from_config(tencent_cfg(fake, secret_key="bad"), tmp_path), out("k"))
    assert e.value.permanent and e.value.not_sent
    fake.fail_next = ["InvalidParameterValue.IncorrectPhoneNumber"]
    with pytest.raises(SendError, match="not valid") as e:
        await closing(from_config(tencent_cfg(fake), tmp_path), out("k"))
    assert e.value.permanent
    fake.fail_next = ["RequestLimitExceeded"]
    with pytest.raises(SendError) as e:
        await closing(from_config(tencent_cfg(fake), tmp_path), out("k"))
    assert e.value.not_sent and not e.value.permanent
    fake.hang_next, fake.hang_s = 1, 1.0  # Tencent has no query by SessionContext: unknown ⇒ not retried
    with pytest.raises(SendError, match="outcome unknown") as e:
        await closing(from_config(tencent_cfg(fake, request_timeout_s=0.3), tmp_path), out("k"))
    assert not e.value.not_sent
    assert len(fake.sent) == 2


@pytest.mark.asyncio
async def test_tencent_callbacks(tmp_path: Path, fake: FakeSmsPlatform) -> None:
    a = from_config(tencent_cfg(fake), tmp_path)
    await closing(a, out("ik-t"))
    async with HookHost(a.webhooks()) as host:
        url = host.base_url + "/hooks/sms/tc/status?token=hooktok"
        body = [fake.tencent_status(fake.sent[0])]
        await fake.push(url, json_body=body, ack="tencent")
        await fake.push(url, json_body=body, ack="tencent")
        assert host.items == [DeliveryUpdate(channel="sms", account="tc", provider_id=fake.sent[0].msg_id,
                                             state=Delivery.DELIVERED)] * 2
        reply = fake.tencent_reply("13800138000", "好的谢谢", 1700000000)
        await fake.push(host.base_url + "/hooks/sms/tc/inbound?token=hooktok", json_body=reply, ack="tencent")
        await fake.push(host.base_url + "/hooks/sms/tc/inbound?token=hooktok", json_body=reply, ack="tencent")
        m1, m2 = host.items[2], host.items[3]
        assert isinstance(m1, InboundMessage) and m1 == m2  # a retried push has the same de-dup key
        assert m1.identities[0].value == PHONE and m1.text == "好的谢谢" and m1.ts_ms == 1700000000000
        with pytest.raises(TimeoutError):
            await fake.push(host.base_url + "/hooks/sms/tc/inbound", json_body=reply, ack="tencent")
        assert len(host.items) == 4 and host.statuses[-1] == 403


# --- generic HTTP gateway ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_gateway_send_and_errors(tmp_path: Path, fake: FakeSmsPlatform) -> None:
    res = await closing(from_config(http_cfg(fake), tmp_path), out("k", phone="+14155550100"))
    assert res.provider_id == fake.sent[0].msg_id and res.provider_id.startswith("SM")
    assert fake.sent[0].callback == "https://edge.example.com/hooks/sms/gw/status"
    with pytest.raises(SendError, match="credentials") as e:
        await closing(from_config(http_cfg(fake, auth_token="no"), tmp_path), out("k"))
    assert e.value.permanent
    fake.fail_next = ["20429"]
    with pytest.raises(SendError, match="throttled") as e:
        await closing(from_config(http_cfg(fake), tmp_path), out("k"))
    assert e.value.not_sent and e.value.retry_after_s == 2.0
    fake.hang_next, fake.hang_s = 1, 1.0
    with pytest.raises(SendError) as e:
        await closing(from_config(http_cfg(fake, request_timeout_s=0.3), tmp_path), out("k"))
    assert not e.value.not_sent  # no idempotency key at the gateway: never retried blindly


@pytest.mark.asyncio
async def test_gateway_webhooks_signed(tmp_path: Path, fake: FakeSmsPlatform) -> None:
    async with HookHost([]) as host:
        a = from_config(http_cfg(fake, public=host.base_url), tmp_path)
        host.handlers = {h.path: h for h in a.webhooks()}
        await closing(a, out("k", phone="+14155550100"))
        sms = fake.sent[0]
        status = {"MessageSid": sms.msg_id, "MessageStatus": "delivered", "To": sms.to, "AccountSid": "AC1"}
        await fake.push(sms.callback, form=status, twilio_token="tok")
        await fake.push(sms.callback, form=status, twilio_token="tok")
        assert host.items == [DeliveryUpdate(channel="sms", account="gw", provider_id=sms.msg_id,
                                             state=Delivery.DELIVERED)] * 2
        with pytest.raises(TimeoutError):  # signed with another token: 403, nothing stored
            await fake.push(sms.callback, form=status | {"MessageStatus": "failed"}, twilio_token="other")
        assert len(host.items) == 2 and host.statuses[-1] == 403
        inbound = {"MessageSid": "SMin1", "From": "+14155550100", "To": "+15005550006", "Body": "hi there"}
        await fake.push(host.base_url + "/hooks/sms/gw/inbound", form=inbound, twilio_token="tok")
        msg = host.items[2]
        assert isinstance(msg, InboundMessage) and msg.external_id == "SMin1" and msg.text == "hi there"
        assert msg.identities == [Identity(kind=IdentityKind.PHONE, value="+14155550100")]
        await fake.push(host.base_url + "/hooks/sms/gw/status", form={"MessageSid": "SMx", "MessageStatus":
                        "undelivered", "ErrorCode": "30005"}, twilio_token="tok")
        assert host.items[3].state == Delivery.FAILED and "30005" in host.items[3].error  # type: ignore[union-attr]
        # states before "sent" are not receipts
        await fake.push(host.base_url + "/hooks/sms/gw/status", form={"MessageSid": "SMx", "MessageStatus":
                        "sending"}, twilio_token="tok")
        assert len(host.items) == 4


def test_json_body_errors_are_400(tmp_path: Path) -> None:
    a = from_config({"provider": "aliyun", "account": "ali", "access_key_id": "a", "access_key_secret": "b",
                     "sign_name": "s", "template_code": "t", "webhook_token": "w"}, tmp_path)
    h = next(h for h in a.webhooks() if h.path.endswith("/status"))
    resp, items = h.handle(WebhookRequest(method="POST", path=h.path, query={"token": "w"}, headers={},
                                          body=b"{not json"))
    assert resp.status == 400 and list(items) == []
    resp, items = h.handle(WebhookRequest(method="POST", path=h.path, query={"token": "w"}, headers={},
                                          body=json.dumps({"x": 1}).encode()))
    assert resp.status == 400 and list(items) == []
