"""Projections of design, flow-execution, form and work-order events into the V4 tables.

Run in the store process. All rare except flow steps (a few per chat), which are
batched per event already. Every projection tolerates missing rows.
"""
from __future__ import annotations

import msgspec

from edge_server.contract import events as ev
from edge_server.store.registry import Cursor, projection

_json = msgspec.json.Encoder()


def _js(value: object) -> str:
    return _json.encode(value).decode()


@projection("design_draft_saved", subject="design_id")
def _draft_saved(cur: Cursor, e: ev.DesignDraftSaved) -> None:
    cur.execute(
        """INSERT INTO designs (design_id, kind, name, channel, draft_version, draft_doc, draft_hash,
                                updated_ms, updated_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (design_id) DO UPDATE SET name = excluded.name, channel = excluded.channel,
               draft_version = excluded.draft_version, draft_doc = excluded.draft_doc,
               draft_hash = excluded.draft_hash, updated_ms = excluded.updated_ms,
               updated_by = excluded.updated_by""",
        [e.design_id, e.kind, e.name, e.channel, e.draft_version, e.document, e.content_hash, e.ts_ms, e.by],
    )


@projection("design_published", subject="design_id")
def _published(cur: Cursor, e: ev.DesignPublished) -> None:
    cur.execute(
        """INSERT INTO design_revisions (design_id, number, doc, content_hash, message, actor, ts_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (design_id, number) DO NOTHING""",
        [e.design_id, e.number, e.document, e.content_hash, e.message, e.by, e.ts_ms],
    )


@projection("design_alias_set", subject="design_id")
def _alias_set(cur: Cursor, e: ev.DesignAliasSet) -> None:
    cur.execute(
        """INSERT INTO design_aliases (design_id, alias, revision, ts_ms, actor) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (design_id, alias) DO UPDATE SET revision = excluded.revision, ts_ms = excluded.ts_ms,
               actor = excluded.actor""",
        [e.design_id, e.alias, e.revision, e.ts_ms, e.by],
    )


@projection("design_binding_set", subject="entry_key")
def _binding_set(cur: Cursor, e: ev.DesignBindingSet) -> None:
    if not e.design_id:
        cur.execute("DELETE FROM design_bindings WHERE entry_kind = ? AND entry_key = ?", [e.entry_kind, e.entry_key])
        return
    cur.execute(
        """INSERT INTO design_bindings (entry_kind, entry_key, design_id, ts_ms, actor) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (entry_kind, entry_key) DO UPDATE SET design_id = excluded.design_id,
               ts_ms = excluded.ts_ms, actor = excluded.actor""",
        [e.entry_kind, e.entry_key, e.design_id, e.ts_ms, e.by],
    )


@projection("flow_execution_started", subject="execution_id")
def _execution_started(cur: Cursor, e: ev.FlowExecutionStarted) -> None:
    cur.execute(
        """INSERT INTO flow_executions (execution_id, design_id, revision, interaction_id, channel, started_ms)
           VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (execution_id) DO NOTHING""",
        [e.execution_id, e.design_id, e.revision, e.interaction_id, e.channel, e.ts_ms],
    )


@projection("flow_steps_recorded", subject="execution_id")
def _steps(cur: Cursor, e: ev.FlowStepsRecorded) -> None:
    for s in e.steps:
        cur.execute(
            """INSERT INTO flow_steps (execution_id, seq, node_id, node_type, ts_ms, exit, input, output,
                                       vars_changed, error)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (execution_id, seq) DO UPDATE SET
                   exit = excluded.exit, input = excluded.input, output = excluded.output,
                   vars_changed = excluded.vars_changed, error = excluded.error""",
            [e.execution_id, int(s.get("seq", 0)), str(s.get("node_id", "")), str(s.get("node_type", "")),
             int(s.get("ts_ms", e.ts_ms)), str(s.get("exit", "")), str(s.get("input", "")),
             str(s.get("output", "")), _js(s.get("vars_changed", {})), str(s.get("error", ""))],
        )


@projection("flow_execution_ended", subject="execution_id")
def _execution_ended(cur: Cursor, e: ev.FlowExecutionEnded) -> None:
    cur.execute("UPDATE flow_executions SET ended_ms = ?, outcome = ?, error = ? WHERE execution_id = ?",
                [e.ts_ms, e.outcome, e.error, e.execution_id])


@projection("form_submitted", subject="interaction_id")
def _form_submitted(cur: Cursor, e: ev.FormSubmitted) -> None:
    cur.execute(
        """INSERT INTO form_submissions (submission_id, interaction_id, design_id, revision, form_values, actor, ts_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (submission_id) DO NOTHING""",
        [e.submission_id, e.interaction_id, e.design_id, e.revision, _js(e.values), e.by, e.ts_ms],
    )


@projection("work_order_created", subject="order_id")
def _work_order(cur: Cursor, e: ev.WorkOrderCreated) -> None:
    cur.execute(
        """INSERT INTO work_orders (order_id, interaction_id, execution_id, queue, subject, fields, task_id, created_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING""",
        [e.order_id, e.interaction_id, e.execution_id, e.queue, e.subject, _js(e.fields), e.task_id, e.ts_ms],
    )
