"""The chat composer: Enter sends, Shift+Enter breaks the line, "/" opens canned responses.

Also the emoji and attach buttons and the Internal-note toggle; it never talks to
the edge itself (the chat view does), it only says what the agent wants.
"""
from __future__ import annotations

from PySide6.QtCore import QDateTime, QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.workspace.attachment_rules import MAX_MESSAGE_CHARS
from desktop.workspace.canned_picker import CannedPicker

NOTE_KEYS = QKeySequence("Ctrl+Shift+N")


class ComposerEdit(QPlainTextEdit):
    """Signals: send_requested(), escaped()."""

    send_requested = Signal()
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer_edit")
        self.setTabChangesFocus(True)
        self.picker: CannedPicker | None = None

    def keyPressEvent(self, e: QKeyEvent) -> None:
        key, mods = e.key(), e.modifiers()
        picker = self.picker
        if picker is not None and not picker.isHidden():
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                picker.step(-1 if key == Qt.Key.Key_Up else 1)
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
                picker.choose_current()
                return
            if key == Qt.Key.Key_Escape:
                self.escaped.emit()
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if mods & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                return
            if not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                self.send_requested.emit()
                return
        if key == Qt.Key.Key_Escape:
            self.escaped.emit()
        super().keyPressEvent(e)


