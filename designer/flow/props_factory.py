"""ConfigField.kind -> the editor widget for it (the one place that maps kinds to widgets)."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from designer.flow.props_base import FieldEditor
from designer.flow.props_common import LONG_TEXTS, EditorContext
from designer.flow.props_expr import ExprEditor
from designer.flow.props_fields import (
    BoolEditor,
    ChoiceEditor,
    DaysEditor,
    IntEditor,
    QueueEditor,
    StringsEditor,
    TextEditor,
    TimeEditor,
    TimezoneEditor,
    UnknownEditor,
    VariableEditor,
)
from designer.flow.props_list import ListEditor
from designer.flow.props_ltext import LTextEditor
from designer.flow.props_skills import SkillsEditor
from edge_server.flows.nodetypes import ConfigField

_SIMPLE: dict[str, type[FieldEditor]] = {
    "expr": ExprEditor,
    "int": IntEditor,
    "bool": BoolEditor,
    "choice": ChoiceEditor,
    "variable": VariableEditor,
    "queue": QueueEditor,
    "skills": SkillsEditor,
    "strings": StringsEditor,
    "days": DaysEditor,
    "time": TimeEditor,
    "timezone": TimezoneEditor,
}


def make_editor(cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> FieldEditor:
    """The editor for one config field; ``ctx.node_type`` picks multi-line boxes for long texts."""
    long = (ctx.node_type, cfg.key) in LONG_TEXTS
    if cfg.kind == "ltext":
        return LTextEditor(cfg, ctx, parent, multiline=long)
    if cfg.kind in ("text", "url"):
        return TextEditor(cfg, ctx, parent, multiline=long)
    if cfg.kind == "list":
        return ListEditor(cfg, ctx, parent, factory=make_editor)
    cls = _SIMPLE.get(cfg.kind, UnknownEditor)
    return cls(cfg, ctx, parent)
