"""One visitor socket: the hello handshake, then one handler per client frame type.

Frames of one socket are handled in order (a send is acknowledged before the
next is read), so a visitor's messages keep their order without any locking.
Every failure becomes an error frame; only an oversized frame closes the socket.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from edge_server.channels.webchat import protocol as p
from edge_server.channels.webchat.hub import Conn, Visitor
from edge_server.channels.webchat.tokens import TokenError, verify_user_hash
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.interactions import (
    Attachment,
    Channel,
    Identity,
    IdentityKind,
    InteractionInfo,
    InteractionState,
)

if TYPE_CHECKING:
    from edge_server.channels.webchat.server import WebchatServer

log = logging.getLogger("sb.webchat")

CHANNEL = Channel.WEBCHAT.value
ENTRY_KIND = "webchat"  # contract.designs.EntryKind.WEBCHAT: what a flow binding names


def _err(code: ErrorCode, message: str, client_msg_id: str = "") -> p.ErrorOut:
    return p.ErrorOut(code=code.value, message=message, client_msg_id=client_msg_id)


class Session:
    def __init__(self, server: WebchatServer, conn: Conn) -> None:
        self.srv = server
        self.conn = conn
        self._handlers: dict[type, Callable[[p.Frame], Awaitable[None]]] = {
            p.Hello: self._hello, p.Start: self._start, p.Send: self._send, p.Typing: self._typing,  # type: ignore[dict-item]
            p.Read: self._read, p.Resume: self._resume, p.Rate: self._rate, p.Leave: self._leave,  # type: ignore[dict-item]
            p.Offline: self._offline, p.Ping: self._ping, p.Pong: self._pong,  # type: ignore[dict-item]
        }

    @property
    def visitor(self) -> Visitor | None:
        return self.conn.visitor

    async def handle_text(self, data: str) -> None:
        try:
            frame = p.decode_client(data)
        except p.ProtocolError as e:
            self.conn.push(_err(ErrorCode.MALFORMED, f"bad frame: {e}"))
            return
        v = self.visitor
        if v is None and not isinstance(frame, (p.Hello, p.Ping, p.Pong)):
            self.conn.push(_err(ErrorCode.NOT_LOGGED_IN, "send hello first"))
            return
        if v is not None and not isinstance(frame, (p.Ping, p.Pong, p.Hello)) and not v.bucket.take():
            cmid = getattr(frame, "client_msg_id", "")
            self.conn.push(_err(ErrorCode.THROTTLED, "slow down", cmid))
            return
        try:
            await self._handlers[type(frame)](frame)
        except SwitchboardError as e:
            self.conn.push(_err(e.code, e.message, getattr(frame, "client_msg_id", "")))
        except Exception:  # a bug of ours: keep the socket and the edge up, tell the visitor, log it
            log.exception("web chat frame %s failed", type(frame).__name__)
            self.conn.push(_err(ErrorCode.INTERNAL, "internal error", getattr(frame, "client_msg_id", "")))

    # --- handshake -------------------------------------------------------------------

    async def _hello(self, f: p.Hello) -> None:
        srv, cfg = self.srv, self.srv.cfg
        if self.visitor is not None:
            self.conn.push(_err(ErrorCode.CONFLICT, "hello was already sent on this socket"))
            return
        vid = ""
        if f.token:
            try:
                vid = srv.signer.verify(f.token)
            except TokenError as e:
                log.info("visitor %s presented a bad token (%s): new visitor", self.conn.remote, e)
                self.conn.push(_err(ErrorCode.AUTH_FAILED, "invalid visitor token; starting a new conversation"))
        if vid:
            known = srv.hub.visitors.get(vid)
            v = known if known is not None else srv.hub.visitor(vid, f.token)
        else:
            token, vid = srv.signer.issue()
            v = srv.hub.visitor(vid, token)
        identities = [Identity(kind=IdentityKind.WEB_VISITOR, value=vid)]
        identified = False
        c = f.client
        if c.user_id:
            if c.user_hash:
                if verify_user_hash(cfg.identity_secret, c.user_id, c.user_hash):
                    identified = True
                else:
                    log.warning("visitor %s: wrong user hash for user id %r", vid, c.user_id)
                    self.conn.push(_err(ErrorCode.AUTH_FAILED, "the user identity could not be verified"))
            elif cfg.identity_required:
                self.conn.push(_err(ErrorCode.AUTH_FAILED, "this site requires a signed user identity"))
            else:
                identified = True  # the site chose to trust unsigned ids (identity_required = false)
        if identified:
            identities.append(Identity(kind=IdentityKind.WEB_USER, value=c.user_id))
            if c.email:
                identities.append(Identity(kind=IdentityKind.EMAIL, value=c.email))
        v.identities = identities
        v.identified = identified
        v.name = c.name if identified else ""
        v.email = c.email if identified else ""
        v.lang = c.lang[:16]
        info = await self._find_open(v)
        srv.hub.attach(self.conn, v)
        if info is not None:
            srv.hub.bind(v, info)
        is_open, agents = srv.interactions.availability(srv.queue)
        # A published flow bound to the widget answers even when no agent is logged in.
        available = (is_open and agents > 0) or srv.interactions.has_flow(ENTRY_KIND, srv.entry)
        chatting = info is not None and info.state != InteractionState.CLOSED
        state = "chat" if chatting else ("prechat" if available else "offline")
        self.conn.push(p.Welcome(
            token=v.token, visitor_id=vid, state=state, available=available, prechat=srv.prechat,
            limits=srv.limits_frame, title=srv.title(v.lang), heartbeat_s=cfg.heartbeat_s, identified=identified,
            interaction=p.interaction_view(info) if chatting and info is not None else None))
        if chatting and info is not None:  # the service tells the agents only when it changes
            srv.interactions.customer_presence(info.interaction_id, True)
        log.debug("visitor %s hello (%s, %d tabs)", vid, state, len(v.conns))

    async def _find_open(self, v: Visitor) -> InteractionInfo | None:
        ia = self.srv.interactions
        if v.interaction_id:
            info = ia.info(v.interaction_id)
            if info is not None and info.state != InteractionState.CLOSED:
                return info
        for ident in v.identities:
            if ident.kind in (IdentityKind.WEB_VISITOR, IdentityKind.WEB_USER):
                info = await ia.find_open(ident)
                if info is not None and info.channel == Channel.WEBCHAT and info.state != InteractionState.CLOSED:
                    return info
        return None

    def _open_interaction(self) -> InteractionInfo | None:
        v = self.visitor
        if v is None or not v.interaction_id:
            return None
        info = self.srv.interactions.info(v.interaction_id)
        if info is None or info.state == InteractionState.CLOSED:
            return None
        return info

    # --- conversation ------------------------------------------------------------------

    def _check_text(self, text: str, cmid: str, *, allow_empty: bool = False) -> bool:
        if not cmid or len(cmid) > 64:
            self.conn.push(_err(ErrorCode.INVALID_ARGUMENT, "client_msg_id must be 1..64 characters", cmid[:64]))
            return False
        if not text.strip() and not allow_empty:
            self.conn.push(_err(ErrorCode.INVALID_ARGUMENT, "empty message", cmid))
            return False
        if len(text) > self.srv.limits.max_message_chars:
            self.conn.push(_err(ErrorCode.INVALID_ARGUMENT,
                                f"message longer than {self.srv.limits.max_message_chars} characters", cmid))
            return False
        return True

    async def _start(self, f: p.Start) -> None:
        v = self.visitor
        assert v is not None
        if not self._check_text(f.text, f.client_msg_id):
            return
        async with v.lock:  # two tabs starting at once open one interaction
            info = self._open_interaction() or await self._find_open(v)
            if info is None:
                missing = [k for k in ("name", "email", "phone")
                           if getattr(self.srv.prechat, k) == "required" and not getattr(f, k).strip()]
                if missing:
                    self.conn.push(_err(ErrorCode.INVALID_ARGUMENT, "required: " + ", ".join(missing),
                                        f.client_msg_id))
                    return
                identities = list(v.identities)
                if f.email.strip():
                    identities.append(Identity(kind=IdentityKind.EMAIL, value=f.email.strip()))
                if f.phone.strip():
                    identities.append(Identity(kind=IdentityKind.PHONE, value=f.phone.strip()))
                name = f.name.strip()[:200] or v.name
                # The browser's locale ("en-US") is shown to the agent, never a routing requirement:
                # routing's language is a hard filter on the agents' languages ("en", "zh"), and a
                # visitor whose browser says "en-US" would otherwise wait for an agent who never comes.
                attrs = {"visitor_language": v.lang} if v.lang else None
                info = await self.srv.interactions.open_interaction(
                    channel=CHANNEL, queue=self.srv.queue, identities=identities, name=name, attributes=attrs,
                    entry_kind=ENTRY_KIND, entry_key=self.srv.entry)
                log.info("visitor %s opened interaction %s", v.visitor_id, info.interaction_id)
            self.srv.hub.bind(v, info)
            for c in list(v.conns):
                c.push(p.interaction_view(info))
        await self._post(f.client_msg_id, f.text, [])

    async def _send(self, f: p.Send) -> None:
        if not self._check_text(f.text, f.client_msg_id, allow_empty=bool(f.attachment_ids)):
            return
        if self._open_interaction() is None:
            self.conn.push(_err(ErrorCode.CONFLICT, "no open conversation: start one", f.client_msg_id))
            return
        atts: list[Attachment] = []
        v = self.visitor
        assert v is not None
        for aid in f.attachment_ids[:10]:
            found = self.srv.interactions.attachment_path(aid)
            if found is None or self.srv.hub.attachment_owner.get(aid) not in v.interaction_ids:
                self.conn.push(_err(ErrorCode.NOT_FOUND, "unknown attachment", f.client_msg_id))
                return
            atts.append(found[0])
        await self._post(f.client_msg_id, f.text, atts)

    async def _post(self, cmid: str, text: str, atts: list[Attachment]) -> None:
        v = self.visitor
        assert v is not None
        m = await self.srv.interactions.customer_message(v.interaction_id, client_msg_id=cmid, text=text,
                                                         attachments=atts)
        self.srv.hub.note_attachments(m)
        # The ack first (the optimistic bubble gets its seq), then the message to every tab.
        self.conn.push(p.Ack(client_msg_id=cmid, seq=m.seq, interaction_id=m.interaction_id))
        for c in list(v.conns):
            c.push_message(m)

    async def _typing(self, f: p.Typing) -> None:
        info = self._open_interaction()
        if info is not None:
            self.srv.interactions.customer_typing(info.interaction_id, f.on)

    async def _read(self, f: p.Read) -> None:
        info = self._open_interaction()
        if info is not None and 0 < f.seq <= info.last_seq and f.seq > info.customer_read_seq:
            await self.srv.interactions.customer_read(info.interaction_id, f.seq)

    async def _resume(self, f: p.Resume) -> None:
        v = self.visitor
        assert v is not None
        iid = v.interaction_id
        if not iid:
            return
        for m in await self.srv.interactions.messages_after(iid, max(0, f.after_seq)):
            self.srv.hub.note_attachments(m)
            self.conn.push_message(m, replay=True)
        live = self.srv.interactions.info(iid)
        # Closed interactions leave the service's open set; the visitor still must see "closed" to rate.
        self.conn.push(p.interaction_view(live) if live is not None
                       else p.InteractionView(interaction_id=iid, state=InteractionState.CLOSED.value))

    async def _rate(self, f: p.Rate) -> None:
        v = self.visitor
        assert v is not None
        if not v.interaction_id:
            self.conn.push(_err(ErrorCode.CONFLICT, "nothing to rate"))
            return
        if not 1 <= f.score <= 5:
            self.conn.push(_err(ErrorCode.INVALID_ARGUMENT, "score must be 1..5"))
            return
        await self.srv.interactions.rate(v.interaction_id, f.score, f.comment[:2000])
        self.conn.push(p.Done(what="rate"))

    async def _leave(self, f: p.Leave) -> None:
        info = self._open_interaction()
        if info is not None:
            await self.srv.interactions.customer_left(info.interaction_id)
        self.conn.push(p.Done(what="leave"))

    async def _offline(self, f: p.Offline) -> None:
        v = self.visitor
        assert v is not None
        text = f.text.strip()
        if not text or len(text) > self.srv.limits.max_message_chars:
            self.conn.push(_err(ErrorCode.INVALID_ARGUMENT, "the message must be 1..%d characters"
                                % self.srv.limits.max_message_chars))
            return
        identities = list(v.identities)
        if f.email.strip():
            identities.append(Identity(kind=IdentityKind.EMAIL, value=f.email.strip()))
        await self.srv.interactions.leave_offline_message(channel=CHANNEL, queue=self.srv.queue,
                                                          identities=identities,
                                                          name=f.name.strip()[:200] or v.name, text=text)
        self.conn.push(p.Done(what="offline"))

    async def _ping(self, f: p.Ping) -> None:
        self.conn.push(p.Pong())

    async def _pong(self, f: p.Pong) -> None:
        pass  # last_rx is updated for every frame


def new_client_msg_id() -> str:
    return uuid.uuid4().hex
