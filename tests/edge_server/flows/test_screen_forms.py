"""Screen-pop forms: the queue's live form prefilled from the customer and interaction; submissions re-checked."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edge_server.contract import designs as cd
from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from edge_server.contract.designs import EntryKind
from edge_server.contract.errors import ErrorCode
from tests.edge_server.flows.designs_helpers import form_doc, refused, site, site_template  # noqa: F401 - fixtures
from tests.edge_server.interactions.interactions_helpers import accept, agent, running_edge, visitor, wait_for


def submission_rows(cur: Any, iid: str) -> list[tuple[str, int, str, str]]:
    return [tuple(r) for r in cur.execute(
        """SELECT design_id, revision, CAST(form_values AS VARCHAR), actor FROM form_submissions
           WHERE interaction_id = ? ORDER BY ts_ms""", [iid]).fetchall()]


async def publish_form(sup: Any, doc: cd.FormDoc, version: int, message: str) -> cd.RevisionInfo:
    await sup.request(cd.SaveDraft(document=doc, base_version=version - 1))
    return await sup.request(cd.PublishDesign(design_id=doc.id, draft_version=version, message=message))


@pytest.mark.asyncio
async def test_screen_form_prefill_submit_and_customer_update(site: Path) -> None:
    data = site
    async with running_edge(data) as app, agent(app, "sup", ready=False) as sup, \
            agent(app, "alice") as alice, agent(app, "bob", ready=False) as bob:
        svc = app.interactions
        info = await svc.open_interaction(channel="chat", queue="support", identities=visitor("f1"), name="Li Lei",
                                          subject="Refund", attributes={"order": "A-17"})
        iid = info.interaction_id
        cid = info.customer_id

        # No form bound to the queue yet: an empty screen form, no error.
        await alice.wait(m.OfferMade, lambda o: o.task.interaction_id == iid)
        empty = await alice.request(cd.GetScreenForm(interaction_id=iid))
        assert empty.form is None and empty.values == {} and empty.submissions == []

        r1 = await publish_form(sup, form_doc(), 1, "first")
        await sup.request(cd.SetBinding(binding=cd.Binding(entry_kind=EntryKind.QUEUE_FORM, entry_key="support",
                                                           design_id="intake")))
        # Readable while the offer rings (screen-pop before accept), prefilled from customer and interaction.
        popped = await alice.request(cd.GetScreenForm(interaction_id=iid))
        assert popped.design_id == "intake" and popped.revision == r1.number and popped.form is not None
        assert popped.values["name"] == "Li Lei"
        assert popped.values["subject"] == "Refund" and popped.values["queue"] == "support"
        await refused(bob.request(cd.GetScreenForm(interaction_id=iid)), ErrorCode.FORBIDDEN)
        # Submitting needs the interaction: not while it only rings.
        await refused(alice.request(cd.SubmitForm(interaction_id=iid, design_id="intake", revision=1,
                                                  values={"name": "x"})), ErrorCode.FORBIDDEN)
        await accept(alice, iid)

        # Invalid values are refused field by field; nothing is stored, the customer is untouched.
        err = await refused(alice.request(cd.SubmitForm(
            interaction_id=iid, design_id="intake", revision=1,
            values={"name": "", "tier": "gold", "email": "not-an-email", "orders": -2})),
            ErrorCode.INVALID_ARGUMENT)
        errors = err.details["errors"]
        assert set(errors) == {"name", "manager", "email", "orders"}, errors
        assert errors["orders"] == [{"en": "Cannot be negative", "zh-CN": "Cannot be negative（中）"}]
        assert errors["email"][0]["en"] and errors["manager"][0]["zh-CN"]
        assert await app.store.read(submission_rows, iid) == []

        # A hidden required field is not enforced (tier basic hides "manager") and its stale value is dropped.
        values = {"name": "Li Lei Jr", "tier": "basic", "manager": "stale", "email": "Li@Example.com",
                  "orders": 3, "plan": "pro", "subject": "Refund", "queue": "support"}
        sub = await alice.request(cd.SubmitForm(interaction_id=iid, design_id="intake", revision=1, values=values))
        assert sub.by == "alice" and sub.revision == 1 and sub.interaction_id == iid
        assert "manager" not in sub.values and sub.values["name"] == "Li Lei Jr" and sub.values["orders"] == 3
        rows = await app.store.read(submission_rows, iid)
        assert len(rows) == 1 and rows[0][:2] == ("intake", 1) and rows[0][3] == "alice"
        assert '"manager"' not in rows[0][2]

        # Fields bound to the customer were written back through the customer service (and audited there).
        card = await app.customers.card(cid)
        assert card is not None and card.name == "Li Lei Jr" and card.tier == "basic"
        assert card.attributes.get("plan") == "pro"
        assert (ci.IdentityKind.EMAIL, "li@example.com") in {(i.kind, i.value) for i in card.identities}

        # The form changes (revision 2 goes live); old answers keep revision 1, a new pop shows revision 2.
        doc2 = form_doc()
        doc2.fields[4].validators = []
        r2 = await publish_form(sup, doc2, 2, "orders may be anything")
        popped = await alice.request(cd.GetScreenForm(interaction_id=iid))
        assert popped.revision == r2.number == 2 and [s.revision for s in popped.submissions] == [1]
        assert popped.values["name"] == "Li Lei Jr"  # prefill sees the updated customer
        # Against revision 1 the old validator still holds; against revision 2 it does not.
        await refused(alice.request(cd.SubmitForm(interaction_id=iid, design_id="intake", revision=1,
                                                  values={"name": "A", "orders": -1})), ErrorCode.INVALID_ARGUMENT)
        sub2 = await alice.request(cd.SubmitForm(interaction_id=iid, design_id="intake", revision=2,
                                                 values={"name": "Li Lei Jr", "orders": -1}))
        assert sub2.revision == 2
        await refused(alice.request(cd.SubmitForm(interaction_id=iid, design_id="intake", revision=9,
                                                  values={})), ErrorCode.NOT_FOUND)

        # After the interaction ended, its agent may still submit (late wrap-up); bob still may not.
        await alice.request(ci.EndInteraction(interaction_id=iid))
        await alice.wait(m.WrapUpStarted, lambda w: w.task_id == iid)
        await alice.request(m.SubmitWrapUp(task_id=iid, code="resolved"))
        await wait_for(lambda: svc.info(iid) is None)
        late = await alice.request(cd.SubmitForm(interaction_id=iid, design_id="intake", revision=2,
                                                 values={"name": "Li Lei Jr", "plan": "enterprise"}))
        assert late.values["plan"] == "enterprise"
        card = await app.customers.card(cid)
        assert card is not None and card.attributes.get("plan") == "enterprise"
        closed = await alice.request(cd.GetScreenForm(interaction_id=iid))
        assert [s.revision for s in closed.submissions] == [1, 2, 2] and closed.values["subject"] == "Refund"
        await refused(bob.request(cd.SubmitForm(interaction_id=iid, design_id="intake", revision=2,
                                                values={"name": "x"})), ErrorCode.FORBIDDEN)
        sup_view = await sup.request(cd.GetScreenForm(interaction_id=iid))
        assert len(sup_view.submissions) == 3
        await refused(sup.request(cd.GetScreenForm(interaction_id="nope")), ErrorCode.NOT_FOUND)

        # Another customer gives the first one's email: the form does not merge people; the rest is saved.
        other = await svc.open_interaction(channel="chat", queue="support", identities=visitor("f2"), name="Han")
        await accept(alice, other.interaction_id)
        sub3 = await alice.request(cd.SubmitForm(interaction_id=other.interaction_id, design_id="intake", revision=2,
                                                 values={"name": "Han Meimei", "email": "li@example.com"}))
        assert sub3.values["email"] == "li@example.com"
        card = await app.customers.card(other.customer_id)
        assert card is not None and card.name == "Han Meimei"
        assert ci.IdentityKind.EMAIL not in {i.kind for i in card.identities}
