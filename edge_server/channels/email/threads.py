"""Threading by Message-ID / In-Reply-To / References (RFC 5322 §3.6.4).

Ids are handled without their angle brackets ("abc@host"); headers carry them with brackets.
"""
from __future__ import annotations

import hashlib
import re

_MSG_ID = re.compile(r"<([^<>\s]+)>")
OWN_PREFIX = "sb."  # our Message-IDs: <sb.{40 hex}@domain>; VERP tokens carry the same hex
_OWN_ID = re.compile(r"\bsb\.([0-9a-f]{40})@([A-Za-z0-9.-]+)")


def msg_ids(header: str | None) -> list[str]:
    """The ids in a Message-ID / In-Reply-To / References header, in order, without brackets."""
    if not header:
        return []
    found = _MSG_ID.findall(str(header))
    if not found and str(header).strip() and " " not in str(header).strip():
        found = [str(header).strip()]  # some mailers omit the brackets
    return found


def thread_key(message_id: str, in_reply_to: str | None, references: str | None) -> str:
    """The thread's root: the first id of References, else In-Reply-To, else the message's own id."""
    refs = msg_ids(references)
    if refs:
        return refs[0]
    parent = msg_ids(in_reply_to)
    return parent[0] if parent else message_id


def reply_headers(parent_message_id: str, parent_references: str | None,
                  parent_in_reply_to: str | None) -> tuple[str, str]:
    """(In-Reply-To, References) for a reply to the parent message (RFC 5322 §3.6.4)."""
    refs = msg_ids(parent_references) or msg_ids(parent_in_reply_to)[:1]
    parent = msg_ids(parent_message_id)[:1]
    chain = [r for r in refs if r not in parent] + parent
    # Keep the root and the newest ids when a long thread would make the header unwieldy.
    if len(chain) > 20:
        chain = chain[:1] + chain[-19:]
    return (f"<{parent[0]}>" if parent else "", " ".join(f"<{r}>" for r in chain))


def own_message_id(account: str, idempotency_key: str, domain: str) -> str:
    """Our Message-ID for an outbound message (no brackets). Stable across retries: a resend is recognisable."""
    digest = hashlib.sha256(f"{account}\n{idempotency_key}".encode()).hexdigest()[:40]
    return f"{OWN_PREFIX}{digest}@{domain}"


def own_ids_in(text: str) -> list[str]:
    """Our Message-IDs mentioned anywhere (quoted headers of a non-standard bounce)."""
    return list(dict.fromkeys(f"{OWN_PREFIX}{h}@{d}" for h, d in _OWN_ID.findall(text)))


def verp_sender(address: str, message_id: str) -> str:
    """Envelope sender local+b.<hex>@domain: a bounce to it names the message even if it quotes nothing."""
    local, _, domain = address.partition("@")
    token = message_id.removeprefix(OWN_PREFIX).partition("@")[0]
    return f"{local}+b.{token}@{domain}"


def verp_message_id(recipient: str, address: str) -> str:
    """The Message-ID a VERP bounce address stands for; "" if it is not one of ours."""
    local, _, domain = address.partition("@")
    rl, _, rd = recipient.lower().partition("@")
    m = re.fullmatch(re.escape(local) + r"\+b\.([0-9a-f]{40})", rl)
    if not m or rd != domain:
        return ""
    return f"{OWN_PREFIX}{m.group(1)}@{domain}"


def reply_subject(subject: str) -> str:
    s = subject.strip()
    return s if re.match(r"^(re|aw|回复|答复)\s*[:：]", s, re.I) else (f"Re: {s}" if s else "Re:")
