"""A conversation through real servers: customer → SMTP → dovecot → IMAP IDLE → adapter → agent reply →
SMTP → the customer's mailbox → the customer's reply lands in the same thread; auto-replies and bounces."""
from __future__ import annotations

import asyncio
import email
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import aiosmtplib
import pytest

from edge_server.channels.base import Delivery, InboundMessage, OutboundMessage
from edge_server.channels.email.adapter import from_config
from edge_server.channels.email.config import parse_config
from edge_server.channels.email.imap import open_session
from edge_server.contract.interactions import Attachment, Identity, IdentityKind
from tests.edge_server.channels.email.email_helpers import (
    CUSTOMER,
    PASSWORDS,
    SUPPORT,
    RecordingInbox,
    account_table,
    make_mail,
)
from tests.edge_server.channels.email.mailservers import DeliveringHandler, Dovecot, SmtpServer


async def _customer_mailbox(dovecot: Dovecot) -> list[EmailMessage]:
    """Read the customer's INBOX over IMAP, as their mail program would."""
    cfg = parse_config({"address": CUSTOMER, "imap_host": "127.0.0.1", "imap_port": dovecot.port,
                        "imap_tls": "none", "imap_password": PASSWORDS[CUSTOMER]})
    out = []
    async with open_session(cfg) as s:
        await s.select()
        for uid, _size in await s.sizes_after(0):
            raw = await s.fetch(uid)
            assert raw is not None
            msg = email.message_from_bytes(raw, policy=policy.default)
            assert isinstance(msg, EmailMessage)
            out.append(msg)
    return out


def _messages(inbox: RecordingInbox) -> list[InboundMessage]:
    return [m for m in inbox.messages if m.kind == "message"]


@pytest.mark.asyncio
async def test_conversation_threads_auto_replies_and_bounces(
        tmp_path: Path, dovecot: Dovecot, smtp: tuple[SmtpServer, DeliveringHandler]) -> None:
    server, handler = smtp
    inbox = RecordingInbox(tmp_path / "edge")
    adapter = from_config(account_table(dovecot.port, server.port), tmp_path / "data")
    await adapter.start(inbox)
    try:
        assert adapter.receiver is not None
        await asyncio.wait_for(adapter.receiver.caught_up.wait(), 10)
        assert adapter.receiver.mode == "idle"

        # 1. The customer writes an HTML-only mail with a photo.
        first = make_mail(subject="Broken kettle", text="unused", message_id="<k1@example.org>",
                          attachments=[("kettle.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 jpeg bytes")])
        html = "<p>It <b>stopped</b> working.</p><script>steal()</script><p>See photo.</p>"
        first.get_body(("plain",)).set_content(html, subtype="html")  # type: ignore[union-attr]
        await aiosmtplib.send(first, hostname="127.0.0.1", port=server.port)
        await inbox.wait_for(lambda ib: len(ib.messages) == 1)
        m1 = inbox.messages[0]
        assert m1.text == "It stopped working.\n\nSee photo." and "steal" not in m1.text
        assert [(a.name, a.data) for a in m1.attachments] == [("kettle.jpg", b"\xff\xd8\xff\xe0 jpeg bytes")]
        assert m1.thread_key == "k1@example.org"

        # 2. The agent answers with a file; it reaches the customer's own mailbox, threaded.
        manual = tmp_path / "manual.pdf"
        manual.write_bytes(b"%PDF manual")
        reply = OutboundMessage(channel="email", account=SUPPORT, interaction_id="i-1", seq=2,
                                idempotency_key="i-1:2", to=m1.identities, text="Please try a reset.",
                                thread=m1.meta, attachments=[(Attachment(attachment_id="a", name="manual.pdf",
                                                                         content_type="application/pdf",
                                                                         size=11), str(manual))])
        sent = await adapter.send(reply)
        [ours] = await _customer_mailbox(dovecot)
        assert ours["Message-ID"] == f"<{sent.provider_id}>"
        assert ours["In-Reply-To"] == "<k1@example.org>" and ours["References"] == "<k1@example.org>"
        assert ours["Subject"] == "Re: Broken kettle"
        assert ours.get_body(("plain",)).get_content().strip() == "Please try a reset."  # type: ignore[union-attr]

        # 3. The customer's mail program answers our reply: it lands in the same thread.
        answer = make_mail(subject=str(ours["Subject"]), message_id=make_msgid(domain="example.org"),
                           text="Reset worked, thanks!\n\nOn Mon, Support wrote:\n> Please try a reset.",
                           in_reply_to=str(ours["Message-ID"]),
                           references=f"{ours['References']} {ours['Message-ID']}")
        await aiosmtplib.send(answer, hostname="127.0.0.1", port=server.port)
        await inbox.wait_for(lambda ib: len(ib.messages) == 2)
        m2 = inbox.messages[1]
        assert (m2.kind, m2.thread_key, m2.text) == ("message", m1.thread_key, "Reset worked, thanks!")

        # 4. An out-of-office answer to our reply is an event: never a conversation to answer.
        ooo = make_mail(subject="Automatic reply: Re: Broken kettle", text="I am on holiday.",
                        in_reply_to=str(ours["Message-ID"]), headers={"Auto-Submitted": "auto-replied"})
        await aiosmtplib.send(ooo, hostname="127.0.0.1", port=server.port)
        await inbox.wait_for(lambda ib: len(ib.messages) == 3)
        assert (inbox.messages[2].kind, inbox.messages[2].event) == ("event", "auto_reply")

        # 5. A message to an address that does not exist comes back as a DSN: the message is failed.
        sent2 = await adapter.send(OutboundMessage(channel="email", account=SUPPORT, interaction_id="i-2", seq=1,
                                                   idempotency_key="i-2:1",
                                                   to=[Identity(kind=IdentityKind.EMAIL, value="gone@example.net")],
                                                   text="Hello?", subject="Your question"))
        original = handler.received[-1].data
        headers = original.split(b"\r\n\r\n", 1)[0].decode()
        dsn = (f"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: {SUPPORT}\r\n"
               f"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
               f"Message-ID: <dsn-9@mx.example.net>\r\nMIME-Version: 1.0\r\n"
               f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\r\n\r\n"
               f"--R\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n\r\n"
               f"--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
               f"Final-Recipient: rfc822; gone@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"
               f"Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
               f"--R\r\nContent-Type: text/rfc822-headers\r\n\r\n{headers}\r\n\r\n--R--\r\n").encode()
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=server.port) as mta:  # null sender, as MTAs do
            await mta.sendmail("", [SUPPORT], dsn)
        await inbox.wait_for(lambda ib: len(ib.deliveries) == 1)
        [upd] = inbox.deliveries
        assert (upd.provider_id, upd.state) == (sent2.provider_id, Delivery.FAILED)
        assert upd.error == "5.1.1 gone@example.net: smtp; 550 5.1.1 user unknown"
        assert len(inbox.messages) == 3  # the bounce opened nothing
        assert len(_messages(inbox)) == 2
    finally:
        await adapter.stop()
