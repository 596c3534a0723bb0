"""How one transcript entry is drawn: a bubble with author, time, receipt, plain text and file chips.

Text is drawn with QPainter.drawText (plain text), so customer input is never
interpreted as markup. Layouts are cached per (row key, version, width): when a
message is appended the view asks every row for its size again, and only the new
one costs a text layout (``layouts_computed`` counts them; the perf test reads it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QDateTime, QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.workspace.transcript_model import ENTRY_ROLE, Entry, SendState, TranscriptModel
from edge_server.contract.interactions import Attachment, AuthorKind

_Index = QModelIndex | QPersistentModelIndex

_PAD = 8  # inside a bubble
_GAP = 6  # between rows
_SIDE = 12  # from the view's edges
_CHIP_H = 24
_THUMB = 120
_MAX_SHARE = 0.72  # a bubble takes at most this share of the width

CUSTOMER_BG = QColor("#ffffff")
CUSTOMER_BORDER = QColor("#d5dbe3")
AGENT_BG = QColor("#dcebfb")
AGENT_BORDER = QColor("#a9c8ec")
BOT_BG = QColor("#e3f4e6")  # a flow's messages (greeting, menu, bot answers): the customer's path before us
BOT_BORDER = QColor("#9fd0a8")
NOTE_BG = QColor("#fdf4e1")
NOTE_BORDER = QColor("#e8a317")
NOTE_TEXT = QColor("#7a5408")
MUTED = QColor("#5b6675")
FAILED = QColor("#9c2f2d")
TEXT = QColor("#1d2733")
CHIP_BG = QColor("#f4f6f9")


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


@dataclass(slots=True)
class BubbleLayout:
    size: QSize
    bubble: QRect = field(default_factory=QRect)
    header: QRect = field(default_factory=QRect)
    text: QRect = field(default_factory=QRect)
    chips: list[tuple[QRect, Attachment]] = field(default_factory=list)
    thumbs: list[tuple[QRect, str]] = field(default_factory=list)  # attachment ids
    uploads: list[QRect] = field(default_factory=list)
    status: QRect = field(default_factory=QRect)  # "Sending…" / "Not sent – Retry"


class TranscriptDelegate(QStyledItemDelegate):
    """Signals: attachment_clicked(Attachment), retry_clicked(str client_msg_id)."""

    attachment_clicked = Signal(object)
    retry_clicked = Signal(str)

    def __init__(self, model: TranscriptModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._cache: dict[tuple[str, int, int], BubbleLayout] = {}
        self._metrics: dict[str, tuple[QFontMetrics, QFont, QFontMetrics]] = {}
        self.layouts_computed = 0

    # --- geometry ----------------------------------------------------------------------------

    def layout_for(self, entry: Entry, width: int, font: QFont) -> BubbleLayout:
        key = (entry.key, entry.version, width)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        self.layouts_computed += 1
        lay = self._compute(entry, width, font)
        if len(self._cache) > 4000:  # widths change on resize: forget the old ones
            self._cache.clear()
        self._cache[key] = lay
        return lay

    def _compute(self, entry: Entry, width: int, font: QFont) -> BubbleLayout:
        m = entry.msg
        fm, _small, sfm = self._fonts(font)
        if m.author_kind == AuthorKind.SYSTEM:
            avail = max(80, width - 2 * _SIDE)
            r = sfm.boundingRect(QRect(0, 0, avail, 10_000), int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignHCenter),
                                 self._system_text(entry))
            text = QRect(_SIDE, _GAP // 2, avail, r.height())
            return BubbleLayout(QSize(width, r.height() + _GAP), text=text)
        max_w = max(120, int(width * _MAX_SHARE))
        inner = max_w - 2 * _PAD
        header_text = self._header_text(entry)
        content_w = sfm.horizontalAdvance(header_text) + 4
        y = _PAD
        header = QRect(0, y, 0, sfm.height())
        y += sfm.height() + 2
        text_rect = QRect()
        if m.text:
            tr = fm.boundingRect(QRect(0, 0, inner, 100_000), int(Qt.TextFlag.TextWordWrap), m.text)
            text_rect = QRect(0, y, min(inner, tr.width() + 2), tr.height())
            content_w = max(content_w, text_rect.width())
            y += tr.height() + 4
        chips: list[tuple[QRect, Attachment]] = []
        thumbs: list[tuple[QRect, str]] = []
        for a in m.attachments:
            pix = self._model.thumbnails.get(a.attachment_id)
            if pix is not None and not pix.isNull():
                scaled = pix.size().scaled(QSize(_THUMB, _THUMB), Qt.AspectRatioMode.KeepAspectRatio)
                thumbs.append((QRect(0, y, scaled.width(), scaled.height()), a.attachment_id))
                y += scaled.height() + 4
                content_w = max(content_w, scaled.width())
            label = f"{a.name} · {human_size(a.size)}"
            w = min(inner, sfm.horizontalAdvance(label) + 16)
            chips.append((QRect(0, y, w, _CHIP_H), a))
            content_w = max(content_w, w)
            y += _CHIP_H + 4
        uploads: list[QRect] = []
        for name in entry.uploading:
            label = QCoreApplication.translate("Chat", "Uploading {name}…").format(name=name)
            w = min(inner, sfm.horizontalAdvance(label) + 16)
            uploads.append(QRect(0, y, w, _CHIP_H))
            content_w = max(content_w, w)
            y += _CHIP_H + 4
        status = QRect()
        if entry.state == SendState.FAILED:
            label = self._status_text(entry)
            status = QRect(0, y, sfm.horizontalAdvance(label) + 4, sfm.height())
            content_w = max(content_w, status.width())
            y += sfm.height() + 2
        bubble_w = min(max_w, content_w + 2 * _PAD)
        bubble_h = y + _PAD - 4
        outgoing = m.author_kind in (AuthorKind.AGENT, AuthorKind.BOT) and not m.private
        if m.private:
            left = _SIDE + max(0, (width - 2 * _SIDE - bubble_w) // 2)  # notes sit in the middle
        elif outgoing:
            left = width - _SIDE - bubble_w
        else:
            left = _SIDE
        top = _GAP // 2
        bubble = QRect(left, top, bubble_w, bubble_h)

        def place(r: QRect) -> QRect:
            return r.translated(left + _PAD, top) if not r.isNull() else r

        return BubbleLayout(
            QSize(width, bubble_h + _GAP),
            bubble=bubble,
            header=QRect(left + _PAD, top + header.top(), bubble_w - 2 * _PAD, header.height()),
            text=place(text_rect),
            chips=[(place(r), a) for r, a in chips],
            thumbs=[(place(r), i) for r, i in thumbs],
            uploads=[place(r) for r in uploads],
            status=place(status),
        )

    def _fonts(self, font: QFont) -> tuple[QFontMetrics, QFont, QFontMetrics]:
        """Metrics of the body and the small (header, chips) font, built once per font."""
        key = font.key()
        got = self._metrics.get(key)
        if got is None:
            small = QFont(font)
            small.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
            got = (QFontMetrics(font), small, QFontMetrics(small))
            self._metrics[key] = got
        return got

    # --- words -------------------------------------------------------------------------------

    def _header_text(self, entry: Entry) -> str:
        m = entry.msg
        who = m.author_name or m.author or QCoreApplication.translate("Chat", "Customer")
        if m.author_kind == AuthorKind.BOT:
            who = "🤖 " + who
        when = QDateTime.fromMSecsSinceEpoch(m.ts_ms).toString("HH:mm") if m.ts_ms else ""
        parts = [who, when]
        if m.private:
            parts.insert(0, QCoreApplication.translate("Chat", "Internal note"))
        elif m.author_kind == AuthorKind.AGENT:
            if entry.state == SendState.SENDING:
                parts.append(QCoreApplication.translate("Chat", "Sending…"))
            elif entry.state == SendState.CONFIRMED and m.delivery:
                parts.append(self._delivery_text(m.delivery, m.delivery_error))
            elif entry.state == SendState.CONFIRMED:
                # ✓ the edge has it, ✓✓ the customer has seen it.
                parts.append("✓✓" if self._model.is_read_by_customer(entry) else "✓")
        return " · ".join(p for p in parts if p)

    @staticmethod
    def _delivery_text(delivery: str, error: str) -> str:
        """Cloud channels: what the platform did with the message (ChatMessage.delivery)."""
        if delivery == "queued":
            return "🕓 " + QCoreApplication.translate("Chat", "Sending")
        if delivery == "sent":
            return "✓ " + QCoreApplication.translate("Chat", "Sent")
        if delivery == "delivered":
            return "✓✓ " + QCoreApplication.translate("Chat", "Delivered")
        if delivery == "read":
            return "✓✓ " + QCoreApplication.translate("Chat", "Read")
        return QCoreApplication.translate("Chat", "Not delivered: {reason}").format(reason=error or "?")

    def _status_text(self, entry: Entry) -> str:
        return QCoreApplication.translate("Chat", "Not sent – click to retry")

    def _system_text(self, entry: Entry) -> str:
        when = QDateTime.fromMSecsSinceEpoch(entry.msg.ts_ms).toString("HH:mm") if entry.msg.ts_ms else ""
        return f"{entry.msg.text}  {when}".strip()

    # --- Qt overrides ---------------------------------------------------------------------------

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        entry: Entry | None = index.data(ENTRY_ROLE)
        if entry is None:
            return QSize(0, 0)
        return self.layout_for(entry, self._width(option), option.font).size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        entry: Entry | None = index.data(ENTRY_ROLE)
        if entry is None:
            return
        lay = self.layout_for(entry, self._width(option), option.font)
        m = entry.msg
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        _fm, small, sfm = self._fonts(option.font)
        if m.author_kind == AuthorKind.SYSTEM:
            painter.setFont(small)
            painter.setPen(MUTED)
            painter.drawText(lay.text, int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignHCenter),
                             self._system_text(entry))
            painter.restore()
            return
        outgoing = m.author_kind in (AuthorKind.AGENT, AuthorKind.BOT)
        if m.private:
            bg, border = NOTE_BG, NOTE_BORDER
        elif outgoing:
            bg, border = (BOT_BG, BOT_BORDER) if m.author_kind == AuthorKind.BOT else (AGENT_BG, AGENT_BORDER)
        else:
            bg, border = CUSTOMER_BG, CUSTOMER_BORDER
        pen = QPen(FAILED if entry.state == SendState.FAILED else border)
        if m.private:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(bg)
        painter.drawRoundedRect(lay.bubble.adjusted(0, 0, -1, -1), 8, 8)
        painter.setFont(small)
        painter.setPen(NOTE_TEXT if m.private else FAILED if m.delivery == "failed" else MUTED)
        painter.drawText(lay.header, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         sfm.elidedText(self._header_text(entry), Qt.TextElideMode.ElideRight,
                                                        lay.header.width()))
        if m.text:
            painter.setFont(option.font)
            painter.setPen(TEXT)
            painter.drawText(lay.text, int(Qt.TextFlag.TextWordWrap), m.text)
        for rect, attachment_id in lay.thumbs:
            pix = self._model.thumbnails.get(attachment_id)
            if pix is not None:
                painter.drawPixmap(rect, pix)
        painter.setFont(small)
        for rect, a in lay.chips:
            painter.setPen(border)
            painter.setBrush(CHIP_BG)
            painter.drawRoundedRect(rect, 6, 6)
            painter.setPen(TEXT)
            label = f"{a.name} · {human_size(a.size)}"
            painter.drawText(rect.adjusted(8, 0, -6, 0), int(Qt.AlignmentFlag.AlignVCenter),
                             sfm.elidedText(label, Qt.TextElideMode.ElideMiddle, rect.width() - 14))
        for rect, name in zip(lay.uploads, entry.uploading, strict=False):
            painter.setPen(border)
            painter.setBrush(CHIP_BG)
            painter.drawRoundedRect(rect, 6, 6)
            painter.setPen(MUTED)
            painter.drawText(rect.adjusted(8, 0, -6, 0), int(Qt.AlignmentFlag.AlignVCenter),
                             QCoreApplication.translate("Chat", "Uploading {name}…").format(name=name))
        if not lay.status.isNull():
            painter.setPen(FAILED)
            painter.drawText(lay.status, int(Qt.AlignmentFlag.AlignLeft), self._status_text(entry))
        painter.restore()

    def editorEvent(self, event: QEvent, model: object, option: QStyleOptionViewItem, index: _Index) -> bool:
        if event.type() != QEvent.Type.MouseButtonRelease or not isinstance(event, QMouseEvent):
            return False
        entry: Entry | None = index.data(ENTRY_ROLE)
        if entry is None:
            return False
        lay = self.layout_for(entry, self._width(option), option.font)
        pos = event.position().toPoint() - option.rect.topLeft()
        for rect, a in lay.chips:
            if rect.contains(pos):
                self.attachment_clicked.emit(a)
                return True
        for rect, attachment_id in lay.thumbs:
            if rect.contains(pos):
                a = next(x for x in entry.msg.attachments if x.attachment_id == attachment_id)
                self.attachment_clicked.emit(a)
                return True
        if entry.state == SendState.FAILED and lay.bubble.contains(pos):
            self.retry_clicked.emit(entry.msg.client_msg_id)
            return True
        return False

    def _width(self, option: QStyleOptionViewItem) -> int:
        # The viewport width, not the item's: every row spans the whole transcript.
        widget = option.widget
        if widget is not None and hasattr(widget, "viewport"):
            return max(200, widget.viewport().width())
        return max(200, option.rect.width())
