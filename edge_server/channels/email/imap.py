"""The one place that talks aioimaplib: connect (TLS, STARTTLS), select, fetch, IDLE. Errors become ImapError."""
from __future__ import annotations

import asyncio
import logging
import re
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aioimaplib

from edge_server.channels.email.config import EmailAccountConfig
from edge_server.channels.email.errors import ImapError

log = logging.getLogger("sb.channels.email")

_SIZE = re.compile(rb"UID (\d+)[^)]*?RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+)[^)]*?UID (\d+)")
_UID = re.compile(rb"\bUID (\d+)")
_LITERAL = re.compile(rb"\{(\d+)\}$")
# What the library or the network raise; all of them mean "this connection is done for".
_FAILURES = (aioimaplib.AioImapException, OSError, asyncio.TimeoutError, ssl.SSLError, EOFError)


def tls_context(cfg: EmailAccountConfig) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=cfg.ca_file or None)
    if not cfg.tls_verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


@dataclass(frozen=True)
class Selected:
    uidvalidity: int
    uidnext: int


class ImapSession:
    """One logged-in connection with the support folder selected."""

    def __init__(self, cfg: EmailAccountConfig, client: aioimaplib.IMAP4) -> None:
        self.cfg = cfg
        self.client = client

    @property
    def has_idle(self) -> bool:
        return self.client.has_capability("IDLE")

    async def _check(self, what: str, coro: object) -> aioimaplib.Response:
        try:
            resp = await asyncio.wait_for(coro, self.cfg.io_timeout_s)  # type: ignore[arg-type]
        except _FAILURES as e:
            raise ImapError(f"{what}: {e!r}") from e
        if resp.result != "OK":
            text = b" ".join(x for x in resp.lines if isinstance(x, bytes)).decode(errors="replace")
            raise ImapError(f"{what}: {resp.result} {text}")
        return resp

    async def select(self) -> Selected:
        resp = await self._check(f"SELECT {self.cfg.imap_folder}", self.client.select(self.cfg.imap_folder))
        validity = nxt = 0
        for line in resp.lines:
            if isinstance(line, bytes):
                if m := re.search(rb"\[UIDVALIDITY (\d+)\]", line):
                    validity = int(m.group(1))
                if m := re.search(rb"\[UIDNEXT (\d+)\]", line):
                    nxt = int(m.group(1))
        if not validity:
            raise ImapError(f"SELECT {self.cfg.imap_folder}: the server gave no UIDVALIDITY")
        return Selected(uidvalidity=validity, uidnext=nxt)

    async def sizes_after(self, last_uid: int) -> list[tuple[int, int]]:
        """(uid, size) of every message with a UID above ``last_uid``, ascending."""
        # "n:*" always includes the highest UID even when it is below n (RFC 3501 §6.4.8): filter.
        resp = await self._check("UID FETCH sizes", self.client.uid("fetch", f"{last_uid + 1}:*", "(UID RFC822.SIZE)"))
        out: dict[int, int] = {}
        for line in resp.lines:
            if isinstance(line, bytes) and (m := _SIZE.search(line)):
                uid, size = (int(m.group(1)), int(m.group(2))) if m.group(1) else (int(m.group(4)), int(m.group(3)))
                if uid > last_uid:
                    out[uid] = size
        return sorted(out.items())

    async def unseen_uids(self) -> list[int]:
        resp = await self._check("UID SEARCH UNSEEN", self.client.uid_search("UNSEEN"))
        uids: list[int] = []
        for line in resp.lines[:-1]:
            if isinstance(line, bytes):
                uids += [int(x) for x in line.replace(b"SEARCH", b"").split() if x.isdigit()]
        return sorted(uids)

    async def fetch(self, uid: int, part: str = "BODY.PEEK[]") -> bytes | None:
        """The raw message (or header); None if it was expunged meanwhile. PEEK: does not set \\Seen."""
        resp = await self._check(f"UID FETCH {uid}", self.client.uid("fetch", str(uid), f"(UID {part})"))
        lines = resp.lines
        for i, line in enumerate(lines[:-1]):
            if isinstance(line, bytes) and _LITERAL.search(line) and i + 1 < len(lines):
                m = _UID.search(line) or next((_UID.search(x) for x in lines[i + 2:i + 3] if isinstance(x, bytes)), None)
                if m is None or int(m.group(1)) == uid:
                    return bytes(lines[i + 1])
        return None

    async def mark_seen(self, uid: int) -> None:
        await self._check(f"UID STORE {uid}", self.client.uid("store", str(uid), "+FLAGS.SILENT (\\Seen)"))

    async def wait_for_push(self, timeout: float) -> bool:
        """IDLE until the server reports a change or ``timeout``; True if something changed."""
        try:
            idle = await asyncio.wait_for(self.client.idle_start(timeout=timeout + 60), self.cfg.io_timeout_s)
        except _FAILURES as e:
            raise ImapError(f"IDLE: {e!r}") from e
        changed = False
        try:
            try:
                # EXISTS/RECENT/EXPUNGE/FETCH or the library's stop marker: any of them means "look again"
                # (a UID FETCH of nothing new costs one round trip).
                changed = bool(await self.client.wait_server_push(timeout=timeout))
            except asyncio.TimeoutError:
                changed = False  # quiet period: renew the IDLE (servers drop idle clients after a while)
        finally:
            try:
                self.client.idle_done()
                await asyncio.wait_for(idle, self.cfg.io_timeout_s)
            except _FAILURES as e:  # no tagged answer to DONE: the connection is dead
                raise ImapError(f"IDLE DONE: {e!r}") from e
        return changed

    async def noop(self) -> None:
        await self._check("NOOP", self.client.noop())

    async def logout(self) -> None:
        transport = self.client.protocol.transport
        try:
            if transport is not None and not transport.is_closing():
                await asyncio.wait_for(self.client.logout(), 2)
        except _FAILURES as e:
            log.debug("IMAP logout of %s: %r", self.cfg.address, e)
        finally:
            if transport is not None:
                transport.close()


