"""The customer's interactions as a list model, newest first, grown page by page."""
from __future__ import annotations

import html

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from edge_server.contract.interactions import TimelineEntry

_Index = QModelIndex | QPersistentModelIndex

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
CURRENT_ROLE = Qt.ItemDataRole.UserRole + 2


class TimelineModel(QAbstractListModel):
    """Entries are kept unique by interaction id: a page that overlaps the last one adds nothing twice."""

    def __init__(self, parent: QAbstractListModel | None = None) -> None:
        super().__init__(parent)
        self._entries: list[TimelineEntry] = []
        self._ids: set[str] = set()
        self.current_interaction = ""
        self.has_more = False

    # --- Qt overrides -------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == ENTRY_ROLE:
            return entry
        if role == CURRENT_ROLE:
            return entry.interaction_id == self.current_interaction
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.summary  # for accessibility and keyboard search; the delegate paints the rest
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry)
        return None

    # --- public -------------------------------------------------------------------------

    def reset(self, entries: list[TimelineEntry], has_more: bool, current_interaction: str = "") -> None:
        self.beginResetModel()
        self._entries = []
        self._ids = set()
        self.current_interaction = current_interaction
        self._take(entries)
        self.has_more = has_more
        self.endResetModel()

    def append_page(self, entries: list[TimelineEntry], has_more: bool) -> int:
        """Add an older page at the bottom; how many new entries it brought."""
        fresh = [e for e in entries if e.interaction_id not in self._ids]
        self.has_more = has_more and bool(fresh)  # a page of only repeats cannot lead further
        if fresh:
            start = len(self._entries)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            self._take(fresh)
            self.endInsertRows()
        return len(fresh)

    def entries(self) -> list[TimelineEntry]:
        return list(self._entries)

    def entry(self, row: int) -> TimelineEntry:
        return self._entries[row]

    def oldest_ms(self) -> int:
        return self._entries[-1].created_ms if self._entries else 0

    def past_count(self) -> int:
        """Entries other than the current interaction."""
        return sum(1 for e in self._entries if e.interaction_id != self.current_interaction)

    # --- internals ----------------------------------------------------------------------

    def _take(self, entries: list[TimelineEntry]) -> None:
        for e in entries:
            if e.interaction_id not in self._ids:
                self._ids.add(e.interaction_id)
                self._entries.append(e)

    @staticmethod
    def _tooltip(entry: TimelineEntry) -> str:
        # Qt renders a tooltip as rich text when it merely looks like HTML, so customer text
        # ("<b>x</b>") is escaped inside explicit markup rather than passed through as is.
        rows: list[str] = []
        for label, text in (
            ("", entry.summary),
            (QCoreApplication.translate("ScreenPop", "Notes:"), entry.notes),
            (QCoreApplication.translate("ScreenPop", "Rating comment:"), entry.rating_comment),
        ):
            if text:
                head = f"<b>{html.escape(label)}</b> " if label else ""
                rows.append(f"<p style='white-space:pre-wrap'>{head}{html.escape(text)}</p>")
        return "".join(rows)
