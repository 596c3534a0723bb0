"""Form and flow documents, and the wire messages that edit, publish and run them.

A document is versioned JSON (``format_version``) with a stable id on every
node, field and layout item, named exits on flow nodes, localised texts
(``{"zh-CN": ..., "en": ...}``) and a ``ui`` block (positions, sizes) that the
edge ignores and that the semantic content hash leaves out. The designer and
the edge decode the same structs, validate with the same code
(edge_server/flows/validate.py) and evaluate the same expression language
(edge_server/flows/expr.py).

Lifecycle: a design has one mutable draft (``draft_version`` bumps on every
save; a save names the version it was based on, so a concurrent edit is a
CONFLICT, never an overwrite), immutable published revisions 1, 2, 3... with a
message, and aliases (``live``) pointing at a revision. Rollback repoints the
alias. Bindings say which flow serves which entry point and which form pops
for which queue; they always follow the design's ``live`` alias.
"""
from __future__ import annotations

import enum
from typing import Any, Literal

import msgspec

from edge_server.contract.messages import Message

FORMAT_VERSION = 1
#: Locales every localised text must have (missing ones are validation warnings).
LOCALES: tuple[str, ...] = ("zh-CN", "en")
LIVE = "live"

#: A localised text: locale -> text, e.g. {"zh-CN": "您好", "en": "Hello"}.
Text = dict[str, str]


class Doc(msgspec.Struct, kw_only=True, omit_defaults=True, forbid_unknown_fields=False):
    """Base of document parts (kept apart from wire Messages: documents are stored as JSON too)."""


# --- flows ------------------------------------------------------------------------


class FlowChannel(enum.StrEnum):
    CHAT = "chat"  # web chat, WeChat, WeCom, Weibo, SMS, app
    VOICE = "voice"
    ANY = "any"


class Variable(Doc):
    name: str  # referenced by this bare name in expressions; [a-z_][a-z0-9_]*
    type: Literal["string", "number", "boolean"] = "string"
    default: str = ""  # a literal, parsed by type
    sensitive: bool = False  # masked ("***") in step traces and logs
    description: str = ""


class FlowNode(Doc):
    id: str
    type: str  # a name in edge_server/flows/nodetypes.py
    type_version: int = 1
    label: str = ""
    config: dict[str, Any] = {}
    exits: dict[str, str | None] = {}  # exit name -> target node id (None: not wired)
    ui: dict[str, Any] = {}  # {"x": float, "y": float, ...}: ignored by the edge and the hash


class Annotation(Doc):
    id: str
    text: str
    ui: dict[str, Any] = {}


class FlowTestCase(Doc):
    """A saved simulation: scripted inputs and mocks; the designer and the edge both run it."""

    id: str
    name: str
    inputs: list[str] = []  # visitor messages / DTMF strings, consumed in order by waiting nodes
    contact: dict[str, str] = {}  # contact.* values: channel, from, name, language
    # Mocks: "customer" -> dict | None (lookup result), "http:<node id>" -> {"status": int, "body": any}
    # or {"error": "timeout"}, "now" -> ISO local time for business hours, "route" -> "ok" | "unavailable",
    # "transfer" -> "ok" | "failed", "callback" -> "ok".
    mocks: dict[str, Any] = {}
    expect_path: list[str] = []  # node ids in visit order ([] = not checked)
    expect_outcome: str = ""  # e.g. "routed", "ended", "hangup" ("" = not checked)
    expect_vars: dict[str, str] = {}  # variable -> expected value as text


class FlowDoc(Doc, tag_field="kind", tag="flow", omit_defaults=False):  # format_version always written
    id: str
    name: str
    format_version: int = FORMAT_VERSION
    channel: FlowChannel = FlowChannel.CHAT
    description: str = ""
    locales: list[str] = msgspec.field(default_factory=lambda: list(LOCALES))
    variables: list[Variable] = []
    entry: str = ""  # id of the start node
    nodes: list[FlowNode] = []
    annotations: list[Annotation] = []
    tests: list[FlowTestCase] = []  # not part of the semantic hash
    ui: dict[str, Any] = {}


# --- forms ------------------------------------------------------------------------


