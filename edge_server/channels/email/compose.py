"""An agent's ``OutboundMessage`` → the MIME message we send (headers for threading, no auto-reply marks)."""
from __future__ import annotations

import mimetypes
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

from edge_server.channels.base import OutboundMessage
from edge_server.channels.email.config import EmailAccountConfig
from edge_server.channels.email.threads import msg_ids, own_message_id, reply_headers, reply_subject
from edge_server.contract.interactions import IdentityKind


class ComposeError(ValueError):
    """The message cannot be sent as it is (no address, unreadable attachment): retrying cannot help."""


def recipients(out: OutboundMessage) -> list[str]:
    return list(dict.fromkeys(i.value.strip().lower() for i in out.to if i.kind == IdentityKind.EMAIL and i.value))


def thread_headers(thread: dict[str, str]) -> tuple[str, str]:
    """(In-Reply-To, References) from ``OutboundMessage.thread``.

    The hub passes the meta of the customer's last mail ("Message-ID", "References", "In-Reply-To",
    "Subject"): we answer that mail. Explicit "reply_in_reply_to" / "reply_references" win if given.
    """
    if thread.get("reply_in_reply_to"):
        return thread["reply_in_reply_to"], thread.get("reply_references", thread["reply_in_reply_to"])
    if not msg_ids(thread.get("Message-ID", "")):
        return "", ""
    return reply_headers(thread["Message-ID"], thread.get("References"), thread.get("In-Reply-To"))


def compose(out: OutboundMessage, cfg: EmailAccountConfig) -> tuple[EmailMessage, str, list[str]]:
    """(message, our Message-ID without brackets, recipients)."""
    to = recipients(out)
    if not to:
        raise ComposeError("the customer has no email address")
    message_id = own_message_id(cfg.address, out.idempotency_key, cfg.domain)
    msg = EmailMessage()
    msg["From"] = formataddr((cfg.from_name, cfg.address)) if cfg.from_name else cfg.address
    msg["To"] = ", ".join(to)
    parent_subject = out.thread.get("Subject", "")
    msg["Subject"] = out.subject or (reply_subject(parent_subject) if parent_subject else "Your message")
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = f"<{message_id}>"
    in_reply_to, references = thread_headers(out.thread)
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    # Agents are people: no Auto-Submitted here (RFC 3834 is for automatic mail). Ask Exchange not to
    # send its out-of-office/auto replies back to us, though.
    msg["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    msg.set_content(out.text or "", cte="quoted-printable" if not out.text.isascii() else None)
    for att, path in out.attachments:
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            raise ComposeError(f"attachment {att.name}: {e.strerror or e}") from e
        ctype = att.content_type or mimetypes.guess_type(att.name)[0] or "application/octet-stream"
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=att.name)
    return msg, message_id, to
