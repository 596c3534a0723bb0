"""Sending through a real SMTP server (aiosmtpd): headers, threading, attachments, TLS/AUTH, error outcomes."""
from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from edge_server.channels.base import Delivery, OutboundMessage, SendError
from edge_server.channels.email.adapter import EmailAdapter, from_config
from edge_server.contract.interactions import Attachment, Identity, IdentityKind
from tests.edge_server.channels.email.email_helpers import CUSTOMER, PASSWORDS, SUPPORT, account_table
from tests.edge_server.channels.email.mailservers import DeliveringHandler, SmtpServer, free_port, self_signed


@pytest.fixture
def relay() -> Iterator[tuple[SmtpServer, DeliveringHandler]]:
    handler = DeliveringHandler(None)
    server = SmtpServer(handler)
    server.start()
    yield server, handler
    server.stop()


def _adapter(tmp_path: Path, smtp_port: int, **over: object) -> EmailAdapter:
    return from_config(account_table(1, smtp_port, **over), tmp_path)


def _out(key: str = "int-1:5", *, to: str = CUSTOMER, attempt: int = 1, **kw: object) -> OutboundMessage:
    return OutboundMessage(channel="email", account=SUPPORT, interaction_id="int-1", seq=5, idempotency_key=key,
                           to=[Identity(kind=IdentityKind.WEB_VISITOR, value="v1"),
                               Identity(kind=IdentityKind.EMAIL, value=to)], attempt=attempt, **kw)  # type: ignore[arg-type]