class Composer(QWidget):
    """Signals:
        send_requested(str text, bool private)
        canned_query_changed(str query): the text is "/query" (one line); "" after "/" alone.
        canned_closed(): the text no longer asks for a canned response.
        attach_requested(), emoji_requested(): the buttons.
        typed(): a keystroke that changed the text (typing indicator).
    """

    send_requested = Signal(str, bool)
    canned_query_changed = Signal(str)
    canned_closed = Signal()
    attach_requested = Signal()
    emoji_requested = Signal()
    typed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.edit = ComposerEdit(self)
        self.edit.setFixedHeight(72)
        self.edit.send_requested.connect(self._on_send_requested)
        self.edit.textChanged.connect(self._on_text_changed)
        self.emoji_button = QToolButton(self)
        self.emoji_button.setObjectName("emoji_button_open")
        self.emoji_button.setText("😊")
        self.emoji_button.setAutoRaise(True)
        self.emoji_button.clicked.connect(self.emoji_requested)
        self.attach_button = QToolButton(self)
        self.attach_button.setObjectName("attach_button")
        self.attach_button.setAutoRaise(True)
        self.attach_button.clicked.connect(self.attach_requested)
        self.note_toggle = QToolButton(self)
        self.note_toggle.setObjectName("note_toggle")
        self.note_toggle.setCheckable(True)
        self.note_toggle.toggled.connect(self._on_note_toggled)
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("send_button")
        self.send_button.clicked.connect(self._on_send_requested)
        tools = QHBoxLayout()
        tools.setSpacing(4)
        tools.addWidget(self.emoji_button)
        tools.addWidget(self.attach_button)
        tools.addWidget(self.note_toggle)
        tools.addStretch(1)
        # The channel's rules (cloud channels): characters left, the reply window, the quota.
        self.limit_label = QLabel(self)
        self.limit_label.setObjectName("composer_limits")
        tools.addWidget(self.limit_label)
        tools.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        layout.addWidget(self.edit)
        layout.addLayout(tools)
        self._canned_open = False
        self._setting = False
        self._max_chars = 0
        self._reply_until_ms = 0
        self._replies_left = -1
        self._now_ms = 0
        self._retranslate()

    # --- public ------------------------------------------------------------------------------

    @property
    def private(self) -> bool:
        return self.note_toggle.isChecked()

    def set_private(self, private: bool) -> None:
        self.note_toggle.setChecked(private)

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self._setting = True
        try:
            self.edit.setPlainText(text)
        finally:
            self._setting = False
        cursor = self.edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.edit.setTextCursor(cursor)
        self._check_canned()

    def set_limits(self, *, max_chars: int, reply_until_ms: int, replies_left: int, now_ms: int) -> None:
        """The channel's rules from InteractionInfo (0 / -1: none). Internal notes are never limited."""
        self._max_chars, self._reply_until_ms = max_chars, reply_until_ms
        self._replies_left, self._now_ms = replies_left, now_ms
        self._show_limits()

    @property
    def replies_closed(self) -> bool:
        """The channel accepts no more replies (window over or quota used up)."""
        window_over = bool(self._reply_until_ms) and self._now_ms >= self._reply_until_ms
        return window_over or self._replies_left == 0

    def insert(self, text: str) -> None:
        self.edit.insertPlainText(text)
        self.edit.setFocus()

    # --- Qt overrides ------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- slots ---------------------------------------------------------------------------------

    def _on_send_requested(self) -> None:
        text = self.text().strip()
        if not text or (not self.private and (self.replies_closed or self._too_long(text))):
            return
        self.send_requested.emit(text[:MAX_MESSAGE_CHARS], self.private)
        self.set_text("")

    def _on_text_changed(self) -> None:
        if not self._setting and self.text():
            self.typed.emit()
        self._check_canned()
        if self._max_chars:
            self._show_limits()

    def _on_note_toggled(self, private: bool) -> None:
        # The edit's frame turns amber: a note must never be mistaken for a reply.
        self.edit.setProperty("private", private)
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        self._retranslate()

    # --- internals -------------------------------------------------------------------------------

    def _too_long(self, text: str) -> bool:
        return bool(self._max_chars) and len(text) > self._max_chars

    def _show_limits(self) -> None:
        parts: list[str] = []
        warn = False
        if self.replies_closed:
            parts.append(self.tr("The channel no longer accepts replies: write a note or use another channel"))
            warn = True
        else:
            if self._max_chars:
                left = self._max_chars - len(self.text().strip())
                parts.append(self.tr("{count} characters left").format(count=left))
                warn = left < 0
            if self._reply_until_ms:
                until = QDateTime.fromMSecsSinceEpoch(self._reply_until_ms)
                parts.append(self.tr("replies until {time}").format(
                    time=QLocale().toString(until, QLocale.FormatType.ShortFormat)))
            if self._replies_left > 0:
                parts.append(self.tr("{count} replies left").format(count=self._replies_left))
        self.limit_label.setText(" · ".join(parts))
        self.limit_label.setProperty("warn", warn)
        self.limit_label.setStyleSheet("color: #b42318;" if warn else "color: palette(mid);")
        self.send_button.setEnabled(self.private or not (self.replies_closed or warn))

    def _check_canned(self) -> None:
        text = self.text()
        if text.startswith("/") and "\n" not in text and " " not in text[:1]:
            self._canned_open = True
            self.canned_query_changed.emit(text[1:])
        elif self._canned_open:
            self._canned_open = False
            self.canned_closed.emit()

    def _retranslate(self) -> None:
        if self.private:
            self.edit.setPlaceholderText(self.tr("Internal note: seen by agents only"))
        else:
            self.edit.setPlaceholderText(
                self.tr("Type a reply – Enter sends, Shift+Enter new line, / canned responses"))
        self.note_toggle.setText(self.tr("Internal note"))
        self.note_toggle.setToolTip(self.tr("Write an internal note, not sent to the customer ({keys})").format(
            keys=NOTE_KEYS.toString(QKeySequence.SequenceFormat.NativeText)))
        self.emoji_button.setToolTip(self.tr("Emoji"))
        # A word, not 📎: many agent PCs have no colour-emoji font and would draw a box.
        self.attach_button.setText(self.tr("Attach…"))
        self.attach_button.setToolTip(self.tr("Attach a file (PNG, JPEG, GIF, PDF or text, up to 10 MB)"))
        self.send_button.setText(self.tr("Send note") if self.private else self.tr("Send"))
        self._show_limits()
