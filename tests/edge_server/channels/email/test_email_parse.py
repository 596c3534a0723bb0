"""Parsing inbound mail: text choice, HTML made safe, quotes, attachments, threading, loops and bounces."""
from __future__ import annotations

from email.message import EmailMessage

import pytest

from edge_server.channels.base import Delivery, DeliveryUpdate, InboundMessage
from edge_server.channels.email.config import EmailAccountConfig, parse_config
from edge_server.channels.email.errors import EmailConfigError
from edge_server.channels.email.parse import parse_mail
from edge_server.channels.email.threads import own_message_id
from edge_server.contract.interactions import Identity, IdentityKind
from tests.edge_server.channels.email.email_helpers import CUSTOMER, SUPPORT, make_mail


def _cfg(**over: object) -> EmailAccountConfig:
    return parse_config({"address": SUPPORT, "imap_host": "127.0.0.1", **over})


def _one(msg: EmailMessage | bytes, **over: object) -> InboundMessage:
    raw = msg if isinstance(msg, bytes) else msg.as_bytes()
    items = parse_mail(raw, _cfg(**over))
    assert len(items) == 1 and isinstance(items[0], InboundMessage), items
    return items[0]


def test_plain_text_identity_subject_and_meta() -> None:
    m = _one(make_mail(text="My order 123 has not arrived.", message_id="<m1@example.org>"))
    assert m.channel == "email" and m.account == SUPPORT and m.kind == "message"
    assert m.identities == [Identity(kind=IdentityKind.EMAIL, value=CUSTOMER)]
    assert m.name == "Carol Customer" and m.subject == "Help please"
    assert m.text == "My order 123 has not arrived."
    assert m.external_id == "m1@example.org" and m.thread_key == "m1@example.org"
    assert m.meta == {"Message-ID": "<m1@example.org>", "Subject": "Help please"}
    assert m.ts_ms == 1772357400000  # 2026-03-01T09:30Z from the Date header


def test_sender_address_is_lower_cased() -> None:
    m = _one(make_mail(sender="Carol.Customer@Example.ORG"))
    assert m.identities[0].value == "carol.customer@example.org"


def test_text_plain_is_preferred_over_html() -> None:
    m = _one(make_mail(text="the plain version", html="<p>the <b>HTML</b> version</p>"))
    assert m.text == "the plain version"


def test_html_only_mail_becomes_safe_plain_text() -> None:
    html = ("<html><head><title>t</title><style>p {color: red}</style><script>alert('x')</script></head>"
            "<body><p>Dear support,</p><p>my <b>parcel</b> &amp; invoice:</p><ul><li>box 1</li><li>box 2</li></ul>"
            "<a href='https://evil.example/login'>https://bank.example</a><br>"
            "<img src='https://tracker.example/p.gif' onerror='alert(1)' alt='logo'>"
            "<iframe src='https://x.example'>frame text</iframe>\u202eevil</body></html>")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = CUSTOMER, SUPPORT, "html", "<h@example.org>"
    msg.set_content(html, subtype="html")
    m = _one(msg)
    assert "<" not in m.text.replace("<https://evil.example/login>", "")  # no markup survives
    assert "alert" not in m.text and "color" not in m.text and "frame text" not in m.text
    assert "Dear support,\n\nmy parcel & invoice:" in m.text
    assert "• box 1\n• box 2" in m.text
    # The real target of a link is shown next to its (possibly misleading) text.
    assert "https://bank.example <https://evil.example/login>" in m.text
    assert "\u202e" not in m.text and "[logo]" in m.text


def test_quoted_history_is_stripped_when_recognisable() -> None:
    text = "Yes, that fixed it.\n\nOn Mon, 2 Mar 2026 at 10:00, Acme Support <support@example.com> wrote:\n> Try again\n"
    assert _one(make_mail(text=text)).text == "Yes, that fixed it."
    outlook = "Thanks\n\n________________________________\nFrom: Acme\nSent: Monday\n\nold"
    assert _one(make_mail(text=outlook)).text == "Thanks"
    chinese = "收到，谢谢\n\n在 2026年3月2日 10:00，Acme Support 写道：\n> 请再试一次"
    assert _one(make_mail(text=chinese)).text == "收到，谢谢"
    only_quote = "> just a quote"
    assert _one(make_mail(text=only_quote)).text == "> just a quote"  # never empty
    assert "wrote:" in _one(make_mail(text=text), strip_quotes=False).text


