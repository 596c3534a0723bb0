"""Rebuild the live directory from the store's projections when the edge starts.

The rows are read in the store process (one read, one consistent snapshot) and
the Directory is built here, in the edge: it holds live objects that never
cross the process boundary.
"""
from __future__ import annotations

from edge_server.agents.directory import Directory, Presence, Session, User
from edge_server.contract import events as ev
from edge_server.contract.messages import AgentState, ReasonCode, ReasonKind, Role
from edge_server.store import Store, repos


def build_directory(snap: repos.DirectorySnapshot) -> Directory:
    d = Directory()
    for u in snap.users:
        d.users[u.username] = User(
            username=u.username,
            display_name=u.display_name,
            role=Role(u.role),
            password_hash=u.password_hash,
            team=u.team or "",
            languages=list(u.languages or []),
            disabled=bool(u.disabled),
            skills=dict(u.skills or {}),
        )
    for s in snap.skills:
        d.skills[s.skill] = ev.SkillDefined(ts_ms=0, skill=s.skill, name_en=s.name_en, name_zh=s.name_zh or "")
    for q in snap.queues:
        d.queues[q.queue] = ev.QueueDefined(
            ts_ms=0,
            queue=q.queue,
            name_en=q.name_en,
            name_zh=q.name_zh or "",
            skills=dict(q.skills or {}),
            config=dict(q.config or {}),
        )
    for r in snap.reason_codes:
        d.reason_codes[r.code] = ReasonCode(
            code=r.code, kind=ReasonKind(r.kind), label_en=r.label_en, label_zh=r.label_zh or ""
        )
    for username, st in snap.agent_states.items():
        d.presence[username] = Presence(AgentState(st.state), st.reason or "", st.since_ms, st.by or "")
    for s in snap.open_sessions:
        d.apply(
            ev.SessionOpened(
                ts_ms=s.opened_ms,
                session_id=s.session_id,
                token_hash=s.token_hash,
                username=s.username,
                client_id=s.client_id or "",
                client_key=s.client_key or "",
                sip_contact=s.sip_contact or "",
            )
        )
    return d


async def load_directory(store: Store) -> Directory:
    return build_directory(await store.read(repos.load_directory_snapshot))


__all__ = ["build_directory", "load_directory", "Session"]
