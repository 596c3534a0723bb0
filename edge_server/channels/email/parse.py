"""One fetched mail → what the hub takes: an ``InboundMessage`` (a person's mail or an event) or receipts."""
from __future__ import annotations

import email
import hashlib
import logging
import re
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from edge_server.channels.base import Delivery, DeliveryUpdate, InboundAttachment, InboundMessage
from edge_server.channels.email.bounces import parse_bounce
from edge_server.channels.email.config import EmailAccountConfig
from edge_server.channels.email.html_text import html_to_text
from edge_server.channels.email.loops import automatic_kind
from edge_server.channels.email.quotes import strip_quoted
from edge_server.channels.email.threads import msg_ids, own_ids_in, thread_key, verp_message_id
from edge_server.contract.interactions import Identity, IdentityKind

log = logging.getLogger("sb.channels.email")

CHANNEL = "email"
# Mislabelled Chinese mail is common: gb2312/gbk are subsets of gb18030, which decodes all of them.
_CHARSET_FIX = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
_FILENAME_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')

Item = InboundMessage | DeliveryUpdate


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError) as e:  # a malformed header the email package cannot fold
        log.debug("unreadable header %s: %s", name, e)
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _decode_part(part: EmailMessage) -> str:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return ""
    charset = (part.get_content_charset() or "utf-8").lower()
    charset = _CHARSET_FIX.get(charset, charset)
    try:
        return raw.decode(charset, "replace")
    except LookupError:  # an unknown charset name: utf-8 is the best guess today
        return raw.decode("utf-8", "replace")


def body_text(msg: EmailMessage, *, strip: bool) -> str:
    """text/plain preferred; HTML only as safe plain text."""
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    text = _decode_part(body)  # type: ignore[arg-type]
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return strip_quoted(text) if strip else text


def _safe_filename(name: str, ctype: str, n: int) -> str:
    name = _FILENAME_UNSAFE.sub("_", name).strip(" .")[:200]
    if name:
        return name
    ext = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf",
           "text/plain": ".txt"}.get(ctype, ".bin")
    return f"attachment-{n}{ext}"


def attachments(msg: EmailMessage, cfg: EmailAccountConfig) -> tuple[list[InboundAttachment], list[str]]:
    """(taken attachments, notes about those left out because of the limits)."""
    taken: list[InboundAttachment] = []
    notes: list[str] = []
    for n, part in enumerate(msg.iter_attachments(), 1):
        ctype = part.get_content_type()
        name = _safe_filename(part.get_filename() or "", ctype, n)
        if ctype.startswith("multipart/"):
            continue
        data = part.get_payload(decode=True)
        if ctype == "message/rfc822":  # a forwarded mail: keep it as an .eml file
            inner = part.get_payload()
            data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
            name = name if name.endswith(".eml") else f"{name}.eml"
        if not isinstance(data, bytes):
            continue
        if len(data) > cfg.max_attachment_bytes:
            notes.append(f"[attachment {name} ({len(data) // 1024} KiB) not taken: larger than "
                         f"{cfg.max_attachment_bytes // 1024} KiB]")
        elif len(taken) >= cfg.max_attachments:
            notes.append(f"[attachment {name} not taken: more than {cfg.max_attachments} attachments]")
        else:
            taken.append(InboundAttachment(name=name, content_type=ctype, data=data))
    return taken, notes


def _ts_ms(msg: EmailMessage) -> int:
    try:
        dt = parsedate_to_datetime(_header(msg, "Date"))
    except (TypeError, ValueError, IndexError):
        return 0
    return int(dt.timestamp() * 1000) if dt.tzinfo is not None else 0


