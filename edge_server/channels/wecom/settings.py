"""One ``[[channels.wecom]]`` table (one kf account of one corp), typed and checked."""
from __future__ import annotations

from typing import Any

import msgspec

from edge_server.channels.wechat.crypto import is_valid_aes_key
from edge_server.channels.wechat.settings import AccountConfigError


class WeComAccountConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    corp_id: str  # CorpID (ww...): receive id of the callback crypto
    secret: str  # the secret of the app allowed to call the kf API
    open_kfid: str  # the kf account (wk...) this table serves
    token: str  # callback Token
    encoding_aes_key: str  # callback EncodingAESKey (WeCom callbacks are always encrypted)
    previous_encoding_aes_key: str = ""
    queue: str = ""
    api_base: str = "https://qyapi.weixin.qq.com"
    reply_window_s: int = 48 * 3600
    replies_per_window: int = 5
    poll_interval_s: float = 60.0  # safety pull when no callback came (lost callbacks, relay layouts)
    max_chars: int = 0
    token_renew_margin_s: float = 600.0
    http_timeout_s: float = 10.0
    max_media_bytes: int = 20 * 1024 * 1024


def load_account(raw: dict[str, Any]) -> WeComAccountConfig:
    try:
        cfg = msgspec.convert(raw, WeComAccountConfig)
    except msgspec.ValidationError as e:
        raise AccountConfigError(f"[[channels.wecom]] corp_id={raw.get('corp_id', '?')!r}: {e}") from e
    where = f"[[channels.wecom]] corp_id={cfg.corp_id!r} open_kfid={cfg.open_kfid!r}"
    for key in ("corp_id", "secret", "open_kfid", "token"):
        if not getattr(cfg, key):
            raise AccountConfigError(f"{where}: {key} must not be empty")
    for key in ("encoding_aes_key", "previous_encoding_aes_key"):
        value = getattr(cfg, key)
        if (value or key == "encoding_aes_key") and not is_valid_aes_key(value):
            raise AccountConfigError(f"{where}: {key} must be 43 characters of [a-zA-Z0-9]")
    return cfg