def test_gb2312_mail_is_decoded() -> None:
    raw = ("From: 张三 <zhang@example.cn>\r\nTo: support@example.com\r\nSubject: =?gb2312?b?yrLDtA==?=\r\n"
           "Message-ID: <gb@example.cn>\r\nContent-Type: text/plain; charset=gb2312\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\n").encode() + "你好，我的订单没有到".encode("gb18030")
    m = _one(raw)
    assert m.text == "你好，我的订单没有到" and m.name == "张三"


def test_attachments_are_taken_within_limits() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"x" * 100
    big = b"%PDF" + b"y" * 5000
    msg = make_mail(text="see attached", attachments=[("photo.png", "image/png", png),
                                                      ("../../etc/pass:wd", "text/plain", b"hi"),
                                                      ("big.pdf", "application/pdf", big)])
    m = _one(msg, max_attachment_bytes=1024)
    assert [(a.name, a.content_type, a.data) for a in m.attachments] == [
        ("photo.png", "image/png", png), ("_.._etc_pass_wd", "text/plain", b"hi")]
    assert m.text.startswith("see attached\n\n[attachment big.pdf (4 KiB) not taken: larger than 1 KiB]")
    m2 = _one(msg, max_attachments=1)
    assert len(m2.attachments) == 1 and "more than 1 attachments" in m2.text


def test_thread_key_is_the_root_of_the_chain() -> None:
    reply = _one(make_mail(message_id="<r2@example.org>", in_reply_to="<sb.x@example.com>",
                           references="<root@example.org> <sb.x@example.com>"))
    assert reply.thread_key == "root@example.org"
    assert reply.meta["In-Reply-To"] == "<sb.x@example.com>"
    assert reply.meta["References"] == "<root@example.org> <sb.x@example.com>"
    only_parent = _one(make_mail(message_id="<r3@example.org>", in_reply_to="<parent@example.org>"))
    assert only_parent.thread_key == "parent@example.org"


def test_mail_without_message_id_gets_a_stable_content_id() -> None:
    raw = b"From: c@example.org\r\nTo: support@example.com\r\nSubject: x\r\n\r\nhi\r\n"
    a, b = _one(raw), _one(raw)
    assert a.external_id == b.external_id and a.external_id.startswith("sha256:")
    assert a.thread_key == a.external_id


@pytest.mark.parametrize(("headers", "sender", "event"), [
    ({"Auto-Submitted": "auto-replied"}, CUSTOMER, "auto_reply"),
    ({"Auto-Submitted": "auto-generated"}, CUSTOMER, "auto_reply"),
    ({"X-Autoreply": "yes"}, CUSTOMER, "auto_reply"),
    ({"X-Autorespond": "Out of office"}, CUSTOMER, "auto_reply"),
    ({"Return-Path": "<>"}, CUSTOMER, "auto_reply"),
    ({}, "MAILER-DAEMON@mx.example.org", "auto_reply"),
    ({"Precedence": "bulk"}, CUSTOMER, "bulk"),
    ({"Precedence": "junk"}, CUSTOMER, "bulk"),
    ({"Precedence": "list"}, CUSTOMER, "bulk"),
    ({"List-Id": "<news.example.org>"}, CUSTOMER, "bulk"),
    ({"List-Unsubscribe": "<mailto:u@example.org>"}, CUSTOMER, "bulk"),
    ({}, SUPPORT, "own_message"),
])
def test_automatic_mail_becomes_an_event_never_a_conversation(headers: dict[str, str], sender: str,
                                                               event: str) -> None:
    m = _one(make_mail(sender=sender, headers=headers))
    assert (m.kind, m.event) == ("event", event)


@pytest.mark.parametrize("headers", [{"Auto-Submitted": "no"}, {"X-Auto-Response-Suppress": "All"},
                                     {"Precedence": "first-class"}])
def test_human_mail_with_harmless_markers_is_a_message(headers: dict[str, str]) -> None:
    assert _one(make_mail(headers=headers)).kind == "message"


def _dsn(original_id: str, action: str, status: str, diag: str) -> bytes:
    return (f"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nTo: {SUPPORT}\r\n"
            f"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
            f"Message-ID: <dsn1@mx.example.org>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
            f"--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n\r\n"
            f"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
            f"Final-Recipient: rfc822; nobody@example.net\r\nAction: {action}\r\nStatus: {status}\r\n"
            f"Diagnostic-Code: smtp; {diag}\r\n\r\n"
            f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: {SUPPORT}\r\nTo: nobody@example.net\r\n"
            f"Subject: Re: Help\r\nMessage-ID: <{original_id}>\r\n\r\n--B--\r\n").encode()


