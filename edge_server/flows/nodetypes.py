"""The flow node types: one registry read by the designer's palette and property editor,
the validator and the runtime.

Each type names its config fields (with a kind that tells the property editor
which widget to use and the validator what to check), its exits (fixed, or
derived from its config: a menu's options, a condition's branches), the
channels it runs on, and whether it bounds a loop (a node with a retry count
or a turn limit may sit on a cycle; a cycle through none of them is an error).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from edge_server.contract.designs import FlowChannel, FlowNode

FieldKind = Literal[
    "ltext",  # localised text {"zh-CN": ..., "en": ...}; may hold {name} placeholders for variables
    "text",  # plain text (may hold {name} placeholders)
    "expr",  # an expression (edge_server/flows/expr.py)
    "int",
    "bool",
    "choice",  # one of ConfigField.choices
    "variable",  # name of a declared variable (written by the node)
    "queue",  # a queue name (reference)
    "skills",  # {skill: min level} (references)
    "url",
    "list",  # a list of dicts, each with ConfigField.items
    "strings",  # a list of plain strings
    "days",  # list of "mon".."sun"
    "time",  # "HH:MM"
    "timezone",  # IANA name
]

SYSTEM_NAMES: tuple[str, ...] = (
    # What every flow may read besides its declared variables.
    "contact.channel",  # chat, voice, wechat, ...
    "contact.from",  # the customer's address on that channel (phone number, openid, visitor id)
    "contact.to",  # the entry point: dialled number, account, widget entry
    "contact.name",
    "contact.language",
    "contact.message",  # the customer's first message (chat), which started the flow
    "customer.found",  # true once a customer lookup matched
    "customer.id",
    "customer.name",
    "customer.tier",
    "customer.vip",
    "customer.tags",
    "customer.last_agent",  # username of the agent who last served the customer
    "last.input",  # the last thing the customer answered
    "last.exit",
    "now.hour",
    "now.minute",
    "now.weekday",  # 1 = Monday .. 7 = Sunday
    "now.date",  # "YYYY-MM-DD"
    "http.status",  # of the last HTTP request node
)


@dataclass(frozen=True)
class ConfigField:
    key: str
    kind: FieldKind
    label_en: str
    label_zh: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    items: tuple[ConfigField, ...] = ()  # for kind "list"
    help_en: str = ""
    help_zh: str = ""


@dataclass(frozen=True)
class NodeType:
    name: str
    label_en: str
    label_zh: str
    category: Literal["basic", "interact", "logic", "data", "route"]
    icon: str  # resources/icons/flow/<icon>.svg (a generic box when missing)
    fields: tuple[ConfigField, ...] = ()
    exits: tuple[str, ...] = ()  # fixed exits, after the dynamic ones
    dynamic_exits: Callable[[Mapping[str, Any]], list[str]] | None = None
    channels: frozenset[FlowChannel] = frozenset({FlowChannel.CHAT, FlowChannel.VOICE, FlowChannel.ANY})
    terminal: bool = False  # the flow may end here (no exit needs wiring to end)
    waits_for_input: bool = False
    bounds_loop: bool = False  # has a retry/turn limit, so a cycle through it terminates
    version: int = 1
    help_en: str = ""
    help_zh: str = ""
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def exit_names(self, config: Mapping[str, Any]) -> list[str]:
        names = list(self.dynamic_exits(config)) if self.dynamic_exits else []
        return names + [e for e in self.exits if e not in names]

    def default_config(self) -> dict[str, Any]:
        out = {f.key: _copy(f.default) for f in self.fields if f.default is not None}
        out.update({k: _copy(v) for k, v in self.defaults.items()})
        return out


def _copy(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v


def _items(config: Mapping[str, Any], key: str) -> list[Any]:
    value = config.get(key) if isinstance(config, Mapping) else None
    return value if isinstance(value, list) else []  # a hand-edited document may hold anything here


def _menu_exits(config: Mapping[str, Any]) -> list[str]:
    return [str(o.get("key", "")) for o in _items(config, "options") if isinstance(o, Mapping) and o.get("key")]


def _branch_exits(config: Mapping[str, Any]) -> list[str]:
    return [str(b.get("name", "")) for b in _items(config, "branches") if isinstance(b, Mapping) and b.get("name")]


def _ltext(key: str, en: str, zh: str, *, required: bool = False, help_en: str = "", help_zh: str = "") -> ConfigField:
    return ConfigField(key, "ltext", en, zh, required=required, help_en=help_en, help_zh=help_zh)


_CHAT = frozenset({FlowChannel.CHAT, FlowChannel.ANY})
_VOICE = frozenset({FlowChannel.VOICE, FlowChannel.ANY})
_PROMPT = _ltext("prompt", "Prompt", "提示语", required=True,
                 help_en="Sent as a message in chat, spoken (or the audio file played) on voice.",
                 help_zh="文字渠道作为消息发送，语音渠道播放（或播放录音文件）。")
_AUDIO = ConfigField("audio", "text", "Audio file (voice)", "录音文件（语音）",
                     help_en="A prompt recording under the site's prompts folder; overrides the text on voice.",
                     help_zh="站点提示音目录中的录音；语音渠道优先于文字。")
_TIMEOUT = ConfigField("timeout_s", "int", "Timeout (s)", "超时（秒）", default=60,
                       help_en="How long to wait for an answer.", help_zh="等待回答的时长。")
_RETRIES = ConfigField("max_retries", "int", "Retries", "重试次数", default=2,
                       help_en="Times the question is asked again after no or a wrong answer.",
                       help_zh="未回答或回答无效后再次询问的次数。")

NODE_TYPES: dict[str, NodeType] = {t.name: t for t in (
    NodeType("start", "Start", "开始", "basic", "start", exits=("next",),
             help_en="Where every execution begins; exactly one per flow.", help_zh="每次执行的起点；每个流程恰好一个。"),
    NodeType("message", "Send message / play prompt", "发送消息 / 播放提示", "interact", "message",
             fields=(_ltext("text", "Text", "内容", required=True), _AUDIO), exits=("next",)),
    NodeType("menu", "Menu", "菜单", "interact", "menu",
             fields=(_PROMPT, _AUDIO,
                     ConfigField("options", "list", "Options", "选项", required=True,
                                 items=(ConfigField("key", "text", "Key (digit)", "按键", required=True),
                                        _ltext("label", "Label", "名称", required=True)),
                                 help_en="The key is the DTMF digit on voice; chat shows the labels as buttons and "
                                         "accepts the key or the label.",
                                 help_zh="语音渠道按键选择；文字渠道以按钮显示，可回复按键或名称。"),
                     _TIMEOUT, _RETRIES,
                     _ltext("retry_prompt", "Retry prompt", "重试提示")),
             dynamic_exits=_menu_exits, exits=("no_match", "timeout", "max_retries"),
             waits_for_input=True, bounds_loop=True,
             defaults={"options": [{"key": "1", "label": {"zh-CN": "选项一", "en": "Option 1"}}]}),
    NodeType("collect", "Collect input", "收集输入", "interact", "collect",
             fields=(_PROMPT, _AUDIO,
                     ConfigField("variable", "variable", "Store in", "保存到", required=True),
                     ConfigField("input", "choice", "Input", "输入类型", default="text",
                                 choices=("digits", "text", "number", "phone", "email")),
                     ConfigField("min_length", "int", "Min length", "最短", default=0),
                     ConfigField("max_length", "int", "Max length", "最长", default=0),
                     ConfigField("validate", "expr", "Valid when", "有效条件",
                                 help_en="Optional expression over `value` (the answer), e.g. len(value) == 11.",
                                 help_zh="可选，对 value（回答）的表达式，例如 len(value) == 11。"),
                     ConfigField("terminator", "text", "End key (voice)", "结束键（语音）", default="#"),
                     _TIMEOUT, _RETRIES,
                     _ltext("retry_prompt", "Retry prompt", "重试提示")),
             exits=("ok", "max_retries"), waits_for_input=True, bounds_loop=True),
    NodeType("bot", "Ask a question (bot)", "智能问答（机器人）", "interact", "bot",
             fields=(_PROMPT,
                     ConfigField("intents", "list", "Answers", "问答", required=True,
                                 items=(ConfigField("name", "text", "Name", "名称", required=True),
                                        ConfigField("keywords", "strings", "Keywords", "关键词", required=True),
                                        _ltext("answer", "Answer", "回答", required=True))),
                     ConfigField("handoff_keywords", "strings", "Ask for an agent", "转人工关键词",
                                 default=["agent", "human", "人工", "客服"]),
                     ConfigField("done_keywords", "strings", "Done", "结束关键词",
                                 default=["thanks", "thank you", "bye", "谢谢", "再见", "没有了"]),
                     _ltext("followup", "Follow-up", "追问", help_en="Sent after each answer.", help_zh="每次回答后发送。"),
                     _ltext("fallback", "Did not understand", "未理解时"),
                     ConfigField("max_turns", "int", "Max turns", "最多轮次", default=5),
                     _TIMEOUT),
             exits=("resolved", "handoff", "timeout"), channels=_CHAT, waits_for_input=True, bounds_loop=True,
             help_en="Answers questions by keyword; hands off when asked for an agent, after max turns without "
                     "an answer, or when it does not understand twice.",
             help_zh="按关键词回答问题；客户要求人工、超过轮次或两次无法理解时转人工。"),
    NodeType("condition", "Condition", "条件", "logic", "condition",
             fields=(ConfigField("branches", "list", "Branches", "分支", required=True,
                                 items=(ConfigField("name", "text", "Exit name", "出口名", required=True),
                                        ConfigField("when", "expr", "When", "条件", required=True))),),
             dynamic_exits=_branch_exits, exits=("else",),
             defaults={"branches": [{"name": "yes", "when": "true"}]},
             help_en="Takes the first branch whose expression is true, else `else`.",
             help_zh="走第一个条件为真的分支，否则走 else。"),
    NodeType("set_variable", "Set variable", "设置变量", "logic", "set_variable",
             fields=(ConfigField("assignments", "list", "Assignments", "赋值", required=True,
                                 items=(ConfigField("variable", "variable", "Variable", "变量", required=True),
                                        ConfigField("value", "expr", "Value", "值", required=True))),),
             exits=("next",)),
    NodeType("business_hours", "Business hours", "营业时间", "logic", "business_hours",
             fields=(ConfigField("timezone", "timezone", "Time zone", "时区", default="Asia/Shanghai"),
                     ConfigField("hours", "list", "Open hours", "营业时段", required=True,
                                 items=(ConfigField("days", "days", "Days", "星期", required=True),
                                        ConfigField("open", "time", "Opens", "开始", required=True),
                                        ConfigField("close", "time", "Closes", "结束", required=True))),
                     ConfigField("holidays", "strings", "Closed on (YYYY-MM-DD)", "休息日（YYYY-MM-DD）", default=[])),
             exits=("open", "closed"),
             defaults={"hours": [{"days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "18:00"}]}),
    NodeType("customer_lookup", "Customer lookup", "客户识别", "data", "customer_lookup",
             fields=(ConfigField("identity", "choice", "By", "依据", default="contact",
                                 choices=("contact", "phone", "email")),
                     ConfigField("value", "expr", "Value", "值",
                                 help_en="For phone/email: an expression giving the number or address.",
                                 help_zh="按电话/邮箱时：给出号码或地址的表达式。")),
             exits=("found", "not_found")),
    NodeType("http", "HTTP request", "HTTP 请求", "data", "http",
             fields=(ConfigField("method", "choice", "Method", "方法", default="GET", choices=("GET", "POST", "PUT")),
                     ConfigField("url", "url", "URL", "地址", required=True,
                                 help_en="{name} placeholders are replaced by URL-encoded variable values.",
                                 help_zh="{name} 占位符替换为变量值（URL 编码）。"),
                     ConfigField("body", "text", "JSON body", "JSON 请求体"),
                     ConfigField("timeout_ms", "int", "Timeout (ms)", "超时（毫秒）", default=3000),
                     ConfigField("assign", "list", "Response mapping", "响应映射",
                                 items=(ConfigField("variable", "variable", "Variable", "变量", required=True),
                                        ConfigField("path", "text", "JSON path", "JSON 路径", required=True,
                                                    help_en="Dotted path into the response body, e.g. data.tier "
                                                            "or items.0.id.",
                                                    help_zh="响应体中的点分路径，例如 data.tier。")))),
             exits=("ok", "error"),
             help_en="ok on a 2xx answer; error on another status, a timeout or a bad body.",
             help_zh="2xx 走 ok；其他状态、超时或响应无效走 error。"),
    NodeType("route", "Route to queue", "转队列", "route", "route",
             fields=(ConfigField("queue", "queue", "Queue", "队列", required=True),
                     ConfigField("priority", "expr", "Priority", "优先级", default="0"),
                     ConfigField("skills", "skills", "Required skills", "所需技能", default={}),
                     ConfigField("preferred_agent", "expr", "Preferred agent", "优先坐席",
                                 help_en="e.g. customer.last_agent", help_zh="例如 customer.last_agent"),
                     _ltext("message", "Message while waiting", "排队提示")),
             exits=("unavailable",), terminal=True,
             help_en="Hands the customer to the queue; `unavailable` when it is closed or nobody can serve it.",
             help_zh="转入队列；队列关闭或无人可接时走 unavailable。"),
    NodeType("transfer_number", "Transfer to number", "转外线", "route", "transfer_number",
             fields=(ConfigField("number", "text", "Number", "号码", required=True),),
             exits=("failed",), channels=_VOICE, terminal=True),
    NodeType("voicemail", "Voicemail / leave a message", "留言", "route", "voicemail",
             fields=(_PROMPT, _AUDIO,
                     ConfigField("queue", "queue", "Follow-up queue", "跟进队列", required=True),
                     ConfigField("max_seconds", "int", "Max length (s, voice)", "最长（秒，语音）", default=120),
                     _TIMEOUT),
             exits=("done",), terminal=True, waits_for_input=True,
             help_en="Records the message (voice) or takes the next text (chat) and leaves it as a work item.",
             help_zh="录音（语音）或接收下一条文字（文字渠道），作为待办工单留存。"),
    NodeType("callback", "Offer callback", "预约回呼", "route", "callback",
             fields=(_PROMPT, _AUDIO,
                     ConfigField("queue", "queue", "Callback queue", "回呼队列", required=True),
                     ConfigField("number", "expr", "Number to call", "回呼号码", default="contact.from"),
                     _TIMEOUT),
             exits=("accepted", "declined"), waits_for_input=True,
             help_en="Asks 1 = yes / 2 = no (or yes/no in chat); on yes creates an outbound callback task.",
             help_zh="询问 1=是 / 2=否（文字渠道回复 是/否）；同意则创建外呼回呼任务。"),
    NodeType("work_order", "Create work order", "创建工单", "data", "work_order",
             fields=(ConfigField("queue", "queue", "Queue", "队列", required=True),
                     ConfigField("subject", "text", "Subject", "主题", required=True),
                     ConfigField("fields", "list", "Fields", "字段",
                                 items=(ConfigField("name", "text", "Name", "名称", required=True),
                                        ConfigField("value", "expr", "Value", "值", required=True)))),
             exits=("next", "error")),
    NodeType("end", "End", "结束", "basic", "end",
             fields=(_ltext("text", "Goodbye", "结束语"),), terminal=True),
)}

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "basic": ("Basic", "基础"),
    "interact": ("Interact", "交互"),
    "logic": ("Logic", "逻辑"),
    "data": ("Data", "数据"),
    "route": ("Route", "路由"),
}


def node_type(name: str) -> NodeType | None:
    return NODE_TYPES.get(name)


def exits_of(node: FlowNode) -> list[str]:
    """The exits a node of this type and config must have (unknown type: what it has)."""
    t = NODE_TYPES.get(node.type)
    return t.exit_names(node.config) if t else list(node.exits)


def variables_written(node: FlowNode) -> list[str]:
    """Declared-variable names this node writes (collect, set_variable, http mapping)."""
    c = node.config
    out: list[str] = []
    if node.type == "collect" and c.get("variable"):
        out.append(str(c["variable"]))
    for key in ("assignments", "assign"):
        for item in _items(c, key):
            if isinstance(item, Mapping) and item.get("variable"):
                out.append(str(item["variable"]))
    return out