def _receipts(msg: EmailMessage, raw: bytes, cfg: EmailAccountConfig, kind: str) -> list[Item] | None:
    """Receipts if this mail reports on one we sent (DSN, VERP address, or a daemon quoting our id)."""
    bounce = parse_bounce(msg)
    verp_ids = [verp_message_id(a, cfg.address) for _, a in getaddresses(
        [_header(msg, h) for h in ("To", "Delivered-To", "X-Original-To", "Envelope-To")])]
    verp_ids = [i for i in verp_ids if i]
    if bounce is None and not verp_ids and kind != "auto_reply":
        return None
    if bounce is None:
        ids = verp_ids or own_ids_in(raw.decode("utf-8", "replace"))
        if not ids:
            return None  # an auto-reply that is about nothing we can name: the caller makes it an event
        # A non-RFC bounce (or an out-of-office to our VERP address): only a daemon's mail is a failure.
        # Only a mail system's own report is a failure; a person's out-of-office to a VERP address is not.
        sender = parseaddr(_header(msg, "From"))[1].lower().partition("@")[0]
        if sender not in ("mailer-daemon", "postmaster", "mail-daemon"):
            return None
        reason = _header(msg, "Subject") or "returned by the mail system"
        return [DeliveryUpdate(channel=CHANNEL, account=cfg.address, provider_id=i, state=Delivery.FAILED,
                               error=reason[:500]) for i in ids]
    ids = bounce.message_ids or verp_ids
    if bounce.action in ("delivered", "relayed", "expanded"):
        state = Delivery.DELIVERED
    elif bounce.action == "delayed" or bounce.status.startswith("4."):
        log.info("delivery delayed for %s: %s", ids, bounce.reason)
        return []  # transient: the sending MTA keeps trying; a final report follows
    else:
        state = Delivery.FAILED
    return [DeliveryUpdate(channel=CHANNEL, account=cfg.address, provider_id=i, state=state,
                           error=bounce.reason if state == Delivery.FAILED else "") for i in ids]


def parse_mail(raw: bytes, cfg: EmailAccountConfig, *, headers_only: bool = False, size: int = 0) -> list[Item]:
    """Everything the hub should take for one mail (usually one item; several receipts for a multi-id DSN)."""
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    name, sender = parseaddr(_header(msg, "From"))
    sender = sender.strip().lower()
    message_id = next(iter(msg_ids(_header(msg, "Message-ID"))), "")
    # Without a Message-ID the content is the only stable identity (the hub de-duplicates on it).
    external_id = message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
    kind = automatic_kind(msg, frozenset({cfg.address}))
    receipts = _receipts(msg, raw, cfg, kind)
    if receipts is not None:
        return receipts
    subject = _header(msg, "Subject")
    in_reply_to = _header(msg, "In-Reply-To")
    references = _header(msg, "References")
    meta = {"Message-ID": f"<{message_id}>" if message_id else "", "In-Reply-To": in_reply_to,
            "References": references, "Subject": subject}
    reply_to = _header(msg, "Reply-To")
    if reply_to:
        meta["Reply-To"] = reply_to
    meta = {k: v for k, v in meta.items() if v}
    identities = [Identity(kind=IdentityKind.EMAIL, value=sender)] if sender else []
    common = dict(channel=CHANNEL, account=cfg.address, external_id=external_id, identities=identities,
                  name=name.strip(), subject=subject, ts_ms=_ts_ms(msg), meta=meta,
                  thread_key=thread_key(message_id or external_id, in_reply_to, references))
    if kind or not sender:
        # Never answered: an agent reply (or a flow's greeting) to these would start a mail loop.
        return [InboundMessage(kind="event", event=kind or "no_sender", **common)]  # type: ignore[arg-type]
    if headers_only:
        text = (f"[this mail is {size // 1024} KiB, larger than the {cfg.max_message_bytes // 1024} KiB "
                f"limit: only its headers were taken; open it in the mailbox]")
        return [InboundMessage(text=text, **common)]  # type: ignore[arg-type]
    text = body_text(msg, strip=cfg.strip_quotes)
    files, notes = attachments(msg, cfg)
    if notes:
        text = "\n\n".join([text, *notes]) if text else "\n".join(notes)
    return [InboundMessage(text=text, attachments=files, **common)]  # type: ignore[arg-type]
