"""The pure push handler: URL check, signatures, the three modes, every message type, hostile XML."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edge_server.channels.base import Delivery, DeliveryUpdate, InboundMessage, WebhookRequest
from edge_server.channels.wechat.adapter import WeChatAdapter
from edge_server.channels.wechat.crypto import MessageCrypto, sha1_signature
from edge_server.channels.wechat.settings import load_account
from edge_server.channels.wechat.webhook import WeChatWebhook
from edge_server.channels.wechat.xml import build_xml
from edge_server.config import ConfigError
from edge_server.contract.interactions import Identity, IdentityKind
from tests.edge_server.channels.wechat.test_wechat_crypto import INBOUND_ENCRYPT, KEY, OTHER_KEY, RID, TOKEN


def hook(**over: Any) -> WeChatWebhook:
    raw: dict[str, Any] = {"app_id": RID, "app_secret": "s3cret", "token": TOKEN, "mode": "plain"} | over
    return WeChatWebhook(load_account(raw))


def signed(token: str, ts: str = "1411525903", nonce: str = "461056294", **extra: str) -> dict[str, str]:
    return {"signature": sha1_signature(token, ts, nonce), "timestamp": ts, "nonce": nonce, **extra}


def post(h: WeChatWebhook, query: dict[str, str], body: bytes) -> tuple[int, bytes, list[Any]]:
    resp, items = h.handle(WebhookRequest(method="POST", path=h.path, query=query, headers={}, body=body))
    return resp.status, resp.body, list(items)


def test_url_verification_vector_answers_echostr_verbatim() -> None:
    h = hook(token="AAAAA")
    q = {"signature": "f464b24fc39322e44b38aa78f5edd27bd1441696", "timestamp": "1714036504",
         "nonce": "1514711492", "echostr": "4375120948345356249"}
    resp, items = h.handle(WebhookRequest(method="GET", path=h.path, query=q, headers={}, body=b""))
    assert (resp.status, resp.body, list(items)) == (200, b"4375120948345356249", [])
    resp, _ = h.handle(WebhookRequest(method="GET", path=h.path, query=q | {"nonce": "1514711493"}, headers={},
                                      body=b""))
    assert resp.status == 403 and b"4375" not in resp.body


def test_safe_mode_inbound_vector() -> None:
    h = hook(mode="safe", encoding_aes_key=KEY)
    body = build_xml({"ToUserName": RID, "Encrypt": INBOUND_ENCRYPT})
    q = signed(TOKEN, encrypt_type="aes", msg_signature="74d92dfeb87ba7c714f89d98870ae5eb62dff26d")
    status, resp_body, items = post(h, q, body)
    assert (status, resp_body) == (200, b"success")
    [msg] = items
    assert isinstance(msg, InboundMessage)
    assert (msg.channel, msg.account, msg.external_id, msg.text) == ("wechat", RID, "4363689963896700987", "test")
    assert msg.identities == [Identity(kind=IdentityKind.WECHAT_OPENID, value="messense")]
    assert msg.ts_ms == 1411525903000 and msg.kind == "message"
    # A flipped signature, a plaintext downgrade and a key that cannot open it are all refused.
    assert post(h, q | {"msg_signature": "0" * 40}, body)[0] == 403
    assert post(h, signed(TOKEN), build_xml({"FromUserName": "x", "MsgType": "text", "Content": "hi",
                                             "CreateTime": 1, "MsgId": 1}))[0] == 403
    assert post(hook(mode="safe", encoding_aes_key=OTHER_KEY), q, body)[:2] == (403, b"cannot verify or decrypt")


def test_safe_mode_key_rotation_accepts_current_and_previous() -> None:
    h = hook(mode="safe", encoding_aes_key=OTHER_KEY, previous_encoding_aes_key=KEY)
    for key in (KEY, OTHER_KEY):
        enc = MessageCrypto(TOKEN, [key], RID).encrypt(build_xml(
            {"ToUserName": "gh_x", "FromUserName": "u1", "CreateTime": 5, "MsgType": "text", "Content": key[:4],
             "MsgId": 77}))
        q = signed(TOKEN, encrypt_type="aes", msg_signature=sha1_signature(TOKEN, "1411525903", "461056294", enc))
        status, _, [msg] = post(h, q, build_xml({"ToUserName": "gh_x", "Encrypt": enc}))
        assert status == 200 and msg.text == key[:4]


def test_compatible_mode_takes_plaintext_and_uses_the_decrypted_copy_when_encrypted() -> None:
    h = hook(mode="compatible", encoding_aes_key=KEY)
    fields = {"ToUserName": "gh_x", "FromUserName": "u1", "CreateTime": 5, "MsgType": "text", "Content": "plain",
              "MsgId": 1}
    assert post(h, signed(TOKEN), build_xml(fields))[2][0].text == "plain"
    enc = MessageCrypto(TOKEN, [KEY], RID).encrypt(build_xml(fields | {"Content": "secret"}))
    q = signed(TOKEN, encrypt_type="aes", msg_signature=sha1_signature(TOKEN, "1411525903", "461056294", enc))
    [msg] = post(h, q, build_xml(fields | {"Encrypt": enc}))[2]
    assert msg.text == "secret"


def test_missing_or_wrong_signature_on_post_is_refused() -> None:
    h = hook()
    body = build_xml({"FromUserName": "u", "MsgType": "text", "Content": "x", "CreateTime": 1, "MsgId": 1})
    assert post(h, {}, body)[:2] == (403, b"bad signature")
    assert post(h, signed("wrong"), body)[0] == 403
    assert post(h, signed(TOKEN), body)[0] == 200


BASE = {"ToUserName": "gh_acct", "FromUserName": "oUser1", "CreateTime": 1700000000}


@pytest.mark.parametrize(("fields", "kind", "event", "text", "meta"), [
    ({"MsgType": "text", "Content": "你好 <b>", "MsgId": 11}, "message", "", "你好 <b>", {"MsgId": "11"}),
    ({"MsgType": "image", "PicUrl": "http://p/x.jpg", "MediaId": "m1", "MsgId": 12}, "message", "", "",
     {"MediaId": "m1", "PicUrl": "http://p/x.jpg"}),
    ({"MsgType": "voice", "MediaId": "m2", "Format": "amr", "Recognition": "你好", "MsgId": 13}, "message", "",
     "你好", {"MediaId": "m2", "Format": "amr"}),
    ({"MsgType": "video", "MediaId": "m3", "ThumbMediaId": "t3", "MsgId": 14}, "message", "", "",
     {"MediaId": "m3", "ThumbMediaId": "t3"}),
    ({"MsgType": "location", "Location_X": "23.13", "Location_Y": "113.26", "Scale": "20", "Label": "广州塔",
      "MsgId": 15}, "message", "", "广州塔 (23.13,113.26)", {"Label": "广州塔", "Scale": "20"}),
    ({"MsgType": "link", "Title": "T", "Description": "D", "Url": "https://x/y", "MsgId": 16}, "message", "",
     "T\nD\nhttps://x/y", {"Url": "https://x/y"}),
    ({"MsgType": "event", "Event": "subscribe", "EventKey": "qrscene_42", "Ticket": "tk"}, "event", "subscribe",
     "", {"EventKey": "qrscene_42", "Ticket": "tk"}),
    ({"MsgType": "event", "Event": "CLICK", "EventKey": "MENU_HELP"}, "event", "click", "",
     {"EventKey": "MENU_HELP", "Event": "CLICK"}),
    ({"MsgType": "event", "Event": "SCAN", "EventKey": "42", "Ticket": "tk"}, "event", "scan", "",
     {"EventKey": "42"}),
])
def test_every_message_type(fields: dict[str, Any], kind: str, event: str, text: str, meta: dict[str, str]) -> None:
    status, body, [msg] = post(hook(), signed(TOKEN), build_xml(BASE | fields))
    assert (status, body) == (200, b"success")
    assert (msg.kind, msg.event, msg.text) == (kind, event, text)
    assert meta.items() <= msg.meta.items()
    # Messages de-duplicate on MsgId, events (no MsgId) on FromUserName + CreateTime.
    assert msg.external_id == (str(fields["MsgId"]) if "MsgId" in fields else "oUser1:1700000000")


def test_template_job_finish_is_a_receipt() -> None:
    fields = BASE | {"MsgType": "event", "Event": "TEMPLATESENDJOBFINISH", "MsgID": "2001",
                     "Status": "failed:user block"}
    [upd] = post(hook(), signed(TOKEN), build_xml(fields))[2]
    assert isinstance(upd, DeliveryUpdate)
    # The adapter records template sends as template:<msgid> (template.py): the receipt names the same id.
    assert (upd.provider_id, upd.state) == ("template:2001", Delivery.FAILED) and "user block" in upd.error


def test_unknown_types_are_acknowledged_and_dropped() -> None:
    assert post(hook(), signed(TOKEN), build_xml(BASE | {"MsgType": "hologram", "MsgId": 9}))[:3] == \
        (200, b"success", [])


def test_json_push_format() -> None:
    body = b'{"ToUserName":"gh_acct","FromUserName":"oJ","CreateTime":1700000001,"MsgType":"text",' \
           b'"Content":"json hi","MsgId":99}'
    [msg] = post(hook(), signed(TOKEN), body)[2]
    assert (msg.text, msg.external_id) == ("json hi", "99")


def test_hostile_xml_is_refused() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<xml><FromUserName>&e;</FromUserName><MsgType>text</MsgType></xml>')
    bomb = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<xml><Content>&b;</Content></xml>')
    for body in (xxe, bomb, b"<notxml/>", b"garbage", b""):
        status, _, items = post(hook(), signed(TOKEN), body)
        assert (status, items) == (400, [])


def test_wrong_original_id_is_refused() -> None:
    h = hook(original_id="gh_mine")
    assert post(h, signed(TOKEN), build_xml(BASE | {"MsgType": "text", "Content": "x", "MsgId": 1}))[0] == 403


@pytest.mark.parametrize(("over", "needle"), [
    ({"tokn": "x"}, "tokn"),
    ({"token": "ab"}, "token"),
    ({"encoding_aes_key": "short"}, "encoding_aes_key"),
    ({"mode": "safe"}, "encoding_aes_key is required"),
    ({"mode": "secret"}, "mode"),
    ({"replies_per_window": "five"}, "replies_per_window"),
])
def test_config_errors_name_the_key(over: dict[str, Any], needle: str, tmp_path: Path) -> None:
    raw = {"app_id": RID, "app_secret": "s", "token": TOKEN, "mode": "plain"} | over
    with pytest.raises(ConfigError, match=needle):
        WeChatAdapter.from_config(raw, tmp_path)


def test_adapter_from_config(tmp_path: Path) -> None:
    a = WeChatAdapter.from_config({"app_id": RID, "app_secret": "s", "token": TOKEN, "encoding_aes_key": KEY,
                                   "queue": "wechat_sales"}, tmp_path)
    assert (a.channel, a.account, a.cfg.mode, a.cfg.queue) == ("wechat", RID, "safe", "wechat_sales")
    [h] = a.webhooks()
    assert h.path == f"/hooks/wechat/{RID}"
    lim = a.limits()
    assert (lim.reply_window_s, lim.replies_per_window) == (172800, 5) and "image/jpeg" in lim.media_types
