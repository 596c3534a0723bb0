"""The flow runner, node type by node type (chat and voice), with the scope and the trace."""
from __future__ import annotations

import pytest

from edge_server.contract.designs import FlowChannel, FlowOutcome, Variable
from edge_server.flows.io import Choice
from tests.edge_server.flows.test_runtime_support import (
    FakeIO,
    FakeServices,
    exits,
    flow,
    node,
    path,
    run,
    t,
)

pytestmark = pytest.mark.asyncio

END = node("end", "end", text=t("Bye {contact.name}", "再见 {contact.name}"))


def menu(**extra: object) -> object:
    config = {"prompt": t("Pick one"), "retry_prompt": t("Please pick again"), "max_retries": 1,
              "options": [{"key": "1", "label": t("Sales", "销售")}, {"key": "2", "label": t("Support", "支持")}],
              "timeout_s": 7}
    config.update(extra)
    return config


# --- message / end / locales ---------------------------------------------------------------


async def test_message_then_end_renders_templates_in_the_io_language() -> None:
    doc = flow(node("hi", "message", {"next": "end"}, text=t("Hello {contact.name}, hour {now.hour}",
                                                             "您好 {contact.name}")), END)
    result, sink, io = await run(doc, FakeIO(language="en"))
    assert result.outcome == FlowOutcome.ENDED and result.error == ""
    assert io.texts == ["Hello Li Lei, hour 12", "Bye Li Lei"]  # noon in Shanghai (the default zone)
    assert path(sink) == ["start", "hi", "end"]
    assert exits(sink) == ["next", "next", ""]
    assert [s.seq for s in sink.steps] == [1, 2, 3]
    assert sink.steps[1].output == "Hello Li Lei, hour 12"
    assert sink.execution is not None and sink.execution.design_id == "d1" and sink.execution.revision == 3
    assert sink.execution.contact["name"] == "Li Lei"

    _, _, io_zh = await run(doc, FakeIO(language="zh-CN"))
    assert io_zh.texts == ["您好 Li Lei", "再见 Li Lei"]


async def test_missing_locale_falls_back_to_the_documents_first_locale() -> None:
    doc = flow(node("hi", "message", {"next": "end"}, text={"zh-CN": "只有中文"}), node("end", "end"))
    doc.locales = ["zh-CN", "en"]
    _, _, io = await run(doc, FakeIO(language="en"))
    assert io.texts == ["只有中文"]  # an end without text says nothing


async def test_message_passes_the_audio_file() -> None:
    doc = flow(node("hi", "message", {"next": "end"}, text=t("Hi"), audio="welcome.wav"), node("end", "end"))
    _, _, io = await run(doc, FakeIO(channel="voice"))
    assert io.said == [("Hi", "welcome.wav", ())]


# --- menu ------------------------------------------------------------------------------------


def menu_flow(exits_: dict[str, str | None], **extra: object) -> object:
    return flow(node("m", "menu", exits_, **menu(**extra)),
                node("sales", "end", text=t("sales")), node("support", "end", text=t("support")),
                node("nomatch", "end", text=t("nomatch")), node("late", "end", text=t("late")),
                node("giveup", "end", text=t("giveup")))


@pytest.mark.parametrize(("answer", "expected"), [("2", "support"), ("  sales ", "sales"), ("SUPPORT", "support"),
                                                  ("销售", "sales")])
async def test_menu_chat_accepts_key_label_and_position(answer: str, expected: str) -> None:
    doc = menu_flow({"1": "sales", "2": "support", "max_retries": "giveup"})
    io = FakeIO(answers=[answer], language="zh-CN" if answer == "销售" else "en")
    result, sink, io = await run(doc, io)
    assert path(sink) == ["start", "m", expected]
    assert io.said[0][2] == (Choice("1", "销售" if answer == "销售" else "Sales"),
                             Choice("2", "支持" if answer == "销售" else "Support"))
    assert io.asks[0]["timeout_s"] == 7
    assert sink.steps[1].input == answer
    assert result.outcome == FlowOutcome.ENDED


