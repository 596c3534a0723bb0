"""CustomerService.resolve and card: matching on any identity, linking, and no duplicates under concurrency."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from edge_server.contract import interactions as ci
from edge_server.contract.errors import ErrorCode, SwitchboardError
from tests.edge_server.interactions.customers_helpers import (  # noqa: F401 - world is a fixture
    World,
    email,
    make_world,
    phone,
    visitor,
    world,
)


@pytest.mark.asyncio
async def test_unknown_identities_create_one_customer_with_all_of_them(world: World) -> None:
    cid, created = await world.svc.resolve([phone("138 0013 8000"), email("Li@Example.com")], name="李娜")
    assert created and len(cid) == 32
    card = await world.svc.card(cid)
    assert card is not None and card.name == "李娜"
    assert {(i.kind, i.value) for i in card.identities} == {
        (ci.IdentityKind.PHONE, "+8613800138000"), (ci.IdentityKind.EMAIL, "li@example.com")}


@pytest.mark.asyncio
async def test_any_known_identity_finds_the_customer_and_links_the_new_ones(world: World) -> None:
    cid, _ = await world.svc.resolve([phone("13800138000")])
    again, created = await world.svc.resolve([visitor("v-1"), phone("+86 138-0013-8000")])
    assert (again, created) == (cid, False)
    card = await world.svc.card(cid)
    assert card is not None
    assert (ci.IdentityKind.WEB_VISITOR, "v-1") in {(i.kind, i.value) for i in card.identities}
    # The linked identity now resolves on its own.
    assert await world.svc.resolve([visitor("v-1")]) == (cid, False)


@pytest.mark.asyncio
async def test_identities_of_two_customers_are_not_stolen(world: World) -> None:
    a, _ = await world.svc.resolve([phone("13800138000")])
    b, _ = await world.svc.resolve([email("b@example.com")])
    got, created = await world.svc.resolve([phone("13800138000"), email("b@example.com"), visitor("v-9")])
    assert (got, created) == (a, False)
    card_b = await world.svc.card(b)
    assert card_b is not None and [i.value for i in card_b.identities] == ["b@example.com"]


@pytest.mark.asyncio
async def test_concurrent_resolves_of_one_new_visitor_make_one_customer(world: World) -> None:
    results = await asyncio.gather(*(world.svc.resolve([visitor("same-visitor"), phone("13900139000")])
                                     for _ in range(20)))
    ids = {cid for cid, _ in results}
    assert len(ids) == 1
    assert sum(created for _, created in results) == 1
    hits = await world.svc.search("+8613900139000")
    assert [h.card.customer_id for h in hits] == list(ids)


@pytest.mark.asyncio
async def test_back_to_back_resolves_before_the_database_caught_up_find_the_first(world: World) -> None:
    # resolve reads without waiting for the projector (fresh=False): what it wrote but the
    # database has not applied yet must come from its claims, for as long as that lasts.
    store = world.svc._store  # noqa: SLF001 - the test checks the window it is about
    first, created = await world.svc.resolve([visitor("quick-1")])
    assert created and store.applied_seq < store.appended_seq  # the window is really open
    for _ in range(5):
        again, created_again = await world.svc.resolve([visitor("quick-1"), email("quick@example.com")])
        assert (again, created_again) == (first, False)
    await world.svc.card(first)  # a fresh read: the database has caught up
    assert store.applied_seq == store.appended_seq
    assert await world.svc.resolve([email("quick@example.com")]) == (first, False)


@pytest.mark.asyncio
async def test_concurrent_overlapping_identities_converge(world: World) -> None:
    # Two contacts of one person arrive at once on different channels, sharing the phone.
    a, b = await asyncio.gather(world.svc.resolve([visitor("w-1"), phone("13700137000")]),
                                world.svc.resolve([email("x@y.cn"), phone("13700137000")]))
    assert a[0] == b[0] and [a[1], b[1]].count(True) == 1
    card = await world.svc.card(a[0])
    assert card is not None and len(card.identities) == 3


@pytest.mark.asyncio
async def test_invalid_identity_is_refused_before_anything_is_written(world: World) -> None:
    with pytest.raises(SwitchboardError) as e:
        await world.svc.resolve([visitor("ok"), phone("12")])
    assert e.value.code is ErrorCode.INVALID_ARGUMENT and "'12'" in e.value.message
    assert await world.svc.search("ok") == []
    with pytest.raises(SwitchboardError):
        await world.svc.resolve([])


@pytest.mark.asyncio
async def test_resolve_and_card_follow_merges(world: World) -> None:
    a, _ = await world.svc.resolve([phone("13800138000")], name="A")
    b, _ = await world.svc.resolve([email("b@example.com")], name="B")
    await world.call("merge_customers", ci.MergeCustomers(survivor_id=a, merged_id=b), user="sue")
    assert await world.svc.resolve([email("b@example.com")]) == (a, False)
    card = await world.svc.card(b)
    assert card is not None and card.customer_id == a
    assert await world.svc.card("no-such-customer") is None


@pytest.mark.asyncio
async def test_customers_survive_a_restart(tmp_path: Path) -> None:
    w = await make_world(tmp_path / "data")
    try:
        cid, _ = await w.svc.resolve([phone("13800138000")], name="王伟")
    finally:
        await w.svc.close()
        await w.store.close()
    w = await make_world(tmp_path / "data")
    try:
        assert await w.svc.resolve([phone("+8613800138000")]) == (cid, False)
    finally:
        await w.svc.close()
        await w.store.close()
