"""The desktop's customer requests against a real store: view, timeline, transcript, edits, merge, split."""
from __future__ import annotations

import pytest

from edge_server.contract import interactions as ci
from edge_server.contract.errors import ErrorCode, SwitchboardError
from tests.edge_server.interactions.customers_helpers import (  # noqa: F401 - world is a fixture
    World,
    email,
    past_interaction,
    phone,
    ts,
    visitor,
    world,
)

T0 = 1_710_000_000_000


async def _customer_with_history(world: World, n: int = 5) -> str:
    cid, _ = await world.svc.resolve([phone("13800138000"), visitor("v-1")], name="李娜")
    events = []
    for k in range(n):
        events += past_interaction(
            f"i{k}", cid, created_ms=T0 + k * 60_000, channel=["chat", "voice", "wechat"][k % 3],
            agent="alice" if k % 2 == 0 else "bob", disposition=f"d{k}", notes=f"note {k}",
            messages=[("customer", f"第{k}个问题：我想申请退款", False), ("agent", "好的", False),
                      ("agent", "internal: VIP", True)],
            rating=(k % 5) + 1,
        )
    await world.store.append(events)
    return cid


@pytest.mark.asyncio
async def test_get_customer_returns_card_and_newest_timeline_first(world: World) -> None:
    cid = await _customer_with_history(world, 5)
    view = await world.call("get_customer", ci.GetCustomer(customer_id=cid, timeline_limit=3))
    assert view.card.name == "李娜" and view.has_more
    assert [e.interaction_id for e in view.timeline] == ["i4", "i3", "i2"]
    top = view.timeline[0]
    assert (top.channel, top.state, top.agent, top.agent_name) == (ci.Channel.VOICE, ci.InteractionState.CLOSED,
                                                                   "alice", "Alice Wang")
    assert (top.disposition, top.notes, top.rating, top.message_count) == ("d4", "note 4", 5, 3)
    assert top.summary == "第4个问题：我想申请退款" and top.closed_ms == T0 + 4 * 60_000 + 700
    assert view.timeline[1].agent_name == "Bob Li" and view.timeline[1].channel is ci.Channel.WEBCHAT
    with pytest.raises(SwitchboardError) as e:
        await world.call("get_customer", ci.GetCustomer(customer_id="nobody"))
    assert e.value.code is ErrorCode.NOT_FOUND


@pytest.mark.asyncio
async def test_timeline_pages_by_before_ms_without_gaps(world: World) -> None:
    cid = await _customer_with_history(world, 7)
    seen: list[str] = []
    before = 0
    while True:
        page = await world.call("get_timeline", ci.GetTimeline(customer_id=cid, before_ms=before, limit=3))
        seen += [e.interaction_id for e in page.entries]
        if not page.has_more:
            break
        before = page.entries[-1].created_ms
    assert seen == [f"i{k}" for k in range(6, -1, -1)]


@pytest.mark.asyncio
async def test_transcript_has_every_message_in_seq_order_with_private_notes(world: World) -> None:
    cid = await _customer_with_history(world, 1)
    tr = await world.call("get_transcript", ci.GetTranscript(interaction_id="i0"))
    assert [(m.seq, m.text, m.private) for m in tr.messages] == [
        (1, "第0个问题：我想申请退款", False), (2, "好的", False), (3, "internal: VIP", True)]
    assert tr.entry.interaction_id == "i0" and tr.customer is not None and tr.customer.customer_id == cid
    with pytest.raises(SwitchboardError) as e:
        await world.call("get_transcript", ci.GetTranscript(interaction_id="nope"))
    assert e.value.code is ErrorCode.NOT_FOUND


@pytest.mark.asyncio
async def test_create_customer_links_the_interaction(world: World) -> None:
    await world.store.append(past_interaction("new-1", "", created_ms=T0))
    card = await world.call("create_customer", ci.CreateCustomer(
        name=" Zhang Wei ", interaction_id="new-1", tier="gold", vip=True, tags=["vip", "VIP", " b2b "],
        identities=[phone("13600136000")]))
    assert (card.name, card.tier, card.vip, card.tags) == ("Zhang Wei", "gold", True, ["vip", "b2b"])
    assert world.interactions.relinked == [("new-1", card.customer_id, "alice")]
    view = await world.call("get_customer", ci.GetCustomer(customer_id=card.customer_id))
    assert [e.interaction_id for e in view.timeline] == ["new-1"]
    # The same phone on another create: CONFLICT naming the owner.
    with pytest.raises(SwitchboardError) as e:
        await world.call("create_customer", ci.CreateCustomer(name="dup", identities=[phone("+8613600136000")]))
    assert e.value.code is ErrorCode.CONFLICT and card.customer_id in e.value.message


@pytest.mark.asyncio
async def test_update_changes_set_fields_and_refuses_foreign_identities(world: World) -> None:
    a, _ = await world.svc.resolve([phone("13800138000")], name="A")
    b, _ = await world.svc.resolve([email("b@example.com")], name="B")
    card = await world.call("update_customer", ci.UpdateCustomer(
        customer_id=a, notes="prefers WeChat", attributes={"city": "上海"}, add_identities=[email("A@x.cn")]))
    assert (card.name, card.notes, card.attributes) == ("A", "prefers WeChat", {"city": "上海"})
    assert "a@x.cn" in [i.value for i in card.identities]
    with pytest.raises(SwitchboardError) as e:
        await world.call("update_customer", ci.UpdateCustomer(customer_id=a, add_identities=[email("B@example.com")]))
    assert e.value.code is ErrorCode.CONFLICT and b in e.value.message and "merge" in e.value.message
    assert e.value.details["customer_id"] == b
    # Adding an identity the customer already has is not an error.
    again = await world.call("update_customer", ci.UpdateCustomer(customer_id=a, add_identities=[email("a@x.cn")]))
    assert len(again.identities) == 2


