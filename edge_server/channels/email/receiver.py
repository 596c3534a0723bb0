"""The receive loop of one mailbox: catch up from the cursor, then IDLE (or poll), reconnect with backoff.

Invariant: the cursor ``<UIDVALIDITY>:<last UID>`` is persisted only after ``inbox.receive`` returned for
that mail, so a crash re-reads at most the mail being handled (and the hub de-duplicates it on its
Message-ID): nothing is lost, nothing is taken twice.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time

from edge_server.channels.base import ChannelInbox, InboundMessage
from edge_server.channels.email.config import EmailAccountConfig
from edge_server.channels.email.errors import ImapError
from edge_server.channels.email.imap import ImapSession, open_session
from edge_server.channels.email.parse import parse_mail

log = logging.getLogger("sb.channels.email")

MAX_BACKOFF_S = 60.0


class Receiver:
    def __init__(self, cfg: EmailAccountConfig, inbox: ChannelInbox) -> None:
        self.cfg = cfg
        self.inbox = inbox
        self.cursor_key = f"email:{cfg.address}:{cfg.imap_folder}"
        self.mode = ""  # "idle" | "poll" once connected: which way new mail is noticed
        self.caught_up = asyncio.Event()  # set after each full catch-up (tests and health checks wait on it)
        self.taken = 0  # mails handed to the hub since start
        self.connects = 0

    def _read_cursor(self) -> tuple[int, int] | None:
        raw = self.inbox.cursor(self.cursor_key)
        try:
            validity, _, uid = raw.partition(":")
            return int(validity), int(uid)
        except ValueError:
            if raw:
                log.warning("%s: ignoring unreadable cursor %r", self.cfg.address, raw)
            return None

    async def run(self) -> None:
        """Forever (until cancelled): one session after the other."""
        failures = 0
        while True:
            started = time.monotonic()
            try:
                async with open_session(self.cfg) as session:
                    self.connects += 1
                    await self._session(session)
            except ImapError as e:  # the environment: server down, password wrong, connection dropped
                log.warning("%s: IMAP: %s", self.cfg.address, e)
            except Exception:  # noqa: BLE001 - the hub failed to store (or our bug): log it, retry later
                log.exception("%s: receiving mail failed", self.cfg.address)
            self.mode = ""
            failures = 0 if time.monotonic() - started > MAX_BACKOFF_S else failures + 1
            delay = min(MAX_BACKOFF_S, 0.5 * 2 ** min(failures, 8))
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # jitter: many mailboxes, one server

    async def _session(self, s: ImapSession) -> None:
        sel = await s.select()
        cursor = self._read_cursor()
        if cursor is None or cursor[0] != sel.uidvalidity:
            last = await self._first_sync(s, sel.uidvalidity, resync=cursor is not None)
        else:
            last = cursor[1]
        use_idle = self.cfg.idle == "auto" and s.has_idle
        self.mode = "idle" if use_idle else "poll"
        log.info("%s: watching %s by %s", self.cfg.address, self.cfg.imap_folder,
                 "IMAP IDLE" if use_idle else f"polling every {self.cfg.poll_interval_s:g} s")
        while True:
            last = await self._catch_up(s, sel.uidvalidity, last)
            self.caught_up.set()
            if use_idle:
                await s.wait_for_push(self.cfg.idle_renew_s)
            else:
                await asyncio.sleep(self.cfg.poll_interval_s)
                # Servers report new mail only at NOOP/CHECK/IDLE (RFC 3501 §6.1.2, dovecot does so):
                # a UID FETCH alone does not make them look at the maildir again.
                await s.noop()
            self.caught_up.clear()

    async def _first_sync(self, s: ImapSession, validity: int, *, resync: bool) -> int:
        """No cursor (or UIDVALIDITY changed): take what ``first_sync`` says, then continue from the top."""
        everything = await s.sizes_after(0)
        top = everything[-1][0] if everything else 0
        policy = self.cfg.first_sync
        if resync:
            # UIDs were renumbered: what we handled is \Seen (mark_seen), the rest is new to us; the hub
            # drops anything it already has by Message-ID.
            log.warning("%s: UIDVALIDITY of %s changed: resynchronising", self.cfg.address, self.cfg.imap_folder)
            policy = "unseen" if self.cfg.mark_seen else "all"
        if policy == "all":
            todo = everything
        elif policy == "unseen":
            unseen = set(await s.unseen_uids())
            todo = [(u, n) for u, n in everything if u in unseen]
        else:
            todo = []
        for uid, size in todo:
            await self._take(s, validity, uid, size)
        await self.inbox.set_cursor(self.cursor_key, f"{validity}:{top}")
        return top

    async def _catch_up(self, s: ImapSession, validity: int, last: int) -> int:
        for uid, size in await s.sizes_after(last):
            await self._take(s, validity, uid, size)
            last = uid
        return last

    async def _take(self, s: ImapSession, validity: int, uid: int, size: int) -> None:
        too_big = size > self.cfg.max_message_bytes
        raw = await s.fetch(uid, "BODY.PEEK[HEADER]" if too_big else "BODY.PEEK[]")
        if raw is not None:
            try:
                items = parse_mail(raw, self.cfg, headers_only=too_big, size=size)
            except Exception:  # noqa: BLE001 - one unreadable mail must not stop the mailbox
                log.exception("%s: cannot parse UID %d of %s; skipped", self.cfg.address, uid, self.cfg.imap_folder)
                items = []
            for item in items:
                if isinstance(item, InboundMessage):
                    await self.inbox.receive(item)
                    if item.kind == "event":
                        log.info("%s: %s from %s not answered (%s)", self.cfg.address, item.event,
                                 item.identities[0].value if item.identities else "?", item.subject[:80])
                else:
                    await self.inbox.delivery(item)
            self.taken += 1
        await self.inbox.set_cursor(self.cursor_key, f"{validity}:{uid}")
        if self.cfg.mark_seen and raw is not None:
            await s.mark_seen(uid)
