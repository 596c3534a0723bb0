"""The screen-pop's "Form" section: the queue's live form for the interaction, prefilled, with Submit.

Hidden until the edge says a form is bound to the queue; loaded by the panel only after
the customer card was painted, so a form never delays the screen-pop itself.
After a submit it shows "Saved 10:42" and keeps the values: submitting again records a
new submission (the edge keeps every one with the revision it was made against).
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QDateTime, QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from desktop.forms.client import FormRefused, ScreenFormClient
from desktop.forms.texts import ui_locale
from desktop.forms.view import FormView
from desktop.tasks import spawn
from edge_server.contract.designs import FormSubmission, ScreenForm
from edge_server.contract.interactions import CustomerCard
from edge_server.contract.messages import TaskInfo

log = logging.getLogger("sb.ui")

SECTION_QSS = """
QFrame#form_section_frame { background: #ffffff; border: 1px solid #d5dbe3; border-radius: 6px; }
QToolButton#form_section_toggle { border: none; font-weight: 600; color: #3b4756; }
QLabel#form_section_status { color: #2e6b3a; }
QLabel#form_section_error { color: #b3261e; }
"""


def form_context(task: TaskInfo | None, card: CustomerCard | None, agent: str = "") -> dict[str, Any]:
    """The dotted names a form's expressions read (same names the edge uses on submit)."""
    ctx: dict[str, Any] = {}
    if card is not None:
        ctx.update({
            "customer.id": card.customer_id, "customer.name": card.name, "customer.tier": card.tier,
            "customer.vip": card.vip, "customer.tags": list(card.tags), "customer.notes": card.notes,
        })
        for ident in card.identities:
            kind = str(ident.kind)
            if kind in ("phone", "email") and f"customer.{kind}" not in ctx:
                ctx[f"customer.{kind}"] = ident.value
        for k, v in card.attributes.items():
            ctx[f"customer.attributes.{k}"] = v
    if task is not None:
        ctx.update({
            "interaction.id": task.interaction_id, "interaction.queue": task.queue,
            "interaction.channel": task.channel, "interaction.subject": task.subject,
        })
        for k, v in task.attributes.items():
            if not k.startswith("sb."):  # the edge's bookkeeping; the edge leaves it out of its context too
                ctx[f"interaction.attributes.{k}"] = v
    if agent:
        ctx["agent.username"] = agent
    return ctx


class FormSection(QFrame):
    """Signals: loaded(bool) once the edge answered (True: a form shows); submitted(FormSubmission)."""

    loaded = Signal(bool)
    submitted = Signal(object)

    def __init__(self, client: ScreenFormClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("form_section_frame")
        self.setStyleSheet(SECTION_QSS)
        self._client = client
        self._gen = 0
        self._interaction_id = ""
        self._screen: ScreenForm | None = None
        self._context: dict[str, Any] = {}
        self._last_failure = ""
        self._submitting = False
        self.last_submission: FormSubmission | None = None

        self.toggle = QToolButton(self)
        self.toggle.setObjectName("form_section_toggle")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.toggled.connect(self._on_toggled)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("form_section_status")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("form_section_error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.view = FormView(self)
        self.view.submit_requested.connect(self._on_submit_requested)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.toggle)
        head.addStretch(1)
        head.addWidget(self.status_label)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 6)
        lay.setSpacing(4)
        lay.addLayout(head)
        lay.addWidget(self.error_label)
        lay.addWidget(self.view, 1)
        session = client.session
        session.command_failed.connect(self._on_command_failed)
        self._retranslate()
        self.hide()

    # --- public ---------------------------------------------------------------------------------

    @property
    def interaction_id(self) -> str:
        return self._interaction_id

    @property
    def screen_form(self) -> ScreenForm | None:
        return self._screen

    def load(self, interaction_id: str, context: dict[str, Any]) -> None:
        """Fetch the form for ``interaction_id``; the section shows once one is bound."""
        self._gen += 1
        self._interaction_id = interaction_id
        self._context = dict(context)
        self._screen = None
        self.status_label.clear()
        self.error_label.hide()
        self.hide()
        spawn(self._load(self._gen, interaction_id), name="screenpop-form")

    def update_context(self, context: dict[str, Any]) -> None:
        """The customer changed (edited, linked): expressions see the new data; typed values stay."""
        self._context = dict(context)
        if self._screen is not None and self._screen.form is not None:
            self.view.set_context(self._context)

    def clear(self) -> None:
        self._gen += 1
        self._interaction_id = ""
        self._screen = None
        self.last_submission = None
        self.status_label.clear()
        self.hide()

    def preferred_height(self) -> int:
        """Header plus the whole form (when expanded): what the panel gives it when there is room."""
        header = self.toggle.sizeHint().height() + 14
        return header + (self.view.preferred_height() if self.is_expanded() else 0)

    def is_expanded(self) -> bool:
        return self.toggle.isChecked()

    # --- Qt overrides ---------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- slots --------------------------------------------------------------------------------------

    def _on_toggled(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.view.setVisible(expanded)

    def _on_command_failed(self, command: str, message: str) -> None:
        if command == "submit_form" and self._submitting:
            self._last_failure = message

    def _on_submit_requested(self, values: dict[str, Any]) -> None:
        screen = self._screen
        if screen is None or self._submitting:
            return
        self._submitting = True
        self._last_failure = ""
        self.view.submit_button.setEnabled(False)
        self.error_label.hide()
        spawn(self._submit(self._gen, screen, values), name="screenpop-form-submit")

    # --- internals ----------------------------------------------------------------------------------

    async def _load(self, gen: int, interaction_id: str) -> None:
        screen = await self._client.get(interaction_id)
        if gen != self._gen:
            return  # another interaction took the panel meanwhile
        self._screen = screen
        if screen is None or screen.form is None:
            self.hide()
            self.loaded.emit(False)
            return
        self.view.set_form(screen.form, dict(screen.values), context=self._context, language=ui_locale())
        self._retranslate()
        if screen.submissions:
            self._show_saved(screen.submissions[-1])
        self.show()
        self.loaded.emit(True)

    async def _submit(self, gen: int, screen: ScreenForm, values: dict[str, Any]) -> None:
        refused: FormRefused | None = None
        result: FormSubmission | None = None
        try:
            result = await self._client.submit(screen.interaction_id, screen.design_id, screen.revision, values)
        except FormRefused as e:
            refused = e
        finally:
            self._submitting = False
            if gen == self._gen:
                self.view.submit_button.setEnabled(True)
        if gen != self._gen:
            return
        if result is None:
            if refused is not None and refused.errors:
                self.view.set_errors(refused.errors)  # the edge's own per-field verdict
            else:
                self.view.check()
            reason = refused.message if refused is not None else self._last_failure
            self.error_label.setText(self.tr("The form was not saved: {reason}").format(
                reason=reason or self.tr("the edge refused it")))
            self.error_label.show()
            return
        self.error_label.hide()
        self._show_saved(result)
        self.submitted.emit(result)

    def _show_saved(self, submission: FormSubmission) -> None:
        self.last_submission = submission
        when = QDateTime.fromMSecsSinceEpoch(submission.ts_ms).toString("HH:mm") if submission.ts_ms else ""
        self.status_label.setText(self.tr("Saved {time}").format(time=when).strip())

    def _retranslate(self) -> None:
        name = ""
        if self._screen is not None and self._screen.form is not None:
            name = self._screen.form.name
        self.toggle.setText(self.tr("Form: {name}").format(name=name) if name else self.tr("Form"))
        if self.last_submission is not None:
            self._show_saved(self.last_submission)
