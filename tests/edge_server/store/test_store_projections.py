"""Every event kind lands in its state table; batched projection equals one by one."""
from __future__ import annotations

import importlib
import json
import random
import sys
from pathlib import Path

import duckdb
import pytest

from edge_server.contract.events import (
    EVENT_TYPES,
    AgentSkillsSet,
    Event,
    PasswordChanged,
    QueueDefined,
    ReasonCodeDefined,
    SessionClosed,
    SessionOpened,
    SkillDefined,
    UserDisabled,
)
from edge_server.contract.messages import AgentState, ReasonKind, Role
from edge_server.store import DEFAULT_PROJECTION_MODULES, Store, StoreError, repos
from edge_server.store import registry as registry_module
from edge_server.store.duckdb_compat import skip_missing_pandas_probe
from edge_server.store.codec import KINDS, encode_event, kind_of
from edge_server.store.migrations import migrate
from edge_server.store.projector import Projector
from edge_server.store.registry import PROJECTIONS, register_projection
from tests.edge_server.store.store_helpers import failed_login, one, state, ts, user


def test_every_contract_event_has_a_projection() -> None:
    # What the store process checks at open, after importing the projection modules.
    for name in DEFAULT_PROJECTION_MODULES:
        importlib.import_module(name)
    assert set(PROJECTIONS) == set(KINDS) == {t.__struct_config__.tag for t in EVENT_TYPES}


def test_a_kind_cannot_be_registered_twice() -> None:
    with pytest.raises(RuntimeError, match="twice"):
        register_projection("login_failed", lambda cur, ev: None)
    with pytest.raises(TypeError):
        register_projection("brand_new_kind")
    assert "brand_new_kind" not in registry_module.PROJECTIONS


@pytest.mark.asyncio
async def test_users_skills_queues_reasons(store: Store) -> None:
    await store.append(
        [
            user("ann", password_hash="h1", team="north", languages=["en", "zh"]),
            AgentSkillsSet(ts_ms=ts(), username="ann", skills={"billing": 3, "mandarin": 5}),
            user("ann", role=Role.SUPERVISOR, display_name="Ann Lee"),  # no hash: keep h1
            user("bob", password_hash="hb"),
            UserDisabled(ts_ms=ts(), username="bob", disabled=True),
            PasswordChanged(ts_ms=ts(), username="ann", password_hash="h2"),
            AgentSkillsSet(ts_ms=ts(), username="ann", skills={"billing": 4}),  # replaces
            SkillDefined(ts_ms=ts(), skill="billing", name_en="Billing"),
            SkillDefined(ts_ms=ts(), skill="billing", name_en="Billing", name_zh="账单"),
            QueueDefined(ts_ms=ts(), queue="sales", name_en="Sales", skills={"billing": 2},
                         config={"sl_target_s": 20}),
            ReasonCodeDefined(ts_ms=ts(), code="lunch", kind=ReasonKind.NOT_READY, label_en="Lunch"),
            ReasonCodeDefined(ts_ms=ts(), code="lunch", kind=ReasonKind.NOT_READY,
                              label_en="Lunch break", label_zh="午餐"),
            UserDisabled(ts_ms=ts(), username="ghost", disabled=True),  # unknown user: no-op
        ]
    )
    users = {u.username: u for u in await store.read(repos.load_users)}
    ann = users["ann"]
    assert ann.role is Role.SUPERVISOR and ann.display_name == "Ann Lee"
    assert ann.password_hash == "h2"
    assert ann.skills == {"billing": 4}
    assert ann.created_ms < ann.updated_ms
    assert users["bob"].disabled and users["bob"].skills == {}
    assert set(users) == {"ann", "bob"}
    assert await store.read(repos.get_user, "ann") == ann
    assert await store.read(repos.get_user, "nobody") is None
    assert await store.read(repos.load_skills) == [
        repos.SkillRow(skill="billing", name_en="Billing", name_zh="账单")
    ]
    assert await store.read(repos.load_queues) == [
        repos.QueueRow(queue="sales", name_en="Sales", name_zh="", skills={"billing": 2},
                       config={"sl_target_s": 20})
    ]
    assert await store.read(repos.load_reason_codes) == [
        repos.ReasonCodeRow(code="lunch", kind=ReasonKind.NOT_READY, label_en="Lunch break",
                            label_zh="午餐")
    ]


@pytest.mark.asyncio
async def test_upsert_without_hash_keeps_the_stored_one(store: Store) -> None:
    await store.append([user("cy", password_hash="secret")])
    await store.append([user("cy", display_name="Cy Two")])
    cy = await store.read(repos.get_user, "cy")
    assert cy is not None and cy.password_hash == "secret" and cy.display_name == "Cy Two"


