"""After-call work for one task: a wrap-up code (type-ahead, Alt+1..9), notes, follow-up, the time left, Submit."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.reasons import ReasonCatalog, reason_label
from desktop.state_timer import format_duration
from edge_server.contract.messages import ReasonKind, WrapUpStarted

#: Ctrl+Enter on the main keyboard is Ctrl+Return to Qt; both submit.
SUBMIT_KEYS = (QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter"))
#: Alt+1 .. Alt+9 pick the n-th code of the list, as on VICIdial's disposition hotkeys.
PICK_KEYS = tuple(QKeySequence(f"Alt+{n}") for n in range(1, 10))


class WrapUpPanel(QWidget):
    """Submit is enabled only for a code the edge will take.

    When the edge lists allowed codes, one of them is mandatory (the picker offers
    only those). When it lists none, the site's wrap-up codes are offered and
    choosing one is optional. Typed text that names no code never submits silently.
    """

    #: The agent submitted: (task_id, code or "", notes). Kept for existing receivers.
    submitted = Signal(str, str, str)
    #: The same submit with the follow-up flag: (task_id, code or "", notes, follow_up).
    #: Emitted right after ``submitted``; new receivers pass it to session.submit_wrapup.
    wrapup_submitted = Signal(str, str, str, bool)

    def __init__(
        self,
        wrapup: WrapUpStarted,
        reasons: ReasonCatalog,
        *,
        now_ms: Callable[[], int],
        tick_ms: int = 1000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wrapup_panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # its framed box (QSS)
        self._wrapup = wrapup
        self._reasons = reasons
        self._now_ms = now_ms
        self._busy = False

        self._title = QLabel(self)
        self._title.setObjectName("wrapup_title")
        self.countdown_label = QLabel(self)
        self.countdown_label.setObjectName("wrapup_countdown")
        self.code_combo = QComboBox(self)
        self.code_combo.setObjectName("wrapup_code")
        self.code_combo.setEditable(True)
        self.code_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.code_combo.model(), self.code_combo)
        # Agents remember a word of the label, not its start ("follow" finds "Needs follow-up").
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.code_combo.setCompleter(completer)
        self.code_combo.editTextChanged.connect(self._on_code_text_changed)
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setObjectName("wrapup_notes")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(90)
        self.follow_up_check = QCheckBox(self)
        self.follow_up_check.setObjectName("wrapup_follow_up")
        self.keys_label = QLabel(self)
        self.keys_label.setObjectName("wrapup_keys")
        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("wrapup_hint")
        self.hint_label.setWordWrap(True)
        self.submit_button = QPushButton(self)
        self.submit_button.setObjectName("wrapup_submit")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self._on_submit_clicked)
        for keys in SUBMIT_KEYS:
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._on_submit_clicked)
        for n, keys in enumerate(PICK_KEYS):
            pick = QShortcut(keys, self)
            pick.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            pick.activated.connect(lambda n=n: self._on_pick_activated(n))

        self._form = QFormLayout()
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._code_caption = QLabel(self)
        self._notes_caption = QLabel(self)
        self._form.addRow(self._code_caption, self.code_combo)
        self._form.addRow(self._notes_caption, self.notes_edit)
        self._form.addRow("", self.follow_up_check)
        self._form.addRow("", self.keys_label)
        head = QHBoxLayout()
        head.addWidget(self._title, 1)
        head.addWidget(self.countdown_label)
        foot = QHBoxLayout()
        foot.addWidget(self.hint_label, 1)
        foot.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.addLayout(head)
        layout.addLayout(self._form)
        layout.addLayout(foot)

        self._tick = QTimer(self)
        self._tick.setObjectName("wrapup_tick")
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)
        self._fill_codes()
        self._retranslate()
        self._apply_until()

    # --- public -------------------------------------------------------------------------

    @property
    def task_id(self) -> str:
        return self._wrapup.task_id

    @property
    def required(self) -> bool:
        """The edge listed allowed codes: one of them must be chosen."""
        return bool(self._wrapup.codes)

    def codes(self) -> list[str]:
        """The codes the picker offers, in order."""
        return [self.code_combo.itemData(i) for i in range(self.code_combo.count())]

    def chosen_code(self) -> str | None:
        """The code the picker names: "" for none (when allowed), None when it names no valid code."""
        text = self.code_combo.currentText().strip()
        if not text:
            return None if self.required else ""
        folded = text.casefold()
        for i in range(self.code_combo.count()):
            code = self.code_combo.itemData(i)
            if folded in (self.code_combo.itemText(i).casefold(), str(code).casefold()):
                return str(code)
        return None

    @property
    def follow_up(self) -> bool:
        """The agent ticked "Follow up" (read by receivers of the 3-argument ``submitted``)."""
        return self.follow_up_check.isChecked()

    def pick(self, n: int) -> bool:
        """Choose the n-th code (0-based) of the list, as Alt+<n+1> does; False when there is none."""
        if self._busy or not 0 <= n < self.code_combo.count():
            return False
        self.code_combo.setCurrentIndex(n)
        return True

    def choose(self, code: str) -> None:
        index = self.code_combo.findData(code)
        self.code_combo.setCurrentIndex(index)
        if index < 0:
            self.code_combo.setEditText(code)

    def set_reasons(self, reasons: ReasonCatalog) -> None:
        self._reasons = reasons
        self._fill_codes()

    def update_wrapup(self, wrapup: WrapUpStarted) -> None:
        """The same wrap-up again (a snapshot after reconnect): new deadline or codes."""
        self._wrapup = wrapup
        self._fill_codes()
        self._retranslate()
        self._apply_until()

    def set_busy(self, busy: bool) -> None:
        """While a submit is on its way nothing can be sent twice."""
        self._busy = busy
        self.code_combo.setEnabled(not busy)
        self.notes_edit.setReadOnly(busy)
        self.follow_up_check.setEnabled(not busy)
        self._update_submit()

    def remaining_ms(self) -> int | None:
        if self._wrapup.until_ms is None:
            return None
        return max(0, self._wrapup.until_ms - self._now_ms())

    # --- Qt overrides ---------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._fill_codes()  # labels follow the UI language (label_zh in Chinese)
            self._retranslate()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        if self._wrapup.until_ms is not None:
            self._on_tick()  # shown now: no second of a stale countdown
        super().showEvent(event)

    # --- slots ------------------------------------------------------------------------------

    def _on_code_text_changed(self, _text: str) -> None:
        self._update_submit()

    def _on_submit_clicked(self) -> None:
        code = self.chosen_code()
        if self._busy or code is None:
            return
        notes = self.notes_edit.toPlainText().strip()
        self.submitted.emit(self.task_id, code, notes)
        self.wrapup_submitted.emit(self.task_id, code, notes, self.follow_up)

    def _on_pick_activated(self, n: int) -> None:
        self.pick(n)

    def _on_tick(self) -> None:
        left = self.remaining_ms()
        if left is None:
            self._tick.stop()
            return
        if left > 0:
            self.countdown_label.setText(self.tr("Ends in {time}").format(time=format_duration(left)))
        else:
            # The edge ends it by its timer (WrapUpEnded by "timer"); nothing to send from here.
            self.countdown_label.setText(self.tr("Time is up"))
            self._tick.stop()
        self.countdown_label.setProperty("urgent", left < 10_000)
        self.countdown_label.style().unpolish(self.countdown_label)
        self.countdown_label.style().polish(self.countdown_label)

    # --- internals --------------------------------------------------------------------------

    def _fill_codes(self) -> None:
        """(Re)fill the picker, keeping the agent's choice (or typed text) across rebuilds."""
        previous = self.chosen_code()
        typed = self.code_combo.currentText()
        # Labels only from the site's wrap-up codes: a Not Ready reason of the same name is another thing.
        labels = {rc.code: reason_label(rc) for rc in self._reasons.of_kind(ReasonKind.WRAPUP)}
        codes = list(self._wrapup.codes) if self._wrapup.codes else list(labels)
        self.code_combo.blockSignals(True)
        self.code_combo.clear()
        for code in codes:
            self.code_combo.addItem(labels.get(code, code), code)
        if previous:
            self.code_combo.setCurrentIndex(self.code_combo.findData(previous))
        else:
            self.code_combo.setCurrentIndex(-1)
            self.code_combo.setEditText(typed if previous is None else "")
        self.code_combo.blockSignals(False)
        self._update_submit()
        self._update_keys_hint()

    def _apply_until(self) -> None:
        timed = self._wrapup.until_ms is not None
        self.countdown_label.setVisible(timed)
        if timed:
            self._on_tick()
            if (self.remaining_ms() or 0) > 0:
                self._tick.start()
        else:
            self._tick.stop()

    def _update_submit(self) -> None:
        code = self.chosen_code()
        self.submit_button.setEnabled(not self._busy and code is not None)
        if code is not None:
            self.hint_label.clear()
        elif self.code_combo.currentText().strip():
            self.hint_label.setText(self.tr("No wrap-up code is called that: pick one from the list."))
        else:
            self.hint_label.setText(self.tr("Choose a wrap-up code to submit."))

    def _update_keys_hint(self) -> None:
        n = min(self.code_combo.count(), len(PICK_KEYS))
        self.keys_label.setVisible(n > 0)
        if n == 0:
            return
        first = PICK_KEYS[0].toString(QKeySequence.SequenceFormat.NativeText)
        last = PICK_KEYS[n - 1].toString(QKeySequence.SequenceFormat.NativeText)
        # The strings new with the hotkeys live in the screen-pop catalogue (resources/i18n/screenpop_*.ts).
        self.keys_label.setText(QCoreApplication.translate(
            "WrapUpPanel", "{first}…{last} pick a code in list order").format(first=first, last=last)
            if n > 1 else QCoreApplication.translate("WrapUpPanel", "{first} picks the code").format(first=first))

    def _retranslate(self) -> None:
        self._title.setText(self.tr("Wrap-up"))
        self._code_caption.setText(self.tr("Code:") if self.required else self.tr("Code (optional):"))
        self._notes_caption.setText(self.tr("Notes:"))
        self.code_combo.lineEdit().setPlaceholderText(self.tr("Type or pick a wrap-up code"))
        self.notes_edit.setPlaceholderText(self.tr("What was done, what is left (optional)"))
        self.follow_up_check.setText(QCoreApplication.translate("WrapUpPanel", "Follow up"))
        self.follow_up_check.setToolTip(QCoreApplication.translate(
            "WrapUpPanel", "Flag this interaction for a follow-up; it shows on the customer's timeline"))
        self._update_keys_hint()
        keys = SUBMIT_KEYS[0].toString(QKeySequence.SequenceFormat.NativeText)
        self.submit_button.setText(self.tr("Submit"))
        self.submit_button.setToolTip(self.tr("Submit the wrap-up ({keys})").format(keys=keys))
        self._update_submit()
        if self._wrapup.until_ms is not None:
            self._on_tick()