@pytest.mark.asyncio
async def test_merge_moves_identities_and_interactions_with_audit(world: World) -> None:
    a = await _customer_with_history(world, 2)
    b, _ = await world.svc.resolve([email("b@example.com")], name="B")
    await world.store.append(past_interaction("ib", b, created_ms=T0 + 10 * 60_000))
    card = await world.call("merge_customers", ci.MergeCustomers(survivor_id=a, merged_id=b, reason="same person"),
                            user="sue")
    assert card.customer_id == a and "b@example.com" in [i.value for i in card.identities]
    view = await world.call("get_customer", ci.GetCustomer(customer_id=b))  # follows merged_into
    assert view.card.customer_id == a and [e.interaction_id for e in view.timeline] == ["ib", "i1", "i0"]
    with pytest.raises(SwitchboardError) as e:
        await world.call("merge_customers", ci.MergeCustomers(survivor_id=a, merged_id=b), user="sue")
    assert e.value.code is ErrorCode.CONFLICT
    audit_b = await world.call("get_customer_audit", ci.GetCustomerAudit(customer_id=b), user="sue")
    assert [x.action for x in audit_b.entries] == ["created", "merged_into"]
    assert audit_b.entries[-1].by == "sue" and audit_b.entries[-1].details["reason"] == "same person"


@pytest.mark.asyncio
async def test_split_moves_the_identities_and_the_interactions_that_came_on_them(world: World) -> None:
    cid, _ = await world.svc.resolve([phone("13800138000"), email("shared@office.cn")], name="Mixed")
    await world.store.append([
        *past_interaction("by-phone", cid, created_ms=T0, identities=[("phone", "+8613800138000")]),
        *past_interaction("by-mail", cid, created_ms=T0 + 1000, channel="email",
                          identities=[("email", "shared@office.cn")]),
    ])
    new = await world.call("split_customer", ci.SplitCustomer(
        customer_id=cid, identities=[email("Shared@Office.cn")], name="Colleague", reason="two people"), user="sue")
    assert new.name == "Colleague" and [i.value for i in new.identities] == ["shared@office.cn"]
    old = await world.call("get_customer", ci.GetCustomer(customer_id=cid))
    moved = await world.call("get_customer", ci.GetCustomer(customer_id=new.customer_id))
    assert [e.interaction_id for e in old.timeline] == ["by-phone"]
    assert [e.interaction_id for e in moved.timeline] == ["by-mail"]
    assert await world.svc.resolve([email("shared@office.cn")]) == (new.customer_id, False)
    audit = await world.call("get_customer_audit", ci.GetCustomerAudit(customer_id=cid), user="sue")
    assert audit.entries[-1].action == "split" and audit.entries[-1].details["new_id"] == new.customer_id
    for bad in ([email("other@x.cn")], [phone("13800138000")]):  # not its identity; would leave none
        with pytest.raises(SwitchboardError) as e:
            await world.call("split_customer", ci.SplitCustomer(customer_id=cid, identities=bad), user="sue")
        assert e.value.code is ErrorCode.INVALID_ARGUMENT


@pytest.mark.asyncio
async def test_changes_are_pushed_to_agents_with_an_open_interaction(world: World) -> None:
    cid, _ = await world.svc.resolve([phone("13800138000")], name="Old name")
    sid = await world.login("alice")
    await world.login("bob")  # logged in, but nothing open with this customer
    world.interactions.open["live-1"] = ci.InteractionInfo(
        interaction_id="live-1", channel=ci.Channel.WEBCHAT, state=ci.InteractionState.CONNECTED,
        customer_id=cid, participants=[ci.Participant(username="alice")])
    await world.call("update_customer", ci.UpdateCustomer(customer_id=cid, name="New name"), user="bob")
    assert len(world.bus.pushes) == 1
    to, body = world.bus.pushes[0]
    assert to == sid and isinstance(body, ci.CustomerChanged)
    assert body.card.name == "New name" and body.interaction_ids == ["live-1"]


@pytest.mark.asyncio
async def test_merge_relinks_open_interactions_of_the_merged_customer(world: World) -> None:
    a, _ = await world.svc.resolve([phone("13800138000")])
    b, _ = await world.svc.resolve([visitor("v-b")])
    await world.store.append(past_interaction("live-b", b, created_ms=ts()))
    sid = await world.login("alice")
    world.interactions.open["live-b"] = ci.InteractionInfo(
        interaction_id="live-b", channel=ci.Channel.WEBCHAT, state=ci.InteractionState.CONNECTED,
        customer_id=b, participants=[ci.Participant(username="alice")])
    await world.call("merge_customers", ci.MergeCustomers(survivor_id=a, merged_id=b), user="sue")
    assert world.interactions.relinked == [("live-b", a, "sue")]
    assert [(s, type(m).__name__, m.card.customer_id) for s, m in world.bus.pushes] == [(sid, "CustomerChanged", a)]
