"""Real servers per test: dovecot (IMAP) from a config in tmp_path and aiosmtpd delivering into its maildir."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.edge_server.channels.email.email_helpers import PASSWORDS
from tests.edge_server.channels.email.mailservers import DOVECOT, DeliveringHandler, Dovecot, SmtpServer


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    if not Path(DOVECOT).exists():
        pytest.skip("Debian dovecot-imapd is not installed (/usr/sbin/dovecot)")
    server = Dovecot(root=tmp_path / "dovecot", users=dict(PASSWORDS))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(dovecot: Dovecot) -> Iterator[tuple[SmtpServer, DeliveringHandler]]:
    handler = DeliveringHandler(dovecot)
    server = SmtpServer(handler)
    server.start()
    yield server, handler
    server.stop()
