"""Receiving from a real dovecot: IDLE, polling, the cursor across restarts, first sync, TLS, limits."""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest

from edge_server.channels.base import InboundMessage
from edge_server.channels.email.adapter import EmailAdapter, from_config
from tests.edge_server.channels.email.email_helpers import (
    PASSWORDS,
    SUPPORT,
    RecordingInbox,
    account_table,
    make_mail,
)
from tests.edge_server.channels.email.mailservers import DeliveringHandler, Dovecot, SmtpServer, self_signed


@asynccontextmanager
async def running(dovecot: Dovecot, inbox: RecordingInbox, tmp_path: Path, smtp_port: int = 1,
                  **over: Any) -> AsyncIterator[EmailAdapter]:
    adapter = from_config(account_table(dovecot.port, smtp_port, **over), tmp_path / "data")
    await adapter.start(inbox)
    try:
        assert adapter.receiver is not None
        await asyncio.wait_for(adapter.receiver.caught_up.wait(), 10)
        yield adapter
    finally:
        await adapter.stop()


def _ids(inbox: RecordingInbox) -> list[str]:
    return [m.external_id for m in inbox.messages]


def _count(n: int) -> Callable[[RecordingInbox], bool]:
    return lambda ib: len(ib.messages) >= n


async def _smtp_send(port: int, **mail: Any) -> str:
    msg = make_mail(**mail)
    await aiosmtplib.send(msg, hostname="127.0.0.1", port=port)
    return str(msg["Message-ID"]).strip("<>")


@pytest.mark.asyncio
async def test_idle_delivers_new_mail_at_once(tmp_path: Path, dovecot: Dovecot,
                                              smtp: tuple[SmtpServer, DeliveringHandler]) -> None:
    inbox = RecordingInbox(tmp_path / "edge")
    # Polling every 60 s: anything that arrives within seconds came by IDLE.
    async with running(dovecot, inbox, tmp_path, poll_interval_s=60.0) as adapter:
        assert adapter.receiver is not None and adapter.receiver.mode == "idle"
        await asyncio.sleep(0.2)  # let the IDLE command be in place (the server answered "+ idling")
        latencies = []
        for i in range(3):
            t0 = time.monotonic()
            mid = await _smtp_send(smtp[0].port, subject=f"idle {i}", text=f"body {i}")
            await inbox.wait_for(_count(i + 1), timeout=8)
            latencies.append(time.monotonic() - t0)
            assert inbox.messages[-1].external_id == mid and inbox.messages[-1].text == f"body {i}"
        print(f"email_idle_latency_ms={[round(x * 1000) for x in latencies]}")
        assert max(latencies) < 8


@pytest.mark.asyncio
@pytest.mark.parametrize("server_idle", [False, True])
async def test_polling_when_idle_is_unavailable_or_off(tmp_path: Path, server_idle: bool) -> None:
    dv = Dovecot(root=tmp_path / "dv", users=dict(PASSWORDS), idle=server_idle)
    dv.start()
    try:
        inbox = RecordingInbox(tmp_path / "edge")
        idle_cfg = "never" if server_idle else "auto"  # a server without IDLE, or IDLE turned off in config
        async with running(dv, inbox, tmp_path, poll_interval_s=0.3, idle=idle_cfg) as adapter:
            assert adapter.receiver is not None and adapter.receiver.mode == "poll"
            dv.deliver(SUPPORT, make_mail(message_id="<p1@example.org>", text="polled").as_bytes())
            await inbox.wait_for(_count(1), timeout=8)
            assert _ids(inbox) == ["p1@example.org"] and inbox.messages[0].text == "polled"
    finally:
        dv.stop()


@pytest.mark.asyncio
async def test_restart_resumes_from_the_cursor_without_duplicates(tmp_path: Path, dovecot: Dovecot) -> None:
    inbox = RecordingInbox(tmp_path / "edge")
    for i in range(3):
        dovecot.deliver(SUPPORT, make_mail(message_id=f"<a{i}@example.org>").as_bytes())
    # mark_seen off and first_sync "all": only the cursor can keep the restart from taking mail twice.
    opts = {"first_sync": "all", "mark_seen": False}
    async with running(dovecot, inbox, tmp_path, **opts):
        await inbox.wait_for(_count(3))
    cursor = inbox.cursor(f"email:{SUPPORT}:INBOX")
    assert cursor.endswith(":3")
    for i in range(3, 5):
        dovecot.deliver(SUPPORT, make_mail(message_id=f"<a{i}@example.org>").as_bytes())
    restarted = RecordingInbox(tmp_path / "edge")  # a new process: only the cursor file survives
    async with running(dovecot, restarted, tmp_path, **opts):
        await restarted.wait_for(_count(2))
        await asyncio.sleep(0.3)
    assert _ids(inbox) == [f"a{i}@example.org" for i in range(3)]
    assert _ids(restarted) == ["a3@example.org", "a4@example.org"]
    assert restarted.cursor(f"email:{SUPPORT}:INBOX").endswith(":5")


