"""Asks the name (and for flows the channel) of a new design."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from edge_server.contract.designs import FlowChannel


class NewDesignDialog(QDialog):
    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new_design_dialog")
        self.kind = kind
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("name_edit")
        self.channel_combo = QComboBox(self)
        self.channel_combo.setObjectName("channel_combo")
        for channel, label in ((FlowChannel.CHAT, self.tr("Chat (web chat, WeChat, SMS…)")),
                               (FlowChannel.VOICE, self.tr("Voice (IVR)")),
                               (FlowChannel.ANY, self.tr("Any channel"))):
            self.channel_combo.addItem(label, channel.value)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&Name:"), self.name_edit)
        if kind == "flow":
            form.addRow(self.tr("&Channel:"), self.channel_combo)
        else:
            self.channel_combo.hide()
        form.addRow(self.buttons)
        self.setWindowTitle(self.tr("New flow") if kind == "flow" else self.tr("New form"))
        self.name_edit.textChanged.connect(self._on_text)
        self._on_text()

    def name(self) -> str:
        return self.name_edit.text().strip()

    def channel(self) -> FlowChannel:
        return FlowChannel(self.channel_combo.currentData())

    def _on_text(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name()))
