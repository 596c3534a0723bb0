"""Someone else saved the draft since this tab loaded it: reload theirs, or keep mine as a copy. Never overwrite."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from designer.browser import format_time


class ConflictDialog(QMessageBox):
    """Names who saved and when; the caller reads :attr:`choice` ("reload", "copy" or "")."""

    def __init__(self, name: str, saved_by: str, saved_ms: int, version: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflict_dialog")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Someone else saved “{name}”").format(name=name))
        who = saved_by or self.tr("someone")
        when = format_time(saved_ms) or self.tr("just now")
        self.setText(self.tr("{who} saved version {version} of “{name}” at {when}, after you opened it.").format(
            who=who, version=version, name=name, when=when))
        self.setInformativeText(self.tr(
            "Your changes were not saved. Reload their version (your changes are discarded), or save "
            "yours as a new copy of the design."))
        self.reload_button = self.addButton(self.tr("&Reload theirs"), QMessageBox.ButtonRole.DestructiveRole)
        self.reload_button.setObjectName("reload_theirs_button")
        self.copy_button = self.addButton(self.tr("Save mine as a &copy"), QMessageBox.ButtonRole.AcceptRole)
        self.copy_button.setObjectName("save_copy_button")
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.copy_button)

    @property
    def choice(self) -> str:
        clicked = self.clickedButton()
        if clicked is self.reload_button:
            return "reload"
        if clicked is self.copy_button:
            return "copy"
        return ""


class UnsavedDialog(QMessageBox):
    """Closing a tab (or the window) with unsaved edits: Save / Discard / Cancel."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unsaved_dialog")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Unsaved changes"))
        self.setText(self.tr("“{name}” has unsaved changes. Save them as the draft?").format(name=name))
        self.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                                | QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(QMessageBox.StandardButton.Save)

    @property
    def choice(self) -> str:
        button = self.standardButton(self.clickedButton()) if self.clickedButton() else None
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(button, "")  # type: ignore[arg-type]