async def test_menu_chat_position_picks_the_nth_option_when_keys_are_not_digits() -> None:
    doc = flow(node("m", "menu", {"a": "end", "b": "end", "max_retries": "end"},
                    **menu(options=[{"key": "a", "label": t("A")}, {"key": "b", "label": t("B")}])), END)
    _, sink, _ = await run(doc, FakeIO(answers=["2"]))
    assert sink.steps[1].exit == "b"


async def test_menu_wrong_answer_goes_to_no_match_when_wired() -> None:
    doc = menu_flow({"1": "sales", "2": "support", "no_match": "nomatch", "max_retries": "giveup"})
    _, sink, io = await run(doc, FakeIO(answers=["pizza"]))
    assert path(sink)[-1] == "nomatch" and sink.steps[1].exit == "no_match"


async def test_menu_wrong_answer_retries_with_the_retry_prompt_then_max_retries() -> None:
    doc = menu_flow({"1": "sales", "2": "support", "max_retries": "giveup"})
    _, sink, io = await run(doc, FakeIO(answers=["pizza", "9"]))
    assert io.texts[:2] == ["Pick one", "Please pick again"]
    assert io.said[1][2]  # the retry shows the buttons again
    assert sink.steps[1].exit == "max_retries" and path(sink)[-1] == "giveup"
    assert sink.steps[1].input == "pizza | 9"


async def test_menu_retry_then_good_answer() -> None:
    doc = menu_flow({"1": "sales", "2": "support", "max_retries": "giveup"})
    _, sink, _ = await run(doc, FakeIO(answers=[None, "1"]))  # no answer, then "1"
    assert path(sink)[-1] == "sales"
    assert sink.steps[1].input == "(no answer) | 1"


async def test_menu_timeout_exit_when_wired() -> None:
    doc = menu_flow({"1": "sales", "2": "support", "timeout": "late", "max_retries": "giveup"})
    _, sink, _ = await run(doc, FakeIO(answers=[None]))
    assert sink.steps[1].exit == "timeout" and path(sink)[-1] == "late"


async def test_menu_voice_takes_the_digit_only() -> None:
    doc = menu_flow({"1": "sales", "2": "support", "max_retries": "giveup"}, max_retries=0)
    doc.channel = FlowChannel.VOICE
    _, sink, io = await run(doc, FakeIO(answers=["sales"], channel="voice"))
    assert sink.steps[1].exit == "max_retries"  # voice: labels are not answers
    assert io.asks[0]["max_digits"] == 1
    _, sink, _ = await run(doc, FakeIO(answers=["2"], channel="voice"))
    assert sink.steps[1].exit == "2"


# --- collect --------------------------------------------------------------------------------


def collect_flow(variables: list[Variable], **config: object) -> object:
    base = {"prompt": t("Your {what}?"), "variable": "answer", "max_retries": 1, "retry_prompt": t("Again?")}
    base.update(config)
    return flow(node("c", "collect", {"ok": "done", "max_retries": "fail"}, **base),
                node("done", "end", text=t("Got {answer}")), node("fail", "end", text=t("No luck")),
                variables=variables)


@pytest.mark.parametrize(("kind", "answers", "stored", "exit_"), [
    ("digits", ["12a", "1234"], "1234", "ok"),
    ("number", ["lots", "12.5"], "12.5", "ok"),
    ("phone", ["12345", "138 0013 8000"], "+8613800138000", "ok"),  # stored normalised (E.164)
    ("phone", ["+1 650 253 0000"], "+16502530000", "ok"),
    ("email", ["bob@", "bob@example.com"], "bob@example.com", "ok"),
    ("text", ["", "   "], "", "max_retries"),
])
async def test_collect_checks_the_input_kind(kind: str, answers: list[str], stored: str, exit_: str) -> None:
    doc = collect_flow([Variable(name="answer")], input=kind)
    result, sink, io = await run(doc, FakeIO(answers=list(answers)))
    assert sink.steps[1].exit == exit_
    assert result.variables["answer"] == stored
    if exit_ == "ok":
        assert sink.steps[1].vars_changed == {"answer": stored}
        if len(answers) > 1:
            assert io.texts[1] == "Again?"