def _parsed(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


@pytest.mark.asyncio
async def test_reply_is_threaded_and_marked_as_human(tmp_path: Path,
                                                     relay: tuple[SmtpServer, DeliveringHandler]) -> None:
    server, handler = relay
    adapter = _adapter(tmp_path, server.port)
    thread = {"Message-ID": "<c2@example.org>", "References": "<c1@example.org> <sb.aa@example.com>",
              "In-Reply-To": "<sb.aa@example.com>", "Subject": "Re: Parcel missing"}
    result = await adapter.send(_out(text="Your parcel ships today. 今天发货。", thread=thread))
    assert result.state == Delivery.SENT and result.provider_id.startswith("sb.")
    [got] = handler.received
    assert got.mail_from == SUPPORT and got.rcpt_tos == [CUSTOMER]
    msg = _parsed(got.data)
    assert msg["Message-ID"] == f"<{result.provider_id}>"
    assert msg["In-Reply-To"] == "<c2@example.org>"
    assert msg["References"] == "<c1@example.org> <sb.aa@example.com> <c2@example.org>"
    assert msg["Subject"] == "Re: Parcel missing"  # no "Re: Re:"
    assert msg["From"] == f"Acme Support <{SUPPORT}>"
    assert "Auto-Submitted" not in msg  # agents are people (RFC 3834 marks are for automatic mail)
    assert msg["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert msg.get_content().strip() == "Your parcel ships today. 今天发货。"


@pytest.mark.asyncio
async def test_message_id_is_stable_across_retries(tmp_path: Path,
                                                   relay: tuple[SmtpServer, DeliveringHandler]) -> None:
    server, handler = relay
    adapter = _adapter(tmp_path, server.port)
    first = await adapter.send(_out("int-1:7", text="a"))
    again = await adapter.send(_out("int-1:7", text="a", attempt=2))
    other = await adapter.send(_out("int-1:8", text="b"))
    assert first.provider_id == again.provider_id != other.provider_id
    ids = [_parsed(r.data)["Message-ID"] for r in handler.received]
    assert ids[0] == ids[1] != ids[2]


@pytest.mark.asyncio
async def test_attachments_and_new_subject(tmp_path: Path, relay: tuple[SmtpServer, DeliveringHandler]) -> None:
    server, handler = relay
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(b"%PDF-1.4 test")
    att = Attachment(attachment_id="a1", name="invoice.pdf", content_type="application/pdf", size=13)
    await _adapter(tmp_path, server.port).send(_out(text="Invoice attached", subject="Your invoice",
                                                    attachments=[(att, str(pdf))]))
    msg = _parsed(handler.received[0].data)
    assert msg["Subject"] == "Your invoice" and "In-Reply-To" not in msg
    [part] = list(msg.iter_attachments())
    assert (part.get_filename(), part.get_content_type(), part.get_content()) == (
        "invoice.pdf", "application/pdf", b"%PDF-1.4 test")


@pytest.mark.asyncio
async def test_starttls_and_auth(tmp_path: Path) -> None:
    tls = self_signed(tmp_path / "tls")
    handler = DeliveringHandler(None)
    server = SmtpServer(handler, tls=tls, users={SUPPORT: PASSWORDS[SUPPORT]})
    server.start()
    try:
        adapter = _adapter(tmp_path, server.port, smtp_tls="starttls", smtp_auth=True, ca_file=str(tls.cert))
        await adapter.send(_out(text="over TLS"))
        assert len(handler.received) == 1
        wrong = _adapter(tmp_path, server.port, smtp_tls="starttls", smtp_auth=True, ca_file=str(tls.cert),
                         smtp_password="wrong")
        with pytest.raises(SendError, match="login refused") as e:
            await wrong.send(_out("k-2", text="x"))
        assert e.value.not_sent
        untrusted = _adapter(tmp_path, server.port, smtp_tls="starttls", smtp_auth=True)  # no CA: must refuse
        with pytest.raises(SendError) as e2:
            await untrusted.send(_out("k-3", text="x"))
        assert e2.value.not_sent and "CERTIFICATE_VERIFY_FAILED" in e2.value.reason
        assert len(handler.received) == 1
    finally:
        server.stop()


@pytest.mark.asyncio
@pytest.mark.parametrize(("where", "reply", "permanent"), [
    ("rcpt", "550 5.1.1 No such user", True),
    ("rcpt", "450 4.2.1 Mailbox busy, try later", False),
    ("data", "554 5.7.1 Message rejected as spam", True),
    ("data", "451 4.3.0 Temporary failure", False),
])
async def test_refusals_are_certainly_not_sent(tmp_path: Path, relay: tuple[SmtpServer, DeliveringHandler],
                                               where: str, reply: str, permanent: bool) -> None:
    server, handler = relay
    (handler.reject_rcpt if where == "rcpt" else handler.reject_data)[CUSTOMER] = reply
    with pytest.raises(SendError) as e:
        await _adapter(tmp_path, server.port).send(_out(text="x"))
    assert e.value.not_sent is True and e.value.permanent is permanent
    assert reply.split()[0] in e.value.reason
    assert handler.received == []


@pytest.mark.asyncio
async def test_server_down_is_not_sent(tmp_path: Path) -> None:
    with pytest.raises(SendError) as e:
        await _adapter(tmp_path, free_port()).send(_out(text="x"))
    assert e.value.not_sent is True and not e.value.permanent


@pytest.mark.asyncio
async def test_connection_lost_after_the_body_is_unknown(tmp_path: Path) -> None:
    """The server reads the whole message, then the connection dies: it may have been taken. No retry."""
    got_body = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 test ESMTP\r\n")
        while line := await reader.readline():
            cmd = line[:4].upper()
            if cmd in (b"EHLO", b"HELO"):
                writer.write(b"250 test\r\n")
            elif cmd in (b"MAIL", b"RCPT"):
                writer.write(b"250 ok\r\n")
            elif cmd == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                while (await reader.readline()) not in (b".\r\n", b""):
                    pass
                got_body.set()
                writer.close()  # no final answer
                return
            await writer.drain()

    srv = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        with pytest.raises(SendError) as e:
            await _adapter(tmp_path, port).send(_out(text="x"))
        assert got_body.is_set()
        assert e.value.not_sent is False and "may have been sent" in e.value.reason
    finally:
        srv.close()
        await srv.wait_closed()


@pytest.mark.asyncio
async def test_no_email_address_is_a_permanent_failure(tmp_path: Path) -> None:
    out = OutboundMessage(channel="email", account=SUPPORT, interaction_id="i", seq=1, idempotency_key="k",
                          to=[Identity(kind=IdentityKind.PHONE, value="+8613800138000")], text="x")
    with pytest.raises(SendError) as e:
        await _adapter(tmp_path, free_port()).send(out)
    assert e.value.permanent and e.value.not_sent
