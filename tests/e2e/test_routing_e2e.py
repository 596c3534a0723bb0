"""Routing through the real edge process: offers pushed to desktops, accept, wrap-up, recovery."""
from __future__ import annotations

import asyncio
import time

import pytest

from edge_server.contract import messages as m
from edge_server.contract.errors import ErrorCode, SwitchboardError

from e2e_support import EdgeProcess, client_keys, make_client, server_key  # type: ignore[import-not-found]

pytestmark = [pytest.mark.e2e]


async def _wait_for(pred, timeout: float = 5.0):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def _first(pushes: list, cls: type):  # noqa: ANN001, ANN202
    return lambda: next((p for p in pushes if isinstance(p, cls)), None)


@pytest.mark.asyncio
async def test_offer_accept_complete_wrapup(edge: EdgeProcess) -> None:
    from edge_server.bus.client import EdgeSubscriber

    async with make_client(edge, "desk1") as alice, make_client(edge, "sup1") as sup:
        pushes: list[m.Message] = []
        alice.on_push = lambda body, seq: pushes.append(body)
        await alice.login("alice", "switchboard")
        await sup.login("sup", "switchboard")
        sub = EdgeSubscriber(edge.pub, server_key=server_key(edge), client_keys=client_keys(edge, "sup1"),
                             topics=[m.TOPIC_QUEUE])
        stats: list[m.QueueStatus] = []
        sub.on_message = lambda topic, body: stats.append(body)
        await sub.start()
        try:
            await asyncio.sleep(0.3)
            created = await sup.request(m.CreateTask(queue="billing.zh", customer_name="王小明",
                                                     subject="账单疑问", priority=1))
            assert isinstance(created, m.TaskCreated) and created.accepted
            await _wait_for(lambda: any(s.queue == "billing.zh" and s.waiting == 1 for s in stats))
            t0 = time.monotonic()
            await alice.request(m.SetState(state=m.AgentState.READY))
            offer = await _wait_for(_first(pushes, m.OfferMade))
            assert time.monotonic() - t0 < 1.0  # event-driven: no polling floor
            assert offer.task.customer_name == "王小明" and offer.task.queue_name_zh == "账单（中文）"
            assert offer.task.channel == "chat"
            snap = await alice.request(m.GetSnapshot())
            assert isinstance(snap, m.Snapshot) and [o.offer_id for o in snap.offers] == [offer.offer_id]
            assigned = await alice.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
            assert isinstance(assigned, m.TaskAssigned) and assigned.task.task_id == created.task_id
            with pytest.raises(SwitchboardError) as err:  # accepting twice is refused
                await alice.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
            assert err.value.code == ErrorCode.CONFLICT
            await alice.request(m.CompleteTask(task_id=created.task_id))
            wrap = await _wait_for(_first(pushes, m.WrapUpStarted))
            assert wrap.codes == ["resolved", "follow_up"] and wrap.until_ms is None
            snap = await alice.request(m.GetSnapshot())  # a fresh desktop still sees the task in wrap-up
            assert [t.task_id for t in snap.tasks] == [created.task_id] and snap.tasks[0].assigned_ms > 0
            assert [w.task_id for w in snap.wrapups] == [created.task_id]
            with pytest.raises(SwitchboardError) as err:
                await alice.request(m.SubmitWrapUp(task_id=created.task_id, code="nonsense"))
            assert err.value.code == ErrorCode.INVALID_ARGUMENT
            await alice.request(m.SubmitWrapUp(task_id=created.task_id, code="resolved"))
            await _wait_for(_first(pushes, m.WrapUpEnded))
            snap = await alice.request(m.GetSnapshot())
            assert snap.tasks == [] and snap.wrapups == []
            queues = await sup.request(m.ListQueues())
            assert isinstance(queues, m.QueueList)
            billing = next(q for q in queues.queues if q.queue == "billing.zh")
            assert billing.answered == 1 and billing.waiting == 0
        finally:
            await sub.close()


@pytest.mark.asyncio
async def test_decline_requeues_and_missed_offers_make_agent_not_ready(edge: EdgeProcess) -> None:
    async with make_client(edge, "desk1") as alice, make_client(edge, "sup1") as sup:
        pushes: list[m.Message] = []
        alice.on_push = lambda body, seq: pushes.append(body)
        await alice.login("alice", "switchboard")
        await sup.login("sup", "switchboard")
        created = await sup.request(m.CreateTask(queue="billing.zh", customer_name="A"))
        await alice.request(m.SetState(state=m.AgentState.READY))
        offer = await _wait_for(_first(pushes, m.OfferMade))
        await alice.request(m.DeclineOffer(offer_id=offer.offer_id, task_id=offer.task.task_id, reason="busy"))
        explained = await sup.request(m.ExplainTask(task_id=created.task_id))
        assert isinstance(explained, m.TaskExplanation)
        assert explained.state == "waiting" and explained.position == 1


