"""The SMS ChannelAdapter: one configured account of one provider (``provider = aliyun | tencent | http``)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import aiohttp

from edge_server.channels.base import ChannelInbox, ChannelLimits, OutboundMessage, SendError, SendResult
from edge_server.channels.sms import phone as phones
from edge_server.channels.sms.aliyun import AliyunSms
from edge_server.channels.sms.config import AliyunSmsConfig, SmsConfig, TencentSmsConfig, parse_sms_config
from edge_server.channels.sms.gateway import HttpGateway
from edge_server.channels.sms.hooks import TokenJsonHook, TwilioHook, hooks_for
from edge_server.channels.sms.inflight import InflightMarks
from edge_server.channels.sms.tencent import TencentSms
from edge_server.contract.interactions import IdentityKind

log = logging.getLogger("sb.channels.sms")


class SmsAdapter:
    channel = "sms"

    def __init__(self, cfg: SmsConfig, data_dir: Path) -> None:
        self.cfg = cfg
        self.account = cfg.account
        self._session: aiohttp.ClientSession | None = None
        self._provider: AliyunSms | TencentSms | HttpGateway
        if isinstance(cfg, AliyunSmsConfig):
            self._provider = AliyunSms(cfg, InflightMarks(data_dir / "channels" / "sms" / cfg.account / "inflight"))
        elif isinstance(cfg, TencentSmsConfig):
            self._provider = TencentSms(cfg)
        else:
            self._provider = HttpGateway(cfg)

    @property
    def provider(self) -> str:
        return type(self.cfg).__struct_config__.tag  # type: ignore[return-value]

    def limits(self) -> ChannelLimits:
        return ChannelLimits(max_chars=self.cfg.max_chars)  # no media, no reply window

    def webhooks(self) -> list[TokenJsonHook | TwilioHook]:
        return hooks_for(self.cfg)

    async def start(self, inbox: ChannelInbox) -> None:
        """SMS arrives only through webhooks; nothing to pull."""
        self._ensure_session()

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def send(self, out: OutboundMessage) -> SendResult:
        number = next((i.value for i in out.to if i.kind == IdentityKind.PHONE), "")
        to = phones.to_e164(number) if number else ""
        if not to:
            raise SendError("SMS not sent: the customer has no phone number", not_sent=True, permanent=True)
        if out.attachments:
            raise SendError("SMS cannot carry attachments", not_sent=True, permanent=True)
        if not out.text.strip():
            raise SendError("SMS not sent: the message is empty", not_sent=True, permanent=True)
        if self.cfg.max_chars and len(out.text) > self.cfg.max_chars:
            raise SendError(f"SMS not sent: longer than {self.cfg.max_chars} characters", not_sent=True,
                            permanent=True)
        return await self._provider.send(self._ensure_session(), out.idempotency_key, to, out.text)


def from_config(raw: dict[str, Any], data_dir: Path) -> SmsAdapter:
    """Build one ``[[channels.sms]]`` account; raises edge_server.config.ConfigError naming the key."""
    return SmsAdapter(parse_sms_config(raw), data_dir)
