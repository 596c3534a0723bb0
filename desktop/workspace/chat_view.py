"""The detail pane of one chat-like interaction: header, toolbar, transcript, typing line, composer.

Built per interaction (like TaskView) so a half-typed reply survives switching
chats. Talks to the edge only through the hub and the Conversation; the work
list does End/Leave bookkeeping through the signals, as it does for TaskView.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QSize, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.icons import channel_icon
from desktop.reasons import ReasonCatalog
from desktop.tasks import spawn
from desktop.texts import channel_name, customer_name
from desktop.workspace.attachment_rules import check_attachment
from desktop.workspace.canned_picker import CannedPicker, fill_variables, first_name
from desktop.workspace.composer import NOTE_KEYS, Composer
from desktop.workspace.conversation import Conversation
from desktop.workspace.emoji_picker import EmojiPicker
from desktop.workspace.target_picker import PickMode, TargetPicker
from desktop.workspace.transcript_view import TranscriptView
from desktop.workspace.typing_notifier import TypingNotifier
from desktop.workspace.work_model import TaskPhase, WorkItem, phase_name, queue_label
from desktop.workspace.wrapup_host import WrapUpHost
from desktop.workspace.wrapup_panel import WrapUpPanel
from edge_server.contract.interactions import Attachment, CannedResponse, DeliveryChanged, ParticipantRole

log = logging.getLogger("sb.ui")

_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")


def default_downloads_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation) or Path.home())


class ChatView(WrapUpHost, QWidget):
    """Signals (the TaskView ones, so the work list treats both alike, plus the chat's own):
        complete_requested(str task_id): End chat.
        dismiss_requested(str task_id), wrapup_submitted(str, str, str, bool): as TaskView.
        leave_requested(str task_id): a consulted/conferenced agent leaves.
        transferred(str task_id): the edge took this agent's transfer; the chat is no longer theirs.
        notice_posted(str): a line for the status bar.
    """

    complete_requested = Signal(str)
    dismiss_requested = Signal(str)
    wrapup_submitted = Signal(str, str, str, bool)
    leave_requested = Signal(str)
    transferred = Signal(str)
    notice_posted = Signal(str)

    #: Where downloads go and how they are opened; tests replace both.
    downloads_dir: Callable[[], Path] = staticmethod(default_downloads_dir)
    open_url: Callable[[QUrl], bool] = staticmethod(QDesktopServices.openUrl)

    def __init__(
        self,
        item: WorkItem,
        reasons: ReasonCatalog,
        conversation: Conversation,
        *,
        agent_name: Callable[[], str],
        now_ms: Callable[[], int],
        tick_ms: int = 1000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chat_view")
        self.setAcceptDrops(True)
        self._item = item
        self._shown_phase = item.phase
        self._reasons = reasons
        self.conversation = conversation
        self._hub = conversation._hub
        self._agent_name = agent_name
        self._now_ms = now_ms
        self._tick_ms = tick_ms
        self._busy = False
        self._canned: list[CannedResponse] | None = None
        self.wrapup_panel: WrapUpPanel | None = None
        self.dialog: TargetPicker | None = None

        # Header: who, where from, and whether they are still there.
        self._icon = QLabel(self)
        self._icon.setFixedSize(QSize(32, 32))
        self.customer_label = QLabel(self)
        self.customer_label.setObjectName("task_customer")
        # Customer-supplied: plain text always (QLabel would otherwise guess rich text from "<b>").
        self.customer_label.setTextFormat(Qt.TextFormat.PlainText)
        self.queue_label = QLabel(self)
        self.queue_label.setObjectName("task_queue")
        self.subject_label = QLabel(self)
        self.subject_label.setObjectName("task_subject")
        self.subject_label.setTextFormat(Qt.TextFormat.PlainText)
        self.offline_label = QLabel(self)
        self.offline_label.setObjectName("customer_offline")
        self.phase_label = QLabel(self)
        self.phase_label.setObjectName("task_phase")
        self.elapsed_label = QLabel(self)
        self.elapsed_label.setObjectName("task_elapsed")
        who = QVBoxLayout()
        who.setSpacing(0)
        name_row = QHBoxLayout()
        name_row.addWidget(self.customer_label)
        name_row.addWidget(self.offline_label)
        name_row.addStretch(1)
        who.addLayout(name_row)
        who.addWidget(self.queue_label)
        who.addWidget(self.subject_label)
        time_box = QVBoxLayout()
        time_box.setSpacing(0)
        time_box.addWidget(self.elapsed_label, 0, Qt.AlignmentFlag.AlignRight)
        time_box.addWidget(self.phase_label, 0, Qt.AlignmentFlag.AlignRight)
        head = QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addLayout(who, 1)
        head.addLayout(time_box)

        # Toolbar: what can be done with the chat as a whole.
        self.transfer_button = QPushButton(self)
        self.transfer_button.setObjectName("chat_transfer")
        self.consult_button = QPushButton(self)
        self.consult_button.setObjectName("chat_consult")
        self.conference_button = QPushButton(self)
        self.conference_button.setObjectName("chat_conference")
        self.leave_button = QPushButton(self)
        self.leave_button.setObjectName("chat_leave")
        self.end_button = QPushButton(self)
        self.end_button.setObjectName("chat_end")
        self.dismiss_button = QPushButton(self)
        self.dismiss_button.setObjectName("task_dismiss")
        self.transfer_button.clicked.connect(lambda: self.open_picker(PickMode.TRANSFER))
        self.consult_button.clicked.connect(lambda: self.open_picker(PickMode.CONSULT))
        self.conference_button.clicked.connect(lambda: self.open_picker(PickMode.CONFERENCE))
        self.leave_button.clicked.connect(self._on_leave_clicked)
        self.end_button.clicked.connect(self._on_end_clicked)
        self.dismiss_button.clicked.connect(self._on_dismiss_clicked)
        toolbar = QHBoxLayout()
        toolbar.setSpacing(6)
        for b in (self.transfer_button, self.consult_button, self.conference_button):
            toolbar.addWidget(b)
        toolbar.addStretch(1)
        toolbar.addWidget(self.leave_button)
        toolbar.addWidget(self.dismiss_button)
        toolbar.addWidget(self.end_button)

        self.transcript = TranscriptView(conversation.transcript, self)
        self.transcript.delegate.attachment_clicked.connect(self._on_attachment_clicked)
        self.transcript.delegate.retry_clicked.connect(self._on_retry_clicked)
        self.typing_label = QLabel(self)
        self.typing_label.setObjectName("typing_line")
        self.typing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.composer = Composer(self)
        self.composer.send_requested.connect(self._on_send_requested)
        self.composer.canned_query_changed.connect(self._on_canned_query_changed)
        self.composer.canned_closed.connect(self._on_canned_closed)
        self.composer.attach_requested.connect(self._on_attach_requested)
        self.composer.emoji_requested.connect(self._on_emoji_requested)
        self.composer.typed.connect(self._on_typed)
        self.composer.edit.escaped.connect(self._on_escaped)
        self.typing = TypingNotifier(self._send_typing, parent=self)

        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 10, 12, 6)
        self._layout.setSpacing(6)
        self._layout.addLayout(head)
        self._layout.addLayout(toolbar)
        self._layout.addWidget(self.transcript, 1)
        self._layout.addWidget(self.typing_label)
        self._wrapup_slot = self._layout.count()  # the wrap-up panel takes the composer's place
        self._layout.addWidget(self.composer)

        # Floating over the transcript's bottom, above the composer.
        self.picker = CannedPicker(self)
        self.picker.chosen.connect(self._on_canned_chosen)
        self.composer.edit.picker = self.picker
        self.emoji = EmojiPicker(self)
        self.emoji.picked.connect(self._on_emoji_picked)

        self._note_shortcut = QShortcut(NOTE_KEYS, self)
        self._note_shortcut.setObjectName("note_shortcut")
        self._note_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._note_shortcut.activated.connect(lambda: self.composer.set_private(not self.composer.private))

        conversation.info_changed.connect(self._on_info_changed)
        conversation.typing_changed.connect(self._on_customer_typing_changed)
        conversation.transcript.rowsInserted.connect(self._on_rows_inserted)
        self._hub.delivery_changed.connect(self._on_delivery_changed)
        self.show_item(item)
        if conversation.info is not None:
            self._on_info_changed()

    # --- public (the TaskView interface) ------------------------------------------------------------

    @property
    def task_id(self) -> str:
        return self._item.task_id

    @property
    def complete_button(self) -> QPushButton:
        """End chat is the chat's Complete (the name TaskView callers use)."""
        return self.end_button

    @property
    def interaction_id(self) -> str:
        return self.conversation.interaction_id

    def show_item(self, item: WorkItem) -> None:
        if self._adopt_item(item) and item.phase != TaskPhase.ACTIVE:
            self.typing.stop()
        self._show()

    # --- public (chat) ------------------------------------------------------------------------------

    def send_text(self, text: str, private: bool = False) -> str:
        """Send as if typed; returns the client_msg_id of the optimistic bubble."""
        client_msg_id = self.conversation.new_pending(text, private=private)
        self.typing.stop()
        spawn(self.conversation.send(client_msg_id), name=f"send-{client_msg_id[:8]}")
        return client_msg_id

    def attach_files(self, paths: list[Path], text: str = "") -> str | None:
        """Check, upload and send files (with optional text); None if every file was refused."""
        ok = []
        for path in paths:
            check = check_attachment(path)
            if check.ok:
                ok.append(check)
            else:
                self.notice_posted.emit(check.problem)
        if not ok:
            return None
        client_msg_id = self.conversation.new_pending(
            text, private=self.composer.private, uploading=[c.path.name for c in ok])
        spawn(self._upload_and_send(client_msg_id, ok), name=f"upload-{client_msg_id[:8]}")
        return client_msg_id

    def open_picker(self, mode: PickMode) -> TargetPicker:
        """Transfer / Consult / Conference: the picker, opened window-modal (tests read .dialog)."""
        dialog = TargetPicker(self._hub, mode, self)
        dialog.finished.connect(lambda result, d=dialog: self._on_picker_finished(d, result))
        self.dialog = dialog
        dialog.load()
        dialog.open()
        return dialog

    def canned_values(self) -> dict[str, str]:
        agent = self._agent_name()
        return {
            "customer.name": self._customer_name(),
            "agent.name": agent,
            "agent.first_name": first_name(agent),
            "queue.name": queue_label(self._item.task),
        }

    def mark_read_if_seen(self) -> int | None:
        """Tell the edge what the agent has seen, if this view is on screen with the window active."""
        if not (self.isVisible() and self.window().isActiveWindow()):
            return None
        seq = self.conversation.mark_read()
        if seq is not None:
            spawn(self._hub.mark_read(self.interaction_id, seq), name=f"mark-read-{self.interaction_id}")
        return seq

    # --- Qt overrides ------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._show()
            self.conversation.transcript.retranslate()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        # The agent comes back to the window: what this view shows is read now. Children get
        # WindowActivate (ActivationChange reaches only the top-level window).
        if event.type() == QEvent.Type.WindowActivate:
            self.mark_read_if_seen()
        return super().event(event)

    def _on_delivery_changed(self, change: DeliveryChanged) -> None:
        # Cloud channels: sent / delivered / read / failed under the agent's message.
        if change.interaction_id == self.interaction_id:
            self.conversation.transcript.set_delivery(change.seq, change.delivery, change.error)

    def showEvent(self, event: QShowEvent) -> None:
        self.tick()
        super().showEvent(event)
        self.mark_read_if_seen()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_popups()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self._item.phase == TaskPhase.ACTIVE:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.attach_files(paths)
            event.acceptProposedAction()

    # --- slots -----------------------------------------------------------------------------------

    def _on_send_requested(self, text: str, private: bool) -> None:
        self.send_text(text, private)

    def _on_typed(self) -> None:
        if not self.composer.private and self._item.phase == TaskPhase.ACTIVE:
            self.typing.keystroke()

    def _on_rows_inserted(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        self.mark_read_if_seen()

    def _on_info_changed(self) -> None:
        self._show_presence()
        self._update_buttons()
        info = self.conversation.info
        if info is not None:
            self.composer.set_limits(max_chars=info.max_chars, reply_until_ms=info.reply_until_ms,
                                     replies_left=info.replies_left, now_ms=self._now_ms())

    def _on_customer_typing_changed(self, typing: bool) -> None:
        name = self._customer_name()
        self.typing_label.setText(self.tr("{customer} is typing…").format(customer=name) if typing else "")

    def _on_canned_query_changed(self, query: str) -> None:
        if self._canned is None:
            self._canned = []
            spawn(self._load_canned(), name="list-canned")
        self.picker.filter(query)
        self.emoji.hide()
        self.picker.show()
        self._place_popups()
        self.picker.raise_()

    def _on_canned_closed(self) -> None:
        self.picker.hide()

    def _on_canned_chosen(self, item: CannedResponse) -> None:
        self.picker.hide()
        self.composer.set_text(fill_variables(item.text, self.canned_values()))
        self.composer.edit.setFocus()

    def _on_escaped(self) -> None:
        self.picker.hide()
        self.emoji.hide()

    def _on_emoji_requested(self) -> None:
        self.picker.hide()
        self.emoji.setVisible(not self.emoji.isVisible())
        self._place_popups()
        self.emoji.raise_()

    def _on_emoji_picked(self, emoji: str) -> None:
        self.composer.insert(emoji)
        self.emoji.hide()

    def _on_attach_requested(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Attach files"), "", self.tr("Images, PDF and text (*.png *.jpg *.jpeg *.gif *.pdf *.txt)"))
        if files:
            self.attach_files([Path(f) for f in files])

    def _on_attachment_clicked(self, attachment: Attachment) -> None:
        spawn(self._download(attachment), name=f"download-{attachment.attachment_id}")

    def _on_retry_clicked(self, client_msg_id: str) -> None:
        spawn(self.conversation.send(client_msg_id), name=f"retry-{client_msg_id[:8]}")

    def _on_picker_finished(self, dialog: TargetPicker, result: int) -> None:
        picked = dialog.picked() if result else None
        dialog.deleteLater()
        if self.dialog is dialog:
            self.dialog = None
        if picked is None:
            return
        if dialog.mode == PickMode.TRANSFER:
            spawn(self._transfer(picked.kind, picked.target, picked.note, picked.label),
                  name=f"transfer-{self.interaction_id}")
        else:
            role = ParticipantRole.CONSULT if dialog.mode == PickMode.CONSULT else ParticipantRole.CONFERENCE
            spawn(self._invite(picked.target, role, picked.note, picked.label), name=f"invite-{self.interaction_id}")

    def _on_end_clicked(self) -> None:
        if not self._busy and self._item.phase == TaskPhase.ACTIVE:
            self.complete_requested.emit(self._item.task_id)

    def _on_leave_clicked(self) -> None:
        if not self._busy:
            self.leave_requested.emit(self._item.task_id)

    def _on_dismiss_clicked(self) -> None:
        if not self._busy and self._item.phase in (TaskPhase.ENDED, TaskPhase.COMPLETED):
            self.dismiss_requested.emit(self._item.task_id)

    # --- async work -----------------------------------------------------------------------------------

    async def _send_typing(self, typing: bool) -> object:
        return await self._hub.set_typing(self.interaction_id, typing)

    async def _load_canned(self) -> None:
        items = await self._hub.list_canned("")
        if items is None:
            self._canned = None  # try again on the next "/"
            return
        self._canned = items
        self.picker.set_items(items)

    async def _upload_and_send(self, client_msg_id: str, checks: list) -> None:  # noqa: ANN001
        stored: list[Attachment] = []
        for check in checks:
            attachment = await self._hub.upload_file(self.interaction_id, check.path, check.content_type)
            if attachment is None:
                self.conversation.fail_pending(client_msg_id)
                self.notice_posted.emit(self.tr("{name} could not be uploaded.").format(name=check.path.name))
                return
            stored.append(attachment)
        self.conversation.attach_to_pending(client_msg_id, stored)
        await self.conversation.send(client_msg_id)

    async def _download(self, attachment: Attachment) -> Path | None:
        folder = self.downloads_dir()
        folder.mkdir(parents=True, exist_ok=True)
        dest = _free_name(folder / Path(attachment.name).name)
        if not await self._hub.download_attachment(attachment, dest):
            self.notice_posted.emit(self.tr("{name} could not be downloaded.").format(name=attachment.name))
            return None
        if attachment.content_type in _IMAGE_TYPES:
            pix = QPixmap(str(dest))
            if not pix.isNull():
                self.conversation.transcript.set_thumbnail(
                    attachment, pix.scaled(QSize(240, 240), Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
        self.notice_posted.emit(self.tr("Saved to {path}").format(path=str(dest)))
        self.open_url(QUrl.fromLocalFile(str(dest)))
        return dest

    async def _transfer(self, kind: str, target: str, note: str, label: str = "") -> None:
        self.set_busy(True)
        ok = await self._hub.transfer(
            self.interaction_id, to_agent=target if kind == "agent" else "",
            to_queue=target if kind == "queue" else "", note=note)
        self.set_busy(False)
        if ok:
            # The name the agent picked, not the user id ("李伟", not "li.wei").
            self.notice_posted.emit(self.tr("Transferred to {target}.").format(target=label or target))
            # Last: the receiver drops this view (nothing may touch it after the emit).
            self.transferred.emit(self._item.task_id)

    async def _invite(self, agent: str, role: ParticipantRole, note: str, label: str = "") -> None:
        if await self._hub.invite(self.interaction_id, agent, role, note):
            self.notice_posted.emit(self.tr("Invitation sent to {agent}.").format(agent=label or agent))

    # --- internals ----------------------------------------------------------------------------------

    def _customer_name(self) -> str:
        info = self.conversation.info
        return customer_name((info.customer_name if info is not None else "") or self._item.task.customer_name)

    def _show(self) -> None:
        task = self._item.task
        self._icon.setPixmap(channel_icon(task.channel).pixmap(QSize(32, 32)))
        self._icon.setToolTip(channel_name(task.channel))
        self.customer_label.setText(self._customer_name())
        self.queue_label.setText(" · ".join(p for p in (queue_label(task), channel_name(task.channel)) if p))
        self.subject_label.setText(task.subject)
        self.subject_label.setVisible(bool(task.subject))
        self.phase_label.setText(phase_name(self._item))
        self.phase_label.setProperty("phase", self._item.phase.value)
        self.phase_label.style().unpolish(self.phase_label)
        self.phase_label.style().polish(self.phase_label)
        self.transfer_button.setText(self.tr("Transfer"))
        self.transfer_button.setToolTip(self.tr("Hand the chat to a queue or an agent"))
        self.consult_button.setText(self.tr("Consult"))
        self.consult_button.setToolTip(self.tr("Ask another agent in: they see the chat and write internal notes"))
        self.conference_button.setText(self.tr("Conference"))
        self.conference_button.setToolTip(self.tr("Bring another agent in: they write to the customer too"))
        self.leave_button.setText(self.tr("Leave"))
        self.end_button.setText(self.tr("End chat"))
        self.end_button.setToolTip(self.tr("Close the chat for the customer; wrap-up follows"))
        self.dismiss_button.setText(self.tr("Close"))
        self.elapsed_label.setToolTip(self.tr("Time since the chat was assigned to you"))
        self._on_customer_typing_changed(self.conversation.customer_typing)
        self._show_presence()
        self._update_buttons()
        self.tick()

    def _show_presence(self) -> None:
        self.customer_label.setText(self._customer_name())
        offline = not self.conversation.customer_online
        self.offline_label.setText(self.tr("● offline") if offline else "")
        self.offline_label.setToolTip(self.tr("The customer closed the chat page or lost the connection")
                                      if offline else "")
        self.offline_label.setVisible(offline)

    def _update_buttons(self) -> None:
        phase = self._item.phase
        active = phase == TaskPhase.ACTIVE
        owner = self.conversation.role == ParticipantRole.OWNER
        for b in (self.transfer_button, self.consult_button, self.conference_button, self.end_button):
            b.setVisible(active and owner)
            b.setEnabled(not self._busy)
        self.leave_button.setVisible(active and not owner)
        self.leave_button.setEnabled(not self._busy)
        self.dismiss_button.setVisible(phase in (TaskPhase.ENDED, TaskPhase.COMPLETED))
        self.dismiss_button.setEnabled(not self._busy)
        self.composer.setVisible(active)
        # A consulted agent writes internal notes only (the contract's ParticipantRole.CONSULT).
        consult = self.conversation.role == ParticipantRole.CONSULT
        if consult:
            self.composer.set_private(True)
        self.composer.note_toggle.setEnabled(not consult)

    def _place_popups(self) -> None:
        """Canned and emoji pickers float just above the composer, left-aligned with it."""
        anchor = self.composer.geometry()
        for popup, width, height in ((self.picker, min(460, self.width() - 24), 220), (self.emoji, 0, 0)):
            if not popup.isVisible():
                continue
            if popup is self.emoji:
                hint = self.emoji.sizeHint()
                width, height = hint.width(), hint.height()
            popup.setGeometry(anchor.left() + 8, max(0, anchor.top() - height - 2), width, height)


def _free_name(path: Path) -> Path:
    """report.pdf, report (1).pdf, ...: never overwrite what the agent downloaded before."""
    if not path.exists():
        return path
    for n in range(1, 1000):
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists():
            return candidate
    return path
