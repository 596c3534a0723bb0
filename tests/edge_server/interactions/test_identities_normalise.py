"""Identity normalisation: one canonical form for phones, e-mail and the rest, errors naming the value."""
from __future__ import annotations

import pytest

from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.interactions import Identity, IdentityKind
from edge_server.interactions.identities import normalise, normalise_all, parse_phone


def _n(kind: IdentityKind, value: str, region: str = "CN") -> str:
    return normalise(Identity(kind=kind, value=value), region=region).value


@pytest.mark.parametrize("raw", ["13800138000", "+86 138 0013 8000", "138-0013-8000", " +8613800138000 "])
def test_chinese_mobile_spellings_become_one_e164(raw: str) -> None:
    assert _n(IdentityKind.PHONE, raw) == "+8613800138000"


def test_region_decides_national_numbers() -> None:
    assert _n(IdentityKind.PHONE, "010 1234 5678") == "+861012345678"
    assert _n(IdentityKind.PHONE, "(650) 253-0000", region="US") == "+16502530000"
    assert _n(IdentityKind.PHONE, "+1 650 253 0000") == "+16502530000"  # an explicit country wins


@pytest.mark.parametrize("raw", ["12", "not a phone", "1380013800099999"])
def test_invalid_phone_is_invalid_argument_naming_it(raw: str) -> None:
    with pytest.raises(SwitchboardError) as e:
        normalise(Identity(kind=IdentityKind.PHONE, value=raw))
    assert e.value.code is ErrorCode.INVALID_ARGUMENT
    assert repr(raw.strip()) in e.value.message


def test_email_lower_cased_and_stripped_and_checked() -> None:
    assert _n(IdentityKind.EMAIL, "  Li.Na@Example.COM ") == "li.na@example.com"
    for bad in ("no-at-sign", "@example.com", "a@", "a b@example.com"):
        with pytest.raises(SwitchboardError, match="e-mail"):
            normalise(Identity(kind=IdentityKind.EMAIL, value=bad))


def test_other_kinds_stripped_and_bounded() -> None:
    assert _n(IdentityKind.WECHAT_OPENID, "  oABC123  ") == "oABC123"
    assert _n(IdentityKind.WEB_VISITOR, "v" * 256) == "v" * 256
    with pytest.raises(SwitchboardError, match="256"):
        normalise(Identity(kind=IdentityKind.WEB_VISITOR, value="v" * 257))
    with pytest.raises(SwitchboardError, match="empty"):
        normalise(Identity(kind=IdentityKind.WEIBO_UID, value="   "))


def test_normalise_all_drops_duplicates_after_normalising() -> None:
    out = normalise_all([
        Identity(kind=IdentityKind.PHONE, value="13800138000"),
        Identity(kind=IdentityKind.PHONE, value="+86 138 0013 8000"),
        Identity(kind=IdentityKind.EMAIL, value="A@B.cn"),
        Identity(kind=IdentityKind.EMAIL, value="a@b.CN"),
    ])
    assert [(i.kind, i.value) for i in out] == [(IdentityKind.PHONE, "+8613800138000"),
                                                (IdentityKind.EMAIL, "a@b.cn")]


def test_parse_phone_guesses_without_raising() -> None:
    assert parse_phone("138 0013 8000") == "+8613800138000"
    assert parse_phone("Wang") is None
    assert parse_phone("8000") is None  # too short to be a number; search uses it as a digits suffix
