"""The edge's live view of users, skills, queues, reason codes, presence and sessions.

The edge is the single writer: every change is an event that is applied here
(synchronously, so the next command already sees it) and appended to the store
(which acknowledges once it is durable). On start the directory is loaded back
from the store's projections.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable

from edge_server.contract import events as ev
from edge_server.contract.messages import (
    AgentState,
    AgentStatus,
    ReasonCode,
    ReasonKind,
    Role,
    UserInfo,
)


@dataclasses.dataclass(slots=True)
class User:
    username: str
    display_name: str
    role: Role
    password_hash: str | None
    team: str = ""
    languages: list[str] = dataclasses.field(default_factory=list)
    disabled: bool = False
    skills: dict[str, int] = dataclasses.field(default_factory=dict)

    def info(self) -> UserInfo:
        return UserInfo(
            username=self.username,
            display_name=self.display_name,
            role=self.role,
            disabled=self.disabled,
            team=self.team,
            languages=list(self.languages),
            skills=dict(self.skills),
        )


@dataclasses.dataclass(slots=True)
class Presence:
    state: AgentState = AgentState.LOGGED_OUT
    reason: str = ""
    since_ms: int = 0
    by: str = ""


@dataclasses.dataclass(slots=True)
class Session:
    session_id: str
    token_hash: str
    username: str
    client_id: str
    client_key: str
    sip_contact: str
    opened_ms: int
    connected: bool = False  # live: a connection is attached and heartbeating


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Directory:
    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.skills: dict[str, ev.SkillDefined] = {}
        self.queues: dict[str, ev.QueueDefined] = {}
        self.reason_codes: dict[str, ReasonCode] = {}
        self.presence: dict[str, Presence] = {}
        self.sessions: dict[str, Session] = {}
        self._by_token: dict[str, str] = {}
        self._by_user: dict[str, str] = {}

    # --- queries -------------------------------------------------------------

    def session_for_token(self, token: str) -> Session | None:
        sid = self._by_token.get(token_hash(token))
        return self.sessions.get(sid) if sid else None

    def session_of(self, username: str) -> Session | None:
        sid = self._by_user.get(username)
        return self.sessions.get(sid) if sid else None

    def status(self, username: str) -> AgentStatus:
        user = self.users[username]
        p = self.presence.get(username, Presence())
        session = self.session_of(username)
        return AgentStatus(
            username=username,
            display_name=user.display_name,
            team=user.team,
            role=user.role,
            state=p.state,
            reason=p.reason,
            since_ms=p.since_ms,
            connected=bool(session and session.connected),
        )

    def statuses(self) -> list[AgentStatus]:
        return [self.status(u) for u in sorted(self.users) if not self.users[u].disabled]

    def reason_code_list(self) -> list[ReasonCode]:
        return [self.reason_codes[c] for c in sorted(self.reason_codes)]

    def is_reason(self, code: str, kind: ReasonKind) -> bool:
        rc = self.reason_codes.get(code)
        return rc is not None and rc.kind == kind

    # --- changes -------------------------------------------------------------

    def apply_all(self, events: Iterable[ev.Event]) -> None:
        for e in events:
            self.apply(e)

    def apply(self, e: ev.Event) -> None:  # noqa: C901 - one branch per event kind, flat on purpose
        match e:
            case ev.UserUpserted():
                old = self.users.get(e.username)
                self.users[e.username] = User(
                    username=e.username,
                    display_name=e.display_name,
                    role=e.role,
                    password_hash=e.password_hash
                    if e.password_hash is not None
                    else (old.password_hash if old else None),
                    team=e.team,
                    languages=list(e.languages),
                    disabled=e.disabled,
                    skills=old.skills if old else {},
                )
            case ev.UserDisabled():
                self.users[e.username].disabled = e.disabled
            case ev.PasswordChanged():
                self.users[e.username].password_hash = e.password_hash
            case ev.SkillDefined():
                self.skills[e.skill] = e
            case ev.AgentSkillsSet():
                self.users[e.username].skills = dict(e.skills)
            case ev.QueueDefined():
                self.queues[e.queue] = e
            case ev.ReasonCodeDefined():
                self.reason_codes[e.code] = ReasonCode(
                    code=e.code, kind=e.kind, label_en=e.label_en, label_zh=e.label_zh
                )
            case ev.SessionOpened():
                self.sessions[e.session_id] = Session(
                    session_id=e.session_id,
                    token_hash=e.token_hash,
                    username=e.username,
                    client_id=e.client_id,
                    client_key=e.client_key,
                    sip_contact=e.sip_contact,
                    opened_ms=e.ts_ms,
                )
                self._by_token[e.token_hash] = e.session_id
                self._by_user[e.username] = e.session_id
            case ev.SessionClosed():
                s = self.sessions.pop(e.session_id, None)
                if s is not None:
                    self._by_token.pop(s.token_hash, None)
                    if self._by_user.get(s.username) == e.session_id:
                        del self._by_user[s.username]
            case ev.AgentStateChanged():
                self.presence[e.username] = Presence(e.state, e.reason, e.ts_ms, e.by)
            case ev.LoginFailed():
                pass
            case _:
                pass  # events of other subsystems (routing, interactions) are not ours
