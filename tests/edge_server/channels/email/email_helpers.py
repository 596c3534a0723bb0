"""A recording ChannelInbox with a durable cursor file, and builders of test mail."""
from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from edge_server.channels.base import DeliveryUpdate, InboundMessage

SUPPORT = "support@example.com"
CUSTOMER = "customer@example.org"
PASSWORDS = {SUPPORT: "support-pw", CUSTOMER: "customer-pw"}


class RecordingInbox:
    """What the hub gives an adapter, minus the hub: records everything, keeps cursors in a JSON file.

    Deliberately no de-duplication, so the tests see every duplicate the adapter would produce.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.cursor_file = root / "cursors.json"
        self.messages: list[InboundMessage] = []
        self.deliveries: list[DeliveryUpdate] = []
        self.changed = asyncio.Condition()
        self.fail_receive: Callable[[InboundMessage], bool] | None = None

    async def receive(self, msg: InboundMessage) -> None:
        if self.fail_receive is not None and self.fail_receive(msg):
            raise RuntimeError("store unavailable (test)")
        async with self.changed:
            self.messages.append(msg)
            self.changed.notify_all()

    async def delivery(self, update: DeliveryUpdate) -> None:
        async with self.changed:
            self.deliveries.append(update)
            self.changed.notify_all()

    def cursor(self, key: str) -> str:
        if not self.cursor_file.exists():
            return ""
        return str(json.loads(self.cursor_file.read_text()).get(key, ""))

    async def set_cursor(self, key: str, value: str) -> None:
        data: dict[str, Any] = json.loads(self.cursor_file.read_text()) if self.cursor_file.exists() else {}
        data[key] = value
        tmp = self.cursor_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.cursor_file)

    def attachment_dir(self) -> Path:
        return self.root / "attachments"

    async def wait_for(self, pred: Callable[[RecordingInbox], bool], timeout: float = 10.0) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: pred(self)), timeout)


def make_mail(*, sender: str = CUSTOMER, to: str = SUPPORT, subject: str = "Help please", text: str = "Hello",
              html: str | None = None, message_id: str | None = None, in_reply_to: str = "",
              references: str = "", headers: dict[str, str] | None = None,
              attachments: list[tuple[str, str, bytes]] = ()) -> EmailMessage:  # type: ignore[assignment]
    import datetime
    msg = EmailMessage()
    msg["From"] = f"Carol Customer <{sender}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.timezone.utc))
    msg["Message-ID"] = message_id or make_msgid(domain="example.org")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for k, v in (headers or {}).items():
        msg[k] = v
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for name, ctype, data in attachments:
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def account_table(dovecot_port: int, smtp_port: int, **over: Any) -> dict[str, Any]:
    table: dict[str, Any] = {
        "address": SUPPORT, "imap_host": "127.0.0.1", "imap_port": dovecot_port, "imap_tls": "none",
        "imap_password": PASSWORDS[SUPPORT], "smtp_port": smtp_port, "smtp_tls": "none", "smtp_auth": False,
        "poll_interval_s": 60.0, "io_timeout_s": 5.0, "from_name": "Acme Support",
    }
    table.update(over)
    return table
