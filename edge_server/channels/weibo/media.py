"""Inbound Weibo media (image / voice private messages) fetched into attachments.

channels.md §3 only says such pushes reference media by file ids in ``data`` (``vfid`` = the sender's
copy, ``tovfid`` = the receiver's copy) and marks that **(unverified)**. The download call is not in
the spec at all: we use the fans-service "download multimedia" call as the old wiki described it,
``GET <media_api_base>/2/mss/msget?access_token=…&fid=<file id>`` answering the bytes (an error
answers JSON ``{"error", "error_code"}``) — **(unverified)**: check it against the customer's
account before going live; the base URL is configurable (``media_api_base``).

Never raises: a message whose picture cannot be fetched still reaches the agent, with a note.
"""
from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
import os
from pathlib import Path

import aiohttp
import msgspec

from edge_server.channels.base import InboundAttachment, InboundMessage

log = logging.getLogger("sb.channels.weibo")

MSGET_PATH = "/2/mss/msget"
#: Weibo media types we keep, and what the agent's desktop can show / play.
DEFAULT_TYPES = ("image/jpeg", "image/png", "image/gif", "audio/amr", "audio/mpeg", "audio/aac", "audio/mp4")
_KIND_WORD = {"image": "picture", "voice": "voice message"}


class MediaError(Exception):
    """Why a file could not be fetched, in words for the transcript note."""


class WeiboMedia:
    def __init__(self, *, base_url: str, access_token: str, max_bytes: int, types: tuple[str, ...],
                 timeout_s: float) -> None:
        self._url = base_url.rstrip("/") + MSGET_PATH
        self._token = access_token
        self.max_bytes = max_bytes
        self.types = types
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def attach(self, msg: InboundMessage, folder: Path) -> InboundMessage:
        """The message with its media as an attachment, or with a readable note when it could not be had."""
        kind = msg.meta.get("type", "")
        if msg.kind != "message" or kind not in _KIND_WORD or msg.attachments:
            return msg
        fid = msg.meta.get("tovfid") or msg.meta.get("vfid") or ""
        if not fid:
            return self._noted(msg, kind, "the push named no file id")
        try:
            att = await self._fetch(fid, kind, folder)
        except MediaError as e:
            log.warning("weibo %s: media %s of %s not fetched: %s", msg.account, fid, msg.external_id, e)
            return self._noted(msg, kind, str(e), fid)
        return msgspec.structs.replace(msg, attachments=[att])

    @staticmethod
    def _noted(msg: InboundMessage, kind: str, why: str, fid: str = "") -> InboundMessage:
        note = f"[The customer sent a {_KIND_WORD[kind]} that could not be fetched from Weibo: {why}]"
        text = f"{msg.text}\n{note}" if msg.text else note
        meta = {**msg.meta, "media_error": why}
        if fid:
            meta["media_fid"] = fid
        return msgspec.structs.replace(msg, text=text, meta=meta)

    async def _fetch(self, fid: str, kind: str, folder: Path) -> InboundAttachment:
        # Cached by file id: a push redelivered after a crash (or by the relay) does not download again.
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in fid)[:80]
        cached = sorted(folder.glob(f"weibo-{safe}.*")) if folder.exists() else []
        if cached:
            path = cached[0]
            return InboundAttachment(name=path.name.removeprefix("weibo-"),
                                     content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                                     data=path.read_bytes())
        data, ctype = await self._download(fid)
        ext = {"audio/amr": ".amr", "image/jpeg": ".jpg"}.get(ctype) or mimetypes.guess_extension(ctype) or ".bin"
        name = f"{safe}{ext}"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".weibo-{name}.part"
        await asyncio.to_thread(tmp.write_bytes, data)
        os.replace(tmp, folder / f"weibo-{name}")
        return InboundAttachment(name=name, content_type=ctype, data=data)

    async def _download(self, fid: str) -> tuple[bytes, str]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        last = ""
        for attempt in range(2):  # one retry for a dropped connection; a GET is safe to repeat
            try:
                async with self._session.get(self._url, params={"access_token": self._token, "fid": fid},
                                             timeout=self._timeout) as resp:
                    ctype = resp.content_type
                    if resp.content_length is not None and resp.content_length > self.max_bytes:
                        raise MediaError(f"the file is {resp.content_length} bytes, over the "
                                         f"{self.max_bytes}-byte limit")
                    data = await resp.content.read(self.max_bytes + 1)
                    if len(data) > self.max_bytes:
                        raise MediaError(f"the file is over the {self.max_bytes}-byte limit")
                    if resp.status != 200 or ctype in ("application/json", "text/plain", "text/html"):
                        raise MediaError(_error_text(resp.status, data))
                    if ctype not in self.types:
                        raise MediaError(f"{ctype} files are not accepted")
                    return data, ctype
            except (aiohttp.ClientError, asyncio.TimeoutError) as e:
                last = f"Weibo could not be reached ({type(e).__name__})"
                await asyncio.sleep(0.2 * (attempt + 1))
        raise MediaError(last)


def _error_text(status: int, body: bytes) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        return f"Weibo answered HTTP {status}"
    if isinstance(doc, dict) and doc.get("error_code"):
        return f"Weibo said {doc.get('error', 'error')} ({doc['error_code']})"
    return f"Weibo answered HTTP {status}"