async def test_collect_lengths_and_validate_expression() -> None:
    doc = collect_flow([Variable(name="answer")], input="digits", min_length=4, max_length=6,
                       validate="starts_with(value, '9')", max_retries=3)
    result, sink, _ = await run(doc, FakeIO(answers=["123", "1234567", "1234", "9876"]))
    assert sink.steps[1].exit == "ok" and result.variables["answer"] == "9876"


async def test_collect_voice_passes_digits_and_terminator() -> None:
    doc = collect_flow([Variable(name="answer")], input="digits", max_length=6, terminator="#")
    doc.channel = FlowChannel.VOICE
    _, _, io = await run(doc, FakeIO(answers=["123"], channel="voice"))
    assert io.asks[0] == {"timeout_s": 60.0, "max_digits": 6, "terminator": "#"}


async def test_collect_into_a_number_variable_coerces() -> None:
    doc = collect_flow([Variable(name="answer", type="number")], input="number")
    doc.nodes[1].exits["ok"] = "check"
    doc.nodes.append(node("check", "condition", {"big": "done", "else": "fail"},
                          branches=[{"name": "big", "when": "answer + 1 > 100"}]))
    result, sink, _ = await run(doc, FakeIO(answers=["100"]))
    assert path(sink) == ["start", "c", "check", "done"]
    assert result.variables["answer"] == "100"


async def test_sensitive_collect_masks_the_trace_but_not_the_flow() -> None:
    doc = collect_flow([Variable(name="answer", sensitive=True)], input="digits")
    doc.nodes[2].config["text"] = t("PIN {answer}, you typed {last.input}")
    result, sink, io = await run(doc, FakeIO(answers=["4321"]))
    step = sink.steps[1]
    assert step.input == "***" and step.vars_changed == {"answer": "***"}
    assert io.texts[-1] == "PIN 4321, you typed 4321"  # the customer sees the real value
    assert sink.steps[2].output == "PIN ***, you typed ***"  # the trace never does
    assert "4321" not in repr(sink.steps)
    assert result.variables["answer"] == "4321" and result.masked()["answer"] == "***"


# --- bot ---------------------------------------------------------------------------------------


def bot_flow(**extra: object) -> object:
    config = {
        "prompt": t("Ask me"),
        "intents": [
            {"name": "hours", "keywords": ["hours", "open", "营业时间"], "answer": t("We open at 9", "九点开门")},
            {"name": "refund", "keywords": ["refund", "money back", "open"], "answer": t("Refunds take 3 days")},
        ],
        "followup": t("Anything else?"),
        "fallback": t("Sorry?"),
        "max_turns": 5,
    }
    config.update(extra)
    return flow(node("b", "bot", {"resolved": "done", "handoff": "agent", "timeout": "late"}, **config),
                node("done", "end", text=t("done")), node("agent", "end", text=t("agent")),
                node("late", "end", text=t("late")))


async def test_bot_answers_by_best_keyword_match_then_resolves() -> None:
    # "open" hits both intents; "refund" + "money back" makes refund the better match.
    _, sink, io = await run(bot_flow(), FakeIO(answers=["When are you OPEN?", "open: refund my money back",
                                                       "ok thanks"]))
    assert io.texts[:6] == ["Ask me", "We open at 9", "Anything else?", "Refunds take 3 days", "Anything else?",
                            "done"][:6]
    assert sink.steps[1].exit == "resolved"
    assert sink.steps[1].input == "When are you OPEN? | open: refund my money back | ok thanks"


async def test_bot_matches_chinese_by_substring() -> None:
    _, sink, io = await run(bot_flow(), FakeIO(answers=["请问你们的营业时间是几点", "谢谢"], language="zh-CN"))
    assert "九点开门" in io.texts and sink.steps[1].exit == "resolved"


