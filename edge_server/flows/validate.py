"""Static checks of flow and form documents: every problem at once, each with a stable code.

The designer runs this live on every edit (a 1,000-node flow in well under 100 ms), the
edge runs it again before saving and publishing (errors refuse a publish). Problems name
the element and a JSON pointer, in English and Chinese.

Flow codes: ENTRY_MISSING START_DUPLICATE ID_DUPLICATE ID_INVALID NODE_TYPE_UNKNOWN CHANNEL_UNSUPPORTED
CONFIG_REQUIRED CONFIG_INVALID EXIT_UNWIRED EXIT_UNKNOWN EXIT_DANGLING UNREACHABLE NO_TERMINAL
EXIT_RETRIES (info) LOOP_UNBOUNDED EXPR_SYNTAX EXPR_UNKNOWN_NAME VARIABLE_UNDECLARED VARIABLE_DUPLICATE VARIABLE_NAME_INVALID
TRANSLATION_MISSING REF_UNKNOWN_QUEUE REF_UNKNOWN_SKILL TOO_MANY_NODES TEST_INVALID.
Form codes: ID_DUPLICATE ID_INVALID FIELD_KEY_DUPLICATE FIELD_KEY_INVALID FIELD_NOT_PLACED FIELD_PLACED_TWICE
LAYOUT_UNKNOWN_FIELD LAYOUT_INVALID OPTIONS_MISSING OPTION_DUPLICATE OPTION_INVALID EXPR_SYNTAX
EXPR_UNKNOWN_NAME VALIDATOR_INVALID BIND_INVALID LABEL_MISSING TRANSLATION_MISSING TOO_MANY_FIELDS.

Names an expression may read: in flows the declared variables, SYSTEM_NAMES (nodetypes.py) and any
``customer.attributes.<x>`` (CRM attributes are open-ended), plus ``value`` inside a collect node's
"validate"; in forms the field keys, ``value`` (in a validator: the field's own value) and anything
under ``customer.``, ``interaction.`` and ``agent.``.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from edge_server.contract.designs import (
    FieldType,
    FlowChannel,
    FlowDoc,
    FormDoc,
    FormField,
    LayoutItem,
    LayoutKind,
    Problem,
    RefCatalog,
    Severity,
)
from edge_server.flows.expr import FUNCTIONS, MAX_PATTERN, ExprError, compile_expr, template_names, to_number
from edge_server.flows.nodetypes import NODE_TYPES, SYSTEM_NAMES, ConfigField, NodeType

MAX_NODES = 1000
MAX_FIELDS = 300
MAX_LAYOUT_DEPTH = 12

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
#: Menu exits that, left unwired, mean "ask again" (the runtime's retry) rather than "end here".
RETRY_EXITS = frozenset({"no_match", "timeout"})

VARIABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
FIELD_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = frozenset({"true", "false", "null", "and", "or", "not", "in"})
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]|24:00")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DTMF = frozenset("0123456789*#")
_ATTR_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_SYSTEM = frozenset(SYSTEM_NAMES)
#: Names a variable may not take (the designer's variables table refuses the same): keywords, `value`,
#: function names, and the roots of system names ("customer" would make customer.tier ambiguous).
RESERVED_VARIABLES = frozenset({*_KEYWORDS, "value", *FUNCTIONS, *(n.split(".", 1)[0] for n in SYSTEM_NAMES)})
_OPEN_PREFIXES_FLOW = ("customer.attributes.",)
_OPEN_PREFIXES_FORM = ("customer.", "interaction.", "agent.")
#: FormField.bind paths (see its comment in contract/designs.py); "<prefix><k>" for the attribute ones.
BIND_PATHS = frozenset({"customer.name", "customer.email", "customer.phone", "customer.tier", "customer.notes",
                        "interaction.subject", "interaction.queue", "interaction.channel"})
BIND_PREFIXES = ("customer.attributes.", "interaction.attributes.")
#: What each layout item may hold (the designer's drop rules use the same table).
FORM_CHILDREN: dict[LayoutKind, frozenset[LayoutKind]] = {
    LayoutKind.PAGE: frozenset({LayoutKind.SECTION}),
    LayoutKind.SECTION: frozenset({LayoutKind.FIELD, LayoutKind.HEADING, LayoutKind.ROW, LayoutKind.COLUMNS,
                                   LayoutKind.TABS}),
    LayoutKind.ROW: frozenset({LayoutKind.FIELD}),
    LayoutKind.COLUMNS: frozenset({LayoutKind.COLUMN}),
    LayoutKind.COLUMN: frozenset({LayoutKind.FIELD, LayoutKind.HEADING, LayoutKind.ROW, LayoutKind.COLUMNS,
                                  LayoutKind.TABS}),
    LayoutKind.TABS: frozenset({LayoutKind.TAB}),
    LayoutKind.TAB: frozenset({LayoutKind.SECTION, LayoutKind.FIELD, LayoutKind.HEADING, LayoutKind.ROW,
                               LayoutKind.COLUMNS, LayoutKind.TABS}),
    LayoutKind.HEADING: frozenset(),
    LayoutKind.FIELD: frozenset(),
}


def pointer(part: object) -> str:
    """One JSON-pointer reference token (RFC 6901: "~" -> "~0", "/" -> "~1")."""
    s = str(part)
    return s.replace("~", "~0").replace("/", "~1") if ("~" in s or "/" in s) else s


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem blocks a publish."""
    return any(p.severity == ERROR for p in problems)


