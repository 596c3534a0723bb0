"""A fake edge for interactions over FakeSession.replies: stores messages, echoes sends, serves files."""
from __future__ import annotations

import hashlib
from typing import Any

from desktop_fakes import T0, FakeSession
from edge_server.contract import interactions as ci
from edge_server.contract.messages import Ok


def info(interaction_id: str = "i1", *, customer: str = "王芳 Wang Fang", channel: str = "chat",
         queue: str = "billing.zh", **kw: Any) -> ci.InteractionInfo:
    kw.setdefault("participants", [ci.Participant(username="alice", display_name="Alice")])
    return ci.InteractionInfo(interaction_id=interaction_id, channel=ci.Channel(channel),
                              state=ci.InteractionState.CONNECTED, queue=queue, customer_id=f"cust-{interaction_id}",
                              customer_name=customer, created_ms=T0 - 60_000, **kw)


def msg(seq: int, text: str, *, interaction_id: str = "i1", kind: ci.AuthorKind = ci.AuthorKind.CUSTOMER,
        ts_ms: int | None = None, **kw: Any) -> ci.ChatMessage:
    author = kw.pop("author", "alice" if kind == ci.AuthorKind.AGENT else "cust-" + interaction_id)
    return ci.ChatMessage(interaction_id=interaction_id, seq=seq, message_id=f"m{seq}",
                          ts_ms=ts_ms if ts_ms is not None else T0 + seq * 1000, author_kind=kind,
                          author=author, author_name=kw.pop("author_name", "Alice" if author == "alice" else "王芳"),
                          text=text, **kw)


class FakeEdge:
    """Plays the edge's interaction commands for one or more interactions."""

    def __init__(self, session: FakeSession) -> None:
        self.session = session
        self.infos: dict[str, ci.InteractionInfo] = {}
        self.messages: dict[str, list[ci.ChatMessage]] = {}
        self.files: dict[str, tuple[ci.Attachment, bytes]] = {}
        self.uploads: dict[str, bytearray] = {}
        self.send_ok = True
        self.canned: list[ci.CannedResponse] = []
        self.targets = ci.TransferTargets()
        self.invites: list[ci.InteractionInvite] = []
        r = session.replies
        r["get_interaction"] = self._get_interaction
        r["list_my_interactions"] = lambda _b: ci.InvitesAndInteractions(
            interactions=list(self.infos.values()), invites=list(self.invites))
        r["send_chat_message"] = self._send
        for name in ("set_typing", "mark_read", "end_interaction", "transfer_interaction", "invite_agent",
                     "leave_interaction"):
            r[name] = Ok()
        r["list_canned"] = lambda _b: ci.CannedList(items=list(self.canned))
        r["list_transfer_targets"] = lambda _b: self.targets
        r["answer_invite"] = lambda b: ci.InteractionDetail(
            info=self.infos[b.interaction_id], messages=list(self.messages[b.interaction_id])) if b.accept else Ok()
        r["upload_attachment"] = self._upload
        r["get_attachment"] = self._get_attachment

    def add(self, i: ci.InteractionInfo, messages: list[ci.ChatMessage] | None = None) -> None:
        self.infos[i.interaction_id] = i
        self.messages[i.interaction_id] = list(messages or [])
        i.last_seq = max((m.seq for m in self.messages[i.interaction_id]), default=0)

    def push(self, m: ci.ChatMessage) -> ci.ChatMessage:
        self.messages[m.interaction_id].append(m)
        self.infos[m.interaction_id].last_seq = m.seq
        self.session.push_received.emit(m)
        return m

    def _get_interaction(self, body: ci.GetInteraction) -> ci.InteractionDetail | None:
        i = self.infos.get(body.interaction_id)
        if i is None:
            return None
        return ci.InteractionDetail(info=i, messages=[m for m in self.messages[i.interaction_id]
                                                      if m.seq > body.messages_after])

    def _send(self, body: ci.SendChatMessage) -> ci.ChatMessage | None:
        if not self.send_ok:
            return None
        msgs = self.messages[body.interaction_id]
        for m in msgs:  # idempotent by client_msg_id, as the edge
            if m.client_msg_id == body.client_msg_id:
                return m
        attachments = [self.files[a][0] for a in body.attachment_ids]
        m = msg(len(msgs) + 1, body.text, interaction_id=body.interaction_id, kind=ci.AuthorKind.AGENT,
                private=body.private, client_msg_id=body.client_msg_id, attachments=attachments)
        msgs.append(m)
        return m

    def _upload(self, body: ci.UploadAttachment) -> ci.UploadProgress:
        buf = self.uploads.setdefault(body.upload_id, bytearray())
        buf += body.data
        att = None
        if body.final:
            att = ci.Attachment(attachment_id=f"a{len(self.files) + 1}", name=body.name,
                                content_type=body.content_type, size=len(buf),
                                sha256=hashlib.sha256(bytes(buf)).hexdigest())
            self.files[att.attachment_id] = (att, bytes(buf))
        return ci.UploadProgress(upload_id=body.upload_id, received=len(buf), attachment=att)

    def _get_attachment(self, body: ci.GetAttachment) -> ci.AttachmentChunk:
        att, data = self.files[body.attachment_id]
        part = data[body.offset:body.offset + body.length]
        return ci.AttachmentChunk(attachment=att, offset=body.offset, data=part,
                                  eof=body.offset + len(part) >= len(data))