async def test_bot_hands_off_on_request() -> None:
    _, sink, _ = await run(bot_flow(), FakeIO(answers=["I want a human please"]))
    assert sink.steps[1].exit == "handoff"
    _, sink, _ = await run(bot_flow(), FakeIO(answers=["转人工"], language="zh-CN"))
    assert sink.steps[1].exit == "handoff"


async def test_bot_hands_off_after_two_misunderstandings_in_a_row() -> None:
    _, sink, io = await run(bot_flow(), FakeIO(answers=["blah", "hours?", "blah", "blah"]))
    assert sink.steps[1].exit == "handoff"
    assert io.texts.count("Sorry?") == 2  # understood in between, so it took two more


async def test_bot_hands_off_after_max_turns() -> None:
    _, sink, _ = await run(bot_flow(max_turns=2), FakeIO(answers=["hours", "refund"]))
    assert sink.steps[1].exit == "handoff"


async def test_bot_timeout() -> None:
    _, sink, _ = await run(bot_flow(), FakeIO(answers=[None]))
    assert sink.steps[1].exit == "timeout" and path(sink)[-1] == "late"


# --- condition / set_variable -------------------------------------------------------------------


async def test_condition_takes_first_true_branch_else_else() -> None:
    doc = flow(node("set", "set_variable", {"next": "cond"},
                    assignments=[{"variable": "n", "value": "'7'"}, {"variable": "vip", "value": "n > 5"},
                                 {"variable": "label", "value": "'n=' + n"}]),
               node("cond", "condition", {"small": "a", "vip": "b", "else": "c"},
                    branches=[{"name": "small", "when": "n < 5"}, {"name": "vip", "when": "vip"}]),
               node("a", "end"), node("b", "end", text=t("{label} {vip}")), node("c", "end"),
               variables=[Variable(name="n", type="number"), Variable(name="vip", type="boolean"),
                          Variable(name="label")])
    result, sink, io = await run(doc)
    assert path(sink) == ["start", "set", "cond", "b"]
    assert sink.steps[1].vars_changed == {"n": "7", "vip": "true", "label": "n=7"}
    assert result.variables == {"n": "7", "vip": "true", "label": "n=7"}
    assert io.texts == ["n=7 true"]


async def test_declared_defaults_are_typed() -> None:
    doc = flow(node("cond", "condition", {"yes": "a", "else": "b"},
                    branches=[{"name": "yes", "when": "tries + 1 == 3 && !flag && name == 'x'"}]),
               node("a", "end"), node("b", "end"),
               variables=[Variable(name="tries", type="number", default="2"),
                          Variable(name="flag", type="boolean", default="false"),
                          Variable(name="name", default="x")])
    _, sink, _ = await run(doc)
    assert sink.steps[-1].node_id == "a"


async def test_a_text_into_a_number_variable_fails_clearly() -> None:
    doc = flow(node("set", "set_variable", {"next": "end"}, assignments=[{"variable": "n", "value": "'abc'"}]),
               END, variables=[Variable(name="n", type="number")])
    result, sink, _ = await run(doc)
    assert result.outcome == FlowOutcome.FAILED
    assert "variable n is a number" in sink.steps[-1].error and "variable n" in result.error


async def test_an_expression_error_fails_the_node_with_the_error_traced() -> None:
    doc = flow(node("cond", "condition", {"x": "end", "else": "end"}, branches=[{"name": "x", "when": "1 / 0"}]),
               END)
    result, sink, _ = await run(doc)
    assert result.outcome == FlowOutcome.FAILED
    assert "division by zero" in sink.steps[-1].error and sink.steps[-1].exit == ""
    assert "cond" in result.error


# --- business hours / customer lookup ----------------------------------------------------------------


