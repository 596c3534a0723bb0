"""Delivery status notifications (RFC 3464 multipart/report) → what became of a message we sent."""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage, Message

from edge_server.channels.email.threads import msg_ids, own_ids_in


@dataclass(frozen=True)
class Bounce:
    message_ids: list[str]  # the original message(s) this report is about (ours if we can tell)
    action: str  # failed | delayed | delivered | relayed | expanded | "" (not an RFC 3464 report)
    status: str  # RFC 3463 X.Y.Z
    reason: str  # for the agent: "5.1.1 user unknown (mx.example: 550 …)"


def _field_blocks(part: Message) -> list[Message]:
    """The per-message and per-recipient field groups of a message/delivery-status part."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses delivery-status into header blocks
        return [p for p in payload if isinstance(p, Message)]
    return []


def parse_bounce(msg: EmailMessage) -> Bounce | None:
    """A DSN if ``msg`` is one; ``None`` otherwise."""
    if msg.get_content_type() != "multipart/report":
        return None
    if str(msg.get_param("report-type", "")).lower() != "delivery-status":
        return None
    action = status = diagnostic = ""
    ids: list[str] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            for block in _field_blocks(part):
                # The first recipient that failed decides; a DSN usually carries one.
                a = str(block.get("Action", "")).strip().lower()
                if a and (not action or a == "failed"):
                    action = a
                    status = str(block.get("Status", "")).strip()
                    diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
                    recipient = str(block.get("Final-Recipient", "")).partition(";")[2].strip()
                    if recipient:
                        diagnostic = f"{recipient}: {diagnostic}" if diagnostic else recipient
        elif ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                ids += msg_ids(str(inner[0].get("Message-ID", "")))
            else:
                text = part.get_payload(decode=True) or b""
                for line in text.decode("utf-8", "replace").splitlines():
                    if line.lower().startswith("message-id:"):
                        ids += msg_ids(line.partition(":")[2])
    if not ids:
        ids = own_ids_in(msg.as_string())
    reason = " ".join(x for x in (status, diagnostic or _human_text(msg)) if x)
    return Bounce(message_ids=list(dict.fromkeys(ids)), action=action, status=status, reason=reason[:500])


def _human_text(msg: EmailMessage) -> str:
    first = next(iter(msg.iter_parts()), None)
    if first is not None and first.get_content_type() == "text/plain":
        payload = first.get_payload(decode=True) or b""
        return " ".join(payload.decode("utf-8", "replace").split())[:300]
    return ""
