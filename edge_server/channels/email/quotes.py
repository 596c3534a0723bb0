"""Drop the quoted history under a reply, when it is recognisable ("On … wrote:", Outlook headers, "> " lines).

Simple on purpose: a wrong cut would hide what the customer wrote, so we only cut at well-known markers
and never return an empty text.
"""
from __future__ import annotations

import re

_MARKERS = [
    re.compile(r"^On .{4,200}wrote:\s*$", re.I),  # Gmail, Apple Mail, Thunderbird
    re.compile(r"^Le .{4,200}a écrit\s*:\s*$", re.I),
    re.compile(r"^Am .{4,200}schrieb .{1,200}:\s*$", re.I),
    re.compile(r"^在.{2,200}写道[:：]\s*$"),  # Chinese clients
    re.compile(r"^于.{2,200}写道[:：]\s*$"),
    re.compile(r"^-{2,}\s*(Original Message|原始邮件|Forwarded message)\s*-{2,}\s*$", re.I),
    re.compile(r"^_{10,}\s*$"),  # Outlook's rule above "From: … Sent: …"
    re.compile(r"^(From|发件人)\s*[:：].+$", re.I),  # only if followed by Sent/Date/To (checked below)
]
_OUTLOOK_NEXT = re.compile(r"^(Sent|Date|To|发送时间|时间|收件人)\s*[:：]", re.I)


def strip_quoted(text: str) -> str:
    lines = text.split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        s = line.strip()
        for n, rx in enumerate(_MARKERS):
            if rx.match(s):
                if n == len(_MARKERS) - 1 and not (i + 1 < len(lines) and _OUTLOOK_NEXT.match(lines[i + 1].strip())):
                    continue
                cut = i
                break
        if cut != len(lines):
            break
    body = lines[:cut]
    # A trailing block of "> " lines (quoted below the answer, no marker line).
    while body and (body[-1].lstrip().startswith(">") or not body[-1].strip()):
        body.pop()
    result = "\n".join(body).rstrip()
    return result if result.strip() else text.strip()
