"""The site file: IT describes users, skills, queues and reason codes in TOML and imports it.

Import is an upsert: what the file names is created or updated, nothing else is
removed; a user keeps the stored password unless the file gives one.
"""
from __future__ import annotations

import re
import tomllib
from typing import Any

import msgspec

from edge_server.agents.directory import Directory
from edge_server.agents.passwords import hash_password_async
from edge_server.contract import events as ev
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import ImportResult, ReasonKind, Role

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class _Strict(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class SiteInfo(_Strict):
    name: str = "Switchboard"
    timezone: str = "UTC"


class SkillDef(_Strict):
    id: str
    name_en: str
    name_zh: str = ""


class ReasonDef(_Strict):
    code: str
    label_en: str
    kind: ReasonKind = ReasonKind.NOT_READY
    label_zh: str = ""


class QueueDef(_Strict):
    id: str
    name_en: str
    name_zh: str = ""
    skills: dict[str, int] = {}
    # Everything else about a queue (strategy, plan, SL target, ACW, hours...) belongs to routing;
    # it is kept as given and validated by the routing engine when it loads the queue.
    routing: dict[str, Any] = {}


class UserDef(_Strict):
    username: str
    display_name: str
    role: Role = Role.AGENT
    password: str | None = None
    password_hash: str | None = None
    team: str = ""
    languages: list[str] = []
    skills: dict[str, int] = {}
    disabled: bool = False


class SiteFile(_Strict):
    site: SiteInfo = msgspec.field(default_factory=SiteInfo)
    skills: list[SkillDef] = []
    reason_codes: list[ReasonDef] = []
    queues: list[QueueDef] = []
    users: list[UserDef] = []
    # Team and site canned responses (checked by edge_server.interactions.canned).
    canned: list[dict[str, Any]] = []


def parse_site(text: str) -> SiteFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"site file is not valid TOML: {e}") from e
    try:
        return msgspec.convert(data, SiteFile)
    except msgspec.ValidationError as e:
        raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"site file: {e}") from e


def _check_id(kind: str, value: str) -> None:
    if not _ID.match(value):
        raise SwitchboardError(
            ErrorCode.INVALID_ARGUMENT,
            f"{kind} {value!r}: use 1-64 lower-case letters, digits, '_', '.' or '-'",
        )


def _check_skill_levels(owner: str, skills: dict[str, int], known: set[str]) -> None:
    for skill, level in skills.items():
        if skill not in known:
            raise SwitchboardError(
                ErrorCode.INVALID_ARGUMENT, f"{owner}: unknown skill {skill!r}", skill=skill
            )
        if not 1 <= level <= 5:
            raise SwitchboardError(
                ErrorCode.INVALID_ARGUMENT,
                f"{owner}: proficiency of {skill!r} must be 1..5, got {level}",
            )


def check_password(password: str, min_length: int) -> None:
    if len(password) < min_length:
        raise SwitchboardError(
            ErrorCode.INVALID_ARGUMENT, f"password must have at least {min_length} characters"
        )


async def plan_import(
    directory: Directory, site: SiteFile, now_ms: int, min_password_length: int
) -> tuple[list[ev.Event], ImportResult]:
    """Validate the whole file first, then return the events that apply it (nothing half-done)."""
    known_skills = set(directory.skills) | {s.id for s in site.skills}
    for s in site.skills:
        _check_id("skill", s.id)
    for r in site.reason_codes:
        _check_id("reason code", r.code)
    from edge_server.work.site_config import queue_config

    for q in site.queues:
        _check_id("queue", q.id)
        _check_skill_levels(f"queue {q.id!r}", q.skills, known_skills)
        queue_config(q.id, q.skills, q.routing)  # routing settings are checked now, not at first call
    seen: set[str] = set()
    for u in site.users:
        _check_id("user name", u.username)
        if u.username in seen:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"user {u.username!r} listed twice")
        seen.add(u.username)
        _check_skill_levels(f"user {u.username!r}", u.skills, known_skills)
        if u.password is not None:
            check_password(u.password, min_password_length)
        elif u.password_hash is None and u.username not in directory.users and not u.disabled:
            raise SwitchboardError(
                ErrorCode.INVALID_ARGUMENT,
                f"user {u.username!r} is new and has neither password nor password_hash",
            )

    from edge_server.interactions.canned import seed_events_from_site

    canned = seed_events_from_site({"canned": site.canned}, now_ms=now_ms)

    events: list[ev.Event] = []
    warnings: list[str] = []
    for s in site.skills:
        events.append(ev.SkillDefined(ts_ms=now_ms, skill=s.id, name_en=s.name_en, name_zh=s.name_zh))
    for r in site.reason_codes:
        events.append(
            ev.ReasonCodeDefined(
                ts_ms=now_ms, code=r.code, kind=r.kind, label_en=r.label_en, label_zh=r.label_zh
            )
        )
        if not r.label_zh:
            warnings.append(f"reason code {r.code!r} has no Chinese label")
    for q in site.queues:
        events.append(
            ev.QueueDefined(
                ts_ms=now_ms,
                queue=q.id,
                name_en=q.name_en,
                name_zh=q.name_zh,
                skills=dict(q.skills),
                config=dict(q.routing),
            )
        )
    for u in site.users:
        pw_hash = u.password_hash
        if u.password is not None:
            pw_hash = await hash_password_async(u.password)
        events.append(
            ev.UserUpserted(
                ts_ms=now_ms,
                username=u.username,
                display_name=u.display_name,
                role=u.role,
                password_hash=pw_hash,
                team=u.team,
                languages=list(u.languages),
                disabled=u.disabled,
            )
        )
        events.append(ev.AgentSkillsSet(ts_ms=now_ms, username=u.username, skills=dict(u.skills)))
    result = ImportResult(
        users=len(site.users),
        skills=len(site.skills),
        queues=len(site.queues),
        reason_codes=len(site.reason_codes),
        canned=len(canned),
        warnings=warnings,
    )
    events.extend(canned)
    return events, result