def validate(doc: FlowDoc | FormDoc, catalog: RefCatalog | None = None) -> list[Problem]:
    """validate_flow or validate_form by the document's kind."""
    if isinstance(doc, FlowDoc):
        return validate_flow(doc, catalog)
    return validate_form(doc, catalog)


class _Out:
    """Collects problems; keeps the call sites one line each."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, severity: Severity, code: str, element_id: str, path: str, en: str, zh: str) -> None:
        self.items.append(Problem(severity=severity, code=code, element_id=element_id, path=path,
                                  message=en, message_zh=zh))


@functools.lru_cache(maxsize=512)
def _known_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _is_date(text: Any) -> bool:
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        return False
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, dict)):
        return len(value) == 0
    return False


# Config values are decoded JSON, so the checks below test for dict (not Mapping: an ABC
# isinstance is several times slower, and this runs on every edit of a 1,000-node flow).
def _ltext_empty(value: Any) -> bool:
    return not isinstance(value, dict) or all(not str(v).strip() for v in value.values())


def _check_expr(out: _Out, text: str, allowed: Any, element_id: str, path: str, where: str) -> None:
    """EXPR_SYNTAX / EXPR_UNKNOWN_NAME for one expression; ``allowed(name) -> bool``."""
    try:
        e = compile_expr(text)
    except ExprError as err:
        out.add(ERROR, "EXPR_SYNTAX", element_id, path,
                f"{where}: {err.message} at character {err.position}",
                f"{where}：表达式语法错误（第 {err.position} 个字符）：{err.message}")
        return
    for name in sorted(e.names):
        if not allowed(name):
            out.add(ERROR, "EXPR_UNKNOWN_NAME", element_id, path,
                    f"{where}: unknown name '{name}' (declare it as a variable or fix the spelling)",
                    f"{where}：未知名称“{name}”（请声明变量或检查拼写）")


def _check_template(out: _Out, text: str, allowed: Any, element_id: str, path: str, where: str) -> None:
    # An unknown placeholder renders as "": a warning, the flow still runs.
    if "{" not in text:
        return
    for name in template_names(text):
        if not allowed(name):
            out.add(WARNING, "EXPR_UNKNOWN_NAME", element_id, path,
                    f"{where}: placeholder {{{name}}} names no variable; it will show as empty",
                    f"{where}：占位符 {{{name}}} 不是已知变量，将显示为空")


def _check_ltext(out: _Out, value: Any, locales: Sequence[str], required: bool, element_id: str, path: str,
                 where: str, where_zh: str, allowed: Any = None) -> None:
    if value is None or value == {}:
        if required:
            out.add(ERROR, "CONFIG_REQUIRED", element_id, path, f"{where} is empty", f"{where_zh}未填写")
        return
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        out.add(ERROR, "CONFIG_INVALID", element_id, path, f"{where}: expected texts per language",
                f"{where_zh}：应为各语言的文字")
        return
    if _ltext_empty(value):
        if required:
            out.add(ERROR, "CONFIG_REQUIRED", element_id, path, f"{where} is empty", f"{where_zh}未填写")
        return
    missing = [loc for loc in locales if not str(value.get(loc, "")).strip()]
    if missing:
        out.add(WARNING, "TRANSLATION_MISSING", element_id, path,
                f"{where} has no {', '.join(missing)} text", f"{where_zh}缺少 {', '.join(missing)} 翻译")
    if allowed is not None:
        for loc, text in value.items():
            _check_template(out, text, allowed, element_id, f"{path}/{pointer(loc)}", where)


# --- flows ------------------------------------------------------------------------------------


class _FlowCtx:
    def __init__(self, doc: FlowDoc, catalog: RefCatalog | None, out: _Out) -> None:
        self.doc = doc
        self.out = out
        self.variables = frozenset(v.name for v in doc.variables)
        self.queues = frozenset(q.key for q in catalog.queues) if catalog else None
        self.skills = frozenset(s.key for s in catalog.skills) if catalog else None
        self.voice = doc.channel == FlowChannel.VOICE

    def allowed(self, name: str) -> bool:
        return name in self.variables or name in _SYSTEM or name.startswith(_OPEN_PREFIXES_FLOW)

    def allowed_with_value(self, name: str) -> bool:
        return name == "value" or self.allowed(name)


def validate_flow(doc: FlowDoc, catalog: RefCatalog | None = None) -> list[Problem]:
    """Every problem of a flow document (references checked only when ``catalog`` is given)."""
    out = _Out()
    ctx = _FlowCtx(doc, catalog, out)
    if len(doc.nodes) > MAX_NODES:
        out.add(ERROR, "TOO_MANY_NODES", "", "/nodes",
                f"{len(doc.nodes)} nodes: at most {MAX_NODES} are allowed; split the flow",
                f"共 {len(doc.nodes)} 个节点，最多 {MAX_NODES} 个；请拆分流程")
    _check_variables(doc, out)
    ids: dict[str, int] = {}
    for i, node in enumerate(doc.nodes):
        if not node.id:
            out.add(ERROR, "ID_INVALID", "", f"/nodes/{i}/id", "a node has no id", "节点缺少 ID")
        elif node.id in ids:
            out.add(ERROR, "ID_DUPLICATE", node.id, f"/nodes/{i}/id", f"node id {node.id} is used twice",
                    f"节点 ID {node.id} 重复")
        else:
            ids[node.id] = i
    seen_annotations: set[str] = set()
    for i, a in enumerate(doc.annotations):
        if a.id in ids or a.id in seen_annotations:
            out.add(ERROR, "ID_DUPLICATE", a.id, f"/annotations/{i}/id", f"annotation id {a.id} is used twice",
                    f"注释 ID {a.id} 重复")
        seen_annotations.add(a.id)
    _check_entry(doc, ids, out)
    edges: dict[str, list[str]] = {}
    can_end: set[str] = set()  # terminal nodes, and nodes with an unwired exit (already an error)
    for i, node in enumerate(doc.nodes):
        t = NODE_TYPES.get(node.type)
        base = f"/nodes/{i}"
        targets = edges.setdefault(node.id, [])
        if t is None:
            out.add(ERROR, "NODE_TYPE_UNKNOWN", node.id, f"{base}/type",
                    f"unknown node type '{node.type}' (made by a newer designer?)",
                    f"未知节点类型“{node.type}”（由更新版本的设计器创建？）")
            targets.extend(x for x in node.exits.values() if x is not None and x in ids)
            can_end.add(node.id)  # nothing more can be said about it
            continue
        if doc.channel not in t.channels:
            out.add(ERROR, "CHANNEL_UNSUPPORTED", node.id, f"{base}/type",
                    f"'{t.label_en}' cannot run in a {doc.channel.value} flow",
                    f"“{t.label_zh}”不能用于{_channel_zh(doc.channel)}流程")
        if t.terminal:
            can_end.add(node.id)
        _check_config(ctx, node.id, base, t, node.config)
        _check_node_specials(ctx, node.id, base, node.type, node.config)
        expected = _exit_names(t, node.config)
        for name in expected:
            target = node.exits.get(name)
            epath = f"{base}/exits/{pointer(name)}"
            if (target is None or target == "") and node.type == "menu" and name in RETRY_EXITS:
                # Unwired, a wrong answer or silence asks again (up to max_retries, then 'max_retries').
                out.add(INFO, "EXIT_RETRIES", node.id, epath,
                        f"exit '{name}' is not connected: the menu asks again",
                        f"出口 {name} 未连接：菜单将重新询问")
            elif target is None or target == "":
                can_end.add(node.id)
                if node.type == "route" and name == "unavailable":
                    out.add(WARNING, "EXIT_UNWIRED", node.id, epath,
                            "exit 'unavailable' is not connected: the customer is disconnected when the queue "
                            "is closed or nobody can serve it",
                            "出口 unavailable 未连接：队列关闭或无人可接时客户将被挂断/结束会话")
                elif t.terminal:
                    out.add(WARNING, "EXIT_UNWIRED", node.id, epath,
                            f"exit '{name}' is not connected: the flow ends there",
                            f"出口 {name} 未连接：流程将在此结束")
                else:
                    out.add(ERROR, "EXIT_UNWIRED", node.id, epath,
                            f"exit '{name}' is not connected", f"出口 {name} 未连接")
            elif target not in ids:
                out.add(ERROR, "EXIT_DANGLING", node.id, epath,
                        f"exit '{name}' leads to node {target}, which does not exist",
                        f"出口 {name} 指向不存在的节点 {target}")
            else:
                targets.append(target)
        expected_set = set(expected)
        for name, target in node.exits.items():
            if name not in expected_set:
                out.add(WARNING, "EXIT_UNKNOWN", node.id, f"{base}/exits/{pointer(name)}",
                        f"exit '{name}' is not an exit of '{t.label_en}' and is never taken",
                        f"出口 {name} 不属于“{t.label_zh}”，永远不会被使用")
        for var in _written(node.type, node.config):
            if var and var not in ctx.variables:
                out.add(ERROR, "VARIABLE_UNDECLARED", node.id, f"{base}/config",
                        f"writes variable '{var}', which is not declared",
                        f"写入未声明的变量“{var}”")
    _check_graph(doc, ids, edges, can_end, out)
    _check_tests(doc, ids, ctx, out)
    return out.items


def _exit_names(t: NodeType, config: Mapping[str, Any]) -> list[str]:
    # nodetypes' dynamic exits iterate config["options"] / ["branches"]; a non-list there (reported
    # as CONFIG_INVALID) must not crash the validator, so fall back to the fixed exits.
    try:
        return t.exit_names(config)
    except (TypeError, AttributeError):
        return list(t.exits)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _channel_zh(ch: FlowChannel) -> str:
    return {"chat": "文字", "voice": "语音", "any": "通用"}.get(ch.value, ch.value)


def _written(node_type: str, config: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    if node_type == "collect" and isinstance(config.get("variable"), str):
        out.append(config["variable"])
    for key in ("assignments", "assign"):
        items = config.get(key)
        if isinstance(items, list):
            out += [str(x["variable"]) for x in items if isinstance(x, dict) and x.get("variable")]
    return out


def _check_variables(doc: FlowDoc, out: _Out) -> None:
    seen: set[str] = set()
    for i, v in enumerate(doc.variables):
        path = f"/variables/{i}"
        if not VARIABLE_NAME.fullmatch(v.name):
            out.add(ERROR, "VARIABLE_NAME_INVALID", "", f"{path}/name",
                    f"variable name '{v.name}': use lower-case letters, digits and _ (not starting with a digit)",
                    f"变量名“{v.name}”无效：只能用小写字母、数字和下划线，且不能以数字开头")
        elif v.name in RESERVED_VARIABLES:
            out.add(ERROR, "VARIABLE_NAME_INVALID", "", f"{path}/name",
                    f"variable name '{v.name}' is reserved (a keyword, function or system name)",
                    f"变量名“{v.name}”是保留字（关键字、函数名或系统名称）")
        if v.name in seen:
            out.add(ERROR, "VARIABLE_DUPLICATE", "", f"{path}/name", f"variable '{v.name}' is declared twice",
                    f"变量“{v.name}”重复声明")
        seen.add(v.name)
        if v.default and v.type == "number" and to_number(v.default) is None:
            out.add(ERROR, "CONFIG_INVALID", "", f"{path}/default",
                    f"variable '{v.name}': default '{v.default}' is not a number",
                    f"变量“{v.name}”的默认值“{v.default}”不是数字")
        if v.default and v.type == "boolean" and v.default not in ("true", "false"):
            out.add(ERROR, "CONFIG_INVALID", "", f"{path}/default",
                    f"variable '{v.name}': default must be true or false", f"变量“{v.name}”的默认值须为 true 或 false")


def _check_entry(doc: FlowDoc, ids: Mapping[str, int], out: _Out) -> None:
    starts = [n for n in doc.nodes if n.type == "start"]
    for extra in starts[1:]:
        out.add(ERROR, "START_DUPLICATE", extra.id, f"/nodes/{ids.get(extra.id, 0)}",
                "a flow has exactly one start node; remove this one", "流程只能有一个开始节点；请删除此节点")
    if not starts:
        out.add(ERROR, "ENTRY_MISSING", "", "/entry", "the flow has no start node", "流程缺少开始节点")
    elif doc.entry not in ids:
        out.add(ERROR, "ENTRY_MISSING", "", "/entry",
                "the flow's entry is not set to its start node", "流程入口未指向开始节点")
    elif doc.nodes[ids[doc.entry]].type != "start":
        out.add(ERROR, "ENTRY_MISSING", doc.entry, "/entry",
                "the flow's entry is not a start node", "流程入口不是开始节点")


def _check_config(ctx: _FlowCtx, node_id: str, base: str, t: NodeType, config: Mapping[str, Any]) -> None:
    for f in t.fields:
        _check_field(ctx, node_id, f"{base}/config/{f.key}", f, config.get(f.key, f.default), t.name)


def _check_field(ctx: _FlowCtx, node_id: str, path: str, f: ConfigField, value: Any, node_type: str) -> None:
    out = ctx.out
    en, zh = f.label_en, f.label_zh
    if f.kind == "ltext":
        _check_ltext(out, value, ctx.doc.locales, f.required, node_id, path, en, zh, ctx.allowed)
        return
    if _empty(value):
        if f.required:
            out.add(ERROR, "CONFIG_REQUIRED", node_id, path, f"{en} is empty", f"{zh}未填写")
        return

    def invalid(why_en: str, why_zh: str) -> None:
        out.add(ERROR, "CONFIG_INVALID", node_id, path, f"{en}: {why_en}", f"{zh}：{why_zh}")

    kind = f.kind
    if kind in ("text", "url"):
        if not isinstance(value, str):
            invalid("expected a text", "应为文字")
            return
        _check_template(out, value, ctx.allowed, node_id, path, en)
        if kind == "url" and not value.strip().lower().startswith(("http://", "https://", "{")):
            invalid("the address must start with http:// or https://", "地址须以 http:// 或 https:// 开头")
    elif kind == "expr":
        if not isinstance(value, str):
            invalid("expected an expression", "应为表达式")
            return
        allowed = ctx.allowed_with_value if (node_type == "collect" and f.key == "validate") else ctx.allowed
        _check_expr(out, value, allowed, node_id, path, en)
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            invalid("expected a whole number", "应为整数")
        elif value < 0:
            invalid("must not be negative", "不能为负数")
    elif kind == "bool":
        if not isinstance(value, bool):
            invalid("expected true or false", "应为是或否")
    elif kind == "choice":
        if value not in f.choices:
            invalid(f"'{value}' is not one of {', '.join(f.choices)}", f"“{value}”不在可选值 {', '.join(f.choices)} 中")
    elif kind == "variable":
        if not isinstance(value, str):
            invalid("expected a variable name", "应为变量名")
        # undeclared names are reported once per node as VARIABLE_UNDECLARED
    elif kind == "queue":
        if not isinstance(value, str):
            invalid("expected a queue name", "应为队列名")
        elif ctx.queues is not None and value not in ctx.queues:
            out.add(ERROR, "REF_UNKNOWN_QUEUE", node_id, path, f"{en}: there is no queue '{value}'",
                    f"{zh}：队列“{value}”不存在")
    elif kind == "skills":
        if not isinstance(value, dict):
            invalid("expected skills with levels", "应为技能及等级")
            return
        for skill, level in value.items():
            if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 10:
                invalid(f"level of '{skill}' must be a whole number 0..10", f"技能“{skill}”的等级须为 0..10 的整数")
            if ctx.skills is not None and skill not in ctx.skills:
                out.add(ERROR, "REF_UNKNOWN_SKILL", node_id, f"{path}/{pointer(skill)}", f"{en}: there is no skill '{skill}'",
                        f"{zh}：技能“{skill}”不存在")
    elif kind == "strings":
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            invalid("expected a list of texts", "应为文字列表")
            return
        if f.key == "holidays":
            for j, s in enumerate(value):
                if not _is_date(s):
                    out.add(ERROR, "CONFIG_INVALID", node_id, f"{path}/{j}",
                            f"{en}: '{s}' is not a date (YYYY-MM-DD)", f"{zh}：“{s}”不是日期（YYYY-MM-DD）")
    elif kind == "days":
        if not isinstance(value, list) or not all(d in _DAYS for d in value):
            invalid("days must be mon, tue, wed, thu, fri, sat or sun", "星期须为 mon..sun")
    elif kind == "time":
        if not isinstance(value, str) or not _TIME.fullmatch(value):
            invalid(f"'{value}' is not a time HH:MM", f"“{value}”不是 HH:MM 格式的时间")
    elif kind == "timezone":
        if not isinstance(value, str) or not _known_zone(value):
            invalid(f"unknown time zone '{value}'", f"未知时区“{value}”")
    elif kind == "list":
        if not isinstance(value, list):
            invalid("expected a list", "应为列表")
            return
        for j, item in enumerate(value):
            if not isinstance(item, dict):
                out.add(ERROR, "CONFIG_INVALID", node_id, f"{path}/{j}", f"{en}: item {j + 1} is not an entry",
                        f"{zh}：第 {j + 1} 项无效")
                continue
            for sub in f.items:
                _check_field(ctx, node_id, f"{path}/{j}/{sub.key}", sub, item.get(sub.key, sub.default), node_type)


def _check_node_specials(ctx: _FlowCtx, node_id: str, base: str, node_type: str, config: Mapping[str, Any]) -> None:
    """Rules across config fields: menu keys, branch names, open hours."""
    out = ctx.out
    t = NODE_TYPES[node_type]
    if node_type == "menu":
        seen: set[str] = set()
        for j, o in enumerate(_list(config.get("options"))):
            if not isinstance(o, dict):
                continue
            key = str(o.get("key", ""))
            path = f"{base}/config/options/{j}/key"
            if not key:
                continue
            if key in seen:
                out.add(ERROR, "CONFIG_INVALID", node_id, path, f"menu key '{key}' is used twice",
                        f"菜单按键“{key}”重复")
            seen.add(key)
            if ctx.voice and (len(key) != 1 or key not in _DTMF):
                out.add(ERROR, "CONFIG_INVALID", node_id, path,
                        f"menu key '{key}': on voice a key is one of 0-9, * or #",
                        f"菜单按键“{key}”：语音渠道只能是 0-9、* 或 #")
            if key in t.exits:
                out.add(ERROR, "CONFIG_INVALID", node_id, path,
                        f"menu key '{key}' clashes with the exit of the same name",
                        f"菜单按键“{key}”与同名出口冲突")
    elif node_type == "condition":
        seen = set()
        for j, b in enumerate(_list(config.get("branches"))):
            if not isinstance(b, dict):
                continue
            name = str(b.get("name", ""))
            path = f"{base}/config/branches/{j}/name"
            if not name:
                continue
            if name in seen:
                out.add(ERROR, "CONFIG_INVALID", node_id, path, f"branch name '{name}' is used twice",
                        f"分支名“{name}”重复")
            if name == "else":
                out.add(ERROR, "CONFIG_INVALID", node_id, path, "a branch cannot be called 'else'",
                        "分支名不能为 else")
            seen.add(name)
    elif node_type == "collect":
        lo, hi = config.get("min_length", 0), config.get("max_length", 0)
        if isinstance(lo, int) and isinstance(hi, int) and hi and lo > hi:
            out.add(ERROR, "CONFIG_INVALID", node_id, f"{base}/config/min_length",
                    "min length is greater than max length", "最短长度大于最长长度")
    elif node_type == "business_hours":
        for j, h in enumerate(_list(config.get("hours"))):
            if isinstance(h, dict) and isinstance(h.get("open"), str) and isinstance(h.get("close"), str) \
                    and _TIME.fullmatch(h["open"]) and _TIME.fullmatch(h["close"]) and h["open"] >= h["close"]:
                out.add(ERROR, "CONFIG_INVALID", node_id, f"{base}/config/hours/{j}/close",
                        f"closes ({h['close']}) before it opens ({h['open']})",
                        f"结束时间（{h['close']}）早于开始时间（{h['open']}）")


def _check_graph(doc: FlowDoc, ids: Mapping[str, int], edges: Mapping[str, list[str]], can_end: set[str],
                 out: _Out) -> None:
    entry_ok = doc.entry in ids
    reachable: set[str] = set()
    if entry_ok:
        stack = [doc.entry]
        while stack:
            n = stack.pop()
            if n in reachable:
                continue
            reachable.add(n)
            stack.extend(t for t in edges.get(n, ()) if t not in reachable)
        for i, node in enumerate(doc.nodes):
            if node.id and node.id not in reachable and node.type != "start":
                out.add(WARNING, "UNREACHABLE", node.id, f"/nodes/{i}",
                        "no path from the start reaches this node", "从开始节点无法到达此节点")
    # Nodes from which an end can be reached: reverse search from every node that can end.
    reverse: dict[str, list[str]] = {}
    for src, targets in edges.items():
        for t in targets:
            reverse.setdefault(t, []).append(src)
    ends = set(can_end)
    stack = list(can_end)
    while stack:
        n = stack.pop()
        for src in reverse.get(n, ()):
            if src not in ends:
                ends.add(src)
                stack.append(src)
    for i, node in enumerate(doc.nodes):
        if node.id in reachable and node.id not in ends:
            out.add(ERROR, "NO_TERMINAL", node.id, f"/nodes/{i}",
                    "from here the flow can never end or reach an agent: the customer would be trapped",
                    "从此处流程无法结束或转人工：客户将被困住")
    for component in _cycles(edges):
        bounded = any(NODE_TYPES[doc.nodes[ids[n]].type].bounds_loop
                      for n in component if doc.nodes[ids[n]].type in NODE_TYPES)
        if not bounded:
            first = min(component, key=lambda n: ids[n])
            listed = ", ".join(sorted(component, key=lambda n: ids[n])[:8])
            out.add(ERROR, "LOOP_UNBOUNDED", first, f"/nodes/{ids[first]}",
                    f"a loop through {listed} has no node with a retry or turn limit: it could run forever",
                    f"经过 {listed} 的循环没有带重试或轮次上限的节点：可能无限循环")


def _cycles(edges: Mapping[str, list[str]]) -> list[list[str]]:
    """Strongly connected components that contain a cycle (Tarjan, iterative: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, pos = work[-1]
            if pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = edges.get(node, [])
            if pos < len(succ):
                work[-1] = (node, pos + 1)
                nxt = succ[pos]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp: list[str] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1 or node in edges.get(node, ()):
                    result.append(comp)
    return result


def _check_tests(doc: FlowDoc, ids: Mapping[str, int], ctx: _FlowCtx, out: _Out) -> None:
    for i, test in enumerate(doc.tests):
        path = f"/tests/{i}"
        for j, nid in enumerate(test.expect_path):
            if nid not in ids:
                out.add(WARNING, "TEST_INVALID", test.id, f"{path}/expect_path/{j}",
                        f"test '{test.name}' expects node {nid}, which no longer exists",
                        f"测试“{test.name}”期望的节点 {nid} 已不存在")
        for key in test.mocks:
            if key.startswith("http:") and key[5:] not in ids:
                out.add(WARNING, "TEST_INVALID", test.id, f"{path}/mocks/{pointer(key)}",
                        f"test '{test.name}' mocks node {key[5:]}, which no longer exists",
                        f"测试“{test.name}”模拟的节点 {key[5:]} 已不存在")
        for var in test.expect_vars:
            if var not in ctx.variables and var not in _SYSTEM:
                out.add(WARNING, "TEST_INVALID", test.id, f"{path}/expect_vars/{pointer(var)}",
                        f"test '{test.name}' checks variable '{var}', which is not declared",
                        f"测试“{test.name}”检查的变量“{var}”未声明")


# --- forms ------------------------------------------------------------------------------------


def bind_valid(bind: str) -> bool:
    """Whether ``bind`` is one of the documented FormField.bind paths."""
    if bind in BIND_PATHS:
        return True
    for prefix in BIND_PREFIXES:
        if bind.startswith(prefix) and _ATTR_KEY.fullmatch(bind[len(prefix):]):
            return True
    return False


def validate_form(doc: FormDoc, catalog: RefCatalog | None = None) -> list[Problem]:
    """Every problem of a form document (``catalog`` is accepted for symmetry; forms reference nothing yet)."""
    out = _Out()
    keys = {f.key for f in doc.fields}

    def allowed(name: str) -> bool:
        return name in keys or name.startswith(_OPEN_PREFIXES_FORM)

    def allowed_validator(name: str) -> bool:
        return name == "value" or allowed(name)

    if len(doc.fields) > MAX_FIELDS:
        out.add(WARNING, "TOO_MANY_FIELDS", "", "/fields",
                f"{len(doc.fields)} fields: forms over {MAX_FIELDS} fields are slow to fill in; split the form",
                f"共 {len(doc.fields)} 个字段，超过 {MAX_FIELDS} 个会难以填写；请拆分表单")
    ids: dict[str, str] = {}  # id -> JSON pointer of its first use
    seen_keys: set[str] = set()
    by_id: dict[str, int] = {}
    for i, f in enumerate(doc.fields):
        base = f"/fields/{i}"
        _claim_id(out, ids, f.id, f"{base}/id")
        by_id.setdefault(f.id, i)
        if not FIELD_KEY.fullmatch(f.key) or f.key in _KEYWORDS or f.key == "value":
            out.add(ERROR, "FIELD_KEY_INVALID", f.id, f"{base}/key",
                    f"field key '{f.key}': use letters, digits and _ (not starting with a digit)",
                    f"字段键“{f.key}”无效：只能用字母、数字和下划线，且不能以数字开头")
        elif f.key in seen_keys:
            out.add(ERROR, "FIELD_KEY_DUPLICATE", f.id, f"{base}/key", f"field key '{f.key}' is used twice",
                    f"字段键“{f.key}”重复")
        seen_keys.add(f.key)
        _check_form_field(out, doc, f, base, allowed, allowed_validator)
    placed: dict[str, str] = {}
    for i, page in enumerate(doc.pages):
        _check_layout(out, page, f"/pages/{i}", None, 1, ids, by_id, placed, doc.locales)
    for i, f in enumerate(doc.fields):
        if f.id not in placed:
            out.add(WARNING, "FIELD_NOT_PLACED", f.id, f"/fields/{i}",
                    f"field '{f.key}' is not placed on any page and will not show",
                    f"字段“{f.key}”未放到任何页面上，不会显示")
    return out.items


def _claim_id(out: _Out, ids: dict[str, str], element_id: str, path: str) -> None:
    if not element_id:
        out.add(ERROR, "ID_INVALID", "", path, "an element has no id", "元素缺少 ID")
    elif element_id in ids:
        out.add(ERROR, "ID_DUPLICATE", element_id, path, f"id {element_id} is used twice", f"ID {element_id} 重复")
    else:
        ids[element_id] = path


def _check_form_field(out: _Out, doc: FormDoc, f: FormField, base: str, allowed: Any, allowed_validator: Any) -> None:
    where = f.key or f.id
    if _ltext_empty(f.label):
        out.add(ERROR, "LABEL_MISSING", f.id, f"{base}/label", f"field '{where}' has no label",
                f"字段“{where}”缺少标签")
    else:
        _check_ltext(out, f.label, doc.locales, False, f.id, f"{base}/label", f"'{where}' label", f"“{where}”标签")
    for attr, en, zh in (("help", "help", "帮助"), ("placeholder", "placeholder", "占位提示")):
        _check_ltext(out, getattr(f, attr), doc.locales, False, f.id, f"{base}/{attr}",
                     f"'{where}' {en}", f"“{where}”{zh}")
    for attr in ("required", "read_only", "visible_if", "default"):
        text = getattr(f, attr)
        if text.strip():
            _check_expr(out, text, allowed, f.id, f"{base}/{attr}", f"'{where}' {attr}")
    if f.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        if not f.options:
            out.add(ERROR, "OPTIONS_MISSING", f.id, f"{base}/options", f"choice field '{where}' has no options",
                    f"选择字段“{where}”没有选项")
        values: set[str] = set()
        for j, o in enumerate(f.options):
            opath = f"{base}/options/{j}"
            if not o.value.strip():
                out.add(ERROR, "OPTION_INVALID", f.id, f"{opath}/value", f"'{where}': option {j + 1} has no value",
                        f"“{where}”：第 {j + 1} 个选项没有值")
            elif o.value in values:
                out.add(ERROR, "OPTION_DUPLICATE", f.id, f"{opath}/value",
                        f"'{where}': option value '{o.value}' is used twice", f"“{where}”：选项值“{o.value}”重复")
            values.add(o.value)
            if _ltext_empty(o.label):
                out.add(WARNING, "LABEL_MISSING", f.id, f"{opath}/label",
                        f"'{where}': option '{o.value}' has no label (its value shows)",
                        f"“{where}”：选项“{o.value}”没有名称（将显示其值）")
            else:
                _check_ltext(out, o.label, doc.locales, False, f.id, f"{opath}/label",
                             f"'{where}' option '{o.value}'", f"“{where}”选项“{o.value}”")
    for j, v in enumerate(f.validators):
        _check_validator(out, doc, f, v.kind, v.value, v.message, f"{base}/validators/{j}", allowed_validator)
    if f.bind and not bind_valid(f.bind):
        out.add(ERROR, "BIND_INVALID", f.id, f"{base}/bind",
                f"'{where}': '{f.bind}' is not a binding path (e.g. customer.name, customer.attributes.plan, "
                "interaction.subject)",
                f"“{where}”：“{f.bind}”不是可绑定的路径（如 customer.name、customer.attributes.plan、interaction.subject）")


def _check_validator(out: _Out, doc: FormDoc, f: FormField, kind: str, value: str, message: Any, path: str,
                     allowed_validator: Any) -> None:
    where = f.key or f.id

    def invalid(en: str, zh: str) -> None:
        out.add(ERROR, "VALIDATOR_INVALID", f.id, f"{path}/value", f"'{where}' validator {kind}: {en}",
                f"“{where}”的 {kind} 校验：{zh}")

    if kind == "pattern":
        if len(value) > MAX_PATTERN:
            invalid(f"pattern longer than {MAX_PATTERN} characters", f"正则超过 {MAX_PATTERN} 个字符")
        else:
            try:
                re.compile(value)
            except re.error as e:
                invalid(f"not a valid regular expression ({e})", f"正则表达式无效（{e}）")
    elif kind in ("min", "max"):
        if f.type == FieldType.DATE:
            if not _is_date(value):
                invalid(f"'{value}' is not a date YYYY-MM-DD", f"“{value}”不是 YYYY-MM-DD 日期")
        elif f.type == FieldType.NUMBER:
            if to_number(value) is None:
                invalid(f"'{value}' is not a number", f"“{value}”不是数字")
        else:
            invalid("applies to number and date fields only", "只适用于数字和日期字段")
    elif kind in ("min_length", "max_length"):
        n = to_number(value)
        if not isinstance(n, int) or n < 0:
            invalid(f"'{value}' is not a whole number >= 0", f"“{value}”不是非负整数")
    elif kind == "expr":
        if not value.strip():
            invalid("the expression is empty", "表达式为空")
        else:
            _check_expr(out, value, allowed_validator, f.id, f"{path}/value", f"'{where}' validator")
    if message:
        _check_ltext(out, message, doc.locales, False, f.id, f"{path}/message", f"'{where}' validator message",
                     f"“{where}”校验提示")


def _check_layout(out: _Out, item: LayoutItem, path: str, parent: LayoutKind | None, depth: int,
                  ids: dict[str, str], by_id: Mapping[str, int], placed: dict[str, str], locales: Sequence[str]) -> None:
    _claim_id(out, ids, item.id, f"{path}/id")
    if parent is None and item.kind != LayoutKind.PAGE:
        out.add(ERROR, "LAYOUT_INVALID", item.id, path, f"a {item.kind.value} cannot be at the top: put it in a page",
                f"{item.kind.value} 不能位于顶层：请放入页面中")
    elif parent is not None and item.kind not in FORM_CHILDREN[parent]:
        out.add(ERROR, "LAYOUT_INVALID", item.id, path,
                f"a {item.kind.value} cannot be inside a {parent.value}", f"{item.kind.value} 不能放在 {parent.value} 中")
    if depth > MAX_LAYOUT_DEPTH:
        out.add(ERROR, "LAYOUT_INVALID", item.id, path, f"layout nested deeper than {MAX_LAYOUT_DEPTH} levels",
                f"布局嵌套超过 {MAX_LAYOUT_DEPTH} 层")
        return
    if item.kind == LayoutKind.FIELD:
        if item.field not in by_id:
            out.add(ERROR, "LAYOUT_UNKNOWN_FIELD", item.id, f"{path}/field",
                    f"places field {item.field or '(none)'}, which does not exist",
                    f"放置的字段 {item.field or '（空）'} 不存在")
        elif item.field in placed:
            out.add(ERROR, "FIELD_PLACED_TWICE", item.id, f"{path}/field",
                    f"field {item.field} is already placed at {placed[item.field]}",
                    f"字段 {item.field} 已放置在 {placed[item.field]}")
        else:
            placed[item.field] = path
    elif item.kind == LayoutKind.HEADING:
        if _ltext_empty(item.title):
            out.add(ERROR, "LABEL_MISSING", item.id, f"{path}/title", "a heading has no text", "标题没有文字")
    if item.kind != LayoutKind.FIELD and item.title and not _ltext_empty(item.title):
        _check_ltext(out, item.title, locales, False, item.id, f"{path}/title", f"{item.kind.value} title",
                     f"{item.kind.value} 标题")
    if item.children and item.kind in (LayoutKind.FIELD, LayoutKind.HEADING):
        out.add(ERROR, "LAYOUT_INVALID", item.id, f"{path}/children", f"a {item.kind.value} cannot hold other items",
                f"{item.kind.value} 不能包含其他元素")
    for j, child in enumerate(item.children):
        _check_layout(out, child, f"{path}/children/{j}", item.kind, depth + 1, ids, by_id, placed, locales)
