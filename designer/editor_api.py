"""What the designer's main window needs from a document editor (flow canvas or form designer).

The shell (designer/main_window.py) hosts one editor per open document in a tab and
talks to it only through this interface: it builds the Edit menu on ``undo_stack``,
validates ``document()`` on ``changed`` and hands the problems back, selects an
element when a problem is clicked, and overlays a simulation's trace.
"""
from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QUndoStack

from edge_server.contract.designs import FlowDoc, FormDoc, Problem, RefCatalog, TraceStep


class DocumentEditor(Protocol):
    # Signals (declared as class attributes on the QWidget subclasses):
    #   changed = Signal()               after every change of the undo stack's index
    #   selection_changed = Signal(str)  the selected element's id ("" for none)
    changed: Any
    selection_changed: Any
    undo_stack: QUndoStack

    def document(self) -> FlowDoc | FormDoc:
        """A fresh copy of the document as it stands now."""
        ...

    def set_problems(self, problems: list[Problem]) -> None:
        """Show validation badges on the elements the problems name."""
        ...

    def select_element(self, element_id: str) -> None:
        """Select the element and bring it into view."""
        ...

    def set_catalog(self, catalog: RefCatalog) -> None:
        """Queues, skills and forms the property pickers offer."""
        ...

    def show_trace(self, steps: list[TraceStep]) -> None:
        """Light up a simulation's path ([] clears); form editors ignore it."""
        ...

    def preview_values(self) -> dict[str, Any] | None:
        """Form editors: the values in the live preview; flow editors: None."""
        ...
