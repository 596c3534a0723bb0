"""One interaction's transcript as a list model: confirmed messages by seq, then the agent's pending ones.

Rows are inserted where they belong, never by a reset, so the view lays out only
what is new (a reset would make QListView re-measure every bubble).
"""
from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field
from typing import Any

import msgspec
from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QPixmap

from edge_server.contract.interactions import Attachment, AuthorKind, ChatMessage

_Index = QModelIndex | QPersistentModelIndex

#: Role giving the row's Entry.
ENTRY_ROLE = Qt.ItemDataRole.UserRole


class SendState(enum.StrEnum):
    CONFIRMED = "confirmed"  # the edge stored it (it has a seq)
    SENDING = "sending"  # optimistic: shown before the edge answered
    FAILED = "failed"  # the edge refused or did not answer: the agent may retry


@dataclass(slots=True, eq=False)
class Entry:
    msg: ChatMessage
    state: SendState = SendState.CONFIRMED
    #: Bumped on every change, so cached layouts of an old version are never reused.
    version: int = 0
    #: Files of a pending message still on their way up (names only, for the chip).
    uploading: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Stable while the row lives: the seq once confirmed, the client id before."""
        return f"s{self.msg.seq}" if self.state == SendState.CONFIRMED else f"c{self.msg.client_msg_id}"


class TranscriptModel(QAbstractListModel):
    """Deduplicates by seq (the (interaction, seq) pair, the model being per interaction)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Entry] = []
        self._seqs: list[int] = []  # seqs of the confirmed rows, ascending: rows[:len(seqs)]
        self._pending: dict[str, Entry] = {}
        self.customer_read_seq = 0
        #: Downloaded image attachments, by attachment id (the delegate draws them as thumbnails).
        self.thumbnails: dict[str, QPixmap] = {}

    # --- reading ------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        return list(self._rows)

    def entry_at(self, row: int) -> Entry:
        return self._rows[row]

    def last_seq(self) -> int:
        return self._seqs[-1] if self._seqs else 0

    def complete_seq(self) -> int:
        """The highest seq with every seq from 1 up to it present (what a catch-up asks after).

        Pushes can arrive before the history they follow (an agent becomes a participant,
        then its first page is fetched): asking after ``last_seq`` would skip the gap.
        """
        # Seqs are unique and start at 1, so seqs[i] == i + 1 holds for a prefix only.
        lo, hi = 0, len(self._seqs)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._seqs[mid] == mid + 1:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def has_seq(self, seq: int) -> bool:
        i = bisect.bisect_left(self._seqs, seq)
        return i < len(self._seqs) and self._seqs[i] == seq

    def confirmed_after(self, seq: int) -> list[Entry]:
        """Confirmed rows with a seq above ``seq``."""
        return self._rows[bisect.bisect_right(self._seqs, seq):len(self._seqs)]

    def pending(self, client_msg_id: str) -> Entry | None:
        return self._pending.get(client_msg_id)

    def is_read_by_customer(self, entry: Entry) -> bool:
        return entry.state == SendState.CONFIRMED and 0 < entry.msg.seq <= self.customer_read_seq

    # --- feeding ------------------------------------------------------------------------

    def add_messages(self, messages: list[ChatMessage]) -> list[ChatMessage]:
        """Insert what is new (by seq) in order; returns the messages actually added."""
        added: list[ChatMessage] = []
        fresh = sorted((m for m in messages if not self.has_seq(m.seq)), key=lambda m: m.seq)
        # A page of history (the common case) goes in with one insert at the end.
        if fresh and (not self._seqs or fresh[0].seq > self._seqs[-1]):
            run: list[ChatMessage] = []
            for m in fresh:
                if m.client_msg_id and m.client_msg_id in self._pending:
                    self._drop_pending(m.client_msg_id)
                if not run or m.seq != run[-1].seq:
                    run.append(m)
            first = len(self._seqs)
            self.beginInsertRows(QModelIndex(), first, first + len(run) - 1)
            self._rows[first:first] = [Entry(m) for m in run]
            self._seqs.extend(m.seq for m in run)
            self.endInsertRows()
            return run
        for m in fresh:
            if self.has_seq(m.seq):
                continue
            if m.client_msg_id and m.client_msg_id in self._pending:
                self._drop_pending(m.client_msg_id)
            row = bisect.bisect_left(self._seqs, m.seq)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, Entry(m))
            self._seqs.insert(row, m.seq)
            self.endInsertRows()
            added.append(m)
        return added

    def add_pending(self, msg: ChatMessage, uploading: list[str] | None = None) -> Entry:
        """The agent's message before the edge echoed it (seq 0, keyed by client_msg_id)."""
        entry = Entry(msg, SendState.SENDING, uploading=list(uploading or []))
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(entry)
        self._pending[msg.client_msg_id] = entry
        self.endInsertRows()
        return entry

    def set_pending_state(self, client_msg_id: str, state: SendState, uploading: list[str] | None = None) -> None:
        entry = self._pending.get(client_msg_id)
        if entry is None:
            return
        entry.state = state
        if uploading is not None:
            entry.uploading = list(uploading)
        self._touch(entry)

    def set_delivery(self, seq: int, delivery: str, error: str = "") -> bool:
        """A cloud-channel message's delivery changed (the edge keeps it forward-only)."""
        i = bisect.bisect_left(self._seqs, seq)
        if i >= len(self._seqs) or self._seqs[i] != seq:
            return False  # not loaded yet: its page brings the current state
        entry = self._rows[i]
        if (entry.msg.delivery, entry.msg.delivery_error) != (delivery, error):
            entry.msg = msgspec.structs.replace(entry.msg, delivery=delivery, delivery_error=error)
            self._touch(entry)
        return True

    def set_customer_read_seq(self, seq: int) -> None:
        """Receipts: only the rows whose tick changes are redrawn."""
        old, self.customer_read_seq = self.customer_read_seq, max(self.customer_read_seq, seq)
        if self.customer_read_seq == old:
            return
        lo = bisect.bisect_right(self._seqs, old)
        hi = bisect.bisect_right(self._seqs, self.customer_read_seq) - 1
        if lo <= hi:
            for entry in self._rows[lo:hi + 1]:
                entry.version += 1
            self.dataChanged.emit(self.index(lo), self.index(hi))

    def set_thumbnail(self, attachment: Attachment, pixmap: QPixmap) -> None:
        self.thumbnails[attachment.attachment_id] = pixmap
        for entry in self._rows:
            if any(a.attachment_id == attachment.attachment_id for a in entry.msg.attachments):
                self._touch(entry)

    def retranslate(self) -> None:
        for entry in self._rows:
            entry.version += 1
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    # --- Qt overrides -------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == ENTRY_ROLE:
            return entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            # Plain text: views that show it never interpret markup.
            who = entry.msg.author_name or entry.msg.author
            return f"{who}: {entry.msg.text}" if entry.msg.author_kind != AuthorKind.SYSTEM else entry.msg.text
        return None

    # --- internals ----------------------------------------------------------------------

    def _drop_pending(self, client_msg_id: str) -> None:
        entry = self._pending.pop(client_msg_id)
        row = self._rows.index(entry)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    def _touch(self, entry: Entry) -> None:
        entry.version += 1
        row = self._rows.index(entry)
        self.dataChanged.emit(self.index(row), self.index(row))
