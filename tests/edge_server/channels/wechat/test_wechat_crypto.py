"""Spec §1.2 / §1.5 ✔verified vectors, byte for byte, and the edges of the WXBizMsgCrypt framing."""
from __future__ import annotations

import base64

import pytest

from edge_server.channels.wechat.crypto import (CryptoError, MessageCrypto, aes_key, check_signature, pkcs7_pad,
                                                pkcs7_unpad, sha1_signature)

TOKEN = "123456"
KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
RID = "wx49f0ab532d5d035a"
ECHOSTR = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
INBOUND_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6"
    "ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp"
    "/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS70"
    "9/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=")
INBOUND_PLAINTEXT = (
    "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<FromUserName><![CDATA[messense]]></FromUserName>\n"
    "<CreateTime>1411525903</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
    "<MsgId>4363689963896700987</MsgId>\n<AgentID>1</AgentID>\n</xml>")
REPLY_PLAINTEXT = (
    "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA["
    "wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n"
    "<CreateTime>1411525903</CreateTime>\n</xml>")
REPLY_ENCRYPT = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5"
    "nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03"
    "oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxx"
    "EE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3")
OTHER_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@pytest.mark.parametrize(("ts", "nonce", "concat", "sig"), [
    ("1714036504", "1514711492", "15147114921714036504AAAAA", "f464b24fc39322e44b38aa78f5edd27bd1441696"),
    ("1714037059", "486452656", "1714037059486452656AAAAA", "899cf89e464efb63f54ddac96b0a0a235f53aa78"),
])
def test_url_signature_vectors(ts: str, nonce: str, concat: str, sig: str) -> None:
    assert "".join(sorted(["AAAAA", ts, nonce])) == concat
    assert sha1_signature("AAAAA", ts, nonce) == sig
    assert check_signature(sig, "AAAAA", nonce, ts)
    assert check_signature(sig.upper(), "AAAAA", ts, nonce)
    assert not check_signature(sig, "AAAAB", ts, nonce)


def test_safe_mode_url_check_vector() -> None:
    c = MessageCrypto(TOKEN, [KEY], RID)
    assert c.signature("1411443780", "437374425", ECHOSTR) == "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
    msg, index = c.decrypt(ECHOSTR)
    assert (msg, index) == (b"5927782489442352469", 0)
    key = aes_key(KEY)  # msg_len 0x13 and pad 7, as the spec says
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    raw = dec.update(base64.b64decode(ECHOSTR)) + dec.finalize()
    assert raw[16:20] == b"\x00\x00\x00\x13" and raw[-7:] == b"\x07" * 7


def test_inbound_vector() -> None:
    c = MessageCrypto(TOKEN, [KEY], RID)
    assert c.signature("1411525903", "461056294", INBOUND_ENCRYPT) == "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
    assert c.check("74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903", "461056294", INBOUND_ENCRYPT)
    msg, _ = c.decrypt(INBOUND_ENCRYPT)
    assert msg.decode() == INBOUND_PLAINTEXT
    # The random prefix the vector was made with reproduces the exact ciphertext.
    assert c.encrypt(INBOUND_PLAINTEXT.encode(), random_prefix=b"ec90b1530358d4d3") == INBOUND_ENCRYPT


def test_outbound_vector() -> None:
    c = MessageCrypto(TOKEN, [KEY], RID)
    enc = c.encrypt(REPLY_PLAINTEXT.encode(), random_prefix=b"1234567890123456")
    assert enc == REPLY_ENCRYPT
    assert enc.startswith("9s4gMv99m88kKTh/H8IdkOiMg6bisoy3") and enc.endswith("XeFYFMNMpatF9XiKzHo3")
    assert c.signature("1411525903", "461056294", enc) == "407518b7649e86ef23978113f92d27afa9296533"


def test_pkcs7_pads_to_32_with_a_full_block_when_aligned() -> None:
    assert pkcs7_pad(b"x" * 31) == b"x" * 31 + b"\x01"
    assert pkcs7_pad(b"x" * 32) == b"x" * 32 + b"\x20" * 32
    assert pkcs7_pad(b"") == b"\x20" * 32
    assert len(pkcs7_pad(b"x" * 17)) == 32  # 16-byte padding would stop at 32 too, but with pad 15
    assert pkcs7_pad(b"x" * 17)[-1] == 15
    assert pkcs7_pad(b"x" * 5)[-1] == 27  # a block-16 implementation would pad with 11
    for n in (0, 1, 31, 32, 33):
        assert pkcs7_unpad(pkcs7_pad(b"y" * n)) == b"y" * n
    with pytest.raises(CryptoError):
        pkcs7_unpad(b"x" * 31 + b"\x21")


def test_key_rotation_tries_the_previous_key_and_says_which_opened_it() -> None:
    old = MessageCrypto(TOKEN, [KEY], RID)
    rotated = MessageCrypto(TOKEN, [OTHER_KEY, KEY], RID)
    enc = old.encrypt(b"<xml/>")
    assert rotated.decrypt(enc) == (b"<xml/>", 1)
    assert rotated.decrypt(rotated.encrypt(b"<xml/>")) == (b"<xml/>", 0)
    with pytest.raises(CryptoError):
        MessageCrypto(TOKEN, [OTHER_KEY], RID).decrypt(enc)


def test_wrong_receive_id_and_garbage_are_refused() -> None:
    enc = MessageCrypto(TOKEN, [KEY], "wxsomeoneelse").encrypt(b"<xml/>")
    with pytest.raises(CryptoError):
        MessageCrypto(TOKEN, [KEY], RID).decrypt(enc)
    for bad in ("not base64!!", "", base64.b64encode(b"x" * 15).decode()):
        with pytest.raises(CryptoError):
            MessageCrypto(TOKEN, [KEY], RID).decrypt(bad)
    with pytest.raises(CryptoError):
        aes_key("short")
