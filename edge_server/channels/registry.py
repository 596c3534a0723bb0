"""Builds the configured cloud channel adapters: ``[[channels.<name>]]`` -> ``<name>.adapter:from_config``.

Adapters are imported by name only when configured, so an edge without (say) the email module
still starts when no mailbox is configured, and one that configures it gets a config error
naming the table rather than an import crash.
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edge_server.channels.base import ChannelAdapter
from edge_server.config import ConfigError

if TYPE_CHECKING:
    from edge_server.config import ChannelsSection

log = logging.getLogger("sb.channels")

#: The cloud channels, in the order the config section lists them.
CHANNELS: tuple[str, ...] = ("wechat", "wecom", "weibo", "email", "sms")

#: ``from_config(account_table, data_dir) -> ChannelAdapter``; raises on a bad table.
Factory = Callable[[dict[str, Any], Path], ChannelAdapter]


class ChannelConfigError(ValueError):
    """A ``[[channels.<name>]]`` table cannot be used; the message names the table and the key."""


@dataclass(frozen=True, slots=True)
class Account:
    """One configured account and the hub's own keys of its table."""

    adapter: ChannelAdapter
    queue: str  # "" : the first queue of the channel (see ChannelHub)

    @property
    def key(self) -> tuple[str, str]:
        return self.adapter.channel, self.adapter.account


def load_factory(channel: str) -> Factory:
    """``edge_server.channels.<channel>.adapter:from_config``; ChannelConfigError if it does not exist."""
    name = f"edge_server.channels.{channel}.adapter"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:
        # Only a missing adapter module is a config problem; a missing import inside it is a bug.
        if e.name is None or not name.startswith(e.name):
            raise
        raise ChannelConfigError(
            f"[[channels.{channel}]] is configured but this edge has no {channel} adapter ({name} is missing)"
        ) from e
    factory = getattr(module, "from_config", None)
    if not callable(factory):
        raise ChannelConfigError(f"{name} has no from_config(table, data_dir) function")
    return factory  # type: ignore[no-any-return]


def build_accounts(cfg: ChannelsSection, data_dir: Path,
                   factories: Mapping[str, Factory] | None = None) -> list[Account]:
    """Every configured account's adapter (not started). ``factories`` replaces imports (tests)."""
    out: list[Account] = []
    seen: set[tuple[str, str]] = set()
    for channel in CHANNELS:
        tables: list[dict[str, Any]] = getattr(cfg, channel)
        if not tables:
            continue
        factory = (factories or {}).get(channel) or load_factory(channel)
        for i, table in enumerate(tables):
            where = f"[[channels.{channel}]] #{i + 1}"
            if not isinstance(table, dict):
                raise ChannelConfigError(f"{where}: expected a table")
            queue = table.get("queue", "")
            if not isinstance(queue, str):
                raise ChannelConfigError(f"{where}: `queue` must be a string")
            # `queue` is the hub's key: the adapter's own struct need not know it.
            own = {k: v for k, v in table.items() if k != "queue"}
            try:
                adapter = factory(own, data_dir)
            except ChannelConfigError:
                raise
            except (ConfigError, ValueError, TypeError, KeyError) as e:  # msgspec.ValidationError is a ValueError
                raise ChannelConfigError(f"{where}: {e}") from e
            key = (adapter.channel, adapter.account)
            if key in seen:
                raise ChannelConfigError(f"{where}: account {adapter.account!r} is configured twice")
            seen.add(key)
            out.append(Account(adapter=adapter, queue=queue))
            log.info("channel %s account %s configured (queue %s)", channel, adapter.account, queue or "default")
    return out
