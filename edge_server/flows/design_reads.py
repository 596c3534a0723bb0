"""Reads the design service needs from the store (module-level: they run in the store process).

``design_state`` loads everything once at start (designs are few and small; the
service then answers from memory). The rest serve requests about interactions:
flow traces, form submissions, and the attributes of a closed interaction.
"""
from __future__ import annotations

from typing import Any

import msgspec

from edge_server.contract.designs import FlowExecutionInfo, FlowOutcome, FormSubmission, TraceStep

_json = msgspec.json.Decoder()


class DesignRow(msgspec.Struct, kw_only=True):
    design_id: str
    kind: str
    name: str
    channel: str
    draft_version: int
    draft_doc: str  # JSON
    draft_hash: str
    updated_ms: int
    updated_by: str


class RevisionRow(msgspec.Struct, kw_only=True):
    design_id: str
    number: int
    doc: str  # JSON
    content_hash: str
    message: str
    by: str
    ts_ms: int


class AliasRow(msgspec.Struct, kw_only=True):
    design_id: str
    alias: str
    revision: int


class BindingRow(msgspec.Struct, kw_only=True):
    entry_kind: str
    entry_key: str
    design_id: str


class DesignState(msgspec.Struct, kw_only=True):
    designs: list[DesignRow] = []
    revisions: list[RevisionRow] = []
    aliases: list[AliasRow] = []
    bindings: list[BindingRow] = []


class InteractionFacts(msgspec.Struct, kw_only=True):
    """What a screen form needs of an interaction that has left the edge's memory."""

    interaction_id: str
    customer_id: str
    channel: str
    queue: str
    subject: str
    attributes: dict[str, str] = {}


def design_state(cur: Any) -> DesignState:
    """Every design with its draft, every revision, alias and binding."""
    designs = [
        DesignRow(design_id=r[0], kind=r[1], name=r[2], channel=r[3], draft_version=r[4], draft_doc=r[5],
                  draft_hash=r[6], updated_ms=r[7], updated_by=r[8])
        for r in cur.execute(
            """SELECT design_id, kind, name, channel, draft_version, CAST(draft_doc AS VARCHAR), draft_hash,
                      updated_ms, updated_by FROM designs ORDER BY design_id""").fetchall()
    ]
    revisions = [
        RevisionRow(design_id=r[0], number=r[1], doc=r[2], content_hash=r[3], message=r[4], by=r[5], ts_ms=r[6])
        for r in cur.execute(
            """SELECT design_id, number, CAST(doc AS VARCHAR), content_hash, message, actor, ts_ms
               FROM design_revisions ORDER BY design_id, number""").fetchall()
    ]
    aliases = [AliasRow(design_id=r[0], alias=r[1], revision=r[2])
               for r in cur.execute("SELECT design_id, alias, revision FROM design_aliases").fetchall()]
    bindings = [BindingRow(entry_kind=r[0], entry_key=r[1], design_id=r[2])
                for r in cur.execute("SELECT entry_kind, entry_key, design_id FROM design_bindings").fetchall()]
    return DesignState(designs=designs, revisions=revisions, aliases=aliases, bindings=bindings)


def flow_trace(cur: Any, interaction_id: str) -> list[FlowExecutionInfo]:
    """Executions of flows for the interaction, oldest first, each with its steps in order."""
    execs = cur.execute(
        """SELECT execution_id, design_id, revision, interaction_id, started_ms, ended_ms, outcome
           FROM flow_executions WHERE interaction_id = ? ORDER BY started_ms, execution_id""",
        [interaction_id]).fetchall()
    if not execs:
        return []
    ids = [r[0] for r in execs]
    steps: dict[str, list[TraceStep]] = {}
    for r in cur.execute(
        """SELECT execution_id, seq, node_id, node_type, ts_ms, exit, input, output,
                  CAST(vars_changed AS VARCHAR), error
           FROM flow_steps WHERE list_contains(?, execution_id) ORDER BY execution_id, seq""", [ids]).fetchall():
        changed = _json.decode(r[8]) if r[8] else {}
        steps.setdefault(r[0], []).append(TraceStep(
            seq=r[1], node_id=r[2], node_type=r[3], ts_ms=r[4], exit=r[5], input=r[6], output=r[7],
            vars_changed={str(k): str(v) for k, v in changed.items()}, error=r[9]))
    out = []
    for r in execs:
        try:
            outcome = FlowOutcome(r[6])
        except ValueError:  # an outcome written by a newer edge: show it as failed rather than not at all
            outcome = FlowOutcome.FAILED
        out.append(FlowExecutionInfo(execution_id=r[0], design_id=r[1], revision=r[2], interaction_id=r[3],
                                     started_ms=r[4], ended_ms=r[5], outcome=outcome, steps=steps.get(r[0], [])))
    return out


def form_submissions(cur: Any, interaction_id: str) -> list[FormSubmission]:
    """Forms submitted for the interaction, oldest first."""
    return [
        FormSubmission(submission_id=r[0], interaction_id=r[1], design_id=r[2], revision=r[3],
                       values=_json.decode(r[4]) if r[4] else {}, by=r[5], ts_ms=r[6])
        for r in cur.execute(
            """SELECT submission_id, interaction_id, design_id, revision, CAST(form_values AS VARCHAR), actor, ts_ms
               FROM form_submissions WHERE interaction_id = ? ORDER BY ts_ms, submission_id""",
            [interaction_id]).fetchall()
    ]


def interaction_facts(cur: Any, interaction_id: str) -> InteractionFacts | None:
    r = cur.execute(
        """SELECT interaction_id, customer_id, channel, queue, subject, CAST(attributes AS VARCHAR)
           FROM interactions WHERE interaction_id = ?""", [interaction_id]).fetchone()
    if r is None:
        return None
    attrs = _json.decode(r[5]) if r[5] else {}
    return InteractionFacts(interaction_id=r[0], customer_id=r[1], channel=r[2], queue=r[3], subject=r[4],
                            attributes={str(k): str(v) for k, v in attrs.items()} if isinstance(attrs, dict) else {})
