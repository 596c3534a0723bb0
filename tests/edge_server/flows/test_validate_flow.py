"""validate_flow: every problem code on a small realistic flow, and the 1,000-node budget."""
from __future__ import annotations

import time
from typing import Any

import msgspec
import pytest

from edge_server.contract.designs import (
    FlowChannel,
    FlowDoc,
    FlowNode,
    FlowTestCase,
    Problem,
    RefCatalog,
    RefItem,
    Severity,
    Variable,
)
from edge_server.flows.nodetypes import NODE_TYPES
from edge_server.flows.validate import has_errors, validate, validate_flow


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


def node(nid: str, type_: str, exits: dict[str, str | None] | None = None, **config: Any) -> FlowNode:
    cfg = NODE_TYPES[type_].default_config() if type_ in NODE_TYPES else {}
    cfg.update(config)
    return FlowNode(id=nid, type=type_, config=cfg, exits=exits or {}, ui={"x": 1.0, "y": 2.0})


def good_flow() -> FlowDoc:
    """Start, business hours, a menu to a bot or a phone-number question, routing, voicemail when closed."""
    nodes = [
        node("start", "start", {"next": "hours"}),
        node("hours", "business_hours", {"open": "greet", "closed": "vm"}),
        node("greet", "message", {"next": "menu"}, text=_t("您好 {contact.name}", "Hello {contact.name}")),
        node("menu", "menu", {"1": "bot", "2": "ask", "no_match": "menu", "timeout": "end", "max_retries": "route"},
             prompt=_t("请选择", "Choose"),
             options=[{"key": "1", "label": _t("咨询", "Ask")}, {"key": "2", "label": _t("回拨", "Call me")}]),
        node("bot", "bot", {"resolved": "end", "handoff": "route", "timeout": "end"}, prompt=_t("请问", "Ask away"),
             intents=[{"name": "hours", "keywords": ["hours", "营业"], "answer": _t("九点到六点", "9 to 6")}]),
        node("ask", "collect", {"ok": "check", "max_retries": "end"}, prompt=_t("号码？", "Number?"),
             variable="phone", validate="len(value) == 11 && starts_with(value, '1')"),
        node("check", "condition", {"vip": "route", "else": "set"},
             branches=[{"name": "vip", "when": "customer.vip == true || customer.attributes.plan == 'gold'"}]),
        node("set", "set_variable", {"next": "route"},
             assignments=[{"variable": "attempts", "value": "attempts + 1"}]),
        node("route", "route", {"unavailable": "vm"}, queue="support", skills={"billing": 2},
             preferred_agent="customer.last_agent"),
        node("vm", "voicemail", {"done": "end"}, prompt=_t("请留言", "Leave a message"), queue="support"),
        node("end", "end", text=_t("再见", "Bye")),
    ]
    return FlowDoc(id="f1", name="Main", channel=FlowChannel.CHAT, entry="start", nodes=nodes,
                   variables=[Variable(name="phone"), Variable(name="attempts", type="number", default="0")],
                   tests=[FlowTestCase(id="t1", name="happy", inputs=["1"], expect_path=["start", "hours"],
                                       mocks={"http:start": {"status": 200}}, expect_vars={"attempts": "0"})])


CATALOG = RefCatalog(queues=[RefItem(key="support")], skills=[RefItem(key="billing")])


def codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}