@pytest.mark.asyncio
async def test_sessions_states_and_failed_logins(store: Store) -> None:
    opened = SessionOpened(ts_ms=ts(), session_id="s1", token_hash="t1", username="ann",
                           client_id="c1", client_key="k", sip_contact="sip:ann@10.0.0.5")
    await store.append(
        [
            opened,
            SessionOpened(ts_ms=ts(), session_id="s2", token_hash="t2", username="bob", client_id="c2"),
            state("ann", AgentState.READY),
            state("ann", AgentState.NOT_READY, "lunch"),
            failed_login("eve"),
            failed_login("eve"),
            SessionClosed(ts_ms=ts(), session_id="s2", reason="logout"),
        ]
    )
    s1 = await store.read(repos.find_session, "t1")
    assert s1 is not None
    assert (s1.session_id, s1.username, s1.sip_contact, s1.opened_ms) == (
        "s1", "ann", "sip:ann@10.0.0.5", opened.ts_ms
    )
    assert s1.closed_ms is None
    assert await store.read(repos.find_session, "t2") is None  # closed
    assert [s.session_id for s in await store.read(repos.open_sessions)] == ["s1"]
    closed = await store.read(one, "SELECT close_reason FROM sessions WHERE session_id = ?", "s2")
    assert closed == ("logout",)

    ann = (await store.read(repos.load_agent_states))["ann"]
    assert ann.state is AgentState.NOT_READY and ann.reason == "lunch"
    last_state_ts = await store.read(
        one, "SELECT max(ts_ms) FROM events WHERE kind = ?", "agent_state_changed"
    )
    assert last_state_ts == (ann.since_ms,)

    assert await store.read(repos.count_login_failures, "eve", 0) == 2
    assert await store.read(repos.count_login_failures, "eve", ts()) == 0


@pytest.mark.asyncio
async def test_events_table_keeps_kind_subject_and_json(store: Store) -> None:
    ev = QueueDefined(ts_ms=ts(), queue="vip", name_en="VIP", config={"plan": ["a", "b"]})
    seq = await store.append([ev])
    row = await store.read(one, "SELECT ts_ms, kind, subject, data FROM events WHERE seq = ?", seq)
    assert row is not None
    assert row[:3] == (ev.ts_ms, "queue_defined", "vip")
    assert json.loads(row[3]) == {
        "event": "queue_defined", "ts_ms": ev.ts_ms, "queue": "vip", "name_en": "VIP",
        "config": {"plan": ["a", "b"]},
    }


@pytest.mark.asyncio
async def test_a_failing_projection_stops_the_store_and_restart_applies_it(data_dir: Path) -> None:
    # The store process imports the broken projection (it overrides login_failed's for
    # user "during"): projection_modules reach the process where projections run.
    broken = [*DEFAULT_PROJECTION_MODULES, "tests.edge_server.store.broken_projection"]
    async with await Store.open(data_dir, projection_modules=broken) as store:
        await store.append([failed_login("before")])
        assert await store.read(repos.count_login_failures, "before", 0) == 1
        assert await store.append([failed_login("during")]) == 2  # journaled: acknowledged
        with pytest.raises(StoreError, match="bug") as info:
            await store.read(repos.load_users)
        assert "ZeroDivisionError" in str(info.value)
        with pytest.raises(StoreError, match="refuses writes"):
            store.append([failed_login("refused")])
        assert store.failure is not None
    async with await Store.open(data_dir) as store:  # the fixed build
        assert store.recovery.replayed == 1
        assert await store.read(repos.count_login_failures, "during", 0) == 1
    assert "tests.edge_server.store.broken_projection" not in sys.modules


def _random_bursty_events(rng: random.Random, n: int) -> list[Event]:
    users = ["ann", "bob", "cy"]
    out: list[Event] = []
    for _ in range(n):
        u = rng.choice(users)
        sid = f"s{rng.randrange(4)}"
        out.append(
            rng.choice(
                [
                    lambda: state(u, rng.choice(list(AgentState)), rng.choice(["", "lunch"])),
                    lambda: failed_login(u, rng.choice(["bad password", "disabled"])),
                    lambda: SessionOpened(ts_ms=ts(), session_id=sid, token_hash=f"{sid}-{ts()}",
                                          username=u, client_id="c"),
                    lambda: SessionClosed(ts_ms=ts(), session_id=sid, reason=rng.choice(["a", "b"])),
                    lambda: user(u, password_hash=rng.choice([None, "h"])),
                ]
            )()
        )
    return out


def _snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    tables = ["users", "sessions", "agent_state", "login_failures", "events"]
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


@pytest.mark.parametrize("seed", [1, 2])
def test_batched_projection_equals_one_by_one(tmp_path: Path, seed: int) -> None:
    skip_missing_pandas_probe()  # as Store.open does: 3x faster parameter binding
    events = _random_bursty_events(random.Random(seed), 40)
    records = [(i + 1, encode_event(ev)) for i, ev in enumerate(events)]
    assert len({kind_of(e) for e in events}) == 5
    snapshots = []
    for name, chunks in [("batched", [records]), ("single", [[r] for r in records])]:
        db = tmp_path / f"{name}.duckdb"
        con = duckdb.connect(str(db))
        try:
            migrate(con, db)
            projector = Projector(con, db, 0)
            for chunk in chunks:
                projector.apply(chunk)
            snapshots.append(_snapshot(con))
        finally:
            con.close()
    batched, single = snapshots
    assert batched == single
    assert batched["agent_state"] and batched["sessions"] and batched["login_failures"]