def test_dsn_failure_marks_our_message_failed_with_the_status_text() -> None:
    ours = own_message_id(SUPPORT, "interaction-1:4", "example.com")
    items = parse_mail(_dsn(ours, "failed", "5.1.1", "550 5.1.1 <nobody@example.net>: User unknown"), _cfg())
    assert items == [DeliveryUpdate(channel="email", account=SUPPORT, provider_id=ours, state=Delivery.FAILED,
                                    error="5.1.1 nobody@example.net: smtp; 550 5.1.1 <nobody@example.net>: "
                                          "User unknown")]


def test_dsn_delayed_changes_nothing_and_delivered_is_delivered() -> None:
    ours = own_message_id(SUPPORT, "k", "example.com")
    assert parse_mail(_dsn(ours, "delayed", "4.4.1", "connection timed out"), _cfg()) == []
    [upd] = parse_mail(_dsn(ours, "delivered", "2.0.0", "250 ok"), _cfg())
    assert isinstance(upd, DeliveryUpdate) and upd.state == Delivery.DELIVERED and upd.error == ""


def test_non_rfc_bounce_quoting_our_message_id_is_a_failure() -> None:
    ours = own_message_id(SUPPORT, "k2", "example.com")
    raw = (f"From: MAILER-DAEMON@legacy.example.net\r\nTo: {SUPPORT}\r\nSubject: failure notice\r\n"
           f"Message-ID: <b2@legacy.example.net>\r\n\r\nSorry, I could not deliver.\r\n--- Below this line is a copy"
           f"\r\nMessage-ID: <{ours}>\r\n").encode()
    [upd] = parse_mail(raw, _cfg())
    assert isinstance(upd, DeliveryUpdate)
    assert (upd.provider_id, upd.state, upd.error) == (ours, Delivery.FAILED, "failure notice")


def test_out_of_office_quoting_our_id_is_an_event_not_a_failure() -> None:
    ours = own_message_id(SUPPORT, "k3", "example.com")
    m = _one(make_mail(subject="Out of office", text=f"I am away. Re: <{ours}>", in_reply_to=f"<{ours}>",
                       headers={"Auto-Submitted": "auto-replied"}))
    assert (m.kind, m.event, m.thread_key) == ("event", "auto_reply", ours)


def test_verp_bounce_without_report_names_the_message() -> None:
    ours = own_message_id(SUPPORT, "k4", "example.com")
    verp = f"support+b.{ours.removeprefix('sb.').partition('@')[0]}@example.com"
    raw = (f"From: postmaster@old.example.net\r\nTo: {verp}\r\nSubject: Mail could not be delivered\r\n"
           f"Message-ID: <b3@old.example.net>\r\n\r\nNo such mailbox.\r\n").encode()
    [upd] = parse_mail(raw, _cfg())
    assert isinstance(upd, DeliveryUpdate) and upd.provider_id == ours and upd.state == Delivery.FAILED


def test_oversized_mail_keeps_headers_and_says_so() -> None:
    items = parse_mail(make_mail(text="x").as_bytes(), _cfg(max_message_bytes=10), headers_only=True, size=40960)
    assert isinstance(items[0], InboundMessage) and "40 KiB, larger than the 0 KiB limit" in items[0].text


@pytest.mark.parametrize(("table", "key"), [
    ({"address": SUPPORT}, "imap_host"),
    ({"address": SUPPORT, "imap_host": "h", "imap_tls": "ssl"}, "imap_tls"),
    ({"address": SUPPORT, "imap_host": "h", "imap_port": "x"}, "imap_port"),
    ({"address": SUPPORT, "imap_host": "h", "colour": "red"}, "colour"),
    ({"address": "not-an-address", "imap_host": "h"}, "address"),
    ({"address": SUPPORT, "imap_host": "h", "poll_interval_s": 0}, "poll_interval_s"),
])
def test_config_errors_name_the_key(table: dict[str, object], key: str) -> None:
    with pytest.raises(EmailConfigError, match=key):
        parse_config(table)


def test_config_defaults_follow_the_tls_mode() -> None:
    cfg = parse_config({"address": "Help@Example.com", "imap_host": "mail.example.com", "queue": "email"})
    assert (cfg.address, cfg.imap_port, cfg.smtp_host, cfg.smtp_port, cfg.queue) == (
        "help@example.com", 993, "mail.example.com", 587, "email")
    cfg2 = parse_config({"address": SUPPORT, "imap_host": "h", "imap_tls": "starttls", "smtp_tls": "tls"})
    assert (cfg2.imap_port, cfg2.smtp_port) == (143, 465)
