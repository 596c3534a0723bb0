"""search_customers: names, phones, e-mail, tags, identity values, and full text (FTS + recent scan)."""
from __future__ import annotations

import pytest

from edge_server.contract import interactions as ci
from tests.edge_server.interactions.customers_helpers import (  # noqa: F401 - world is a fixture
    World,
    email,
    past_interaction,
    phone,
    visitor,
    world,
)

OLD = 1_600_000_000_000  # long before the test clock: outside the recent-scan overlap after a rebuild


async def _people(world: World) -> dict[str, str]:
    ids = {}
    ids["li"], _ = await world.svc.resolve([phone("13800138000"), email("li.na@example.com")], name="李娜")
    ids["wang"], _ = await world.svc.resolve([phone("13912345678")], name="王伟")
    ids["anna"], _ = await world.svc.resolve([email("anna@corp.com"), visitor("vis-42")], name="Anna Smith")
    ids["hanna"], _ = await world.svc.resolve([visitor("vis-43")], name="Johanna Anderson")
    await world.call("update_customer", ci.UpdateCustomer(customer_id=ids["anna"], tags=["VIP", "b2b"]))
    await world.call("update_customer", ci.UpdateCustomer(customer_id=ids["wang"], tags=["vip"]))
    return ids


async def _found(world: World, query: str) -> list[tuple[str, str]]:
    res = await world.call("search_customers", ci.SearchCustomers(query=query))
    return [(h.card.customer_id, h.matched) for h in res.hits]


@pytest.mark.asyncio
async def test_name_substring_case_insensitive_prefix_first(world: World) -> None:
    ids = await _people(world)
    assert await _found(world, "ANNA") == [(ids["anna"], "name"), (ids["hanna"], "name")]
    assert await _found(world, "李") == [(ids["li"], "name")]
    assert await _found(world, "nobody-like-this") == []
    assert await _found(world, "  ") == []


@pytest.mark.asyncio
async def test_phone_in_any_spelling_and_by_digits_suffix(world: World) -> None:
    ids = await _people(world)
    assert await _found(world, "138 0013 8000") == [(ids["li"], "phone")]
    assert await _found(world, "+86 139-1234-5678") == [(ids["wang"], "phone")]
    assert await _found(world, "5678") == [(ids["wang"], "phone")]
    assert await _found(world, "8000") == [(ids["li"], "phone")]


@pytest.mark.asyncio
async def test_email_prefix_and_identity_values(world: World) -> None:
    ids = await _people(world)
    assert await _found(world, "Li.Na@Example.com") == [(ids["li"], "email")]
    assert await _found(world, "anna@") == [(ids["anna"], "email")]
    assert await _found(world, "vis-42") == [(ids["anna"], "identity")]


@pytest.mark.asyncio
async def test_tags_with_prefix_or_as_a_bare_word(world: World) -> None:
    ids = await _people(world)
    assert sorted(await _found(world, "tag:vip")) == sorted([(ids["anna"], "tag"), (ids["wang"], "tag")])
    assert await _found(world, "b2b") == [(ids["anna"], "tag")]


@pytest.mark.asyncio
async def test_full_text_finds_chinese_and_english_messages_before_and_after_the_index(world: World) -> None:
    ids = await _people(world)
    await world.store.append([
        *past_interaction("zh", ids["wang"], created_ms=OLD, messages=[
            ("customer", "我想申请退款，订单号 A-1001", False), ("agent", "内部备注：退款已批准", True)]),
        *past_interaction("en", ids["anna"], created_ms=OLD + 1000, messages=[
            ("customer", "Where are my refunds for the broken kettle?", False)]),
        *past_interaction("note", ids["li"], created_ms=OLD + 2000, messages=[
            ("agent", "secret escalation code 7Q", True)]),
    ])
    # No index yet: the recent scan finds them.
    res = await world.call("search_customers", ci.SearchCustomers(query="退款"))
    assert [(h.card.customer_id, h.matched, h.interaction_id) for h in res.hits] == [(ids["wang"], "message", "zh")]
    assert res.hits[0].snippet.startswith("我想申请退款")
    status = await world.svc.refresh_fts(force=True)
    assert status.rebuilt and status.messages == 4
    # Now from the index: stemming proves it ("refunded" is not a substring of "refunds").
    assert await _found(world, "退款") == [(ids["wang"], "message")]
    assert await _found(world, "refunded kettle") == [(ids["anna"], "message")]
    assert await _found(world, "escalation") == []  # internal notes are never searched
    # A message after the build is found by the scan over what is newer than the index.
    await world.store.append(past_interaction("later", ids["li"], created_ms=status.high_water_ts + 5000,
                                              messages=[("customer", "发票抬头写错了", False)]))
    assert await _found(world, "发票") == [(ids["li"], "message")]
    again = await world.svc.refresh_fts(force=True)
    assert again.rebuilt and again.messages == 5
    assert (await world.svc.refresh_fts(force=True)).rebuilt is False  # nothing changed since


@pytest.mark.asyncio
async def test_merged_customers_are_not_hits(world: World) -> None:
    ids = await _people(world)
    await world.call("merge_customers", ci.MergeCustomers(survivor_id=ids["anna"], merged_id=ids["hanna"]),
                     user="sue")
    assert await _found(world, "anna") == [(ids["anna"], "name")]
    assert await _found(world, "vis-43") == [(ids["anna"], "identity")]
