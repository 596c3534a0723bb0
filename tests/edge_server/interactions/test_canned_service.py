"""Canned responses: visibility by scope, supervisor-only team/site saves, unique shortcuts, site seeding."""
from __future__ import annotations

import pytest

from edge_server.contract import interactions as ci
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.interactions.canned import seed_events_from_site, seed_from_site
from tests.edge_server.interactions.customers_helpers import World, world  # noqa: F401 - fixture


def _item(shortcut: str, text: str, scope: str = "personal", **kw: str) -> ci.SaveCanned:
    return ci.SaveCanned(item=ci.CannedResponse(shortcut=shortcut, text=text, scope=scope, **kw))


async def _shortcuts(world: World, user: str, query: str = "") -> list[str]:
    res = await world.call("list_canned", ci.ListCanned(query=query), user=user)
    return [f"{i.scope}:{i.shortcut}" for i in res.items]


@pytest.mark.asyncio
async def test_each_user_sees_site_team_and_own(world: World) -> None:
    await world.call("save_canned", _item("/mine", "Alice's own"), user="alice")
    await world.call("save_canned", _item("bobs", "Bob's own"), user="bob")
    await world.call("save_canned", _item("deal", "Sales team text", "team"), user="sue")  # sue's team: sales
    await world.call("save_canned", _item("help", "Support text", "team", owner="support"), user="sue")
    await world.call("save_canned", _item("hi", "您好 {customer.name}", "site"), user="sue")
    assert await _shortcuts(world, "alice") == ["personal:mine", "team:deal", "site:hi"]
    assert await _shortcuts(world, "bob") == ["personal:bobs", "team:help", "site:hi"]


@pytest.mark.asyncio
async def test_query_filters_by_shortcut_prefix_or_words(world: World) -> None:
    await world.call("save_canned", _item("refund", "We have started your refund", title="Refund started"))
    await world.call("save_canned", _item("bye", "再见，祝您生活愉快"))
    await world.call("save_canned", _item("ref2", "Reference number follows"))
    assert await _shortcuts(world, "alice", "/ref") == ["personal:ref2", "personal:refund"]
    assert await _shortcuts(world, "alice", "started refund") == ["personal:refund"]
    assert await _shortcuts(world, "alice", "愉快") == ["personal:bye"]


@pytest.mark.asyncio
async def test_team_and_site_need_a_supervisor(world: World) -> None:
    for scope in ("team", "site"):
        with pytest.raises(SwitchboardError) as e:
            await world.call("save_canned", _item("x", "text", scope), user="alice")
        assert e.value.code is ErrorCode.FORBIDDEN
    site = await world.call("save_canned", _item("hi", "hello", "site"), user="sue")
    with pytest.raises(SwitchboardError) as e:
        await world.call("delete_canned", ci.DeleteCanned(canned_id=site.canned_id), user="alice")
    assert e.value.code is ErrorCode.FORBIDDEN


@pytest.mark.asyncio
async def test_shortcut_unique_per_scope_and_owner_and_edit_keeps_it(world: World) -> None:
    first = await world.call("save_canned", _item("hi", "one"), user="alice")
    assert len(first.canned_id) == 32 and first.owner == "alice"
    with pytest.raises(SwitchboardError) as e:
        await world.call("save_canned", _item("/HI", "two"), user="alice")
    assert e.value.code is ErrorCode.CONFLICT
    await world.call("save_canned", _item("hi", "bob's"), user="bob")  # another owner: fine
    await world.call("save_canned", _item("hi", "site", "site"), user="sue")  # another scope: fine
    edited = await world.call("save_canned", ci.SaveCanned(item=ci.CannedResponse(
        canned_id=first.canned_id, shortcut="hi", text="one, edited")), user="alice")
    assert edited.canned_id == first.canned_id
    res = await world.call("list_canned", ci.ListCanned(query="hi"), user="alice")
    assert [(i.scope, i.text) for i in res.items] == [("personal", "one, edited"), ("site", "site")]
    with pytest.raises(SwitchboardError) as e:  # bob cannot edit alice's
        await world.call("save_canned", ci.SaveCanned(item=ci.CannedResponse(
            canned_id=first.canned_id, shortcut="hi", text="hijack")), user="bob")
    assert e.value.code is ErrorCode.FORBIDDEN


@pytest.mark.asyncio
async def test_delete_hides_it_and_frees_the_shortcut(world: World) -> None:
    item = await world.call("save_canned", _item("tmp", "temporary"), user="alice")
    await world.call("delete_canned", ci.DeleteCanned(canned_id=item.canned_id), user="alice")
    assert await _shortcuts(world, "alice") == []
    await world.call("save_canned", _item("tmp", "again"), user="alice")
    with pytest.raises(SwitchboardError) as e:
        await world.call("delete_canned", ci.DeleteCanned(canned_id=item.canned_id), user="alice")
    assert e.value.code is ErrorCode.NOT_FOUND


@pytest.mark.asyncio
async def test_invalid_items_are_refused(world: World) -> None:
    for bad in (_item("", "x"), _item("two words", "x"), _item("ok", "   "), _item("ok", "x", "galaxy")):
        with pytest.raises(SwitchboardError) as e:
            await world.call("save_canned", bad, user="sue")
        assert e.value.code is ErrorCode.INVALID_ARGUMENT


SITE = {"canned": [
    {"shortcut": "/hi", "text": "您好 {customer.name}，我是 {agent.name}，很高兴为您服务。", "language": "zh"},
    {"shortcut": "/hello", "text": "Hello {customer.name}, this is {agent.name}. How can I help?", "language": "en"},
    {"shortcut": "deal", "text": "Our offer", "scope": "team", "owner": "sales"},
]}


@pytest.mark.asyncio
async def test_seed_from_site_is_idempotent(world: World) -> None:
    assert await seed_from_site(world.store, SITE) == 3
    assert await seed_from_site(world.store, SITE) == 3
    assert await _shortcuts(world, "alice") == ["team:deal", "site:hello", "site:hi"]
    assert await _shortcuts(world, "bob") == ["site:hello", "site:hi"]
    with pytest.raises(SwitchboardError, match="twice"):
        seed_events_from_site({"canned": [SITE["canned"][0], SITE["canned"][0]]})
    with pytest.raises(SwitchboardError, match="unknown keys"):
        seed_events_from_site({"canned": [{"shortcut": "x", "text": "y", "colour": "red"}]})
