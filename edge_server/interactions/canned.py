"""Canned responses: personal (owner = username), team (owner = team) and site-wide.

Agents see the site's, their team's and their own; saving a team or site
response needs the supervisor role. A shortcut is unique per scope and owner.
``seed_events_from_site`` turns a site TOML's ``[[canned]]`` tables into events
(deterministic ids, so importing the same site twice changes nothing).
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from edge_server.contract import events as ev
from edge_server.contract import interactions as ci
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Message, Ok, Role
from edge_server.interactions import canned_reads as reads
from edge_server.store import StoreError

if TYPE_CHECKING:
    from edge_server.agents.directory import Directory
    from edge_server.store import Store

log = logging.getLogger("sb.customers")

SCOPES = ("personal", "team", "site")
MAX_SHORTCUT_CHARS = 32
MAX_TEXT_CHARS = 4000
MAX_TITLE_CHARS = 200
_SHORTCUT = re.compile(r"^[^\s/]+$")
#: Namespace of the ids of responses imported from a site file (uuid5 of scope/owner/shortcut).
_SITE_NAMESPACE = uuid.UUID("5b0f3e52-8c1e-4d0a-9a57-3c7a2b1d6e01")


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


def _invalid(message: str) -> SwitchboardError:
    return SwitchboardError(ErrorCode.INVALID_ARGUMENT, message)


def clean_shortcut(shortcut: str) -> str:
    """The shortcut without its leading "/"; INVALID_ARGUMENT if empty, spaced or too long."""
    s = shortcut.strip().removeprefix("/")
    if not s or not _SHORTCUT.match(s) or len(s) > MAX_SHORTCUT_CHARS:
        raise _invalid(f"a shortcut is 1-{MAX_SHORTCUT_CHARS} characters without spaces or '/': {shortcut!r}")
    return s


class CannedService:
    def __init__(self, store: Store, directory: Directory, *, now_ms: Callable[[], int] = _wall_ms) -> None:
        self._store = store
        self._dir = directory
        self._now_ms = now_ms
        # Saves one at a time, so the uniqueness check reads what the previous save appended.
        self._lock = asyncio.Lock()
        self.routes: dict[str, Callable[[Any, Any, str], Awaitable[Message]]] = {
            "list_canned": self._list,
            "save_canned": self._save,
            "delete_canned": self._delete,
        }

    def _team_of(self, username: str) -> str:
        user = self._dir.users.get(username)
        return user.team if user is not None else ""

    def _may_manage(self, username: str, item: ci.CannedResponse) -> bool:
        if item.scope == "personal":
            return item.owner == username
        user = self._dir.users.get(username)
        return user is not None and user.role.allows(Role.SUPERVISOR)

    async def visible(self, username: str, query: str = "") -> list[ci.CannedResponse]:
        return await self._read(reads.canned_visible, username, self._team_of(username), query)

    async def _list(self, conn: Any, body: ci.ListCanned, username: str) -> ci.CannedList:
        return ci.CannedList(items=await self.visible(username, body.query))

    async def _save(self, conn: Any, body: ci.SaveCanned, username: str) -> ci.CannedResponse:
        item = body.item
        if item.scope not in SCOPES:
            raise _invalid(f"scope must be one of {', '.join(SCOPES)}, not {item.scope!r}")
        shortcut = clean_shortcut(item.shortcut)
        text = item.text.strip()
        if not text or len(text) > MAX_TEXT_CHARS:
            raise _invalid(f"a canned response needs a text of 1-{MAX_TEXT_CHARS} characters")
        if len(item.title) > MAX_TITLE_CHARS:
            raise _invalid(f"title longer than {MAX_TITLE_CHARS} characters")
        if item.scope == "personal":
            owner = username
        elif item.scope == "team":
            owner = item.owner.strip() or self._team_of(username)
            if not owner:
                raise _invalid(f"{username} has no team: name the team in owner")
        else:
            owner = ""
        saved = ci.CannedResponse(canned_id=item.canned_id or uuid.uuid4().hex, shortcut=shortcut, text=text,
                                  title=item.title.strip(), scope=item.scope, owner=owner,
                                  language=item.language.strip())
        if not self._may_manage(username, saved):
            raise SwitchboardError(ErrorCode.FORBIDDEN, f"saving a {item.scope} canned response needs the "
                                   f"supervisor role")
        async with self._lock:
            if item.canned_id:
                old = await self._read(reads.canned_get, item.canned_id)
                if old is None:
                    raise SwitchboardError(ErrorCode.NOT_FOUND, f"no canned response {item.canned_id!r}")
                if not self._may_manage(username, old):
                    raise SwitchboardError(ErrorCode.FORBIDDEN, f"{username} may not change canned response "
                                           f"{old.shortcut!r} ({old.scope})")
            taken = await self._read(reads.canned_with_shortcut, saved.scope, saved.owner, shortcut)
            if taken and taken != saved.canned_id:
                raise SwitchboardError(ErrorCode.CONFLICT, f"/{shortcut} already exists in {saved.scope} "
                                       f"{saved.owner}".rstrip(), canned_id=taken)
            await self._commit([ev.CannedSaved(
                ts_ms=self._now_ms(), canned_id=saved.canned_id, shortcut=shortcut, text=text, title=saved.title,
                scope=saved.scope, owner=owner, language=saved.language, by=username,
            )])
        return saved

    async def _delete(self, conn: Any, body: ci.DeleteCanned, username: str) -> Ok:
        async with self._lock:
            old = await self._read(reads.canned_get, body.canned_id)
            if old is None:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"no canned response {body.canned_id!r}")
            if not self._may_manage(username, old):
                raise SwitchboardError(ErrorCode.FORBIDDEN, f"{username} may not delete canned response "
                                       f"{old.shortcut!r} ({old.scope})")
            await self._commit([ev.CannedDeleted(ts_ms=self._now_ms(), canned_id=body.canned_id, by=username)])
        return Ok()

    async def _read(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return await self._store.read(fn, *args)
        except StoreError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"canned responses cannot be read: {e}") from e

    async def _commit(self, events: list[ev.Event]) -> None:
        try:
            await self._store.append(events)
        except StoreError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the edge cannot save changes: {e}") from e


def seed_events_from_site(site: Mapping[str, Any], *, now_ms: int | None = None) -> list[ev.CannedSaved]:
    """CannedSaved events for a site TOML's ``[[canned]]`` tables (shortcut, text, title, scope, owner,
    language); INVALID_ARGUMENT naming the entry. Ids derive from scope/owner/shortcut: re-importing
    updates the same responses instead of adding copies."""
    ts = now_ms if now_ms is not None else _wall_ms()
    out: list[ev.CannedSaved] = []
    seen: set[tuple[str, str, str]] = set()
    for n, entry in enumerate(site.get("canned", []), start=1):
        if not isinstance(entry, Mapping):
            raise _invalid(f"[[canned]] #{n} is not a table")
        unknown = set(entry) - {"shortcut", "text", "title", "scope", "owner", "language"}
        if unknown:
            raise _invalid(f"[[canned]] #{n}: unknown keys {sorted(unknown)}")
        shortcut = clean_shortcut(str(entry.get("shortcut", "")))
        text = str(entry.get("text", "")).strip()
        scope = str(entry.get("scope", "site"))
        owner = str(entry.get("owner", "")) if scope != "site" else ""
        if not text:
            raise _invalid(f"[[canned]] /{shortcut}: text is empty")
        if scope not in ("team", "site"):
            raise _invalid(f"[[canned]] /{shortcut}: scope must be team or site in a site file, not {scope!r}")
        if scope == "team" and not owner:
            raise _invalid(f"[[canned]] /{shortcut}: a team response names its team in owner")
        key = (scope, owner, shortcut.lower())
        if key in seen:
            raise _invalid(f"[[canned]] /{shortcut} appears twice for {scope} {owner}".rstrip())
        seen.add(key)
        out.append(ev.CannedSaved(
            ts_ms=ts, canned_id=uuid.uuid5(_SITE_NAMESPACE, "/".join(key)).hex, shortcut=shortcut, text=text,
            title=str(entry.get("title", "")), scope=scope, owner=owner, language=str(entry.get("language", "")),
            by="site",
        ))
    return out


async def seed_from_site(store: Store, site: Mapping[str, Any], *, now_ms: int | None = None) -> int:
    """Append the site's canned responses (see seed_events_from_site); returns how many."""
    events = seed_events_from_site(site, now_ms=now_ms)
    if events:
        try:
            await store.append(events)
        except StoreError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the edge cannot save changes: {e}") from e
    log.info("imported %d canned responses from the site file", len(events))
    return len(events)
