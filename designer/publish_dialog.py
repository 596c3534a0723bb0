"""Publish: the problems summary (errors block), a required message, and "make live"."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.problems import counts, problem_text, severity_icon
from edge_server.contract.designs import Problem, Severity


class PublishDialog(QDialog):
    """Shows what publishing ``name`` would carry; accepted only without errors and with a message."""

    def __init__(self, name: str, draft_version: int, problems: list[Problem],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("publish_dialog")
        self.setWindowTitle(self.tr("Publish “{name}”").format(name=name))
        self._errors, warnings = counts(problems)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("publish_summary")
        self.summary_label.setWordWrap(True)
        if self._errors:
            self.summary_label.setText(self.tr(
                "Draft {version} has {errors} errors and {warnings} warnings. Errors block publishing: "
                "fix them first (the Problems panel lists them).").format(
                    version=draft_version, errors=self._errors, warnings=warnings))
        elif warnings:
            self.summary_label.setText(self.tr(
                "Draft {version} has {warnings} warnings. You may publish; check them first.").format(
                    version=draft_version, warnings=warnings))
        else:
            self.summary_label.setText(self.tr("Draft {version} has no problems.").format(version=draft_version))
        self.problem_list = QListWidget(self)
        self.problem_list.setObjectName("publish_problems")
        style = self.style()
        for p in problems:
            if p.severity in (Severity.ERROR, Severity.WARNING):
                self.problem_list.addItem(QListWidgetItem(severity_icon(p.severity, style),
                                                          f"{p.code}: {problem_text(p)}"))
        self.problem_list.setVisible(self.problem_list.count() > 0)
        self.message_edit = QPlainTextEdit(self)
        self.message_edit.setObjectName("publish_message")
        self.message_edit.setPlaceholderText(self.tr("What changed, and why (required)"))
        self.message_edit.setTabChangesFocus(True)
        message_label = QLabel(self.tr("&Message:"), self)
        message_label.setBuddy(self.message_edit)
        self.make_live_check = QCheckBox(self.tr("Make &live (new interactions use this revision)"), self)
        self.make_live_check.setObjectName("make_live_check")
        self.make_live_check.setChecked(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.publish_button = QPushButton(self.tr("&Publish"), self)
        self.publish_button.setObjectName("publish_button")
        self.buttons.addButton(self.publish_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.problem_list)
        layout.addWidget(message_label)
        layout.addWidget(self.message_edit)
        layout.addWidget(self.make_live_check)
        layout.addWidget(self.buttons)
        self.message_edit.textChanged.connect(self._update)
        self.resize(520, 420)
        self._update()

    def message(self) -> str:
        return self.message_edit.toPlainText().strip()

    def make_live(self) -> bool:
        return self.make_live_check.isChecked()

    def _update(self) -> None:
        self.publish_button.setEnabled(not self._errors and bool(self.message()))
        if self._errors:
            self.publish_button.setToolTip(self.tr("Fix the errors first"))
        elif not self.message():
            self.publish_button.setToolTip(self.tr("Write a message first"))
        else:
            self.publish_button.setToolTip("")
