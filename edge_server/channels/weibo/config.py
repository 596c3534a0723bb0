"""Typed configuration of one ``[[channels.weibo]]`` account."""
from __future__ import annotations

from typing import Any

import msgspec

from edge_server.config import ConfigError


class WeiboConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    account: str  # our name for it: webhook path /hooks/weibo/<account>, InboundMessage.account
    app_key: str  # developer mode AppKey (shown with the URL in the console)
    app_secret: str  # signs pushes and the URL check [S21a]
    access_token: str  # fans-service token (valid ~1 year) for the reply API [S21e]
    queue: str = ""
    api_base: str = "https://m.api.weibo.com"
    reply_window_h: int = 48  # 2014 doc: unlimited replies for 48 h; 2013 doc: 72 h [S21e][S21f]
    replies_per_window: int = 0  # 0: unlimited (2014 doc); 3 with the 2013 rules
    max_chars: int = 300  # text replies are limited to < 300 Chinese characters [S21d]
    request_timeout_s: float = 5.0
    # Inbound pictures / voice (media.py; the download call is unverified, so its base is configurable).
    media_api_base: str = "https://upload.api.weibo.com"
    max_media_bytes: int = 10 * 1024 * 1024
    media_types: list[str] = []  # accepted content types ([]: JPEG/PNG/GIF pictures, AMR/MP3/AAC voice)
    media_timeout_s: float = 15.0


def parse_weibo_config(raw: dict[str, Any]) -> WeiboConfig:
    try:
        cfg = msgspec.convert(raw, WeiboConfig)
    except msgspec.ValidationError as e:
        name = raw.get("account", "?") if isinstance(raw, dict) else "?"
        raise ConfigError(f"[[channels.weibo]] account {name!r}: {e}") from e
    if not cfg.account or "/" in cfg.account:
        raise ConfigError(f"[[channels.weibo]] `account` must be a non-empty name without '/': {cfg.account!r}")
    if cfg.reply_window_h <= 0:
        raise ConfigError(f"[[channels.weibo]] account {cfg.account!r}: `reply_window_h` must be > 0")
    if cfg.max_media_bytes <= 0:
        raise ConfigError(f"[[channels.weibo]] account {cfg.account!r}: `max_media_bytes` must be > 0")
    return cfg
