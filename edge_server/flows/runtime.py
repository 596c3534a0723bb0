"""The flow runner: executes one published FlowDoc for one customer, node by node.

The same code runs live chats, calls and the designer's simulator: everything it
touches outside the document goes through FlowIO (the customer), FlowServices
(lookups, work orders, clock, HTTP) and TraceSink (the step trace), see io.py.

Invariants: an execution always ends (step cap, same-node cap, unwired exits and
node errors all end it FAILED with a sentence saying why); the sink sees every
step once, complete, in order, followed by exactly one ``ended``; values of
sensitive variables never reach the trace or the log.
"""
from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import phonenumbers

from edge_server.contract.designs import FlowDoc, FlowNode, FlowOutcome, TraceStep, Variable
from edge_server.flows import hours
from edge_server.flows.expr import ExprError, compile_expr, render_template, to_number, to_text, truthy
from edge_server.flows.http_step import run_http
from edge_server.flows.io import Choice, ExecutionInfo, FlowIO, FlowServices, Hangup, TraceSink
from edge_server.flows.nodetypes import NODE_TYPES

log = logging.getLogger("sb.flows")

MAX_STEPS = 1000  # per execution (Twilio Studio's limit too)
MAX_SAME_NODE = 10  # visits in a row of one node
MASK = "***"
DEFAULT_REGION = "CN"  # phone numbers typed without a country code

YES = frozenset({"1", "yes", "y", "是", "好", "要", "是的", "好的"})
NO = frozenset({"2", "no", "n", "不", "否", "不要", "不用"})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class FlowFailure(Exception):
    """A node cannot go on (bad config, unwired exit, coercion): the execution ends FAILED with this text."""


@dataclass
class FlowResult:
    outcome: FlowOutcome
    variables: dict[str, str]  # declared variables as text, unmasked (callers mask with ``masked()``)
    error: str = ""
    sensitive: frozenset[str] = frozenset()

    def masked(self) -> dict[str, str]:
        return {k: MASK if k in self.sensitive else v for k, v in self.variables.items()}


@dataclass
class _Step:
    """A step being built while its node runs."""

    node: FlowNode
    seq: int
    ts_ms: int
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    vars_changed: dict[str, str] = field(default_factory=dict)
    exit: str = ""
    error: str = ""

    def finish(self) -> TraceStep:
        return TraceStep(seq=self.seq, node_id=self.node.id, node_type=self.node.type, ts_ms=self.ts_ms,
                         exit=self.exit, input=" | ".join(self.inputs), output="\n".join(self.outputs),
                         vars_changed=dict(self.vars_changed), error=self.error)


@dataclass(frozen=True)
class _End:
    """A node ended the execution."""

    outcome: FlowOutcome


def parse_default(var: Variable) -> Any:
    """A declared variable's initial value from its literal default."""
    if var.type == "number":
        n = to_number(var.default)
        return n if n is not None else 0
    if var.type == "boolean":
        return var.default.strip().lower() in ("true", "1", "yes")
    return var.default


def coerce(var: Variable | None, value: Any) -> Any:
    """A value as the declared type stores it; raises FlowFailure when a number variable gets a non-number."""
    if var is None or var.type == "string":
        return to_text(value) if var is not None else value
    if var.type == "number":
        if value is None or value == "":
            return 0
        n = to_number(value) if not isinstance(value, bool) else int(value)
        if n is None:
            raise FlowFailure(f"variable {var.name} is a number but got {to_text(value)[:40]!r}")
        return n
    if isinstance(value, str):
        s = value.strip().lower()
        if s in ("true", "yes", "1"):
            return True
        if s in ("false", "no", "0", ""):
            return False
    return truthy(value)


def first_timezone(doc: FlowDoc) -> str:
    """now.* are read in the time zone of the flow's first business-hours node (else Asia/Shanghai)."""
    for n in doc.nodes:
        if n.type == "business_hours" and n.config.get("timezone"):
            return str(n.config["timezone"])
    return hours.DEFAULT_TIMEZONE


