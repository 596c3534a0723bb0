"""How one task is drawn in the work list: icon, customer, time; queue and phase below."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.icons import channel_icon
from desktop.state_timer import format_duration
from desktop.texts import customer_name
from desktop.workspace.work_model import (
    ITEM_ROLE,
    SlaLevel,
    TaskPhase,
    WorkItem,
    WorkListModel,
    phase_name,
    queue_label,
)

_Index = QModelIndex | QPersistentModelIndex

#: Phase colours, in step with the state dots (green active, amber wrap-up, red ended).
PHASE_COLOURS = {
    TaskPhase.ACTIVE: QColor("#1f6e37"),
    TaskPhase.COMPLETED: QColor("#5b6675"),
    TaskPhase.WRAPUP: QColor("#a87410"),
    TaskPhase.ENDED: QColor("#9c2f2d"),
    TaskPhase.OFFERED: QColor("#1d5fa8"),
}
#: SLA timer colours: amber past the queue's target, red past twice that.
SLA_COLOURS = {
    SlaLevel.WARN: QColor("#a87410"),
    SlaLevel.LATE: QColor("#c0392b"),
    SlaLevel.RING: QColor("#1d5fa8"),
}
BADGE_BG = QColor("#d64541")
_ICON = 28
_PAD = 8


class WorkItemDelegate(QStyledItemDelegate):
    def __init__(self, model: WorkListModel) -> None:
        super().__init__(model)
        self._model = model

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(200, 2 * fm.height() + 3 * _PAD - 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        item: WorkItem | None = index.data(ITEM_ROLE)
        if item is None:
            super().paint(painter, option, index)
            return
        painter.save()
        # Background and selection as the style draws them, text drawn by hand below.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.icon = QIcon()  # the channel icon is drawn below, at our size
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        r: QRect = option.rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        icon_rect = QRect(r.left(), r.top() + (r.height() - _ICON) // 2, _ICON, _ICON)
        channel_icon(item.task.channel).paint(painter, icon_rect)
        text = r.adjusted(_ICON + _PAD, 0, 0, 0)
        fm = QFontMetrics(option.font)
        line = fm.height()

        ms, level = self._model.sla(item)
        # Round a ring countdown up: "1 s" until it stops, never "0" while it still rings.
        elapsed = format_duration(-(-ms // 1000) * 1000 if level == SlaLevel.RING else ms)
        bold = QFont(option.font)
        bold.setBold(True)
        bfm = QFontMetrics(bold)
        timer_font = bold if level in (SlaLevel.WARN, SlaLevel.LATE, SlaLevel.RING) else option.font
        time_w = QFontMetrics(timer_font).horizontalAdvance(elapsed) + 4
        painter.setPen(text_colour if selected else SLA_COLOURS.get(level, text_colour))
        painter.setFont(timer_font)
        painter.drawText(QRect(text.right() - time_w, text.top(), time_w, line),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), elapsed)
        name = customer_name(item.task.customer_name)
        if item.task.priority > 0:
            name = f"★ {name}"
        painter.setFont(bold)
        painter.drawText(QRect(text.left(), text.top(), text.width() - time_w - _PAD, line),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         bfm.elidedText(name, Qt.TextElideMode.ElideRight, text.width() - time_w - _PAD))

        phase = phase_name(item)
        phase_w = min(fm.horizontalAdvance(phase) + 4, text.width() // 2)
        second = QRect(text.left(), text.top() + line + _PAD // 2, text.width(), line)
        unread = self._model.unread(item)
        if unread:
            # The unread badge sits at the right end of the second line; the phase moves left of it.
            label = str(unread) if unread < 100 else "99+"
            badge_w = max(line, fm.horizontalAdvance(label) + 10)
            badge = QRect(second.right() - badge_w, second.top(), badge_w, line)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(BADGE_BG)
            painter.drawRoundedRect(badge, line / 2, line / 2)
            painter.setPen(QColor("#ffffff"))
            painter.setFont(bold)
            painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), label)
            second = second.adjusted(0, 0, -(badge_w + _PAD // 2), 0)
        painter.setFont(option.font)
        painter.setPen(text_colour if selected else PHASE_COLOURS.get(item.phase, text_colour))
        painter.drawText(QRect(second.right() - phase_w, second.top(), phase_w, line),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         fm.elidedText(phase, Qt.TextElideMode.ElideRight, phase_w))
        muted = text_colour if selected else option.palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setPen(muted)
        queue = queue_label(item.task)
        painter.drawText(QRect(second.left(), second.top(), second.width() - phase_w - _PAD, line),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         fm.elidedText(queue, Qt.TextElideMode.ElideRight, second.width() - phase_w - _PAD))
        painter.restore()
