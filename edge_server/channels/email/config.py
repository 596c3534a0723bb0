"""``[[channels.email]]``: one support mailbox, its IMAP and SMTP servers, and the limits we apply."""
from __future__ import annotations

from typing import Any, Literal

import msgspec

from edge_server.channels.email.errors import EmailConfigError

TlsMode = Literal["tls", "starttls", "none"]  # tls: implicit TLS (993/465); none: only for tests/local relays


class EmailAccountConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    address: str  # the mailbox address customers write to; the account id of this channel
    queue: str = ""  # queue new interactions go to ("": the hub's default for email)
    from_name: str = ""  # display name on our replies ("Acme Support")
    # Receiving (IMAP)
    imap_host: str
    imap_port: int = 0  # 0: 993 for tls, 143 otherwise
    imap_tls: TlsMode = "tls"
    imap_user: str = ""  # "": the address
    imap_password: str = ""
    imap_folder: str = "INBOX"
    idle: Literal["auto", "never"] = "auto"  # auto: IMAP IDLE when the server advertises it, else polling
    poll_interval_s: float = 30.0  # polling period (and the catch-up period when IDLE is not used)
    idle_renew_s: float = 540.0  # re-issue IDLE before servers' inactivity timeouts (RFC 2177: < 29 min)
    first_sync: Literal["unseen", "new", "all"] = "unseen"  # what to take when there is no cursor yet
    mark_seen: bool = True  # flag taken mail \Seen so people looking at the mailbox see what was handled
    io_timeout_s: float = 30.0  # one IMAP/SMTP command; a dead TCP connection is found by this
    # Sending (SMTP)
    smtp_host: str = ""  # "": the IMAP host
    smtp_port: int = 0  # 0: 465 for tls, 587 for starttls, 25 for none
    smtp_tls: TlsMode = "starttls"
    smtp_user: str = ""  # "": the IMAP user; set smtp_password "" and smtp_auth false for unauthenticated relays
    smtp_password: str = ""  # "": the IMAP password
    smtp_auth: bool = True
    verp: bool = False  # envelope sender local+b.<token>@domain so even non-RFC bounces map to the message
    # TLS
    ca_file: str = ""  # extra CA bundle (a private CA or a test's self-signed certificate)
    tls_verify: bool = True  # never turn off in production
    # Limits
    max_message_bytes: int = 25 * 1024 * 1024  # larger mail: headers only, with a note to the agent
    max_attachment_bytes: int = 10 * 1024 * 1024  # per file; larger ones are named in the text, not taken
    max_attachments: int = 10
    max_chars: int = 20000  # composer limit for agent replies
    strip_quotes: bool = True  # drop the quoted history ("On … wrote:" and the ">" block) from the text

    @property
    def user(self) -> str:
        return self.imap_user or self.address

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]


def parse_config(table: dict[str, Any]) -> EmailAccountConfig:
    """Convert one raw TOML table; errors name the offending key."""
    try:
        cfg = msgspec.convert(table, EmailAccountConfig)
    except msgspec.ValidationError as e:
        raise EmailConfigError(f"[[channels.email]] {table.get('address', '?')}: {e}") from e
    if "@" not in cfg.address or cfg.address.startswith("@") or cfg.address.endswith("@"):
        raise EmailConfigError(f"[[channels.email]] address: {cfg.address!r} is not an email address")
    cfg.address = cfg.address.strip().lower()
    for key in ("poll_interval_s", "idle_renew_s", "io_timeout_s"):
        if getattr(cfg, key) <= 0:
            raise EmailConfigError(f"[[channels.email]] {cfg.address}: `{key}` must be > 0")
    if not cfg.imap_port:
        cfg.imap_port = 993 if cfg.imap_tls == "tls" else 143
    if not cfg.smtp_host:
        cfg.smtp_host = cfg.imap_host
    if not cfg.smtp_port:
        cfg.smtp_port = {"tls": 465, "starttls": 587, "none": 25}[cfg.smtp_tls]
    return cfg