async def test_business_hours_open_and_closed_in_the_nodes_zone() -> None:
    def doc_for(tz: str) -> object:
        return flow(node("bh", "business_hours", {"open": "o", "closed": "c"}, timezone=tz,
                         hours=[{"days": ["mon"], "open": "09:00", "close": "18:00"}]),
                    node("o", "end"), node("c", "end"))

    _, sink, _ = await run(doc_for("Asia/Shanghai"))  # Monday noon there
    assert sink.steps[1].exit == "open" and "Mon 12:00 Asia/Shanghai" in sink.steps[1].output
    _, sink, _ = await run(doc_for("America/New_York"))  # Sunday 23:00 there
    assert sink.steps[1].exit == "closed"


async def test_now_names_follow_the_first_business_hours_zone() -> None:
    doc = flow(node("hi", "message", {"next": "bh"}, text=t("{now.weekday} {now.hour}:{now.minute} {now.date}")),
               node("bh", "business_hours", {"open": "end", "closed": "end"}, timezone="America/New_York",
                    hours=[{"days": ["sun"], "open": "20:00", "close": "02:00"}]), END)
    _, sink, io = await run(doc)
    assert io.texts[0] == "7 23:0 2026-11-22"
    assert sink.steps[2].exit == "open"  # an overnight span, evening part


async def test_customer_lookup_found_fills_customer_names() -> None:
    customer = {"id": "c9", "name": "Han Meimei", "tier": "gold", "vip": True, "tags": ["a"], "last_agent": "zoe",
                "attributes": {"plan": "pro"}}
    doc = flow(node("look", "customer_lookup", {"found": "hi", "not_found": "end"}),
               node("hi", "message", {"next": "route"},
                    text=t("{customer.name} {customer.tier} {customer.attributes.plan} {customer.found}")),
               node("route", "route", queue="vip", preferred_agent="customer.last_agent",
                    priority="1 + 4"),
               END)
    services = FakeServices(customer=customer)
    result, sink, io = await run(doc, services=services)
    assert services.lookups == [("contact", "+8613800138000")]
    assert io.texts[0] == "Han Meimei gold pro true"
    assert io.routes[0]["preferred_agent"] == "zoe" and io.routes[0]["priority"] == 5
    assert result.outcome == FlowOutcome.ROUTED


async def test_customer_lookup_by_expression_and_not_found() -> None:
    doc = flow(node("look", "customer_lookup", {"found": "end", "not_found": "hi"}, identity="email",
                    value="lower('Bob@Example.com')"),
               node("hi", "message", {"next": "end"}, text=t("found={customer.found} name={customer.name}")), END)
    services = FakeServices(customer=None)
    _, sink, io = await run(doc, services=services)
    assert services.lookups == [("email", "bob@example.com")]
    assert io.texts[0] == "found=false name="


# --- route / transfer ------------------------------------------------------------------------------


async def test_route_passes_queue_priority_skills_agent_and_masked_variables() -> None:
    doc = flow(node("route", "route", {"unavailable": "end"}, queue="support", priority="vip_level * 2",
                    skills={"billing": 3}, message=t("Connecting you")),
               END, variables=[Variable(name="vip_level", type="number", default="3"),
                               Variable(name="pin", default="1234", sensitive=True)])
    result, sink, io = await run(doc)
    assert result.outcome == FlowOutcome.ROUTED
    assert io.routes == [{"queue": "support", "priority": 6, "skills": {"billing": 3}, "preferred_agent": "",
                          "variables": {"vip_level": "3", "pin": "***"}}]
    assert io.texts == ["Connecting you"]  # said once routing accepted
    assert sink.steps[-1].node_id == "route" and sink.steps[-1].exit == ""


async def test_route_unavailable_takes_its_exit_or_ends() -> None:
    doc = flow(node("route", "route", {"unavailable": "end"}, queue="support", message=t("wait")), END)
    result, sink, io = await run(doc, FakeIO(route_ok=False))
    assert path(sink) == ["start", "route", "end"] and sink.steps[1].exit == "unavailable"
    assert "wait" not in io.texts and result.outcome == FlowOutcome.ENDED
    doc.nodes[1].exits = {"unavailable": None}
    result, sink, _ = await run(doc, FakeIO(route_ok=False))
    assert result.outcome == FlowOutcome.ENDED and sink.steps[-1].exit == "unavailable"


