"""``EmailAdapter``: the email channel behind the common adapter interface (base.py)."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path
from typing import Any

from edge_server.channels.base import ChannelInbox, ChannelLimits, Delivery, OutboundMessage, SendError, SendResult
from edge_server.channels.email.compose import ComposeError, compose
from edge_server.channels.email.config import EmailAccountConfig, parse_config
from edge_server.channels.email.parse import CHANNEL
from edge_server.channels.email.receiver import Receiver
from edge_server.channels.email.sender import send_mail

log = logging.getLogger("sb.channels.email")

STOP_TIMEOUT_S = 5.0


class EmailAdapter:
    """One support mailbox. ``account`` is its address."""

    channel = CHANNEL

    def __init__(self, cfg: EmailAccountConfig, data_dir: Path) -> None:
        self.cfg = cfg
        self.account = cfg.address
        self.data_dir = data_dir
        self.receiver: Receiver | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def queue(self) -> str:
        return self.cfg.queue

    def limits(self) -> ChannelLimits:
        # Email has no reply window and takes any file type; the interactions service's own
        # attachment rules still apply.
        return ChannelLimits(max_chars=self.cfg.max_chars)

    async def start(self, inbox: ChannelInbox) -> None:
        if self._task is not None:
            raise RuntimeError(f"email adapter {self.account} already started")
        self.receiver = Receiver(self.cfg, inbox)
        self._task = asyncio.create_task(self.receiver.run(), name=f"email-receive-{self.account}")
        log.info("email %s: receiving from %s:%d (%s)", self.account, self.cfg.imap_host, self.cfg.imap_port,
                 self.cfg.imap_tls)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            try:
                await asyncio.wait_for(task, STOP_TIMEOUT_S)
            except asyncio.TimeoutError:
                log.error("email %s: the receive loop did not stop within %.0f s", self.account, STOP_TIMEOUT_S)

    async def send(self, out: OutboundMessage) -> SendResult:
        try:
            msg, message_id, recipients = compose(out, self.cfg)
        except ComposeError as e:
            raise SendError(str(e), not_sent=True, permanent=True) from e
        await send_mail(self.cfg, msg.as_bytes(policy=SMTP_POLICY), message_id, recipients)
        log.info("email %s: sent %s to %s (interaction %s seq %d)", self.account, message_id,
                 ", ".join(recipients), out.interaction_id, out.seq)
        return SendResult(provider_id=message_id, state=Delivery.SENT)


def from_config(table: dict[str, Any], data_dir: Path) -> EmailAdapter:
    """Build the adapter of one ``[[channels.email]]`` table (raises EmailConfigError naming the key)."""
    return EmailAdapter(parse_config(table), data_dir)
