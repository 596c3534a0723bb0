"""CustomerSearchDialog: debounced search, hits with what matched, open; merge/split/audit for supervisors only."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from desktop.interactions_hub import InteractionsHub
from desktop.screenpop.search_dialog import DEBOUNCE_MS, CustomerSearchDialog
from desktop_fakes import FakeSession, snapshot
from edge_server.contract import interactions as ci
from edge_server.contract.messages import Role
from test_screenpop_data import NOW, view, wang


def _bo() -> ci.CustomerCard:
    return ci.CustomerCard(customer_id="c-bo", name="Wang Xiaoming", identities=[
        ci.Identity(kind=ci.IdentityKind.EMAIL, value="bo@x.cn")])


def _hits(_body: ci.SearchCustomers) -> ci.CustomerList:
    return ci.CustomerList(hits=[
        ci.CustomerHit(card=wang(), matched="name"),
        ci.CustomerHit(card=_bo(), matched="message", snippet="我的<b>账单</b>被重复扣款", interaction_id="i9"),
    ])


def _dialog(qtbot: QtBot, session: FakeSession, role: Role) -> CustomerSearchDialog:
    session.snapshot = snapshot(role)
    hub = InteractionsHub(session)  # type: ignore[arg-type]
    session.replies.update({
        "search_customers": _hits,
        "get_customer": lambda body: view(wang() if body.customer_id == "c-wang" else _bo(), n=5),
        "get_customer_audit": ci.CustomerAudit(entries=[
            ci.AuditEntry(ts_ms=NOW - 1000, customer_id="c-wang", action="merged", by="sup1",
                          details={"merged_id": "c-old"}),
            ci.AuditEntry(ts_ms=NOW - 9000, customer_id="c-wang", action="created", by="li.wei")]),
    })
    d = CustomerSearchDialog(hub)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def _searches(session: FakeSession) -> list[str]:
    return [c[2].query for c in session.sent("call") if c[1] == "search_customers"]


def test_typing_is_debounced_into_one_search(qtbot: QtBot, session: FakeSession) -> None:
    d = _dialog(qtbot, session, Role.AGENT)
    for text in ("w", "wa", "wan", "wang"):
        d.query_edit.setText(text)
    qtbot.wait(DEBOUNCE_MS // 2)
    assert _searches(session) == []  # still typing
    qtbot.waitUntil(lambda: d.hits_list.count() == 2, timeout=3000)
    assert _searches(session) == ["wang"]
    first, second = (d.hits_list.item(i).text() for i in range(2))
    assert first.startswith("王小明") and "Name matches" in first
    assert "Found in a message: 我的<b>账单</b>被重复扣款" in second  # plain-text item: shown literally
    assert d.status_label.text() == "2 customer(s) found" or "2" in d.status_label.text()


def test_agent_opens_a_customer_but_sees_no_merge_split_or_audit(qtbot: QtBot, session: FakeSession) -> None:
    d = _dialog(qtbot, session, Role.AGENT)
    d.query_edit.setText("wang")
    d.search_now()
    qtbot.waitUntil(lambda: d.hits_list.count() == 2, timeout=3000)
    d.hits_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: d.open_customer is not None, timeout=3000)
    assert d.card_view.isVisible() and d.card_view.name_label.text() == "王小明"
    assert d.timeline_view.timeline_model.rowCount() == 5
    assert not d.merge_button.isVisible() and not d.split_button.isVisible()
    assert d.tabs.count() == 1
    assert not [c for c in session.sent("call") if c[1] == "get_customer_audit"]


def test_supervisor_merges_two_customers(qtbot: QtBot, session: FakeSession) -> None:
    d = _dialog(qtbot, session, Role.SUPERVISOR)
    d.query_edit.setText("wang")
    d.search_now()
    qtbot.waitUntil(lambda: d.hits_list.count() == 2, timeout=3000)
    d.hits_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: d.audit_list.count() == 2, timeout=3000)
    assert "merged another customer into this one" in d.audit_list.item(0).text()
    assert d.tabs.count() == 2 and d.merge_button.isVisible() and not d.merge_button.isEnabled()
    d.hits_list.setCurrentRow(1, QItemSelectionModel.SelectionFlag.Select)
    assert len(d.hits_list.selectedItems()) == 2 and d.merge_button.isEnabled()
    # First the edge refuses: the error shows, nothing crashes.
    session.replies["merge_customers"] = None
    d.merge_button.click()
    m = d.merge_dialog
    assert m is not None and not m.ok_button().isEnabled()  # confirm first
    m.keep_first.setChecked(True)
    m.reason_edit.setText("same phone, same person")
    m.confirm_check.setChecked(True)
    m.ok_button().click()
    qtbot.waitUntil(d.error_label.isVisible, timeout=3000)
    assert "merge_customers failed" in d.error_label.text()
    # Then it takes it: the survivor opens.
    session.replies["merge_customers"] = wang()
    d.merge_button.click()
    m = d.merge_dialog
    m.keep_second.setChecked(True)
    m.confirm_check.setChecked(True)
    with qtbot.waitSignal(d.customers_merged, timeout=3000) as sig:
        m.ok_button().click()
    merges = [c[2] for c in session.sent("call") if c[1] == "merge_customers"]
    assert (merges[0].survivor_id, merges[0].merged_id, merges[0].reason) == (
        "c-wang", "c-bo", "same phone, same person")
    assert (merges[1].survivor_id, merges[1].merged_id) == ("c-bo", "c-wang")
    assert sig.args[0].customer_id == "c-wang"


def test_supervisor_splits_identities_off(qtbot: QtBot, session: FakeSession) -> None:
    d = _dialog(qtbot, session, Role.SUPERVISOR)
    d.query_edit.setText("wang")
    d.search_now()
    qtbot.waitUntil(lambda: d.hits_list.count() == 2, timeout=3000)
    d.hits_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: d.split_button.isEnabled(), timeout=3000)
    d.split_button.click()
    s = d.split_dialog
    assert s is not None and s.identity_list.count() == 2 and not s.ok_button().isEnabled()
    s.set_checked(["oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "+8613800138000"])
    assert not s.ok_button().isEnabled()  # moving everything is no split
    s.set_checked(["+8613800138000"])
    assert s.ok_button().isEnabled()
    s.name_edit.setText("王小明的同事")
    s.reason_edit.setText("shared phone")
    session.replies["split_customer"] = ci.CustomerCard(customer_id="c-new", name="王小明的同事")
    with qtbot.waitSignal(d.customer_split, timeout=3000) as sig:
        s.ok_button().click()
    body = [c[2] for c in session.sent("call") if c[1] == "split_customer"][0]
    assert body.customer_id == "c-wang" and body.name == "王小明的同事" and body.reason == "shared phone"
    assert body.identities == [ci.Identity(kind=ci.IdentityKind.PHONE, value="+8613800138000")]
    assert sig.args[0].customer_id == "c-new"


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR])
def test_failed_search_says_so(qtbot: QtBot, session: FakeSession, role: Role) -> None:
    d = _dialog(qtbot, session, role)
    session.replies["search_customers"] = None
    d.query_edit.setText("x")
    d.search_now()
    qtbot.waitUntil(lambda: d.status_label.text() == "search_customers failed", timeout=3000)
    assert d.hits_list.count() == 0