def find(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def with_node(doc: FlowDoc, nid: str, **changes: Any) -> FlowDoc:
    nodes = [msgspec.structs.replace(n, **changes) if n.id == nid else n for n in doc.nodes]
    return msgspec.structs.replace(doc, nodes=nodes)


def with_config(doc: FlowDoc, nid: str, **config: Any) -> FlowDoc:
    n = next(n for n in doc.nodes if n.id == nid)
    return with_node(doc, nid, config={**n.config, **config})


def test_good_flow_has_no_problems() -> None:
    doc = good_flow()
    assert validate_flow(doc, CATALOG) == []
    assert validate(doc) == []
    assert not has_errors([])


def test_problems_carry_both_languages_and_a_pointer() -> None:
    doc = with_config(good_flow(), "menu", timeout_s="soon")
    (p,) = validate_flow(doc)
    assert (p.code, p.severity, p.element_id, p.path) == ("CONFIG_INVALID", Severity.ERROR, "menu",
                                                           "/nodes/3/config/timeout_s")
    assert "whole number" in p.message and "整数" in p.message_zh
    assert has_errors([p])


def test_entry_missing_and_start_duplicate() -> None:
    doc = msgspec.structs.replace(good_flow(), entry="")
    assert codes(validate_flow(doc)) >= {"ENTRY_MISSING"}
    doc = msgspec.structs.replace(good_flow(), entry="greet")
    assert find(validate_flow(doc), "ENTRY_MISSING")[0].element_id == "greet"
    doc = good_flow()
    doc = msgspec.structs.replace(doc, nodes=[*doc.nodes, node("start2", "start", {"next": "end"})])
    assert [p.element_id for p in find(validate_flow(doc), "START_DUPLICATE")] == ["start2"]
    doc = msgspec.structs.replace(good_flow(), nodes=good_flow().nodes[1:])
    assert find(validate_flow(doc), "ENTRY_MISSING")[0].message == "the flow has no start node"


def test_unknown_type_duplicate_id_and_channel() -> None:
    doc = good_flow()
    doc = msgspec.structs.replace(doc, nodes=[*doc.nodes, FlowNode(id="x", type="teleport"), node("end", "end")])
    ps = validate_flow(doc)
    assert find(ps, "NODE_TYPE_UNKNOWN")[0].element_id == "x"
    assert find(ps, "ID_DUPLICATE")[0].path == f"/nodes/{len(doc.nodes) - 1}/id"
    voice = msgspec.structs.replace(good_flow(), channel=FlowChannel.VOICE)
    assert [p.element_id for p in find(validate_flow(voice), "CHANNEL_UNSUPPORTED")] == ["bot"]
    chat = with_node(good_flow(), "route", type="transfer_number", config={"number": "95588"}, exits={"failed": "end"})
    assert [p.element_id for p in find(validate_flow(chat), "CHANNEL_UNSUPPORTED")] == ["route"]


def test_config_required_and_list_item_required() -> None:
    doc = with_config(good_flow(), "route", queue="")
    doc = with_config(doc, "check", branches=[{"name": "vip", "when": ""}])
    doc = with_config(doc, "greet", text={"zh-CN": "", "en": " "})
    ps = find(validate_flow(doc), "CONFIG_REQUIRED")
    assert {(p.element_id, p.path) for p in ps} == {
        ("route", "/nodes/8/config/queue"),
        ("check", "/nodes/6/config/branches/0/when"),
        ("greet", "/nodes/2/config/text"),
    }


@pytest.mark.parametrize(
    ("nid", "config", "path_end"),
    [
        ("hours", {"timezone": "Mars/Olympus"}, "/config/timezone"),
        ("hours", {"hours": [{"days": ["mon", "someday"], "open": "09:00", "close": "18:00"}]}, "/hours/0/days"),
        ("hours", {"hours": [{"days": ["mon"], "open": "9am", "close": "18:00"}]}, "/hours/0/open"),
        ("hours", {"hours": [{"days": ["mon"], "open": "18:00", "close": "09:00"}]}, "/hours/0/close"),
        ("hours", {"holidays": ["2026-02-30"]}, "/holidays/0"),
        ("ask", {"input": "retina"}, "/config/input"),
        ("ask", {"max_retries": -1}, "/config/max_retries"),
        ("ask", {"min_length": 5, "max_length": 2}, "/config/min_length"),
        ("route", {"skills": {"billing": "high"}}, "/config/skills"),
        ("menu", {"options": [{"key": "1", "label": _t("a", "a")}, {"key": "1", "label": _t("b", "b")}]},
         "/options/1/key"),
        ("menu", {"options": [{"key": "timeout", "label": _t("a", "a")}]}, "/options/0/key"),
        ("check", {"branches": [{"name": "vip", "when": "true"}, {"name": "vip", "when": "false"}]},
         "/branches/1/name"),
        ("check", {"branches": [{"name": "else", "when": "true"}]}, "/branches/0/name"),
        ("greet", {"text": "plain"}, "/config/text"),
    ],
)
def test_config_invalid(nid: str, config: dict[str, Any], path_end: str) -> None:
    ps = find(validate_flow(with_config(good_flow(), nid, **config)), "CONFIG_INVALID")
    assert ps, "expected CONFIG_INVALID"
    assert all(p.element_id == nid for p in ps)
    assert any(p.path.endswith(path_end) for p in ps), [p.path for p in ps]


def test_voice_menu_keys_must_be_dtmf() -> None:
    doc = msgspec.structs.replace(good_flow(), channel=FlowChannel.VOICE)
    doc = with_node(doc, "bot", type="message", config={"text": _t("a", "a")}, exits={"next": "end"})
    assert validate_flow(doc) == []
    doc = with_config(doc, "menu", options=[{"key": "1", "label": _t("a", "a")}, {"key": "12", "label": _t("b", "b")}])
    (p,) = find(validate_flow(doc), "CONFIG_INVALID")
    assert p.path == "/nodes/3/config/options/1/key"
    assert "0-9" in p.message


def test_exits_unwired_unknown_dangling() -> None:
    doc = with_node(good_flow(), "ask", exits={"ok": None, "max_retries": "ghost", "old": "end"})
    doc = with_node(doc, "route", exits={})
    doc = with_node(doc, "vm", exits={})
    ps = validate_flow(doc)
    unwired = {(p.element_id, p.path, p.severity) for p in find(ps, "EXIT_UNWIRED")}
    assert unwired == {
        ("ask", "/nodes/5/exits/ok", Severity.ERROR),
        ("route", "/nodes/8/exits/unavailable", Severity.WARNING),
        ("vm", "/nodes/9/exits/done", Severity.WARNING),
    }
    assert "disconnected" in find(ps, "EXIT_UNWIRED")[1].message
    assert [(p.element_id, p.path) for p in find(ps, "EXIT_DANGLING")] == [("ask", "/nodes/5/exits/max_retries")]
    assert [(p.element_id, p.severity) for p in find(ps, "EXIT_UNKNOWN")] == [("ask", Severity.WARNING)]


def test_unreachable_is_a_warning() -> None:
    doc = good_flow()
    doc = msgspec.structs.replace(doc, nodes=[*doc.nodes, node("lonely", "message", {"next": "end"},
                                                              text=_t("孤单", "Lonely"))])
    ps = validate_flow(doc)
    assert [(p.code, p.element_id, p.severity) for p in ps] == [("UNREACHABLE", "lonely", Severity.WARNING)]
    assert not has_errors(ps)


def test_no_terminal_and_unbounded_loop() -> None:
    # greet -> ping -> pong -> ping: nothing in the loop bounds it and nothing leads out.
    doc = with_node(good_flow(), "greet", exits={"next": "ping"})
    doc = msgspec.structs.replace(doc, nodes=[
        *doc.nodes,
        node("ping", "set_variable", {"next": "pong"}, assignments=[{"variable": "attempts", "value": "1"}]),
        node("pong", "condition", {"yes": "ping", "else": "ping"}),
    ])
    ps = validate_flow(doc)
    assert {p.element_id for p in find(ps, "NO_TERMINAL")} == {"greet", "ping", "pong"}
    (loop,) = find(ps, "LOOP_UNBOUNDED")
    assert loop.element_id == "ping" and "pong" in loop.message


def test_self_loop_is_unbounded_but_menu_retry_loop_is_fine() -> None:
    doc = with_node(good_flow(), "set", exits={"next": "set"})
    ps = validate_flow(doc)
    assert [p.element_id for p in find(ps, "LOOP_UNBOUNDED")] == ["set"]
    # good_flow's menu loops to itself on no_match: bounded by its retries.
    assert find(validate_flow(good_flow()), "LOOP_UNBOUNDED") == []


def test_expressions_syntax_and_names() -> None:
    doc = with_config(good_flow(), "check", branches=[{"name": "vip", "when": "customer.tier == "},
                                                      {"name": "b", "when": "atempts > 2 || value"}])
    doc = msgspec.structs.replace(doc, nodes=[n if n.id != "check" else msgspec.structs.replace(
        n, exits={"vip": "route", "b": "route", "else": "set"}) for n in doc.nodes])
    ps = validate_flow(doc)
    (syn,) = find(ps, "EXPR_SYNTAX")
    assert syn.path == "/nodes/6/config/branches/0/when" and "character 17" in syn.message
    assert sorted(p.message.split("'")[1] for p in find(ps, "EXPR_UNKNOWN_NAME")) == ["atempts", "value"]
    # value is fine inside collect.validate; customer.attributes.* is open-ended
    assert validate_flow(with_config(good_flow(), "ask", validate="value in customer.attributes.allowed")) == []


def test_template_placeholders_naming_nothing_are_warnings() -> None:
    doc = with_config(good_flow(), "greet", text=_t("您好 {nmae}", "Hello {nmae}"))
    ps = find(validate_flow(doc), "EXPR_UNKNOWN_NAME")
    assert {(p.severity, p.path) for p in ps} == {(Severity.WARNING, "/nodes/2/config/text/zh-CN"),
                                                  (Severity.WARNING, "/nodes/2/config/text/en")}


def test_variables() -> None:
    doc = msgspec.structs.replace(good_flow(), variables=[
        Variable(name="phone"), Variable(name="phone"), Variable(name="Bad-Name"), Variable(name="attempts"),
        Variable(name="n", type="number", default="many"), Variable(name="value"), Variable(name="customer"),
        Variable(name="len"), Variable(name="null")])
    ps = validate_flow(doc)
    assert [p.path for p in find(ps, "VARIABLE_DUPLICATE")] == ["/variables/1/name"]
    assert [p.path for p in find(ps, "VARIABLE_NAME_INVALID")] == [f"/variables/{i}/name" for i in (2, 5, 6, 7, 8)]
    assert "reserved" in find(ps, "VARIABLE_NAME_INVALID")[1].message
    assert [p.path for p in find(ps, "CONFIG_INVALID")] == ["/variables/4/default"]
    doc = msgspec.structs.replace(good_flow(), variables=[Variable(name="attempts", type="number")])
    (p,) = find(validate_flow(doc), "VARIABLE_UNDECLARED")
    assert p.element_id == "ask" and "phone" in p.message


def test_translation_missing_is_a_warning() -> None:
    doc = with_config(good_flow(), "end", text={"zh-CN": "再见"})
    ps = validate_flow(doc)
    assert [(p.code, p.severity, p.path) for p in ps] == [("TRANSLATION_MISSING", Severity.WARNING,
                                                          "/nodes/10/config/text")]
    assert "en" in ps[0].message


def test_references_checked_only_with_a_catalog() -> None:
    doc = with_config(good_flow(), "route", queue="sales", skills={"french": 1})
    assert find(validate_flow(doc), "REF_UNKNOWN_QUEUE") == []
    ps = validate_flow(doc, CATALOG)
    assert [p.element_id for p in find(ps, "REF_UNKNOWN_QUEUE")] == ["route"]
    assert [p.path for p in find(ps, "REF_UNKNOWN_SKILL")] == ["/nodes/8/config/skills/french"]


def test_saved_tests_naming_missing_nodes() -> None:
    doc = msgspec.structs.replace(good_flow(), tests=[FlowTestCase(
        id="t", name="old", expect_path=["start", "gone"], mocks={"http:gone2": {}}, expect_vars={"nope": "1"})])
    ps = validate_flow(doc)
    assert [p.path for p in find(ps, "TEST_INVALID")] == ["/tests/0/expect_path/1", "/tests/0/mocks/http:gone2",
                                                         "/tests/0/expect_vars/nope"]
    assert not has_errors(ps)


def big_flow(n: int) -> FlowDoc:
    """A chain of n nodes with menus, conditions and messages: start -> ... -> end."""
    nodes = [node("n0", "start", {"next": "n1"})]
    for i in range(1, n - 1):
        nxt = f"n{i + 1}"
        if i % 3 == 0:
            nodes.append(node(f"n{i}", "menu", {"1": nxt, "no_match": f"n{i}", "timeout": nxt, "max_retries": nxt},
                              prompt=_t("选", "Pick"), options=[{"key": "1", "label": _t("一", "One")}]))
        elif i % 3 == 1:
            nodes.append(node(f"n{i}", "condition", {"yes": nxt, "else": nxt},
                              branches=[{"name": "yes", "when": f"count > {i} && customer.tier == 'gold'"}]))
        else:
            nodes.append(node(f"n{i}", "message", {"next": nxt}, text=_t("第{count}步", "Step {count}")))
    nodes.append(node(f"n{n - 1}", "end"))
    return FlowDoc(id="big", name="Big", entry="n0", nodes=nodes, variables=[Variable(name="count", type="number")])


def test_thousand_nodes_validate_under_100_ms() -> None:
    doc = big_flow(1000)
    assert validate_flow(doc) == []
    best = min(_timed(lambda: validate_flow(doc)) for _ in range(5))
    assert best < 0.1, f"validate 1,000 nodes took {best * 1000:.1f} ms"
    over = big_flow(1001)
    assert codes(validate_flow(over)) == {"TOO_MANY_NODES"}


def test_long_cycle_found_without_recursion_limit() -> None:
    doc = big_flow(1000)
    last = doc.nodes[-2]
    doc = with_node(doc, last.id, exits={"next": "n1"})  # a 997-node loop with menus in it: bounded
    doc = with_node(doc, "n2", type="message", config={"text": _t("a", "a")}, exits={"next": "n3"})
    assert find(validate_flow(doc), "LOOP_UNBOUNDED") == []


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0
