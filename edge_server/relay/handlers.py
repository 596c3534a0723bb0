"""The relay's default webhook handlers: the same adapters the edge builds, only their ``webhooks()``.

The adapters are built from the same ``[[channels.*]]`` tables but never started here: the relay
verifies and logs pushes; sending, token refresh and pull loops stay on the edge.
"""
from __future__ import annotations

import logging
from pathlib import Path

from edge_server.channels.base import WebhookHandler
from edge_server.channels.registry import build_accounts
from edge_server.config import ChannelsSection

log = logging.getLogger("sb.relay")


def webhook_handlers(channels: ChannelsSection, data_dir: Path) -> list[WebhookHandler]:
    handlers: list[WebhookHandler] = []
    for account in build_accounts(channels, data_dir / "channels"):
        webhooks = getattr(account.adapter, "webhooks", None)
        if webhooks is None:
            log.info("%s/%s takes no pushes (nothing for the relay to host)", *account.key)
            continue
        handlers.extend(webhooks())
    return handlers
