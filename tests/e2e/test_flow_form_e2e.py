"""Designed flow and form, end to end: IT imports the demo's flow and form with the real CLI and binds them;
a real headless Chromium visitor goes through the flow in the widget (greeting by name from the customer
lookup, the menu, a bot answer, "人工"), reaches Alice's real desktop with the bot's part of the transcript on
her screen, and the published form pops under the customer card prefilled from its bindings. Alice fills
it in through the form's own widgets and submits; the edge re-checks it and the submission shows in the
customer's timeline.
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import asyncio  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from desktop.workspace.transcript_model import SendState  # noqa: E402
from edge_server.contract import interactions as ci  # noqa: E402
from test_desktop_chat_e2e import (  # noqa: E402,F401 - fixtures and helpers of the chat e2e
    CUSTOMER,
    CUSTOMER_ID,
    EMAIL,
    FAILURES,
    Browser,
    Desk,
    Edge,
    _bubbles,
    _desk,
    _go_ready,
    _run,
    _shot,
    _type_in_widget,
    _visible,
    _wait,
    chat_edge,
    driver,
    qloop,
    styled,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
DESIGNS = ROOT / "resources" / "demo" / "designs"


@pytest.fixture
def site(site: Path) -> Path:
    """The demo site plus the demo's flow (bound to the widget) and billing form (bound to billing.zh),
    imported with the CLI IT uses."""
    from e2e_support import run_main

    out = run_main("admin", "--data-dir", str(site), "import-design", str(DESIGNS / "webchat_flow.json"),
                   str(DESIGNS / "billing_form.json"), "--bind", "webchat:default=demo-webchat-flow",
                   "--bind", "queue_form:billing.zh=demo-billing-form", "--message", "e2e")
    assert "revision 1 is live" in out and "bound webchat:default" in out, out
    return site


def _bot_lines(d: Any) -> list[str]:
    return [text for kind, text in _bubbles(d) if kind == "bot"]


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_a_web_chat_goes_through_the_published_flow_and_the_agent_gets_the_published_form(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, styled: QApplication, chat_edge: Edge, driver: Any,
    tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By

    FAILURES.clear()
    b = Browser(driver, qtbot)
    desks: list[Desk] = []
    try:
        alice = _desk(qtbot, tmp_path, chat_edge, "desk1", "alice")
        desks.append(alice)
        _go_ready(qtbot, alice)

        def open_widget(d: Any) -> None:
            d.get(chat_edge.webchat + "/widget/test.html?lang=zh")
            d.find_element(By.ID, "sb-webchat-launcher").click()
            d.switch_to.frame(d.find_element(By.ID, "sb-webchat-frame"))

        b.do(open_widget)
        b.until(lambda d: _visible(d, "prechat-form"), "the pre-chat form")

        def fill_prechat(d: Any) -> None:
            form = d.find_element(By.ID, "prechat-form")
            form.find_element(By.NAME, "name").send_keys(CUSTOMER)
            form.find_element(By.NAME, "email").send_keys(EMAIL)
            form.find_element(By.NAME, "text").send_keys("你好")
            d.find_element(By.CSS_SELECTOR, "#prechat-form button[type=submit]").click()

        b.do(fill_prechat)
        # The flow looked the customer up (a returning one) and greets her by name, then offers the menu.
        b.until(lambda d: any(f"您好{CUSTOMER}" in t for t in _bot_lines(d)), "the greeting by name")
        b.until(lambda d: any("3. 人工客服" in t for t in _bot_lines(d)), "the menu")
        assert alice.window.offers.toasts() == []  # nobody is disturbed while the bot serves
        b.do(lambda d: _type_in_widget(d, "1"))
        b.until(lambda d: any("账单问题" in t for t in _bot_lines(d)), "the bot's question")
        b.do(lambda d: _type_in_widget(d, "发票什么时候开？"))
        b.until(lambda d: any("电子发票会在付款后 24 小时内" in t for t in _bot_lines(d)), "the bot's answer")

        panel = alice.window.screenpop
        assert panel is not None
        with qtbot.waitSignal(panel.rendered, timeout=10_000, check_params_cb=lambda cid: cid == CUSTOMER_ID):
            b.do(lambda d: _type_in_widget(d, "人工"))
        _wait(qtbot, lambda: alice.window.offers.toasts(), what="the offer")
        offer = alice.window.offers.toasts()[0].offer
        iid = offer.task.interaction_id
        assert offer.task.queue == "billing.zh" and offer.task.customer_id == CUSTOMER_ID
        assert offer.task.priority >= 10  # the flow's VIP branch (a gold, VIP customer)
        qtbot.mouseClick(alice.window.offers.toasts()[0].accept_button, Qt.MouseButton.LeftButton)
        _wait(qtbot, lambda: alice.window.work_list.chat_for(iid) is not None, what="the chat view")
        chat = alice.chat(iid)

        def transcript() -> list[tuple[str, str]]:
            return [(e.msg.author_kind.value, e.msg.text) for e in chat.conversation.transcript.entries()
                    if e.state == SendState.CONFIRMED]

        _wait(qtbot, lambda: ("customer", "人工") in transcript(), what="the whole transcript")
        lines = transcript()
        assert ("customer", "你好") in lines
        assert any(k == "bot" and "电子发票会在付款后 24 小时内" in t for k, t in lines)  # the bot's part

        # --- the published form pops under the card, prefilled from its bindings ------------------
        section = panel.form_section
        _wait(qtbot, lambda: section.isVisible() and section.screen_form is not None, what="the form")
        assert section.screen_form.design_id == "demo-billing-form" and section.screen_form.revision == 1
        view = section.view
        assert view.values()["name"] == CUSTOMER and view.values()["tier"] == "gold"
        assert not view.is_field_shown("amount")  # visible only for a refund
        reason = view.field_widget("reason")
        refund = reason.editor.buttons[[o.value for o in reason.field.options].index("refund")]
        assert refund.text() in ("Refund", "退款")
        qtbot.mouseClick(refund, Qt.MouseButton.LeftButton)
        _wait(qtbot, lambda: view.is_field_shown("amount"), what="the refund amount field")
        view.submit_button.click()  # refused here first: the amount is required for a refund
        assert section.last_submission is None and view.errors_shown()
        amount = view.field_widget("amount").editor
        amount.setFocus()
        qtbot.keyClicks(amount, "120.5")
        order = view.field_widget("order_no").editor
        qtbot.keyClicks(order, "SB20261123")
        _shot(alice.window, tmp_path, "flow_form_e2e_alice.png")
        with qtbot.waitSignal(section.submitted, timeout=10_000) as got:
            view.submit_button.click()
        submission = got.args[0]
        assert submission.revision == 1 and submission.values["reason"] == "refund"
        assert submission.values["amount"] == 120.5 and "invoice_title" not in submission.values

        # --- and the customer's timeline shows what was recorded ------------------------------------
        timeline = _run(qtbot, alice.session.call("get_timeline", ci.GetTimeline(customer_id=CUSTOMER_ID)))
        entry = next(e for e in timeline.entries if e.interaction_id == iid)
        [form] = entry.forms
        shown = {f.label_zh: f.value for f in form.fields}
        assert shown["来电原因"] == "退款" and shown["退款金额（元）"] == "120.5", shown
        assert not FAILURES, FAILURES
    finally:
        for d in desks:
            _run(qtbot, d.session.logout(3.0))
            _run(qtbot, d.session.close())
        b.close()
