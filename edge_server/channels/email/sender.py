"""SMTP sending with aiosmtplib: one connection per message, and an honest answer to "was it sent?"."""
from __future__ import annotations

import asyncio
import logging
import ssl

import aiosmtplib

from edge_server.channels.base import SendError
from edge_server.channels.email.config import EmailAccountConfig
from edge_server.channels.email.imap import tls_context
from edge_server.channels.email.threads import verp_sender

log = logging.getLogger("sb.channels.email")


def _client(cfg: EmailAccountConfig) -> aiosmtplib.SMTP:
    ctx = tls_context(cfg)
    return aiosmtplib.SMTP(hostname=cfg.smtp_host, port=cfg.smtp_port, timeout=cfg.io_timeout_s,
                           use_tls=cfg.smtp_tls == "tls", start_tls=cfg.smtp_tls == "starttls",
                           tls_context=ctx, validate_certs=cfg.tls_verify)


async def send_mail(cfg: EmailAccountConfig, data: bytes, message_id: str, recipients: list[str]) -> None:
    """Send; raise SendError.

    ``not_sent`` is True whenever the server answered with a refusal (any stage: RFC 5321 says the
    message is then not taken) or we never got to the message body; it is False (outcome unknown, no
    retry) only when the connection broke after the body was on its way.
    """
    smtp = _client(cfg)
    stage = "connect"
    try:
        await smtp.connect()
        if cfg.smtp_auth:
            stage = "login"
            await smtp.login(cfg.smtp_user or cfg.user, cfg.smtp_password or cfg.imap_password)
        stage = "mail"
        envelope_from = verp_sender(cfg.address, message_id) if cfg.verp else cfg.address
        await smtp.mail(envelope_from)
        stage = "rcpt"
        refused: dict[str, str] = {}
        for rcpt in recipients:
            try:
                await smtp.rcpt(rcpt)
            except aiosmtplib.SMTPRecipientRefused as e:
                refused[rcpt] = f"{e.code} {e.message}"
        if len(refused) == len(recipients):
            code = next(iter(refused.values()))
            raise SendError(f"recipient refused: {'; '.join(f'{k}: {v}' for k, v in refused.items())}",
                            not_sent=True, permanent=code.startswith("5"))
        stage = "data"
        await smtp.data(data)
        if refused:
            log.warning("%s: %s sent, but refused for %s", cfg.address, message_id, refused)
    except SendError:
        raise
    except aiosmtplib.SMTPAuthenticationError as e:
        raise SendError(f"SMTP login refused: {e.code} {e.message}", not_sent=True) from e
    except aiosmtplib.SMTPResponseException as e:
        # An explicit refusal: the server did not take the message (RFC 5321 §4.2.5).
        raise SendError(f"SMTP {stage} refused: {e.code} {e.message}", not_sent=True,
                        permanent=500 <= e.code < 600) from e
    except (aiosmtplib.SMTPException, OSError, ssl.SSLError, asyncio.TimeoutError) as e:
        sure = stage != "data"
        raise SendError(f"SMTP {stage} failed: {e!r}" + ("" if sure else " (the message may have been sent)"),
                        not_sent=sure) from e
    finally:
        if smtp.is_connected:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError):
                smtp.close()
