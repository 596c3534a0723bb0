"""What every property editor shares: the UI language, the editing context, problem marks."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop.i18n import ui_is_chinese
from edge_server.contract.designs import LOCALES, RefCatalog, RefItem, Variable
from edge_server.flows.expr import template_names
from edge_server.flows.nodetypes import SYSTEM_NAMES, ConfigField

#: Each locale named in its own language, so a translator always finds theirs.
LOCALE_NAMES: dict[str, str] = {"zh-CN": "中文", "en": "English"}

#: Dynamic property the panel's style sheet keys on: "error", "warning" or "".
PROBLEM_PROPERTY = "problem"

#: Fields that only mean something on voice; hidden on chat-only flows unless they hold a value.
VOICE_ONLY_KEYS = frozenset({"audio", "terminator", "max_seconds"})

#: Name prefixes open to any child (CRM attributes); mirrors edge_server/flows/validate.py's flow rule.
OPEN_PREFIXES: tuple[str, ...] = ("customer.attributes.",)

#: (node type, config key) of localised texts long enough to want several lines.
LONG_TEXTS = frozenset({("message", "text"), ("bot", "answer"), ("end", "text"), ("http", "body")})


@dataclass
class EditorContext:
    """What editors offer in their pickers and completers; replaced on every show_node()."""

    variables: list[Variable] = field(default_factory=list)
    catalog: RefCatalog | None = None
    channel: str = "chat"
    locales: Sequence[str] = LOCALES
    node_type: str = ""

    def variable_names(self) -> list[str]:
        return [v.name for v in self.variables]

    def name_allowed(self, name: str, field_key: str = "") -> bool:
        """Whether an expression or placeholder here may read ``name`` (the validator's rule for flows)."""
        return (name in self.variable_names() or name in SYSTEM_NAMES or name.startswith(OPEN_PREFIXES)
                or (name == "value" and (self.node_type, field_key) == ("collect", "validate")))

    def unknown_placeholders(self, text: str) -> list[str]:
        """{names} in a message that name nothing (they would render as empty)."""
        if "{" not in text:
            return []
        return sorted({n for n in template_names(text) if not self.name_allowed(n)})

    def completion_names(self, field_key: str = "") -> list[str]:
        """Names an expression may use here: declared variables, system names (and `value` in a validator)."""
        extra = ["value"] if (self.node_type, field_key) == ("collect", "validate") else []
        return sorted({*self.variable_names(), *SYSTEM_NAMES, *extra})


def zh() -> bool:
    """Whether data carrying both languages (node types, catalog names) should show Chinese."""
    return ui_is_chinese()


def field_label(f: ConfigField) -> str:
    return f.label_zh if zh() else f.label_en


def field_help(f: ConfigField) -> str:
    return (f.help_zh or f.help_en) if zh() else (f.help_en or f.help_zh)


def ref_name(item: RefItem) -> str:
    """A catalog entry's name in the UI language, falling back to the other one, then the key."""
    first, second = (item.name_zh, item.name_en) if zh() else (item.name_en, item.name_zh)
    return first or second or item.key


def mark_problem(widget: QWidget, severity: str, message: str = "") -> None:
    """Colour an editor by the worst problem on it (style sheet keyed on a dynamic property)."""
    if widget.property(PROBLEM_PROPERTY) == severity and widget.property("problem_message") == message:
        return
    widget.setProperty(PROBLEM_PROPERTY, severity)
    widget.setProperty("problem_message", message)
    # A dynamic property change does not restyle by itself.
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def json_equal(a: Any, b: Any) -> bool:
    """Value equality as the document sees it (1 and True differ in JSON, so compare types too)."""
    if type(a) is not type(b) and not (isinstance(a, int | float) and isinstance(b, int | float)
                                       and not isinstance(a, bool) and not isinstance(b, bool)):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def same_value(old: Any, new: Any) -> bool:
    """Whether committing ``new`` over ``old`` changes anything: an absent value (None) and an empty one
    ("", {}, []) are the same, so leaving an untouched optional field never makes an edit."""
    if old is None and new in ("", {}, [], None):
        return True
    return json_equal(old, new)