async def test_transfer_number_on_voice() -> None:
    doc = flow(node("tx", "transfer_number", {"failed": "end"}, number="+86{contact.to}"), END,
               channel=FlowChannel.VOICE)
    io = FakeIO(channel="voice")
    result, _, io = await run(doc, io, contact={"to": "1010", "from": "1"})
    assert io.transfers == ["+861010"] and result.outcome == FlowOutcome.TRANSFERRED
    result, sink, _ = await run(doc, FakeIO(channel="voice", transfer_ok=False), contact={"to": "1010"})
    assert sink.steps[1].exit == "failed" and result.outcome == FlowOutcome.ENDED


# --- voicemail / callback / work order -----------------------------------------------------------------


async def test_voicemail_in_chat_leaves_a_work_item() -> None:
    doc = flow(node("vm", "voicemail", queue="followup", prompt=t("Leave a message")))
    services = FakeServices()
    result, sink, io = await run(doc, FakeIO(answers=["please call me about order 7"]), services)
    assert result.outcome == FlowOutcome.ENDED and sink.steps[-1].exit == "done"
    assert io.records == [{"max_seconds": 120, "timeout_s": 60.0}]
    assert services.orders == [{"queue": "followup", "subject": "Message from +8613800138000", "kind": "voicemail",
                                "fields": {"from": "+8613800138000", "channel": "chat",
                                           "message": "please call me about order 7"}}]


async def test_voicemail_on_voice_stores_the_recording() -> None:
    doc = flow(node("vm", "voicemail", queue="followup", prompt=t("After the tone"), max_seconds=30),
               channel=FlowChannel.VOICE)
    services = FakeServices()
    await run(doc, FakeIO(answers=["/var/rec/1.wav"], channel="voice"), services)
    assert services.orders[0]["fields"]["recording"] == "/var/rec/1.wav"


@pytest.mark.parametrize(("answers", "exit_"), [(["是"], "accepted"), (["Yes"], "accepted"), (["1"], "accepted"),
                                                (["no"], "declined"), (["否"], "declined"),
                                                (["maybe", "好"], "accepted"), ([None], "declined")])
async def test_callback_yes_no_in_chat(answers: list[str | None], exit_: str) -> None:
    doc = flow(node("cb", "callback", {"accepted": "end", "declined": "end"}, queue="callbacks",
                    prompt=t("Call you back?")), END)
    services = FakeServices()
    _, sink, io = await run(doc, FakeIO(answers=list(answers)), services)
    assert sink.steps[1].exit == exit_
    if exit_ == "accepted":
        assert services.orders == [{"queue": "callbacks", "subject": "Call back +8613800138000",
                                    "fields": {"number": "+8613800138000"}, "kind": "callback"}]
    else:
        assert services.orders == []
    assert io.texts.count("Call you back?") == len(answers)


async def test_work_order_renders_fields_and_error_exit() -> None:
    doc = flow(node("wo", "work_order", {"next": "ok", "error": "bad"}, queue="orders", subject="Order {n}",
                    fields=[{"name": "amount", "value": "n * 10"}, {"name": "who", "value": "contact.name"}]),
               node("ok", "end"), node("bad", "end"),
               variables=[Variable(name="n", type="number", default="4")])
    services = FakeServices()
    _, sink, _ = await run(doc, services=services)
    assert services.orders == [{"queue": "orders", "subject": "Order 4", "fields": {"amount": "40", "who": "Li Lei"},
                                "kind": "work_order"}]
    assert sink.steps[1].exit == "next" and "wo-1" in sink.steps[1].output
    _, sink, _ = await run(doc, services=FakeServices(fail_orders=True))
    assert sink.steps[1].exit == "error" and path(sink)[-1] == "bad"
