"""Bindings take effect at once and survive a restart; flow traces; simulation through the edge."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from edge_server.contract import designs as cd
from edge_server.contract import events as ev
from edge_server.contract.designs import EntryKind
from edge_server.contract.errors import ErrorCode
from tests.edge_server.flows.designs_helpers import flow_doc, form_doc, refused, site, site_template  # noqa: F401 - fixtures
from tests.edge_server.interactions.interactions_helpers import accept, agent, running_edge, visitor


def binding_rows(cur: Any) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in cur.execute(
        "SELECT entry_kind, entry_key, design_id FROM design_bindings ORDER BY entry_kind, entry_key").fetchall()]


def greeting(doc: cd.FlowDoc) -> str:
    return str(doc.nodes[1].config["text"]["en"])


@pytest.mark.asyncio
async def test_bindings_live_at_once_and_after_restart(site: Path) -> None:
    data = site
    async with running_edge(data) as app, agent(app, "sup", ready=False) as sup, \
            agent(app, "alice", ready=False) as alice:
        designs = app.designs
        webchat = cd.Binding(entry_kind=EntryKind.WEBCHAT, entry_key="default", design_id="welcome")
        await refused(sup.request(cd.SetBinding(binding=webchat)), ErrorCode.NOT_FOUND)  # no such design
        await sup.request(cd.SaveDraft(document=flow_doc()))
        await refused(sup.request(cd.SetBinding(binding=webchat)), ErrorCode.CONFLICT)  # nothing live yet
        await sup.request(cd.PublishDesign(design_id="welcome", draft_version=1, message="v1"))
        await sup.request(cd.SaveDraft(document=form_doc()))
        await sup.request(cd.PublishDesign(design_id="intake", draft_version=1, message="v1"))

        # Kinds must match: a form never serves an entry, a flow never pops for a queue.
        await refused(sup.request(cd.SetBinding(binding=cd.Binding(
            entry_kind=EntryKind.WEBCHAT, entry_key="default", design_id="intake"))), ErrorCode.INVALID_ARGUMENT)
        await refused(sup.request(cd.SetBinding(binding=cd.Binding(
            entry_kind=EntryKind.QUEUE_FORM, entry_key="support", design_id="welcome"))), ErrorCode.INVALID_ARGUMENT)
        await refused(sup.request(cd.SetBinding(binding=cd.Binding(
            entry_kind=EntryKind.QUEUE_FORM, entry_key="nowhere", design_id="intake"))), ErrorCode.NOT_FOUND)
        await refused(alice.request(cd.SetBinding(binding=webchat)), ErrorCode.FORBIDDEN)

        listed = await sup.request(cd.SetBinding(binding=webchat))
        assert [(b.entry_kind, b.entry_key, b.design_id) for b in listed.items] == [("webchat", "default", "welcome")]
        # In effect at once, no restart: the next chat on this entry gets revision 1.
        found = designs.live_flow("webchat", "default")
        assert found is not None and found[:2] == ("welcome", 1) and greeting(found[2]) == "Hello"
        assert designs.live_flow("webchat", "other") is None and designs.live_flow("phone", "default") is None
        await sup.request(cd.SetBinding(binding=cd.Binding(entry_kind=EntryKind.QUEUE_FORM, entry_key="support",
                                                           design_id="intake")))
        form = designs.live_form("support")
        assert form is not None and form[:2] == ("intake", 1) and form[2].fields[0].key == "name"
        assert designs.live_form("sales") is None

        # Publishing a new live revision moves the bound entry with it; a running execution keeps its own.
        await sup.request(cd.SaveDraft(document=flow_doc(greeting="Hello v2"), base_version=1))
        await sup.request(cd.PublishDesign(design_id="welcome", draft_version=2, message="v2"))
        found = designs.live_flow("webchat", "default")
        assert found is not None and found[1] == 2 and greeting(found[2]) == "Hello v2"
        old = designs.flow_revision("welcome", 1)
        assert old is not None and greeting(old) == "Hello"
        assert designs.flow_revision("welcome", 3) is None and designs.flow_revision("intake", 1) is None
        await sup.request(cd.SetAlias(design_id="welcome", revision=1))  # rollback
        found = designs.live_flow("webchat", "default")
        assert found is not None and found[1] == 1

        # The catalog lists the bound entry points; the store has the bindings.
        cat = await sup.request(cd.GetRefCatalog())
        assert ("webchat", "default") in {(e.entry_kind, e.entry_key) for e in cat.entries}
        assert await app.store.read(binding_rows) == [("queue_form", "support", "intake"),
                                                      ("webchat", "default", "welcome")]
        # A phone entry, then removed again.
        await sup.request(cd.SetBinding(binding=cd.Binding(entry_kind=EntryKind.PHONE, entry_key="+861012345678",
                                                           design_id="welcome")))
        assert designs.live_flow("phone", "+861012345678") is not None
        listed = await sup.request(cd.SetBinding(binding=cd.Binding(entry_kind=EntryKind.PHONE,
                                                                    entry_key="+861012345678")))
        assert len(listed.items) == 2 and designs.live_flow("phone", "+861012345678") is None

    # Closed and reopened on the same data directory: bindings, aliases and revisions are back.
    async with running_edge(data) as app, agent(app, "sup", ready=False) as sup:
        found = app.designs.live_flow("webchat", "default")
        assert found is not None and found[:2] == ("welcome", 1) and greeting(found[2]) == "Hello"
        form = app.designs.live_form("support")
        assert form is not None and form[:2] == ("intake", 1)
        revs = await sup.request(cd.ListRevisions(design_id="welcome"))
        assert [i.number for i in revs.items] == [2, 1] and revs.aliases == {"live": 1}
        got = await sup.request(cd.GetDesign(design_id="welcome"))
        assert got.summary.draft_version == 2 and greeting(got.document) == "Hello v2"
        listed = await sup.request(cd.ListBindings())
        assert {(b.entry_kind, b.entry_key, b.design_id) for b in listed.items} == {
            ("webchat", "default", "welcome"), ("queue_form", "support", "intake")}
        # Editing continues from the reloaded draft version.
        saved = await sup.request(cd.SaveDraft(document=flow_doc(greeting="Hello v3"), base_version=2))
        assert saved.summary.draft_version == 3


@pytest.mark.asyncio
async def test_flow_trace_access(site: Path) -> None:
    data = site
    async with running_edge(data) as app, agent(app, "sup", ready=False) as sup, \
            agent(app, "alice") as alice, agent(app, "bob", ready=False) as bob:
        info = await app.interactions.open_interaction(channel="chat", queue="support", identities=visitor("tr"),
                                                       name="Li")
        iid = info.interaction_id
        # What the runtime journals for one execution of a flow on this interaction.
        now = int(time.time() * 1000)
        await app.store.append([
            ev.FlowExecutionStarted(ts_ms=now, execution_id="x1", design_id="welcome", revision=3,
                                    interaction_id=iid, channel="chat"),
            ev.FlowStepsRecorded(ts_ms=now + 1, execution_id="x1", steps=[
                {"seq": 1, "node_id": "n_start", "node_type": "start", "ts_ms": now, "exit": "next"},
                {"seq": 2, "node_id": "n_hello", "node_type": "message", "ts_ms": now + 1, "exit": "next",
                 "output": "Hello", "vars_changed": {"pin": "***"}}]),
            ev.FlowExecutionEnded(ts_ms=now + 2, execution_id="x1", outcome="routed"),
        ])
        await accept(alice, iid)
        trace = await alice.request(cd.GetFlowTrace(interaction_id=iid))
        assert len(trace.executions) == 1
        x = trace.executions[0]
        assert (x.design_id, x.revision, x.outcome, x.ended_ms) == ("welcome", 3, cd.FlowOutcome.ROUTED, now + 2)
        assert [(s.seq, s.node_id, s.exit) for s in x.steps] == [(1, "n_start", "next"), (2, "n_hello", "next")]
        assert x.steps[1].output == "Hello" and x.steps[1].vars_changed == {"pin": "***"}
        assert (await sup.request(cd.GetFlowTrace(interaction_id=iid))).executions[0].execution_id == "x1"
        await refused(bob.request(cd.GetFlowTrace(interaction_id=iid)), ErrorCode.FORBIDDEN)
        await refused(sup.request(cd.GetFlowTrace(interaction_id="nope")), ErrorCode.NOT_FOUND)
        await refused(bob.request(cd.GetFlowTrace(interaction_id="nope")), ErrorCode.FORBIDDEN)


@pytest.mark.asyncio
async def test_run_simulation(site: Path) -> None:
    data = site
    async with running_edge(data) as app, agent(app, "sup", ready=False) as sup, \
            agent(app, "alice", ready=False) as alice:
        test = cd.FlowTestCase(id="t1", name="greets and routes", mocks={"route": "ok"},
                               expect_path=["n_start", "n_hello", "n_route"], expect_outcome="routed")
        result = await sup.request(cd.RunSimulation(document=flow_doc(), test=test))
        assert result.outcome == cd.FlowOutcome.ROUTED and result.passed, result
        assert [s.node_id for s in result.steps][:3] == ["n_start", "n_hello", "n_route"]
        unavailable = cd.FlowTestCase(id="t2", name="queue closed", mocks={"route": "unavailable"},
                                      expect_outcome="routed")
        result = await sup.request(cd.RunSimulation(document=flow_doc(), test=unavailable))
        assert result.outcome == cd.FlowOutcome.ENDED and not result.passed and result.failures
        await refused(alice.request(cd.RunSimulation(document=flow_doc(), test=test)), ErrorCode.FORBIDDEN)