class FieldType(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    CHECKBOX = "checkbox"
    LONG_TEXT = "long_text"
    PHONE = "phone"
    EMAIL = "email"


class LayoutKind(enum.StrEnum):
    PAGE = "page"  # top level; several pages show as steps
    SECTION = "section"  # titled group; children are rows, columns, tabs, headings
    ROW = "row"  # fields side by side
    COLUMNS = "columns"  # children are COLUMN items
    COLUMN = "column"
    TABS = "tabs"  # children are TAB items
    TAB = "tab"
    HEADING = "heading"  # a title line, no data
    FIELD = "field"  # places FormDoc.fields[id == field]


class FieldOption(Doc):
    value: str
    label: Text = {}


class Validator(Doc):
    # pattern: regex on the text; min/max: number or date bound; min_length/max_length: characters;
    # expr: an expression over the form's values that must be true.
    kind: Literal["pattern", "min", "max", "min_length", "max_length", "expr"]
    value: str
    message: Text = {}


class FormField(Doc):
    id: str
    key: str  # the data key; referenced by this bare name in expressions
    type: FieldType = FieldType.TEXT
    type_version: int = 1
    label: Text = {}
    help: Text = {}
    placeholder: Text = {}
    required: str = "false"  # expression
    read_only: str = "false"  # expression
    visible_if: str = ""  # expression; "" = always visible
    default: str = ""  # expression; "" = none
    options: list[FieldOption] = []  # choice / multi_choice
    validators: list[Validator] = []
    # Binding: prefill from and (for customer.*) write back to, e.g. "customer.name", "customer.email",
    # "customer.phone", "customer.tier", "customer.notes", "customer.attributes.<k>", "interaction.subject",
    # "interaction.queue", "interaction.channel", "interaction.attributes.<k>".
    bind: str = ""
    when_hidden: Literal["clear", "keep"] = "clear"
    ui: dict[str, Any] = {}


class LayoutItem(Doc):
    id: str
    kind: LayoutKind
    title: Text = {}
    field: str = ""  # FIELD: the FormField id
    children: list[LayoutItem] = []
    ui: dict[str, Any] = {}


class FormDoc(Doc, tag_field="kind", tag="form", omit_defaults=False):
    id: str
    name: str
    format_version: int = FORMAT_VERSION
    description: str = ""
    locales: list[str] = msgspec.field(default_factory=lambda: list(LOCALES))
    fields: list[FormField] = []
    pages: list[LayoutItem] = []  # each of kind PAGE
    ui: dict[str, Any] = {}


Document = FlowDoc | FormDoc


# --- validation and traces ----------------------------------------------------------


class Severity(enum.StrEnum):
    ERROR = "error"  # blocks publish
    WARNING = "warning"
    INFO = "info"


class Problem(Message):
    severity: Severity
    code: str  # stable, e.g. EXIT_UNWIRED, UNREACHABLE, EXPR_UNKNOWN_NAME, TRANSLATION_MISSING
    element_id: str = ""  # node / field / layout item id ("" = the document)
    path: str = ""  # JSON pointer into the document, e.g. /nodes/3/exits/timeout
    message: str = ""  # English
    message_zh: str = ""


class TraceStep(Message):
    seq: int
    node_id: str
    node_type: str
    ts_ms: int
    exit: str = ""  # "" while waiting or at a terminal node
    input: str = ""  # what the customer answered here (masked if it went into a sensitive variable)
    output: str = ""  # what the flow said here
    vars_changed: dict[str, str] = {}  # variable -> new value as text ("***" when sensitive)
    error: str = ""


class FlowOutcome(enum.StrEnum):
    RUNNING = "running"
    ROUTED = "routed"  # handed to a queue
    TRANSFERRED = "transferred"  # to an external number
    ENDED = "ended"  # an end node (or a terminal node without routing: voicemail, callback, work order)
    HANGUP = "hangup"  # the customer left
    FAILED = "failed"  # a runtime error, a step cap, an unwired exit


# --- wire: documents ---------------------------------------------------------------


class DesignSummary(Message):
    design_id: str
    kind: Literal["flow", "form"]
    name: str
    channel: str = ""  # flows
    draft_version: int = 0
    draft_hash: str = ""
    latest_revision: int = 0
    live_revision: int = 0
    live_hash: str = ""
    updated_ms: int = 0
    updated_by: str = ""


class ListDesigns(Message):
    kind: str = ""  # "", "flow", "form"


class DesignList(Message):
    items: list[DesignSummary] = []


class GetDesign(Message):
    design_id: str
    revision: int = 0  # 0 = the draft


class DesignDetail(Message):
    summary: DesignSummary
    document: Document
    revision: int = 0  # 0 = this is the draft
    content_hash: str = ""
    problems: list[Problem] = []


class SaveDraft(Message):
    document: Document
    base_version: int = 0  # the draft_version this edit started from; 0 = a new design


class DraftSaved(Message):
    summary: DesignSummary
    problems: list[Problem] = []


class ValidateDesign(Message):
    document: Document


class ValidationResult(Message):
    problems: list[Problem] = []
    content_hash: str = ""


class PublishDesign(Message):
    design_id: str
    draft_version: int  # precondition: the draft the supervisor looked at
    message: str
    make_live: bool = True


class RevisionInfo(Message):
    design_id: str
    number: int
    content_hash: str
    message: str = ""
    by: str = ""
    ts_ms: int = 0


class ListRevisions(Message):
    design_id: str


class RevisionList(Message):
    design_id: str
    items: list[RevisionInfo] = []  # newest first
    aliases: dict[str, int] = {}  # "live" -> revision


class SetAlias(Message):
    design_id: str
    revision: int
    alias: str = LIVE


class DiffRevisions(Message):
    design_id: str
    from_revision: int
    to_revision: int = 0  # 0 = the draft


class DiffEntry(Message):
    element_id: str
    change: Literal["added", "removed", "changed", "rewired", "moved"]
    element_kind: str = ""  # node, field, layout, variable, test, document
    path: str = ""
    summary: str = ""  # e.g. "label: 'Menu' -> 'Main menu'", "exit timeout: n3 -> n5"


class DesignDiff(Message):
    design_id: str
    from_revision: int
    to_revision: int
    changes: list[DiffEntry] = []


# --- wire: bindings and references ------------------------------------------------------


class EntryKind(enum.StrEnum):
    WEBCHAT = "webchat"  # entry_key: the widget's entry point ("default" or a site's data-entry)
    PHONE = "phone"  # entry_key: the dialled number (E.164)
    WECHAT = "wechat"  # entry_key: the account name in [[channels.wechat]]
    WECOM = "wecom"
    WEIBO = "weibo"
    EMAIL = "email"
    SMS = "sms"
    QUEUE_FORM = "queue_form"  # entry_key: a queue; the design is the form that pops for it


class Binding(Message):
    entry_kind: EntryKind
    entry_key: str
    design_id: str = ""  # "" in SetBinding: remove


class ListBindings(Message):
    pass


class BindingList(Message):
    items: list[Binding] = []


class SetBinding(Message):
    binding: Binding


class RefItem(Message):
    key: str
    name_en: str = ""
    name_zh: str = ""


class GetRefCatalog(Message):
    pass


class RefCatalog(Message):
    """What documents may refer to; validation checks references against it."""

    queues: list[RefItem] = []
    skills: list[RefItem] = []
    forms: list[RefItem] = []  # key = design id
    flows: list[RefItem] = []
    entries: list[Binding] = []  # known entry points (design_id empty)


# --- wire: simulation and traces ------------------------------------------------------------


class RunSimulation(Message):
    document: FlowDoc
    test: FlowTestCase


class SimulationResult(Message):
    outcome: FlowOutcome
    steps: list[TraceStep] = []
    variables: dict[str, str] = {}
    transcript: list[str] = []  # "bot: ...", "customer: ..."
    passed: bool = True
    failures: list[str] = []


class GetFlowTrace(Message):
    interaction_id: str


class FlowExecutionInfo(Message):
    execution_id: str
    design_id: str
    revision: int
    interaction_id: str
    started_ms: int
    ended_ms: int = 0
    outcome: FlowOutcome = FlowOutcome.RUNNING
    steps: list[TraceStep] = []


class FlowTrace(Message):
    executions: list[FlowExecutionInfo] = []


# --- wire: forms in the desktop -------------------------------------------------------------


class GetScreenForm(Message):
    interaction_id: str


class FormSubmission(Message):
    submission_id: str
    interaction_id: str
    design_id: str
    revision: int
    values: dict[str, Any] = {}
    by: str = ""
    ts_ms: int = 0


class ScreenForm(Message):
    """The live form for the interaction's queue (``form`` None: none bound), prefilled from bindings."""

    interaction_id: str
    form: FormDoc | None = None
    design_id: str = ""
    revision: int = 0
    values: dict[str, Any] = {}
    submissions: list[FormSubmission] = []


class SubmitForm(Message):
    interaction_id: str
    design_id: str
    revision: int
    values: dict[str, Any] = {}


# --- registry ---------------------------------------------------------------------------------


def _register() -> None:
    from edge_server.contract.messages import Ok, Role, register_body, register_request

    for name, cls in (
        ("design_list", DesignList),
        ("design_detail", DesignDetail),
        ("draft_saved", DraftSaved),
        ("validation_result", ValidationResult),
        ("revision_info", RevisionInfo),
        ("revision_list", RevisionList),
        ("design_diff", DesignDiff),
        ("binding_list", BindingList),
        ("ref_catalog", RefCatalog),
        ("simulation_result", SimulationResult),
        ("flow_trace", FlowTrace),
        ("screen_form", ScreenForm),
        ("form_submission", FormSubmission),
    ):
        register_body(name, cls)
    _ = Ok
    agent, sup = Role.AGENT, Role.SUPERVISOR
    for name, body, reply, role, idem in (
        ("list_designs", ListDesigns, DesignList, sup, True),
        ("get_design", GetDesign, DesignDetail, sup, True),
        ("save_draft", SaveDraft, DraftSaved, sup, False),
        ("validate_design", ValidateDesign, ValidationResult, sup, True),
        ("publish_design", PublishDesign, RevisionInfo, sup, False),
        ("list_revisions", ListRevisions, RevisionList, sup, True),
        ("set_alias", SetAlias, RevisionList, sup, False),
        ("diff_revisions", DiffRevisions, DesignDiff, sup, True),
        ("list_bindings", ListBindings, BindingList, sup, True),
        ("set_binding", SetBinding, BindingList, sup, False),
        ("get_ref_catalog", GetRefCatalog, RefCatalog, sup, True),
        ("run_simulation", RunSimulation, SimulationResult, sup, True),
        ("get_flow_trace", GetFlowTrace, FlowTrace, agent, True),
        ("get_screen_form", GetScreenForm, ScreenForm, agent, True),
        ("submit_form", SubmitForm, FormSubmission, agent, False),
    ):
        register_request(name, body, reply, role, idempotent=idem)


_register()