@pytest.mark.asyncio
async def test_store_failure_keeps_the_mail_and_takes_it_once_later(tmp_path: Path, dovecot: Dovecot) -> None:
    inbox = RecordingInbox(tmp_path / "edge")
    failures = {"b1@example.org": 1}

    def fail(msg: InboundMessage) -> bool:
        if failures.get(msg.external_id, 0) > 0:
            failures[msg.external_id] -= 1
            return True
        return False

    inbox.fail_receive = fail
    for i in range(3):
        dovecot.deliver(SUPPORT, make_mail(message_id=f"<b{i}@example.org>").as_bytes())
    adapter = from_config(account_table(dovecot.port, 1, first_sync="all"), tmp_path)
    await adapter.start(inbox)
    try:
        await inbox.wait_for(_count(3), timeout=10)  # after the failure: reconnect, resume at b1
    finally:
        await adapter.stop()
    assert _ids(inbox) == ["b0@example.org", "b1@example.org", "b2@example.org"]
    assert adapter.receiver is not None and adapter.receiver.connects >= 2


@pytest.mark.asyncio
@pytest.mark.parametrize(("policy", "expected"), [("unseen", ["u2"]), ("all", ["u1", "u2"]), ("new", ["u3"])])
async def test_first_sync_policy(tmp_path: Path, dovecot: Dovecot, policy: str, expected: list[str]) -> None:
    seen = dovecot.deliver(SUPPORT, make_mail(message_id="<u1@example.org>").as_bytes())
    seen.rename(seen.parent.parent / "cur" / f"{seen.name}:2,S")  # already read by someone in the mailbox
    dovecot.deliver(SUPPORT, make_mail(message_id="<u2@example.org>").as_bytes())
    inbox = RecordingInbox(tmp_path / "edge")
    async with running(dovecot, inbox, tmp_path, first_sync=policy, idle="never", poll_interval_s=0.2):
        dovecot.deliver(SUPPORT, make_mail(message_id="<u3@example.org>").as_bytes())
        if policy == "new":
            await inbox.wait_for(_count(1))
        else:
            await inbox.wait_for(_count(len(expected) + 1))
    got = [i.partition("@")[0] for i in _ids(inbox)]
    assert got == (expected if policy == "new" else [*expected, "u3"])


@pytest.mark.asyncio
async def test_uidvalidity_change_resyncs_by_unseen(tmp_path: Path, dovecot: Dovecot) -> None:
    inbox = RecordingInbox(tmp_path / "edge")
    handled = dovecot.deliver(SUPPORT, make_mail(message_id="<v1@example.org>").as_bytes())
    handled.rename(handled.parent.parent / "cur" / f"{handled.name}:2,S")
    dovecot.deliver(SUPPORT, make_mail(message_id="<v2@example.org>").as_bytes())
    await inbox.set_cursor(f"email:{SUPPORT}:INBOX", "12345:999")  # a cursor of a previous UIDVALIDITY
    async with running(dovecot, inbox, tmp_path):
        await inbox.wait_for(_count(1))
        await asyncio.sleep(0.2)
    assert _ids(inbox) == ["v2@example.org"]
    assert not inbox.cursor(f"email:{SUPPORT}:INBOX").startswith("12345:")


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["starttls", "tls"])
async def test_imap_over_tls_with_a_private_ca(tmp_path: Path, mode: str) -> None:
    tls = self_signed(tmp_path / "tls")
    dv = Dovecot(root=tmp_path / "dv", users=dict(PASSWORDS), tls=tls)
    dv.start()
    try:
        dv.deliver(SUPPORT, make_mail(message_id="<t1@example.org>", text="secret").as_bytes())
        inbox = RecordingInbox(tmp_path / "edge")
        port = dv.port if mode == "starttls" else dv.tls_port
        adapter = from_config(account_table(port, 1, imap_tls=mode, ca_file=str(tls.cert)), tmp_path)
        await adapter.start(inbox)
        try:
            await inbox.wait_for(_count(1))
        finally:
            await adapter.stop()
        assert inbox.messages[0].text == "secret"
        assert "TLS" in dv.log()  # dovecot logs the session as TLS-secured
    finally:
        dv.stop()


@pytest.mark.asyncio
async def test_wrong_password_retries_and_takes_nothing(tmp_path: Path, dovecot: Dovecot,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    dovecot.deliver(SUPPORT, make_mail().as_bytes())
    inbox = RecordingInbox(tmp_path / "edge")
    adapter = from_config(account_table(dovecot.port, 1, imap_password="wrong"), tmp_path)
    with caplog.at_level("WARNING", logger="sb.channels.email"):
        await adapter.start(inbox)
        await asyncio.sleep(1.0)
        await adapter.stop()
    assert inbox.messages == []
    assert any("LOGIN" in r.getMessage() and "NO" in r.getMessage() for r in caplog.records)


@pytest.mark.asyncio
async def test_oversized_mail_is_taken_as_headers_only(tmp_path: Path, dovecot: Dovecot) -> None:
    dovecot.deliver(SUPPORT, make_mail(message_id="<big@example.org>", subject="huge",
                                       attachments=[("a.bin", "application/octet-stream", b"z" * 200_000)]
                                       ).as_bytes())
    inbox = RecordingInbox(tmp_path / "edge")
    async with running(dovecot, inbox, tmp_path, max_message_bytes=100_000):
        await inbox.wait_for(_count(1))
    [m] = inbox.messages
    assert m.subject == "huge" and m.attachments == [] and "only its headers were taken" in m.text