def pick_text(text: Any, language: str, locales: Sequence[str]) -> str:
    """The Text for ``language``, else the document's first locale, else any non-empty one."""
    if isinstance(text, str):
        return text
    if not isinstance(text, Mapping):
        return ""
    for loc in (language, *locales[:1]):
        if text.get(loc):
            return str(text[loc])
    return next((str(v) for v in text.values() if v), "")


class FlowRunner:
    """Runs one execution of ``doc``; ``run()`` once."""

    def __init__(self, doc: FlowDoc, *, design_id: str, revision: int, io: FlowIO, services: FlowServices,
                 sink: TraceSink, contact: Mapping[str, str], execution_id: str = "") -> None:
        self.doc = doc
        self.design_id = design_id
        self.revision = revision
        self.io = io
        self.services = services
        self.sink = sink
        self.execution_id = execution_id or uuid.uuid4().hex
        self._nodes = {n.id: n for n in doc.nodes}
        self._vars = {v.name: v for v in doc.variables}
        self._sensitive = frozenset(v.name for v in doc.variables if v.sensitive)
        self._tz = first_timezone(doc)
        try:
            hours.zone(self._tz)
        except hours.HoursError:
            # now.* still work; the business-hours node itself fails with the reason when it runs.
            self._tz = hours.DEFAULT_TIMEZONE
        self.scope: dict[str, Any] = {v.name: parse_default(v) for v in doc.variables}
        for k, v in contact.items():
            self.scope[k if k.startswith("contact.") else f"contact.{k}"] = v
        self.scope["customer.found"] = False
        self._last_input_sensitive = False
        self._seq = 0

    # --- scope --------------------------------------------------------------------------------

    def _refresh_now(self) -> datetime:
        now = self.services.now()
        local = hours.local_time(now, self._tz)
        self.scope.update({"now.hour": local.hour, "now.minute": local.minute,
                           "now.weekday": local.isoweekday(), "now.date": local.date().isoformat()})
        return now

    def _masked_scope(self) -> dict[str, Any]:
        """The scope with sensitive values replaced, for rendering what goes into the trace."""
        out = {k: (MASK if k in self._sensitive else v) for k, v in self.scope.items()}
        if self._last_input_sensitive:
            out["last.input"] = MASK
        return out

    def _set(self, step: _Step, name: str, value: Any) -> None:
        stored = coerce(self._vars.get(name), value)
        self.scope[name] = stored
        step.vars_changed[name] = MASK if name in self._sensitive else to_text(stored)

    def _text(self, value: Any) -> str:
        return pick_text(value, self.io.language, self.doc.locales)

    def _eval(self, text: Any, what: str, default: Any = None) -> Any:
        if text is None or str(text).strip() == "":
            return default
        try:
            return compile_expr(str(text)).evaluate(self.scope)
        except ExprError as e:
            raise FlowFailure(f"{what}: {e}") from e

    def variables(self) -> dict[str, str]:
        return {name: to_text(self.scope.get(name)) for name in self._vars}

    # --- talking --------------------------------------------------------------------------------

    async def _say(self, step: _Step, template: Any, *, audio: str = "", choices: Sequence[Choice] = ()) -> None:
        text = self._text(template)
        if not text and not audio:
            return
        await self.io.say(render_template(text, self.scope), audio=audio, choices=choices)
        step.outputs.append(render_template(text, self._masked_scope()) if text else f"[{audio}]")

    async def _ask(self, step: _Step, node: FlowNode, *, sensitive: bool = False, max_digits: int = 0,
                   terminator: str = "") -> str | None:
        answer = await self.io.ask(timeout_s=float(node.config.get("timeout_s") or 60), max_digits=max_digits,
                                   terminator=terminator)
        if answer is None:
            step.inputs.append("(no answer)")
            return None
        step.inputs.append(MASK if sensitive else answer)
        self.scope["last.input"] = answer
        self._last_input_sensitive = sensitive
        return answer

    # --- the loop -------------------------------------------------------------------------------

    async def run(self) -> FlowResult:
        started = self.services.now()
        self.sink.started(ExecutionInfo(
            execution_id=self.execution_id, design_id=self.design_id, revision=self.revision,
            channel=self.io.channel, started_ms=int(started.timestamp() * 1000),
            contact={k.removeprefix("contact."): str(v) for k, v in self.scope.items() if k.startswith("contact.")}))
        log.info("flow %s rev %s execution %s started", self.design_id, self.revision, self.execution_id)
        outcome, error = FlowOutcome.FAILED, ""
        try:
            outcome, error = await self._loop()
        except asyncio.CancelledError:
            # Cancelled by the owner (chat closed under us, shutdown): the trace still gets its end.
            self.sink.ended(self.execution_id, FlowOutcome.HANGUP, "cancelled")
            raise
        except Exception as e:  # noqa: BLE001 - our bug outside any node: still end the trace, never hang the chat
            log.exception("flow execution %s crashed", self.execution_id)
            outcome, error = FlowOutcome.FAILED, f"internal error: {type(e).__name__}: {e}"
        self.sink.ended(self.execution_id, outcome, error)
        log.info("flow execution %s ended %s%s", self.execution_id, outcome.value, f": {error}" if error else "")
        return FlowResult(outcome, self.variables(), error, self._sensitive)

    def _start_node(self) -> FlowNode:
        if self.doc.entry:
            node = self._nodes.get(self.doc.entry)
            if node is None:
                raise FlowFailure(f"the entry node {self.doc.entry} does not exist")
            return node
        starts = [n for n in self.doc.nodes if n.type == "start"]
        if not starts:
            raise FlowFailure("the flow has no start node")
        return starts[0]

    async def _loop(self) -> tuple[FlowOutcome, str]:
        try:
            node = self._start_node()
        except FlowFailure as e:
            return FlowOutcome.FAILED, str(e)
        steps, same, previous = 0, 0, ""
        while True:
            steps += 1
            same = same + 1 if node.id == previous else 1
            if steps > MAX_STEPS:
                return FlowOutcome.FAILED, f"the flow took more than {MAX_STEPS} steps (a loop without an exit?)"
            if same > MAX_SAME_NODE:
                return FlowOutcome.FAILED, (f"node {self._name(node)} ran more than {MAX_SAME_NODE} times in a row "
                                            "(a loop without an exit?)")
            previous = node.id
            self._seq += 1
            step = _Step(node, self._seq, int(self._refresh_now().timestamp() * 1000))
            try:
                result = await self._run_node(node, step)
                if isinstance(result, _End):
                    self.sink.step(self.execution_id, step.finish())
                    return result.outcome, ""
                step.exit = result
                self.scope["last.exit"] = result
                target = node.exits.get(result)
                if not target:
                    t = NODE_TYPES.get(node.type)
                    self.sink.step(self.execution_id, step.finish())
                    if t is not None and t.terminal:
                        # Terminal types may leave their exits unwired: the flow simply ends there.
                        return FlowOutcome.ENDED, ""
                    return FlowOutcome.FAILED, f"exit {result} of node {self._name(node)} is not connected"
                nxt = self._nodes.get(target)
                if nxt is None:
                    self.sink.step(self.execution_id, step.finish())
                    return FlowOutcome.FAILED, (f"exit {result} of node {self._name(node)} leads to node {target}, "
                                                "which does not exist")
            except Hangup:
                step.exit = ""
                self.sink.step(self.execution_id, step.finish())
                return FlowOutcome.HANGUP, ""
            except Exception as e:  # noqa: BLE001 - a node's failure ends this execution, never the edge
                if not isinstance(e, FlowFailure):
                    log.exception("flow execution %s: node %s failed", self.execution_id, node.id)
                step.exit = ""
                step.error = str(e) or type(e).__name__
                self.sink.step(self.execution_id, step.finish())
                return FlowOutcome.FAILED, f"node {self._name(node)}: {step.error}"
            self.sink.step(self.execution_id, step.finish())
            node = nxt

    @staticmethod
    def _name(node: FlowNode) -> str:
        return f"{node.label!r} ({node.id})" if node.label else node.id

    async def _run_node(self, node: FlowNode, step: _Step) -> str | _End:
        handler = getattr(self, f"_node_{node.type}", None)
        if handler is None or node.type not in NODE_TYPES:
            raise FlowFailure(f"unknown node type {node.type!r}")
        config = {**NODE_TYPES[node.type].default_config(), **node.config}
        result: str | _End = await handler(node, config, step)
        return result

    # --- node types ------------------------------------------------------------------------------

    async def _node_start(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        return "next"

    async def _node_message(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        await self._say(step, c.get("text"), audio=str(c.get("audio") or ""))
        return "next"

    async def _node_end(self, node: FlowNode, c: dict[str, Any], step: _Step) -> _End:
        await self._say(step, c.get("text"))
        return _End(FlowOutcome.ENDED)

    async def _node_menu(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        options = [o for o in c.get("options") or [] if isinstance(o, Mapping) and o.get("key")]
        choices = [Choice(str(o["key"]), self._text(o.get("label"))) for o in options]
        max_retries = int(c.get("max_retries") or 0)
        audio = str(c.get("audio") or "")
        prompt = c.get("prompt")
        max_digits = max((len(ch.key) for ch in choices), default=1) if self.io.channel == "voice" else 0
        for attempt in range(max_retries + 1):
            retry = c.get("retry_prompt") if attempt and self._text(c.get("retry_prompt")) else prompt
            await self._say(step, retry, audio=audio if retry is prompt else "", choices=choices)
            answer = await self._ask(step, node, max_digits=max_digits)
            if answer is None:
                if node.exits.get("timeout"):
                    return "timeout"
                continue
            picked = self._match_choice(answer, choices)
            if picked is not None:
                return picked
            if node.exits.get("no_match"):
                return "no_match"
        return "max_retries"

    def _match_choice(self, answer: str, choices: Sequence[Choice]) -> str | None:
        a = answer.strip()
        for ch in choices:
            if a == ch.key:
                return ch.key
        if self.io.channel == "voice":
            return None
        folded = a.casefold()
        for ch in choices:
            if ch.label and folded == ch.label.strip().casefold():
                return ch.key
        if a.isdigit() and 1 <= int(a) <= len(choices):
            return choices[int(a) - 1].key
        return None

    async def _node_collect(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        variable = str(c.get("variable") or "")
        if not variable:
            raise FlowFailure("no variable to store the answer in")
        sensitive = variable in self._sensitive
        kind = str(c.get("input") or "text")
        max_retries = int(c.get("max_retries") or 0)
        voice = self.io.channel == "voice"
        max_len = int(c.get("max_length") or 0)
        for attempt in range(max_retries + 1):
            prompt = c.get("retry_prompt") if attempt and self._text(c.get("retry_prompt")) else c.get("prompt")
            await self._say(step, prompt, audio=str(c.get("audio") or "") if prompt is c.get("prompt") else "")
            answer = await self._ask(step, node, sensitive=sensitive, max_digits=max_len if voice else 0,
                                     terminator=str(c.get("terminator") or "") if voice else "")
            if answer is None:
                continue
            value = self._check_answer(answer, kind, c)
            if value is not None:
                self._set(step, variable, value)
                return "ok"
        return "max_retries"

    def _check_answer(self, answer: str, kind: str, c: Mapping[str, Any]) -> Any:
        """The value to store, or None when the answer is not acceptable."""
        value: Any = answer.strip()
        if not value:
            return None
        min_len, max_len = int(c.get("min_length") or 0), int(c.get("max_length") or 0)
        if len(value) < min_len or (max_len and len(value) > max_len):
            return None
        if kind == "digits" and not value.isdigit():
            return None
        if kind == "number":
            value = to_number(value)
            if value is None:
                return None
        if kind == "phone":
            try:
                parsed = phonenumbers.parse(value, DEFAULT_REGION)
            except phonenumbers.NumberParseException:
                return None
            if not phonenumbers.is_valid_number(parsed):
                return None
            value = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if kind == "email" and not _EMAIL.fullmatch(value):
            return None
        rule = str(c.get("validate") or "").strip()
        if rule:
            try:
                ok = compile_expr(rule).test({**self.scope, "value": value})
            except ExprError as e:
                raise FlowFailure(f"the 'valid when' expression: {e}") from e
            if not ok:
                return None
        return value

    async def _node_bot(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        intents = [i for i in c.get("intents") or [] if isinstance(i, Mapping)]
        handoff = [str(k).casefold() for k in c.get("handoff_keywords") or [] if str(k).strip()]
        done = [str(k).casefold() for k in c.get("done_keywords") or [] if str(k).strip()]
        max_turns = max(int(c.get("max_turns") or 0), 1)
        await self._say(step, c.get("prompt"))
        misunderstood = 0
        for _turn in range(max_turns):
            answer = await self._ask(step, node)
            if answer is None:
                return "timeout"
            text = answer.casefold()
            if any(k in text for k in handoff):
                return "handoff"
            if any(k in text for k in done):
                return "resolved"
            best, best_hits = None, 0
            for intent in intents:
                hits = sum(1 for k in intent.get("keywords") or [] if str(k).strip() and str(k).casefold() in text)
                if hits > best_hits:
                    best, best_hits = intent, hits
            if best is None:
                misunderstood += 1
                if misunderstood >= 2:
                    return "handoff"
                await self._say(step, c.get("fallback"))
                continue
            misunderstood = 0
            await self._say(step, best.get("answer"))
            await self._say(step, c.get("followup"))
        return "handoff"

    async def _node_condition(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        for branch in c.get("branches") or []:
            if not isinstance(branch, Mapping) or not branch.get("name"):
                continue
            if truthy(self._eval(branch.get("when"), f"branch {branch['name']}", False)):
                return str(branch["name"])
        return "else"

    async def _node_set_variable(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        for a in c.get("assignments") or []:
            if isinstance(a, Mapping) and a.get("variable"):
                name = str(a["variable"])
                self._set(step, name, self._eval(a.get("value"), f"value of {name}"))
        return "next"

    async def _node_business_hours(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        tz = str(c.get("timezone") or hours.DEFAULT_TIMEZONE)
        now = self.services.now()
        try:
            is_open = hours.is_open(now, timezone=tz, hours=list(c.get("hours") or []),
                                    holidays=list(c.get("holidays") or []))
        except hours.HoursError as e:
            raise FlowFailure(str(e)) from e
        step.outputs.append(hours.describe(now, tz))
        return "open" if is_open else "closed"

    async def _node_customer_lookup(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        kind = str(c.get("identity") or "contact")
        if kind == "contact":
            value = to_text(self.scope.get("contact.from"))
        else:
            value = to_text(self._eval(c.get("value"), "lookup value", ""))
        # "contact" is answered from the conversation itself (the edge knows its customer), even without an
        # address; a phone or email lookup of nothing finds nobody.
        found = await self.services.lookup_customer(kind, value) if value or kind == "contact" else None
        for k in [k for k in self.scope if k.startswith("customer.")]:
            del self.scope[k]
        self.scope["customer.found"] = found is not None
        if found is None:
            return "not_found"
        for key in ("id", "name", "tier", "last_agent"):
            self.scope[f"customer.{key}"] = to_text(found.get(key))
        self.scope["customer.vip"] = bool(found.get("vip"))
        self.scope["customer.tags"] = list(found.get("tags") or [])
        self.scope["customer.attributes"] = dict(found.get("attributes") or {})
        step.outputs.append(f"customer {to_text(found.get('id'))}")
        return "found"

    async def _node_http(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        outcome = await run_http(node.id, c, self.scope, self.services.http)
        self.scope["http.status"] = outcome.status
        step.outputs.append(f"HTTP {outcome.status}" if outcome.status else "no HTTP answer")
        if not outcome.ok:
            step.outputs.append(outcome.error)
            return "error"
        for variable, value in outcome.assigned.items():
            self._set(step, variable, value)
        if outcome.missing:
            step.outputs.append("not in the response: " + ", ".join(outcome.missing))
        return "ok"

    async def _node_route(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str | _End:
        queue = str(c.get("queue") or "")
        if not queue:
            raise FlowFailure("no queue to route to")
        priority = to_number(self._eval(c.get("priority"), "priority", 0))
        skills = {str(k): int(to_number(v) or 0) for k, v in (c.get("skills") or {}).items()}
        agent = to_text(self._eval(c.get("preferred_agent"), "preferred agent", ""))
        accepted = await self.io.route(queue=queue, priority=int(priority or 0), skills=skills,
                                       preferred_agent=agent, variables=self._masked_variables())
        step.outputs.append(f"queue {queue}: {'accepted' if accepted else 'unavailable'}")
        if not accepted:
            return "unavailable"
        await self._say(step, c.get("message"))
        return _End(FlowOutcome.ROUTED)

    def _masked_variables(self) -> dict[str, str]:
        return {k: MASK if k in self._sensitive else v for k, v in self.variables().items()}

    async def _node_transfer_number(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str | _End:
        number = render_template(str(c.get("number") or ""), self.scope).strip()
        if not number:
            raise FlowFailure("no number to transfer to")
        done = await self.io.transfer(number)
        step.outputs.append(f"transfer to {render_template(str(c.get('number') or ''), self._masked_scope())}: "
                            f"{'done' if done else 'failed'}")
        return _End(FlowOutcome.TRANSFERRED) if done else "failed"

    async def _node_voicemail(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        queue = str(c.get("queue") or "")
        if not queue:
            raise FlowFailure("no follow-up queue for the message")
        await self._say(step, c.get("prompt"), audio=str(c.get("audio") or ""))
        got = await self.io.record(max_seconds=int(c.get("max_seconds") or 120),
                                   timeout_s=float(c.get("timeout_s") or 60))
        if got is None:
            step.inputs.append("(no message)")
            return "done"
        step.inputs.append(got)
        sender = to_text(self.scope.get("contact.from"))
        fields = {"from": sender, "channel": self.io.channel,
                  ("recording" if self.io.channel == "voice" else "message"): got}
        order = await self.services.create_work_order(queue=queue, subject=f"Message from {sender or 'a customer'}",
                                                      fields=fields, kind="voicemail")
        step.outputs.append(f"voicemail {order}")
        return "done"

    async def _node_callback(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        queue = str(c.get("queue") or "")
        if not queue:
            raise FlowFailure("no callback queue")
        # Asked at most three times: an answer that is neither yes nor no gets the question again.
        for _attempt in range(3):
            await self._say(step, c.get("prompt"), audio=str(c.get("audio") or ""))
            answer = await self._ask(step, node, max_digits=1 if self.io.channel == "voice" else 0)
            if answer is None:
                return "declined"
            a = answer.strip().casefold()
            if self.io.channel == "voice":
                a = a[:1]
            if a in YES:
                number = to_text(self._eval(c.get("number"), "number to call", "")) or to_text(
                    self.scope.get("contact.from"))
                if not number:
                    raise FlowFailure("no number to call back")
                task = await self.services.create_work_order(
                    queue=queue, subject=f"Call back {number}", fields={"number": number}, kind="callback")
                step.outputs.append(f"callback {task}")
                return "accepted"
            if a in NO:
                return "declined"
        return "declined"

    async def _node_work_order(self, node: FlowNode, c: dict[str, Any], step: _Step) -> str:
        queue = str(c.get("queue") or "")
        if not queue:
            raise FlowFailure("no queue for the work order")
        subject = render_template(str(c.get("subject") or ""), self.scope)
        fields: dict[str, str] = {}
        for f in c.get("fields") or []:
            if isinstance(f, Mapping) and f.get("name"):
                fields[str(f["name"])] = to_text(self._eval(f.get("value"), f"field {f['name']}", ""))
        try:
            order = await self.services.create_work_order(queue=queue, subject=subject, fields=fields,
                                                          kind="work_order")
        except Exception as e:  # noqa: BLE001 - the node's error exit is the designed answer to any failure
            log.warning("flow execution %s: work order failed: %s", self.execution_id, e)
            step.outputs.append(f"work order failed: {e}")
            return "error"
        step.outputs.append(f"work order {order}")
        return "next"
