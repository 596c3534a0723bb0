"""The screen-pop form against a real edge: a supervisor publishes and binds a form, a chat reaches Alice's
real EdgeSession, the section loads the live form prefilled, submits, and the edge refuses what its own
forms_eval check refuses.

The edge (store, routing, interactions, designs, bus on loopback ports) runs in this test's qasync
loop, as in tests/e2e/test_interactions_e2e.py; the desktop side is the product's EdgeSession.
"""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pytestqt.qtbot import QtBot

from desktop.forms.client import FormRefused, ScreenFormClient
from desktop.screenpop.form_section import FormSection, form_context
from desktop.session import EdgeSession
from edge_server.contract import designs as cd
from edge_server.contract import messages as m
from test_form_view import billing_form
from tests.edge_server.interactions.interactions_helpers import PASSWORD, agent, import_site, running_edge, visitor

pytestmark = [pytest.mark.e2e]

T = TypeVar("T")


def run(qtbot: QtBot, coro: Coroutine[Any, Any, T], timeout_s: float = 20) -> T:
    """Run ``coro`` on the qasync loop while Qt processes events; its result."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=int(timeout_s * 1000))
    return task.result()


@pytest.fixture
def edge(qtbot: QtBot, qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[Any]:
    data = tmp_path / "data"
    run(qtbot, import_site(data))
    stack = AsyncExitStack()
    app = run(qtbot, stack.enter_async_context(running_edge(data)))
    try:
        yield app
    finally:
        run(qtbot, stack.aclose())


async def _publish_and_bind(app: Any) -> cd.RevisionInfo:
    doc = billing_form()
    async with agent(app, "sup", ready=False) as sup:
        saved = await sup.request(cd.SaveDraft(document=doc))
        assert isinstance(saved, cd.DraftSaved)
        info = await sup.request(cd.PublishDesign(design_id=doc.id, draft_version=saved.summary.draft_version,
                                                  message="first"))
        await sup.request(cd.SetBinding(binding=cd.Binding(entry_kind=cd.EntryKind.QUEUE_FORM, entry_key="support",
                                                           design_id=doc.id)))
        return info


def test_section_against_a_real_edge(qtbot: QtBot, edge: Any) -> None:
    revision = run(qtbot, _publish_and_bind(edge))
    session = EdgeSession(client_id="desk-form-live", request_timeout_s=10.0)
    failures: list[tuple[str, str]] = []
    session.command_failed.connect(lambda c, msg: failures.append((c, msg)))
    assert run(qtbot, session.login(edge.bus.router_address, "alice", PASSWORD))
    try:
        run(qtbot, session.set_state(m.AgentState.READY))
        with qtbot.waitSignal(session.offer_received, timeout=10_000) as offered:
            run(qtbot, edge.interactions.open_interaction(channel="chat", queue="support", identities=visitor("f"),
                                                          name="王小明", subject="账单"))
        offer = offered.args[0]
        assert run(qtbot, session.accept_offer(offer)) is not None
        iid = offer.task.interaction_id

        section = FormSection(ScreenFormClient(session))  # type: ignore[arg-type]
        qtbot.addWidget(section)
        section.resize(480, 800)
        with qtbot.waitSignal(section.loaded, timeout=10_000) as loaded:
            section.load(iid, form_context(offer.task, None, "alice"))
        assert loaded.args == [True] and not section.isHidden()
        screen = section.screen_form
        assert screen is not None and (screen.design_id, screen.revision) == ("billing", revision.number)
        assert section.view.values()["customer_name"] == "王小明"  # the edge prefilled it from the customer

        v = section.view
        v.field_widget("account_no").editor.setText("12345678")
        v.field_widget("issue").editor.buttons[1].click()  # refund: the amount shows and is required
        v.field_widget("amount").editor.setText("120.5")
        with qtbot.waitSignal(section.submitted, timeout=10_000) as sub:
            v.submit_button.click()
        saved: cd.FormSubmission = sub.args[0]
        assert saved.by == "alice" and saved.revision == revision.number
        assert saved.values["amount"] == 120.5 and saved.values["issue"] == "refund"
        assert section.status_label.text().startswith("Saved ")

        # The edge re-checks with forms_eval: what the form refuses here, it refuses there.
        client = ScreenFormClient(session)  # type: ignore[arg-type]
        bad = dict(saved.values, amount=9000)  # over the form's max validator
        refusal = run(qtbot, _refused(client.submit(iid, "billing", revision.number, bad)))
        assert "need attention" in refusal.message
        assert list(refusal.errors) == ["amount"] and refusal.errors["amount"][0]["en"]  # the edge's verdict
        # A second valid submit is a second submission.
        again = run(qtbot, client.submit(iid, "billing", revision.number, saved.values))
        assert again is not None and again.submission_id != saved.submission_id
        reloaded = run(qtbot, client.get(iid))
        assert reloaded is not None and len(reloaded.submissions) == 2
    finally:
        run(qtbot, session.close())


async def _refused(submit: Any) -> FormRefused:
    try:
        await submit
    except FormRefused as e:
        return e
    raise AssertionError("the edge stored an invalid submission")
