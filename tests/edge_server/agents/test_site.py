import asyncio
from pathlib import Path

import pytest

from edge_server.agents.directory import Directory
from edge_server.agents.passwords import verify_password
from edge_server.agents.site import parse_site, plan_import
from edge_server.contract import events as ev
from edge_server.contract.errors import ErrorCode, SwitchboardError

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "site.toml"


def _plan(text: str, d: Directory | None = None):
    return asyncio.run(plan_import(d or Directory(), parse_site(text), 1_000, 8))


def test_demo_site_imports_into_a_directory_with_chinese_names() -> None:
    d = Directory()
    events, result = _plan(DEMO.read_text("utf-8"), d)
    d.apply_all(events)
    assert result.users == 6 and result.queues == 3 and result.reason_codes >= 4
    assert d.users["li.wei"].display_name == "李伟"
    assert d.users["alice"].skills["billing"] == 4
    assert d.reason_codes["lunch"].label_zh == "午餐"
    assert verify_password(d.users["alice"].password_hash, "switchboard")
    assert d.users["sup"].role == "supervisor"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[users]]\nusername='a'\ndisplay_name='A'\npassword='longenough'\nskills={nope=3}", "unknown skill"),
        ("[[skills]]\nid='s'\nname_en='S'\n[[users]]\nusername='a'\ndisplay_name='A'\npassword='longenough'\nskills={s=9}", "1..5"),
        ("[[users]]\nusername='a'\ndisplay_name='A'", "neither password"),
        ("[[users]]\nusername='a'\ndisplay_name='A'\npassword='short'", "at least 8"),
        ("[[users]]\nusername='Bad Name'\ndisplay_name='A'\npassword='longenough'", "lower-case"),
        ("[[users]]\nusername='a'\ndisplay_name='A'\nrole='king'\npassword='longenough'", "users[0].role"),
        ("[[queues]]\nid='q'\nname_en='Q'\ncolour='red'", "colour"),
        ("this is = = not toml", "not valid TOML"),
    ],
)
def test_bad_site_files_name_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(SwitchboardError) as info:
        _plan(text)
    assert info.value.code == ErrorCode.INVALID_ARGUMENT
    assert fragment in info.value.message


def test_reimport_keeps_password_when_file_has_none() -> None:
    d = Directory()
    events, _ = _plan("[[users]]\nusername='a'\ndisplay_name='A'\npassword='firstpassword'", d)
    d.apply_all(events)
    events, _ = _plan("[[users]]\nusername='a'\ndisplay_name='A renamed'", d)
    upsert = next(e for e in events if isinstance(e, ev.UserUpserted))
    assert upsert.password_hash is None
    d.apply_all(events)
    assert d.users["a"].display_name == "A renamed"
    assert verify_password(d.users["a"].password_hash, "firstpassword")
