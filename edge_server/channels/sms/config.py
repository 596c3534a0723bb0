"""Typed configuration of one ``[[channels.sms]]`` account; ``provider`` picks the table's shape."""
from __future__ import annotations

from typing import Any

import msgspec

from edge_server.config import ConfigError


class _Common(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag_field="provider"):
    account: str  # our name for it: webhook paths /hooks/sms/<account>/{status,inbound}, InboundMessage.account
    queue: str = ""  # routing queue for new SMS interactions ("": the hub's default)
    max_chars: int = 500  # composer limit; long SMS are split by the carrier and billed per 67/70 chars
    request_timeout_s: float = 5.0  # one API request; Aliyun recommends >= 1 s [S32a]


class AliyunSmsConfig(_Common, tag="aliyun", kw_only=True):
    access_key_id: str
    access_key_secret: str
    sign_name: str  # the approved signature (签名)
    template_code: str  # an approved template with one variable that carries the agent's text
    template_param: str = "content"  # that variable's name: TemplateParam = {"<name>": text}
    webhook_token: str  # pushes must carry ?token=<this> (Aliyun signs neither receipts nor uplinks)
    endpoint: str = "https://dysmsapi.aliyuncs.com"
    region_id: str = "cn-hangzhou"
    query_delay_s: float = 30.0  # wait before asking QuerySendDetails about a send whose outcome is unknown


class TencentSmsConfig(_Common, tag="tencent", kw_only=True):
    secret_id: str
    secret_key: str
    sdk_app_id: str  # SmsSdkAppId
    sign_name: str
    template_id: str  # an approved template whose single parameter carries the agent's text
    webhook_token: str  # pushes must carry ?token=<this> (Tencent callbacks are not signed)
    endpoint: str = "https://sms.tencentcloudapi.com"
    region: str = "ap-guangzhou"  # ap-singapore for international accounts


class HttpGatewayConfig(_Common, tag="http", kw_only=True):
    base_url: str  # e.g. https://api.twilio.com
    account_sid: str  # basic-auth user and part of the send path
    auth_token: str  # basic-auth password and the webhook signing key
    from_number: str = ""  # From (E.164); or messaging_service_sid
    messaging_service_sid: str = ""
    send_path: str = "/2010-04-01/Accounts/{account_sid}/Messages.json"
    public_base_url: str = ""  # how the gateway reaches our webhooks: StatusCallback and signature URL


SmsConfig = AliyunSmsConfig | TencentSmsConfig | HttpGatewayConfig


def parse_sms_config(raw: dict[str, Any]) -> SmsConfig:
    try:
        cfg: SmsConfig = msgspec.convert(raw, SmsConfig)
    except msgspec.ValidationError as e:
        name = raw.get("account", "?") if isinstance(raw, dict) else "?"
        raise ConfigError(f"[[channels.sms]] account {name!r}: {e} "
                          f"(provider must be one of aliyun, tencent, http)") from e
    if not cfg.account or "/" in cfg.account:
        raise ConfigError(f"[[channels.sms]] `account` must be a non-empty name without '/': {cfg.account!r}")
    if isinstance(cfg, HttpGatewayConfig) and not (cfg.from_number or cfg.messaging_service_sid):
        raise ConfigError(f"[[channels.sms]] account {cfg.account!r}: set `from_number` or "
                          "`messaging_service_sid`")
    if cfg.max_chars < 0:
        raise ConfigError(f"[[channels.sms]] account {cfg.account!r}: `max_chars` must be >= 0")
    return cfg
