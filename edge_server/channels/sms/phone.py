"""Phone numbers as E.164 (the customer identity) and as each provider wants them."""
from __future__ import annotations

import re

_DIGITS = re.compile(r"[\s\-().]")


def to_e164(raw: str, *, nationcode: str = "", default_country: str = "86") -> str:
    """'13800138000' / '8613800138000' / '008613800138000' / '+86 138-0013-8000' → '+8613800138000'.

    A bare 11-digit number starting with 1 is a mainland China mobile (what Aliyun and Tencent send);
    ``nationcode`` is Tencent's separate country code field. Returns "" when it is not a number.
    """
    s = _DIGITS.sub("", raw.strip())
    if s.startswith("+"):
        digits = s[1:]
    elif s.startswith("00"):
        digits = s[2:]
    elif nationcode:
        digits = nationcode.lstrip("+") + s.lstrip("0") if not s.startswith(nationcode) else s
    elif len(s) == 11 and s.startswith("1"):
        digits = default_country + s
    else:
        digits = s
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        return ""
    return "+" + digits


def aliyun_number(e164: str) -> str:
    """Aliyun takes mainland numbers bare and others with the 00 international prefix [S32a]."""
    if e164.startswith("+86"):
        return e164[3:]
    return "00" + e164.lstrip("+")