@pytest.mark.asyncio
async def test_waiting_tasks_keep_order_and_age_across_sigkill(edge: EdgeProcess) -> None:
    async with make_client(edge, "sup1", request_timeout_s=20) as sup:
        await sup.login("sup", "switchboard")
        ids = []
        for i, prio in enumerate([0, 0, 5, 0]):
            r = await sup.request(m.CreateTask(queue="sales", customer_name=f"c{i}", priority=prio))
            ids.append(r.task_id)
        before = await sup.request(m.ListQueues())
        oldest = next(q for q in before.queues if q.queue == "sales").oldest_arrival_ms
    edge.kill()
    edge.start()
    async with make_client(edge, "sup1") as sup, make_client(edge, "desk2") as bob:
        await sup.login("sup", "switchboard")
        after = await sup.request(m.ListQueues())
        sales = next(q for q in after.queues if q.queue == "sales")
        assert sales.waiting == 4 and sales.oldest_arrival_ms == oldest  # age kept, nothing lost
        positions = {}
        for t in ids:
            e = await sup.request(m.ExplainTask(task_id=t))
            positions[t] = e.position
        assert positions == {ids[2]: 1, ids[0]: 2, ids[1]: 3, ids[3]: 4}  # VIP first, then by age
        pushes: list[m.Message] = []
        bob.on_push = lambda body, seq: pushes.append(body)
        await bob.login("bob", "switchboard")
        await bob.request(m.SetState(state=m.AgentState.READY))
        offer = await _wait_for(_first(pushes, m.OfferMade))
        assert offer.task.task_id == ids[2]


@pytest.mark.asyncio
async def test_completing_without_wrapup_ends_the_task(edge: EdgeProcess) -> None:
    async with make_client(edge, "desk2") as bob, make_client(edge, "sup1") as sup:
        pushes: list[m.Message] = []
        bob.on_push = lambda body, seq: pushes.append(body)
        await bob.login("bob", "switchboard")
        await sup.login("sup", "switchboard")
        created = await sup.request(m.CreateTask(queue="sales", customer_name="Ann"))
        await bob.request(m.SetState(state=m.AgentState.READY))
        offer = await _wait_for(_first(pushes, m.OfferMade))
        await bob.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
        await bob.request(m.CompleteTask(task_id=created.task_id))
        ended = await _wait_for(_first(pushes, m.TaskEnded))
        assert ended.reason == "completed" and ended.task_id == created.task_id
        snap = await bob.request(m.GetSnapshot())
        assert snap.tasks == [] and snap.wrapups == []


@pytest.mark.asyncio
async def test_site_change_applies_without_restart(edge: EdgeProcess) -> None:
    """bob has no billing skill: his offer comes only after the admin re-imports the site with it."""
    async with make_client(edge, "desk2") as bob, make_client(edge, "sup1") as admin:
        pushes: list[m.Message] = []
        bob.on_push = lambda body, seq: pushes.append(body)
        await bob.login("bob", "switchboard")
        await admin.login("admin", "switchboard")
        created = await admin.request(m.CreateTask(queue="billing.zh", customer_name="王"))
        await bob.request(m.SetState(state=m.AgentState.READY))
        await asyncio.sleep(0.5)
        assert not any(isinstance(p, m.OfferMade) for p in pushes)
        site = ('[[users]]\nusername = "bob"\ndisplay_name = "Bob Smith"\nteam = "A"\n'
                'skills = { billing = 3, "lang.zh" = 4, tech = 5 }\n')
        result = await admin.request(m.ImportSite(toml_text=site))
        assert isinstance(result, m.ImportResult) and result.users == 1
        offer = await _wait_for(_first(pushes, m.OfferMade))
        assert offer.task.task_id == created.task_id


def test_admin_cli_goes_through_a_running_edge(edge: EdgeProcess, tmp_path) -> None:  # noqa: ANN001
    import os
    import subprocess
    import sys

    from e2e_support import ROOT, write_desktop_config  # type: ignore[import-not-found]

    cfg = write_desktop_config(edge, "sup1")
    env = dict(os.environ, SB_PASSWORD="switchboard", SB_NEW_PASSWORD="a-new-password")
    run = lambda *a: subprocess.run([sys.executable, str(ROOT / "main.py"), "admin", "--client-config", str(cfg),  # noqa: E731
                                     "--user", "admin", *a], env=env, capture_output=True, text=True, timeout=60)
    out = run("add-user", "zhao.lei", "--name", "赵磊", "--skill", "sales=2")
    assert out.returncode == 0, out.stderr
    out = run("users")
    assert out.returncode == 0 and "赵磊" in out.stdout and "sales=2" in out.stdout
    out = run("add-user", "zhao.lei", "--name", "x")
    assert out.returncode == 1 and "conflict" in out.stderr
