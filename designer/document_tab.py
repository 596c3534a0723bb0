"""One open document: its editor, where its draft stands on the edge, and live validation."""
from __future__ import annotations

import logging
from collections.abc import Callable

import msgspec
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from designer.editor_api import DocumentEditor
from edge_server.contract.designs import DesignSummary, Document, FlowDoc, Problem, RefCatalog

log = logging.getLogger("sb.designer")

#: Validation waits this long after the last edit, so typing does not validate per key.
VALIDATE_DEBOUNCE_MS = 200

Validator = Callable[[Document, RefCatalog | None], list[Problem]]


def _default_validator(doc: Document, catalog: RefCatalog | None) -> list[Problem]:
    from edge_server.flows.validate import validate

    return list(validate(doc, catalog))


class DocumentTab(QWidget):
    """Hosts an editor; knows the draft version it is based on and whether it has unsaved edits.

    Dirty means the document differs from what was last loaded or saved, ``ui`` blocks and
    test cases included: the semantic content hash leaves those out, but a moved node or a
    new test case that is never saved would be lost on close all the same.
    """

    #: Unsaved edits appeared or went away.
    dirty_changed = Signal(bool)
    #: Validation finished; the problems of the current state.
    problems_changed = Signal(list)

    def __init__(
        self,
        editor: QWidget,
        document: Document,
        *,
        summary: DesignSummary | None,
        catalog: RefCatalog | None = None,
        validator: Validator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("document_tab")
        self.editor: DocumentEditor = editor  # type: ignore[assignment]
        self.design_id = document.id
        self.kind = "flow" if isinstance(document, FlowDoc) else "form"
        self.summary = summary
        #: The draft_version this tab's edits start from (0: never saved: a new design).
        self.base_version = summary.draft_version if summary else 0
        self._saved = b"" if summary is None else msgspec.json.encode(document)
        self._dirty = summary is None
        self._catalog = catalog
        self._validator = validator or _default_validator
        self.problems: list[Problem] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DEBOUNCE_MS)
        self._timer.timeout.connect(self.validate_now)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(editor)
        editor.changed.connect(self._on_editor_changed)  # type: ignore[attr-defined]
        if catalog is not None:
            self.editor.set_catalog(catalog)

    # --- state ---------------------------------------------------------------------------------

    def document(self) -> Document:
        return self.editor.document()

    @property
    def name(self) -> str:
        return self.document().name

    def is_dirty(self) -> bool:
        return self._dirty

    def title(self) -> str:
        return self.name + (" *" if self._dirty else "")

    def mark_saved(self, summary: DesignSummary, document: Document) -> None:
        """The edge accepted ``document`` as draft ``summary.draft_version``."""
        self.summary = summary
        self.base_version = summary.draft_version
        self._saved = msgspec.json.encode(document)
        self.editor.undo_stack.setClean()
        self._refresh_dirty()

    def set_catalog(self, catalog: RefCatalog) -> None:
        self._catalog = catalog
        self.editor.set_catalog(catalog)
        self.schedule_validation()

    # --- validation ------------------------------------------------------------------------------

    def schedule_validation(self) -> None:
        self._timer.start()

    def validate_now(self) -> list[Problem]:
        """Validate the current state at once (also what the debounce timer ends in)."""
        self._timer.stop()
        doc = self.document()
        try:
            problems = self._validator(doc, self._catalog)
        except Exception:
            # A validator crash is our bug: log it, keep editing possible, show nothing stale.
            log.exception("validating %s failed", doc.id)
            problems = []
        self.problems = problems
        self.editor.set_problems(problems)
        self.problems_changed.emit(problems)
        return problems

    # --- slots -------------------------------------------------------------------------------------

    def _on_editor_changed(self) -> None:
        self._refresh_dirty()
        self.schedule_validation()

    def _refresh_dirty(self) -> None:
        dirty = msgspec.json.encode(self.document()) != self._saved
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
