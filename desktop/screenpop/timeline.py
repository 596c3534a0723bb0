"""The cross-channel timeline: a QListView painted by a delegate (cheap for 20+ rows), paged on scroll."""
from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.icons import channel_icon
from desktop.screenpop.formatting import channel_label, forms_text, queue_text, stars, when_text
from desktop.screenpop.timeline_model import CURRENT_ROLE, ENTRY_ROLE, TimelineModel
from edge_server.contract.interactions import TimelineEntry

_Index = QModelIndex | QPersistentModelIndex

_ICON = 22
_PAD = 6
_ACCENT = QColor("#2f6fd6")  # the current interaction's bar, same blue as links
_FOLLOW_UP = QColor("#a87410")
_STARS = QColor("#d49b00")
_DISPOSITION = QColor("#1f6e37")
#: Rows from the bottom at which the next page is asked for, so it arrives before the end shows.
_PREFETCH_ROWS = 3


def _now_ms() -> int:
    return int(time.time() * 1000)


class TimelineDelegate(QStyledItemDelegate):
    """Three lines: when · channel · queue (stars, follow-up) / agent · disposition / summary; a fourth
    with the screen-pop forms submitted, when there are any.

    Every string is drawn with drawText as plain text: a summary "<b>x</b>" shows literally.
    """

    def __init__(
        self,
        parent: QWidget,
        *,
        now_ms: Callable[[], int] = _now_ms,
        disposition_label: Callable[[str], str] = lambda code: code,
    ) -> None:
        super().__init__(parent)
        self._now_ms = now_ms
        self._disposition_label = disposition_label
        self._font_cache: dict[str, tuple[QFontMetrics, QFont, QFontMetrics]] = {}

    def set_disposition_label(self, fn: Callable[[str], str]) -> None:
        self._disposition_label = fn

    def _fonts(self, font: QFont) -> tuple[QFontMetrics, QFont, QFontMetrics]:
        """Metrics of the row font and its bold variant, built once per font rather than per row."""
        key = font.key()
        cached = self._font_cache.get(key)
        if cached is None:
            bold = QFont(font)
            bold.setBold(True)
            cached = (QFontMetrics(font), bold, QFontMetrics(bold))
            self._font_cache = {key: cached}
        return cached

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        fm = QFontMetrics(option.font)
        entry: TimelineEntry | None = index.data(ENTRY_ROLE)
        lines = 4 if entry is not None and entry.forms else 3
        return QSize(240, lines * fm.height() + 2 * _PAD + 4 + (lines - 3) * 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        entry: TimelineEntry | None = index.data(ENTRY_ROLE)
        if entry is None:
            super().paint(painter, option, index)
            return
        painter.save()
        # The style's item background only matters when selected or hovered; skipping it for the
        # other rows saves a third of the paint time (the screen-pop is measured to first paint).
        if option.state & (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_MouseOver):
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            opt.text = ""
            opt.icon = QIcon()
            opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
            style = opt.widget.style() if opt.widget is not None else None
            if style is not None:
                style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        current = bool(index.data(CURRENT_ROLE))
        text_colour = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = text_colour if selected else option.palette.color(QPalette.ColorRole.PlaceholderText)
        r = option.rect.adjusted(_PAD + 4, _PAD, -_PAD, -_PAD)
        if current:
            painter.fillRect(QRect(option.rect.left(), option.rect.top() + 2, 4, option.rect.height() - 4), _ACCENT)
        # A hairline between entries: rows read as separate cards without widget frames.
        painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(option.rect.left() + 4, option.rect.bottom(), option.rect.right() - 4, option.rect.bottom())

        channel_icon(str(entry.channel)).paint(painter, QRect(r.left(), r.top(), _ICON, _ICON))
        text = r.adjusted(_ICON + _PAD, 0, 0, 0)
        fm, bold, bfm = self._fonts(option.font)
        line = fm.height() + 1
        left_center = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        right_center = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        # Line 1: when, channel, queue; stars and the follow-up flag on the right.
        row1 = QRect(text.left(), text.top(), text.width(), line)
        right_w = 0
        painter.setFont(option.font)
        if entry.follow_up:
            flag = QCoreApplication.translate("ScreenPop", "⚑ Follow up")
            w = fm.horizontalAdvance(flag) + 4
            painter.setPen(text_colour if selected else _FOLLOW_UP)
            painter.drawText(QRect(row1.right() - w, row1.top(), w, line), right_center, flag)
            right_w += w + _PAD
        rating = stars(entry.rating)
        if rating:
            w = fm.horizontalAdvance(rating) + 4
            painter.setPen(text_colour if selected else _STARS)
            painter.drawText(QRect(row1.right() - right_w - w, row1.top(), w, line), right_center, rating)
            right_w += w + _PAD
        head = when_text(entry.created_ms, self._now_ms())
        if current:
            head = QCoreApplication.translate("ScreenPop", "Now")
        painter.setFont(bold)
        painter.setPen(text_colour if (selected or not current) else _ACCENT)
        head_w = min(bfm.horizontalAdvance(head) + 6, row1.width() // 2)
        painter.drawText(QRect(row1.left(), row1.top(), head_w, line), left_center,
                         bfm.elidedText(head, Qt.TextElideMode.ElideRight, head_w))
        rest = " · ".join(p for p in (channel_label(str(entry.channel)), queue_text(entry)) if p)
        rest_w = row1.width() - head_w - right_w - _PAD
        painter.setFont(option.font)
        painter.setPen(muted)
        painter.drawText(QRect(row1.left() + head_w + _PAD, row1.top(), max(0, rest_w), line), left_center,
                         fm.elidedText(rest, Qt.TextElideMode.ElideRight, max(0, rest_w)))

        # Line 2: the agent and the disposition.
        row2 = QRect(text.left(), row1.bottom() + 2, text.width(), line)
        agent = entry.agent_name or entry.agent
        if not agent and not current:
            agent = QCoreApplication.translate("ScreenPop", "No agent")  # abandoned in the queue
        agent_w = min(fm.horizontalAdvance(agent) + 6, row2.width() // 2)
        painter.setPen(text_colour)
        painter.drawText(QRect(row2.left(), row2.top(), agent_w, line), left_center,
                         fm.elidedText(agent, Qt.TextElideMode.ElideRight, agent_w))
        if entry.disposition:
            label = self._disposition_label(entry.disposition)
            dw = row2.width() - agent_w - _PAD
            painter.setPen(text_colour if selected else _DISPOSITION)
            painter.drawText(QRect(row2.left() + agent_w + _PAD, row2.top(), max(0, dw), line), left_center,
                             fm.elidedText(label, Qt.TextElideMode.ElideRight, max(0, dw)))

        # Line 3: the customer's first words (plain text, elided); the notes mark when there are any.
        row3 = QRect(text.left(), row2.bottom() + 2, text.width(), line)
        summary = entry.summary.replace("\n", " ")
        if entry.notes:
            summary = QCoreApplication.translate("ScreenPop", "✎ {summary}").format(summary=summary)
        painter.setPen(muted)
        painter.drawText(row3, left_center, fm.elidedText(summary, Qt.TextElideMode.ElideRight, row3.width()))

        # Line 4 (only when forms were submitted): what the agent recorded in the screen-pop form.
        if entry.forms:
            row4 = QRect(text.left(), row3.bottom() + 2, text.width(), line)
            painter.setPen(text_colour)
            painter.drawText(row4, left_center,
                             fm.elidedText(forms_text(entry), Qt.TextElideMode.ElideRight, row4.width()))
        painter.restore()


class TimelineView(QListView):
    """Signals: entry_activated(str interaction_id); more_requested() when the end comes near."""

    entry_activated = Signal(str)
    more_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, now_ms: Callable[[], int] = _now_ms) -> None:
        super().__init__(parent)
        self.setObjectName("screenpop_timeline")
        self.timeline_model = TimelineModel(self)
        self.setModel(self.timeline_model)
        self.delegate = TimelineDelegate(self, now_ms=now_ms)
        self.setItemDelegate(self.delegate)
        # Every row has the same height: the view lays out without asking each row.
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMouseTracking(True)
        self._loading = False
        self._empty_text = ""
        self.clicked.connect(self._on_clicked)
        self.activated.connect(self._on_clicked)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.timeline_model.rowsInserted.connect(self._on_rows_inserted)
        self.timeline_model.modelReset.connect(self._on_rows_inserted)

    def set_loading(self, loading: bool) -> None:
        """While a page is on its way no second request is made."""
        self._loading = loading

    @property
    def loading(self) -> bool:
        return self._loading

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.viewport().update()

    # --- Qt overrides ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.timeline_model.rowCount() == 0 and self._empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(8, 8, -8, -8),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), self._empty_text)
            painter.end()

    # --- slots ------------------------------------------------------------------------------

    def _on_clicked(self, index: QModelIndex) -> None:
        entry = index.data(ENTRY_ROLE)
        if entry is not None:
            self.entry_activated.emit(entry.interaction_id)

    def _on_scrolled(self, _value: int) -> None:
        self._maybe_request_more()

    def _on_rows_inserted(self, *_args: object) -> None:
        # A short first page may not fill the view: no scrolling would ever ask for more.
        self._maybe_request_more()

    # --- internals --------------------------------------------------------------------------

    def _maybe_request_more(self) -> None:
        model = self.timeline_model
        if self._loading or not model.has_more or model.rowCount() == 0 or not self.isVisible():
            return
        self.executeDelayedItemsLayout()  # rows just arrived: lay them out before asking what shows
        last_visible = self.indexAt(self.viewport().rect().bottomLeft())
        row = last_visible.row() if last_visible.isValid() else model.rowCount() - 1
        if row >= model.rowCount() - _PREFETCH_ROWS:
            self.more_requested.emit()
