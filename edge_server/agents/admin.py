"""User administration shared by the edge's admin commands and the offline `main.py admin` CLI."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from edge_server.agents.directory import Directory
from edge_server.agents.passwords import hash_password_async
from edge_server.agents.site import _check_id, _check_skill_levels, check_password, parse_site, plan_import
from edge_server.contract import events as ev
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import (
    AddUser,
    ImportResult,
    ImportSite,
    ListUsers,
    Ok,
    SetPassword,
    SetUserDisabled,
    UserInfo,
    UserList,
)

Commit = Callable[[Sequence[ev.Event]], Awaitable[None]]


class AdminOps:
    """The admin commands over a directory and a commit function (apply + durable append)."""

    def __init__(
        self,
        directory: Directory,
        commit: Commit,
        now_ms: Callable[[], int],
        min_password_length: int,
    ) -> None:
        self._dir = directory
        self._commit = commit
        self._now_ms = now_ms
        self._min_pw = min_password_length

    def _user(self, username: str):  # noqa: ANN202 - returns directory.User
        user = self._dir.users.get(username)
        if user is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no user {username!r}", username=username)
        return user

    async def list_users(self, req: ListUsers) -> UserList:
        users = [u.info() for _, u in sorted(self._dir.users.items())]
        if not req.include_disabled:
            users = [u for u in users if not u.disabled]
        return UserList(users=users)

    async def add_user(self, req: AddUser) -> UserInfo:
        _check_id("user name", req.username)
        if req.username in self._dir.users:
            raise SwitchboardError(
                ErrorCode.CONFLICT, f"user {req.username!r} exists already", username=req.username
            )
        if not req.display_name.strip():
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "display name must not be empty")
        check_password(req.password, self._min_pw)
        _check_skill_levels(f"user {req.username!r}", req.skills, set(self._dir.skills))
        now = self._now_ms()
        await self._commit(
            [
                ev.UserUpserted(
                    ts_ms=now,
                    username=req.username,
                    display_name=req.display_name.strip(),
                    role=req.role,
                    password_hash=await hash_password_async(req.password),
                    team=req.team,
                    languages=list(req.languages),
                ),
                ev.AgentSkillsSet(ts_ms=now, username=req.username, skills=dict(req.skills)),
            ]
        )
        return self._dir.users[req.username].info()

    async def set_user_disabled(self, req: SetUserDisabled) -> UserInfo:
        self._user(req.username)
        await self._commit(
            [ev.UserDisabled(ts_ms=self._now_ms(), username=req.username, disabled=req.disabled)]
        )
        return self._dir.users[req.username].info()

    async def set_password(self, req: SetPassword) -> Ok:
        self._user(req.username)
        check_password(req.password, self._min_pw)
        pw_hash = await hash_password_async(req.password)
        await self._commit(
            [ev.PasswordChanged(ts_ms=self._now_ms(), username=req.username, password_hash=pw_hash)]
        )
        return Ok()

    async def import_site(self, req: ImportSite) -> ImportResult:
        site = parse_site(req.toml_text)
        events, result = await plan_import(self._dir, site, self._now_ms(), self._min_pw)
        await self._commit(events)
        return result
