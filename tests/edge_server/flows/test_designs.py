"""The design service over a real edge: drafts, concurrency, validation, publish, aliases, diff, roles."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import msgspec
import pytest

from edge_server.contract import designs as cd
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.flows.canonical import content_hash
from tests.edge_server.flows.designs_helpers import (  # noqa: F401 - site fixtures
    broken_flow,
    flow_doc,
    form_doc,
    problem_codes,
    refused,
    site,
    site_template,
    t,
)
from tests.edge_server.interactions.interactions_helpers import agent, running_edge


def revision_rows(cur: Any, design_id: str) -> list[list[Any]]:
    return [list(r) for r in cur.execute(
        "SELECT number, content_hash, message, actor FROM design_revisions WHERE design_id = ? ORDER BY number",
        [design_id]).fetchall()]


@pytest.mark.asyncio
async def test_draft_save_conflict_and_kind(site: Path) -> None:
    data = site
    async with running_edge(data) as app, agent(app, "sup", ready=False) as sup, \
            agent(app, "sup2", ready=False) as sup2, agent(app, "alice", ready=False) as alice:
        doc = flow_doc()
        saved = await sup.request(cd.SaveDraft(document=doc, base_version=0))
        assert saved.summary.design_id == "welcome" and saved.summary.kind == "flow"
        assert saved.summary.draft_version == 1 and saved.summary.updated_by == "sup"
        assert saved.summary.draft_hash == content_hash(doc) and saved.summary.latest_revision == 0
        # A second "new" design with the same id is refused, never merged.
        err = await refused(sup2.request(cd.SaveDraft(document=flow_doc(greeting="Hi"), base_version=0)),
                            ErrorCode.CONFLICT)
        assert err.details["current_version"] == 1

        # Two supervisors edit version 1 at once: the first save wins, the second gets CONFLICT naming who.
        a, b = flow_doc(greeting="Hello from sup"), flow_doc(greeting="Hello from sup2")
        first = await sup.request(cd.SaveDraft(document=a, base_version=1))
        assert first.summary.draft_version == 2
        err = await refused(sup2.request(cd.SaveDraft(document=b, base_version=1)), ErrorCode.CONFLICT)
        assert err.details == {"design_id": "welcome", "current_version": 2, "updated_by": "sup"}
        got = await sup2.request(cd.GetDesign(design_id="welcome"))
        assert got.document.nodes[1].config["text"]["en"] == "Hello from sup"  # never overwritten
        assert got.summary.draft_version == 2 and got.revision == 0

        # Truly concurrent saves on the same base: exactly one wins.
        c, d = flow_doc(greeting="C"), flow_doc(greeting="D")
        results = await asyncio.gather(sup.request(cd.SaveDraft(document=c, base_version=2)),
                                       sup2.request(cd.SaveDraft(document=d, base_version=2)),
                                       return_exceptions=True)
        wins = [r for r in results if isinstance(r, cd.DraftSaved)]
        losses = [r for r in results if isinstance(r, SwitchboardError)]
        assert len(wins) == 1 and len(losses) == 1 and losses[0].code == ErrorCode.CONFLICT
        assert wins[0].summary.draft_version == 3

        # Saving the identical document again (a retry whose reply was lost) is a no-op, even on an old base.
        winner_doc = c if wins[0] is results[0] else d
        again = await sup.request(cd.SaveDraft(document=winner_doc, base_version=2))
        assert again.summary.draft_version == 3
        # Moving a node changes no semantics (same hash) but is saved: positions are part of the draft.
        moved = msgspec.structs.replace(winner_doc)
        moved.nodes[0].ui = {"x": 55, "y": 66}
        saved = await sup.request(cd.SaveDraft(document=moved, base_version=3))
        assert saved.summary.draft_version == 4 and saved.summary.draft_hash == wins[0].summary.draft_hash
        got = await sup.request(cd.GetDesign(design_id="welcome"))
        assert got.document.nodes[0].ui == {"x": 55, "y": 66}

        # The kind never changes; an edit of a missing design is NOT_FOUND; bad ids are refused.
        await refused(sup.request(cd.SaveDraft(document=form_doc("welcome"), base_version=4)),
                      ErrorCode.INVALID_ARGUMENT)
        await refused(sup.request(cd.SaveDraft(document=flow_doc("ghost"), base_version=3)), ErrorCode.NOT_FOUND)
        await refused(sup.request(cd.SaveDraft(document=flow_doc("bad id/../x"), base_version=0)),
                      ErrorCode.INVALID_ARGUMENT)
        # Agents may not touch designs at all.
        for body in (cd.SaveDraft(document=flow_doc("mine"), base_version=0), cd.ListDesigns(),
                     cd.PublishDesign(design_id="welcome", draft_version=4, message="x"), cd.GetRefCatalog()):
            await refused(alice.request(body), ErrorCode.FORBIDDEN)

        listed = await sup.request(cd.ListDesigns())
        assert [i.design_id for i in listed.items] == ["welcome"]
        await sup.request(cd.SaveDraft(document=form_doc(), base_version=0))
        assert [i.design_id for i in (await sup.request(cd.ListDesigns(kind="form"))).items] == ["intake"]
        assert {i.design_id for i in (await sup.request(cd.ListDesigns())).items} == {"welcome", "intake"}


@pytest.mark.asyncio
async def test_too_large_document_refused(site: Path) -> None:
    data = site
    async with running_edge(data) as app, agent(app, "sup", ready=False) as sup:
        doc = flow_doc("big")
        doc.description = "x" * (2 * 1024 * 1024 + 10)
        # Over the bus (frames up to bus.max_frame_bytes, 4 MiB by default) the service refuses it...
        await refused(sup.request(cd.SaveDraft(document=doc)), ErrorCode.TOO_LARGE)
        # ...because it caps documents at 2 MiB whatever the bus allows.
        err = await refused(app.designs.routes["save_draft"](None, cd.SaveDraft(document=doc), "sup"),
                            ErrorCode.TOO_LARGE)
        assert err.details["limit"] == 2 * 1024 * 1024
        doc.description = "x" * 300_000  # under the service's cap: stored when it arrives
        saved = await app.designs.routes["save_draft"](None, cd.SaveDraft(document=doc), "sup")
        assert saved.summary.draft_version == 1
        doc.description = ""
        assert [i.design_id for i in (await sup.request(cd.ListDesigns())).items] == ["big"]


@pytest.mark.asyncio
async def test_validate_publish_alias_rollback_and_diff(site: Path) -> None:
    data = site
    async with running_edge(data) as app, agent(app, "sup", ready=False) as sup:
        # validate_design: problems and hash, nothing stored.
        bad = broken_flow()
        result = await sup.request(cd.ValidateDesign(document=bad))
        assert problem_codes(result.problems, "error") and result.content_hash == content_hash(bad)
        assert (await sup.request(cd.ListDesigns())).items == []

        # A draft with errors can be saved (problems come back) but not published; nothing is stored.
        saved = await sup.request(cd.SaveDraft(document=bad))
        assert problem_codes(saved.problems, "error")
        err = await refused(sup.request(cd.PublishDesign(design_id="broken", draft_version=1, message="try")),
                            ErrorCode.INVALID_ARGUMENT)
        assert any(p["severity"] == "error" for p in err.details["problems"])
        assert await app.store.read(revision_rows, "broken") == []

        # Warnings (a missing Chinese translation) do not block publishing.
        doc = flow_doc()
        doc.nodes[1].config["text"] = {"en": "Hello"}
        saved = await sup.request(cd.SaveDraft(document=doc))
        assert problem_codes(saved.problems, "warning") and not problem_codes(saved.problems, "error")
        await refused(sup.request(cd.PublishDesign(design_id="welcome", draft_version=1, message="  ")),
                      ErrorCode.INVALID_ARGUMENT)
        await refused(sup.request(cd.PublishDesign(design_id="welcome", draft_version=7, message="stale")),
                      ErrorCode.CONFLICT)
        r1 = await sup.request(cd.PublishDesign(design_id="welcome", draft_version=1, message="first"))
        assert r1.number == 1 and r1.by == "sup" and r1.content_hash == content_hash(doc)
        err = await refused(sup.request(cd.PublishDesign(design_id="welcome", draft_version=1, message="again")),
                            ErrorCode.CONFLICT)
        assert "nothing changed since revision 1" in err.message
        assert app.designs.live_flow("webchat", "default") is None  # not bound yet

        # Revision 2 is published without going live; then made live; then rolled back to 1.
        doc2 = flow_doc(greeting="Welcome back")
        await sup.request(cd.SaveDraft(document=doc2, base_version=1))
        r2 = await sup.request(cd.PublishDesign(design_id="welcome", draft_version=2, message="warmer",
                                                make_live=False))
        revs = await sup.request(cd.ListRevisions(design_id="welcome"))
        assert [i.number for i in revs.items] == [2, 1] and revs.aliases == {"live": 1}
        assert [i.message for i in revs.items] == ["warmer", "first"]
        revs = await sup.request(cd.SetAlias(design_id="welcome", revision=r2.number))
        assert revs.aliases == {"live": 2}
        summary = next(i for i in (await sup.request(cd.ListDesigns())).items if i.design_id == "welcome")
        assert summary.live_revision == 2 and summary.latest_revision == 2 and summary.live_hash == r2.content_hash
        revs = await sup.request(cd.SetAlias(design_id="welcome", revision=1))  # rollback = repoint
        assert revs.aliases == {"live": 1}
        await refused(sup.request(cd.SetAlias(design_id="welcome", revision=9)), ErrorCode.NOT_FOUND)
        revs = await sup.request(cd.SetAlias(design_id="welcome", revision=2, alias="test"))
        assert revs.aliases == {"live": 1, "test": 2}
        await refused(sup.request(cd.SetAlias(design_id="welcome", revision=2, alias="Bad Alias")),
                      ErrorCode.INVALID_ARGUMENT)

        # get_design of a revision returns that frozen document, the draft its own.
        got1 = await sup.request(cd.GetDesign(design_id="welcome", revision=1))
        assert got1.revision == 1 and got1.document.nodes[1].config["text"] == {"en": "Hello"}
        assert got1.content_hash == r1.content_hash
        await refused(sup.request(cd.GetDesign(design_id="welcome", revision=5)), ErrorCode.NOT_FOUND)
        await refused(sup.request(cd.GetDesign(design_id="nope")), ErrorCode.NOT_FOUND)

        # Diff: revision 1 -> 2 changed the greeting node; 2 -> the draft (after an edit) rewires an exit.
        diff = await sup.request(cd.DiffRevisions(design_id="welcome", from_revision=1, to_revision=2))
        assert diff.changes and {c.element_id for c in diff.changes} == {"n_hello"}
        draft = flow_doc(greeting="Welcome back")
        draft.nodes[1].exits = {"next": "n_end"}
        draft.nodes[2].ui = {"x": 999, "y": 0}
        await sup.request(cd.SaveDraft(document=draft, base_version=2))
        diff = await sup.request(cd.DiffRevisions(design_id="welcome", from_revision=2))
        kinds = {(c.element_id, c.change) for c in diff.changes}
        assert ("n_hello", "rewired") in kinds
        await refused(sup.request(cd.DiffRevisions(design_id="welcome", from_revision=3)), ErrorCode.NOT_FOUND)

        # Every revision is in the store with its hash and message; the journal has them too.
        rows = await app.store.read(revision_rows, "welcome")
        assert rows == [[1, r1.content_hash, "first", "sup"], [2, r2.content_hash, "warmer", "sup"]]


@pytest.mark.asyncio
async def test_form_design_and_catalog(site: Path) -> None:
    data = site
    async with running_edge(data) as app, agent(app, "sup", ready=False) as sup:
        form = form_doc()
        saved = await sup.request(cd.SaveDraft(document=form))
        assert saved.summary.kind == "form" and not problem_codes(saved.problems, "error"), saved.problems
        await sup.request(cd.SaveDraft(document=flow_doc()))
        cat = await sup.request(cd.GetRefCatalog())
        assert [(q.key, q.name_en, q.name_zh) for q in cat.queues] == [("sales", "Sales", ""),
                                                                     ("support", "Support", "支持")]
        assert [s.key for s in cat.skills] == ["billing", "sales"]
        assert [f.key for f in cat.forms] == ["intake"] and [f.key for f in cat.flows] == ["welcome"]
        assert [(e.entry_kind, e.entry_key, e.design_id) for e in cat.entries] == [("webchat", "default", "")]
        # Configured cloud channel accounts are entry points too (the edge adds them once its hub is up).
        app.designs.add_entries([("wechat", "wx-demo"), ("not_a_channel", "x"), ("wechat", "wx-demo")])
        cat = await sup.request(cd.GetRefCatalog())
        assert [(e.entry_kind, e.entry_key) for e in cat.entries] == [("webchat", "default"), ("wechat", "wx-demo")]
        got = await sup.request(cd.GetDesign(design_id="intake"))
        assert isinstance(got.document, cd.FormDoc) and got.document.fields[0].label == t("Name")
