"""One ``[[channels.wechat]]`` table, typed and checked (errors name the key)."""
from __future__ import annotations

from typing import Any, Literal

import msgspec

from edge_server.channels.wechat.crypto import is_valid_aes_key
from edge_server.config import ConfigError


class AccountConfigError(ConfigError, ValueError):
    """A ``[[channels.wechat]]`` / ``[[channels.wecom]]`` table is wrong; the message names the key.
    A ValueError too, so the channel registry reports it like other adapters' table errors."""


class TemplateFallback(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Send a reply as a template message when the customer-service window is closed (spec §1.11, 45015).

    Templates are WeChat's service notifications (certified service accounts, policy-bound): the text
    goes into one keyword field of an approved template, cut to that field's limit.
    """

    template_id: str  # an approved template of the account (40037 when WeChat does not know it)
    field: str = "content"  # the template keyword that carries the agent's text ({{content.DATA}})
    url: str = ""  # opened when the customer taps the notification ("": none)
    max_chars: int = 200  # the field's limit; longer replies are cut with "…"


class WeChatAccountConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    app_id: str  # AppID (wx...): the account name and the receive id of safe-mode messages
    app_secret: str  # AppSecret: fetches the access_token
    token: str  # the push Token (3-32 chars), signs pushes only
    encoding_aes_key: str = ""  # 43 chars; required in compatible and safe mode
    previous_encoding_aes_key: str = ""  # the key before the last rotation, still tried on decrypt
    mode: Literal["plain", "compatible", "safe"] = "safe"
    original_id: str = ""  # gh_... (ToUserName of pushes); "" accepts any
    queue: str = ""  # where its chats go ("": the hub's default)
    api_base: str = "https://api.weixin.qq.com"  # the fake's address in tests and the demo
    reply_window_s: int = 48 * 3600  # customer-service window after a customer message
    replies_per_window: int = 5  # CS messages allowed per customer message (docs said 20, older: unlimited)
    event_reply_window_s: int = 60  # window after a menu click, follow or QR scan
    event_replies: int = 3
    max_chars: int = 0  # composer limit (0: none enforced by us)
    token_renew_margin_s: float = 600.0  # renew the access_token this long before it expires
    http_timeout_s: float = 10.0
    max_media_bytes: int = 10 * 1024 * 1024
    template_fallback: TemplateFallback | None = None  # absent: a closed window fails the reply (45015)


def load_account(raw: dict[str, Any]) -> WeChatAccountConfig:
    """Convert and check one raw table; raises ConfigError naming the key."""
    try:
        cfg = msgspec.convert(raw, WeChatAccountConfig)
    except msgspec.ValidationError as e:
        raise AccountConfigError(f"[[channels.wechat]] app_id={raw.get('app_id', '?')!r}: {e}") from e
    where = f"[[channels.wechat]] app_id={cfg.app_id!r}"
    if not cfg.app_id or not cfg.app_secret:
        raise AccountConfigError(f"{where}: app_id and app_secret must not be empty")
    if not 3 <= len(cfg.token) <= 32:
        raise AccountConfigError(f"{where}: token must be 3 to 32 characters")
    for key in ("encoding_aes_key", "previous_encoding_aes_key"):
        value = getattr(cfg, key)
        if value and not is_valid_aes_key(value):
            raise AccountConfigError(f"{where}: {key} must be 43 characters of [a-zA-Z0-9]")
    if cfg.mode != "plain" and not cfg.encoding_aes_key:
        raise AccountConfigError(f"{where}: encoding_aes_key is required in {cfg.mode} mode")
    if cfg.replies_per_window < 0 or cfg.reply_window_s <= 0:
        raise AccountConfigError(f"{where}: reply_window_s must be > 0 and replies_per_window >= 0 (0: unlimited)")
    tf = cfg.template_fallback
    if tf is not None and (not tf.template_id or not tf.field or tf.max_chars < 1):
        raise AccountConfigError(f"{where}: template_fallback needs a template_id, a field and max_chars >= 1")
    return cfg