async def _starttls(client: aioimaplib.IMAP4, cfg: EmailAccountConfig) -> None:
    # aioimaplib 2.0 has no STARTTLS: send the command, then upgrade the transport in place.
    proto = client.protocol
    if "STARTTLS" not in proto.capabilities:
        raise ImapError("the IMAP server does not offer STARTTLS (set imap_tls = \"tls\" or \"none\")")
    resp = await proto.execute(aioimaplib.Command("STARTTLS", proto.new_tag(), loop=proto.loop))
    if resp.result != "OK":
        raise ImapError(f"STARTTLS refused: {resp.lines}")
    loop = asyncio.get_running_loop()
    proto.transport = await loop.start_tls(proto.transport, proto, tls_context(cfg), server_hostname=cfg.imap_host)
    await proto.capability()  # RFC 3501 §6.2.1: forget what was said before TLS


@asynccontextmanager
async def open_session(cfg: EmailAccountConfig) -> AsyncIterator[ImapSession]:
    """Connect, secure, log in and select; logs out on the way out."""
    client: aioimaplib.IMAP4
    try:
        if cfg.imap_tls == "tls":
            client = aioimaplib.IMAP4_SSL(host=cfg.imap_host, port=cfg.imap_port,
                                          timeout=cfg.io_timeout_s, ssl_context=tls_context(cfg))
        else:
            client = aioimaplib.IMAP4(host=cfg.imap_host, port=cfg.imap_port, timeout=cfg.io_timeout_s)
        await client.wait_hello_from_server()
        if cfg.imap_tls == "starttls":
            await _starttls(client, cfg)
    except (*_FAILURES, ImapError) as e:
        if client.protocol.transport is not None:
            client.protocol.transport.close()
        if isinstance(e, ImapError):
            raise
        raise ImapError(f"connect to {cfg.imap_host}:{cfg.imap_port}: {e!r}") from e
    session = ImapSession(cfg, client)
    try:
        await session._check(f"LOGIN {cfg.user}", client.login(cfg.user, cfg.imap_password))
        try:
            await asyncio.wait_for(client.protocol.capability(), cfg.io_timeout_s)  # post-login capabilities
        except _FAILURES as e:
            raise ImapError(f"CAPABILITY: {e!r}") from e
        yield session
    finally:
        await session.logout()
