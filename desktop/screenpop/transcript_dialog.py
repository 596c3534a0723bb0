"""One past interaction's transcript: who wrote what and when, internal notes marked, attachments to download."""
from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QTextBrowser, QVBoxLayout, QWidget

from desktop.interactions_hub import InteractionsHub
from desktop.screenpop.customer_card import plain_label
from desktop.screenpop.style import PANEL_QSS
from desktop.screenpop.failures import call_catching
from desktop.screenpop.formatting import channel_label, full_time_text, queue_text
from desktop.tasks import spawn
from edge_server.contract.interactions import Attachment, AuthorKind, ChatMessage, Transcript

log = logging.getLogger("sb.ui")

_SCHEME = "attachment"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


class TranscriptDialog(QDialog):
    """Loads on construction. Signals: loaded(); attachment_saved(str path).

    Every piece of customer or agent text is escaped before it reaches the HTML view.
    ``download_dir`` set: attachments go there without asking (kiosk setups and tests).
    """

    loaded = Signal()
    attachment_saved = Signal(str)

    def __init__(
        self, hub: InteractionsHub, interaction_id: str, parent: QWidget | None = None,
        *, download_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transcript_dialog")
        self.setStyleSheet(PANEL_QSS)
        self._hub = hub
        self._interaction_id = interaction_id
        self._download_dir = download_dir
        self._transcript: Transcript | None = None
        self._attachments: dict[str, Attachment] = {}
        self.header_label = plain_label(self, "transcript_header")
        self.header_label.setWordWrap(True)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("transcript_text")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_anchor_clicked)
        self.status_label = plain_label(self, "transcript_status")
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.resize(560, 520)
        self._retranslate()
        self.status_label.setText(self.tr("Loading the transcript…"))
        spawn(self._load(), name="get-transcript")

    @property
    def transcript(self) -> Transcript | None:
        return self._transcript

    def html(self) -> str:
        return self.browser.toHtml()

    def download(self, attachment_id: str, dest: Path) -> None:
        """Fetch one attachment of this transcript into ``dest`` (attachment_saved when done)."""
        attachment = self._attachments.get(attachment_id)
        if attachment is not None:
            spawn(self._download(attachment, dest), name="download-attachment")

    # --- Qt overrides ---------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            if self._transcript is not None:
                self._render(self._transcript)
        super().changeEvent(event)

    # --- slots ------------------------------------------------------------------------------

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() != _SCHEME:
            return  # links inside messages are shown, never followed from here
        attachment = self._attachments.get(url.path())
        if attachment is None:
            return
        if self._download_dir is not None:
            dest = self._download_dir / Path(attachment.name).name
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Save attachment"), attachment.name)
            if not chosen:
                return
            dest = Path(chosen)
        self.download(attachment.attachment_id, dest)

    # --- internals --------------------------------------------------------------------------

    async def _load(self) -> None:
        transcript, error = await call_catching(
            self._hub.session, "get_transcript", self._hub.get_transcript(self._interaction_id))
        if transcript is None:
            self.status_label.setText(error or self.tr("The transcript could not be loaded."))
            return
        self._transcript = transcript
        self._attachments = {a.attachment_id: a for m in transcript.messages for a in m.attachments}
        self._render(transcript)
        self.status_label.clear()
        self.loaded.emit()

    async def _download(self, attachment: Attachment, dest: Path) -> None:
        self.status_label.setText(self.tr("Downloading {name}…").format(name=attachment.name))
        ok, error = await call_catching(
            self._hub.session, "get_attachment", self._hub.download_attachment(attachment, dest))
        if not ok:
            self.status_label.setText(error or self.tr("{name} could not be downloaded.").format(name=attachment.name))
            return
        self.status_label.setText(self.tr("Saved {name}.").format(name=str(dest)))
        self.attachment_saved.emit(str(dest))

    def _render(self, t: Transcript) -> None:
        e = t.entry
        who = t.customer.name if t.customer is not None and t.customer.name else ""
        parts = [channel_label(str(e.channel)), full_time_text(e.created_ms), queue_text(e), e.agent_name or e.agent, who]
        self.header_label.setText(" · ".join(p for p in parts if p))
        rows = [self._message_html(m) for m in sorted(t.messages, key=lambda m: m.seq)]
        if e.notes:
            caption = _esc(self.tr("Wrap-up notes"))
            rows.append(f"<p style='background:#fdf4e1'><b>{caption}</b><br>{_esc(e.notes)}</p>")
        if not rows:
            empty = _esc(self.tr("No messages (a call without a transcript)."))
            rows.append(f"<p><i>{empty}</i></p>")
        self.browser.setHtml("".join(rows))

    def _message_html(self, m: ChatMessage) -> str:
        when = _esc(full_time_text(m.ts_ms))
        text = _esc(m.text).replace("\n", "<br>")
        if m.author_kind == AuthorKind.SYSTEM:
            return f"<p style='color:#6b7685' align='center'><i>{text}</i> <small>{when}</small></p>"
        author = m.author_name or m.author or self._author_kind_name(m.author_kind)
        # A word, not a paperclip emoji: the CJK fonts agents have (WenQuanYi) lack emoji glyphs.
        caption = _esc(self.tr("Attachment:"))
        files = "".join(
            f"<br><small>{caption}</small> <a href='{_SCHEME}:{_esc(a.attachment_id)}'>{_esc(a.name)}</a> "
            f"<small>({_esc(self._size(a.size))})</small>" for a in m.attachments)
        if m.private:
            note = _esc(self.tr("Internal note"))
            return (f"<p style='background:#fdf4e1;color:#5c3f05'><b>{_esc(author)}</b> "
                    f"<small>{when} · {note}</small><br>{text}{files}</p>")
        colour = "#1d4f91" if m.author_kind == AuthorKind.CUSTOMER else "#1f6e37"
        return f"<p><b style='color:{colour}'>{_esc(author)}</b> <small>{when}</small><br>{text}{files}</p>"

    def _author_kind_name(self, kind: AuthorKind) -> str:
        match kind:
            case AuthorKind.CUSTOMER:
                return self.tr("Customer")
            case AuthorKind.BOT:
                return self.tr("Bot")
        return self.tr("Agent")

    def _size(self, size: int) -> str:
        return self.locale().formattedDataSize(size)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Transcript"))
