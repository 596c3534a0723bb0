"""Mail that must never be answered: auto-replies, bulk/list mail, mailer daemons (RFC 3834, §5.3 of the spec)."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import parseaddr

_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "noreply-dmarc-support")


def automatic_kind(msg: EmailMessage, own_addresses: frozenset[str]) -> str:
    """"" for a person's mail; else the event name: "auto_reply", "bulk" or "own_message"."""
    sender = parseaddr(str(msg.get("From", "")))[1].lower()
    if sender in own_addresses:
        return "own_message"  # our own mail coming back (a copy, a forward rule): answering it would loop
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and not auto.startswith("no"):
        return "auto_reply"
    if msg.get("X-Autoreply") is not None or msg.get("X-Autorespond") is not None:
        return "auto_reply"
    if str(msg.get("X-Auto-Response-Suppress", "")).strip().lower() == "all" and msg.get("X-MS-Exchange-Generated-Message-Source"):
        return "auto_reply"  # Exchange system messages
    if str(msg.get("Return-Path", "x")).strip() == "<>":
        return "auto_reply"  # null sender: bounces and other notifications
    local = sender.partition("@")[0]
    if local in _DAEMONS:
        return "auto_reply"
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return "auto_reply" if precedence == "auto_reply" else "bulk"
    if any(k.lower().startswith("list-") for k in msg.keys()):
        return "bulk"  # List-Id, List-Unsubscribe, List-Post...
    return ""
