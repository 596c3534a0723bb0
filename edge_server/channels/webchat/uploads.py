"""Visitor uploads (``POST /widget/upload``) and downloads (``GET /widget/attachment/<id>``).

Limits are checked here (size while reading, type from the whitelist) and
again by the interactions service; the client checks them too, for a quick
message, but is never trusted.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiohttp import BodyPartReader, web

from edge_server.channels.webchat.tokens import TokenError
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.interactions import Identity, IdentityKind, InteractionState

if TYPE_CHECKING:
    from edge_server.channels.webchat.server import WebchatServer

log = logging.getLogger("sb.webchat")

_INLINE = {"image/png", "image/jpeg", "image/gif"}
_STATUS = {ErrorCode.INVALID_ARGUMENT: 400, ErrorCode.NOT_FOUND: 404, ErrorCode.FORBIDDEN: 403,
           ErrorCode.UNAVAILABLE: 503, ErrorCode.TOO_LARGE: 413, ErrorCode.CONFLICT: 409,
           ErrorCode.AUTH_FAILED: 401}


def _error(code: ErrorCode, message: str, status: int | None = None) -> web.Response:
    return web.json_response({"error": code.value, "message": message}, status=status or _STATUS.get(code, 400))


class UploadRoutes:
    def __init__(self, server: WebchatServer) -> None:
        self.srv = server

    def _visitor_id(self, token: str) -> str | None:
        try:
            return self.srv.signer.verify(token)
        except TokenError:
            return None

    async def _open_interaction_of(self, vid: str) -> str | None:
        v = self.srv.hub.visitors.get(vid)
        if v is not None and v.interaction_id:
            info = self.srv.interactions.info(v.interaction_id)
            if info is not None and info.state != InteractionState.CLOSED:
                return info.interaction_id
        info = await self.srv.interactions.find_open(Identity(kind=IdentityKind.WEB_VISITOR, value=vid))
        return info.interaction_id if info is not None else None

    async def upload(self, request: web.Request) -> web.StreamResponse:
        vid = self._visitor_id(request.headers.get("X-Visitor-Token", ""))
        if vid is None:
            return _error(ErrorCode.AUTH_FAILED, "missing or invalid X-Visitor-Token")
        iid = await self._open_interaction_of(vid)
        if iid is None:
            return _error(ErrorCode.CONFLICT, "no open conversation: start one first")
        limit = self.srv.limits.max_attachment_bytes
        try:
            reader = await request.multipart()
            part = await reader.next()
            while part is not None and (not isinstance(part, BodyPartReader) or part.name != "file"):
                part = await reader.next()
        except (ValueError, AssertionError) as e:  # aiohttp's own refusals of a bad multipart body
            return _error(ErrorCode.MALFORMED, f"not a multipart upload: {e}", 400)
        if part is None:
            return _error(ErrorCode.INVALID_ARGUMENT, "no 'file' part")
        ctype = (part.headers.get("Content-Type") or "application/octet-stream").split(";")[0].strip().lower()
        if ctype not in self.srv.limits.attachment_types:
            return _error(ErrorCode.INVALID_ARGUMENT, f"files of type {ctype} are not accepted", 415)
        data = bytearray()
        while chunk := await part.read_chunk(64 * 1024):
            data += chunk
            if len(data) > limit:
                return _error(ErrorCode.TOO_LARGE, f"file larger than {limit} bytes")
        if not data:
            return _error(ErrorCode.INVALID_ARGUMENT, "empty file")
        name = (part.filename or "file").replace("/", "_").replace("\\", "_")[:200]
        try:
            att = await self.srv.interactions.store_attachment(iid, name=name, content_type=ctype,
                                                               data=bytes(data), by="customer")
        except SwitchboardError as e:
            return _error(e.code, e.message)
        self.srv.hub.attachment_owner[att.attachment_id] = iid
        log.info("visitor %s uploaded %s (%d bytes) to %s", vid, att.attachment_id, att.size, iid)
        return web.json_response({"attachment_id": att.attachment_id, "name": att.name, "size": att.size,
                                  "content_type": att.content_type})

    async def download(self, request: web.Request) -> web.StreamResponse:
        vid = self._visitor_id(request.query.get("token", ""))
        if vid is None:
            return _error(ErrorCode.AUTH_FAILED, "missing or invalid token")
        aid = request.match_info["attachment_id"]
        owner = self.srv.hub.attachment_owner.get(aid)
        v = self.srv.hub.visitors.get(vid)
        allowed = owner is not None and v is not None and owner in v.interaction_ids
        if not allowed and owner is not None:
            allowed = owner == await self._open_interaction_of(vid)
        found = self.srv.interactions.attachment_path(aid) if allowed else None
        if found is None:
            return _error(ErrorCode.NOT_FOUND, "no such attachment")  # also for others' files: no oracle
        att, path = found
        disposition = "inline" if att.content_type in _INLINE else "attachment"
        return web.FileResponse(path, headers={
            "Content-Type": att.content_type, "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{_quote(att.name)}",
            "Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, max-age=3600"})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
