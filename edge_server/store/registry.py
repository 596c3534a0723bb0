"""Which projection applies each event kind to the DuckDB state tables.

Every kind in ``edge_server.contract.events.EVENT_TYPES`` must have one (a
no-op is fine for events that only need the ``events`` table); the store
refuses to open otherwise, so a new event cannot be journaled and then lost.

Projections run in the store process (db_process.py), which imports the
modules that register them: the built-in ones, those named in
``Store.open(projection_modules=...)``, and every module that registered one
in the edge process before ``Store.open`` (see ``registered_modules``).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from edge_server.contract.events import Event

if TYPE_CHECKING:  # the edge process registers projections but never runs them: no duckdb there
    import duckdb

Cursor: TypeAlias = "duckdb.DuckDBPyConnection"
ProjectOne = Callable[[Cursor, Any], None]
ProjectMany = Callable[[Cursor, Sequence[Any]], None]


@dataclass(frozen=True, slots=True)
class Projection:
    kind: str
    one: ProjectOne | None
    many: ProjectMany | None
    subject: str  # name of the event field stored in events.subject ("" for none)

    def subject_of(self, event: Event) -> str:
        return str(getattr(event, self.subject)) if self.subject else ""

    def apply(self, cur: Cursor, events: Sequence[Event]) -> None:
        """Apply a run of consecutive events of this kind, in journal order."""
        if self.many is not None:
            self.many(cur, events)
        else:
            assert self.one is not None
            for event in events:
                self.one(cur, event)


PROJECTIONS: dict[str, Projection] = {}


def register_projection(
    kind: str,
    fn: ProjectOne | None = None,
    *,
    subject: str = "",
    many: ProjectMany | None = None,
) -> None:
    """Register how events of ``kind`` change the state tables.

    ``fn(cursor, event)`` applies one event. ``many(cursor, events)`` may be given
    instead for high-volume kinds: it gets every consecutive event of the kind in
    a batch and must leave the same state as applying them one by one (one DuckDB
    statement costs ~0.5-1.5 ms here, so set-based SQL is what keeps the projector
    ahead of the journal). Both run inside the batch's transaction.
    """
    if (fn is None) == (many is None):
        raise TypeError("register_projection needs exactly one of fn and many")
    if kind in PROJECTIONS:
        raise RuntimeError(f"projection for {kind!r} registered twice")
    PROJECTIONS[kind] = Projection(kind, fn, many, subject)


def projection(kind: str, *, subject: str = "", many: bool = False) -> Callable[[Any], Any]:
    """Decorator form of register_projection."""

    def deco(f: Any) -> Any:
        if many:
            register_projection(kind, subject=subject, many=f)
        else:
            register_projection(kind, f, subject=subject)
        return f

    return deco


def registered_modules() -> list[str]:
    """Modules whose import registered the projections known in this process."""
    modules: dict[str, None] = {}
    for p in PROJECTIONS.values():
        fn = p.one if p.one is not None else p.many
        module = getattr(fn, "__module__", None)
        if module and module != "__main__":  # __main__ is not importable by the store process
            modules[module] = None
    return list(modules)
