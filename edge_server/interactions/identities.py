"""One normalisation of customer identities for every path (resolve, create, update, search).

Two spellings of the same phone number or e-mail address must land on the same
``identities`` row, or a returning customer is not recognised: phones become
E.164 (``phonenumbers``, national numbers read in the site's default region),
e-mail addresses lower-cased, everything else stripped.
"""
from __future__ import annotations

import re

import phonenumbers

from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.interactions import Identity, IdentityKind

MAX_VALUE_CHARS = 256
DEFAULT_REGION = "CN"

_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]{4,}$")


def _invalid(message: str) -> SwitchboardError:
    return SwitchboardError(ErrorCode.INVALID_ARGUMENT, message)


def normalise(identity: Identity, *, region: str = DEFAULT_REGION) -> Identity:
    """The canonical form of ``identity``; INVALID_ARGUMENT naming the value if it is not valid."""
    value = identity.value.strip()
    if not value:
        raise _invalid(f"empty {identity.kind.value} identity")
    if len(value) > MAX_VALUE_CHARS:
        raise _invalid(f"{identity.kind.value} identity longer than {MAX_VALUE_CHARS} characters: {value[:40]!r}…")
    if identity.kind is IdentityKind.PHONE:
        value = normalise_phone(value, region=region)
    elif identity.kind is IdentityKind.EMAIL:
        value = value.lower()
        local, at, domain = value.partition("@")
        if not at or not local or not domain or any(c.isspace() for c in value):
            raise _invalid(f"not an e-mail address: {identity.value!r}")
    return Identity(kind=identity.kind, value=value)


def normalise_phone(text: str, *, region: str = DEFAULT_REGION) -> str:
    """E.164 for ``text``; INVALID_ARGUMENT naming it unless it is a valid number."""
    parsed = parse_phone(text, region=region)
    if parsed is None:
        raise _invalid(f"not a valid phone number: {text!r} (default region {region})")
    return parsed


def parse_phone(text: str, *, region: str = DEFAULT_REGION) -> str | None:
    """E.164 for ``text`` if it is a valid phone number, else None (search uses this to guess)."""
    text = text.strip()
    if not _PHONE_CHARS.match(text):
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_all(identities: list[Identity], *, region: str = DEFAULT_REGION) -> list[Identity]:
    """Each normalised, duplicates dropped, order kept."""
    seen: set[tuple[str, str]] = set()
    out: list[Identity] = []
    for identity in identities:
        n = normalise(identity, region=region)
        key = (n.kind.value, n.value)
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out


def as_pairs(identities: list[Identity]) -> list[tuple[str, str]]:
    """The events' form: ``[kind, value]`` pairs."""
    return [(i.kind.value, i.value) for i in identities]
