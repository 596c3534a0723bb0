"""The site's reason codes, labelled in the UI's language."""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from desktop.i18n import ui_is_chinese
from edge_server.contract.messages import REASON_DISCONNECTED, REASON_MISSED, ReasonCode, ReasonKind


def reason_label(rc: ReasonCode) -> str:
    """label_zh when the UI is Chinese and the site gave one, else label_en."""
    if ui_is_chinese() and rc.label_zh:
        return rc.label_zh
    return rc.label_en or rc.code


class ReasonCatalog:
    """Reason codes by code, with the edge's own system reasons labelled even if the site omits them."""

    def __init__(self, codes: Iterable[ReasonCode] = ()) -> None:
        self._codes: dict[str, ReasonCode] = {}
        self.replace(codes)

    def replace(self, codes: Iterable[ReasonCode]) -> None:
        self._codes = {rc.code: rc for rc in codes}

    def of_kind(self, kind: ReasonKind) -> list[ReasonCode]:
        """Codes an agent may pick; the edge's system reasons are never offered."""
        return [
            rc for rc in self._codes.values()
            if rc.kind == kind and rc.code not in (REASON_DISCONNECTED, REASON_MISSED)
        ]

    def label(self, code: str) -> str:
        if not code:
            return ""
        rc = self._codes.get(code)
        if rc is not None:
            return reason_label(rc)
        if code == REASON_DISCONNECTED:
            return QCoreApplication.translate("Reasons", "Disconnected")
        if code == REASON_MISSED:
            return QCoreApplication.translate("Reasons", "Missed offers")
        return code
