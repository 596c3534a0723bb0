"""Localised document texts ({"zh-CN": ..., "en": ...}) and the UI language they are shown in."""
from __future__ import annotations

from desktop.i18n import ui_is_chinese
from edge_server.contract.designs import Text

ZH = "zh-CN"
EN = "en"


def ui_locale() -> str:
    """The document locale matching the UI language ("zh-CN" or "en")."""
    return ZH if ui_is_chinese() else EN


def pick(text: Text | None, language: str) -> str:
    """The text in ``language``, else in the other shipped locale, else any non-empty one."""
    if not text:
        return ""
    found = text.get(language)
    if found:
        return found
    other = EN if language == ZH else ZH
    if text.get(other):
        return text[other]
    return next((v for v in text.values() if v), "")
