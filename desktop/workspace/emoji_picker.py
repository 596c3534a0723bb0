"""A small grid of common emoji; a click inserts one into the composer."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QToolButton, QWidget

#: About forty that agents actually use with customers (greetings, thanks, apologies, status).
EMOJI = (
    "😀 😊 🙂 😉 😄 😁 😂 🤣 😅 😍 🥰 😘 🤔 😐 😮 😢 😭 😔 😞 😓 "
    "🙏 👍 👌 👏 🙌 💪 👋 🤝 ❤️ 💯 ✅ ❌ ⚠️ ⏳ 📦 🚚 💳 📞 📧 🎉"
).split()
_COLUMNS = 10


class EmojiPicker(QFrame):
    """Signals: picked(str)."""

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emoji_picker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setSpacing(2)
        self.buttons: list[QToolButton] = []
        for i, emoji in enumerate(EMOJI):
            b = QToolButton(self)
            b.setObjectName("emoji_button")
            b.setText(emoji)
            b.setAutoRaise(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setAccessibleName(emoji)
            b.clicked.connect(lambda _=False, e=emoji: self.picked.emit(e))
            grid.addWidget(b, i // _COLUMNS, i % _COLUMNS)
            self.buttons.append(b)
        self.hide()
