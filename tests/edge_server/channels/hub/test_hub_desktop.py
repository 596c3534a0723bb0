"""The desktop side of delivery: the transcript model takes DeliveryChanged, the delegate words it."""
from __future__ import annotations

import os
from typing import Any

# No screen in tests (tests/desktop's conftest does the same; this module runs without it).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from edge_server.contract.interactions import AuthorKind, ChatMessage
from desktop.workspace.transcript_delegate import TranscriptDelegate
from desktop.workspace.transcript_model import TranscriptModel


def test_delivery_state_under_agent_messages(qapp: Any) -> None:
    model = TranscriptModel()
    model.add_messages([ChatMessage(interaction_id="i", seq=1, message_id="m1", ts_ms=1, author_kind=AuthorKind.AGENT,
                                    author="alice", author_name="Alice", text="hi", delivery="queued")])
    delegate = TranscriptDelegate(model)
    entry = model.entry_at(0)
    assert "Sending" in delegate._header_text(entry)
    changed: list[int] = []
    model.dataChanged.connect(lambda a, b: changed.append(a.row()))
    assert model.set_delivery(1, "delivered") and changed == [0]
    assert "✓✓ Delivered" in delegate._header_text(model.entry_at(0))
    assert model.set_delivery(1, "delivered") and changed == [0]  # no change, no repaint
    model.set_delivery(1, "failed", "48-hour window closed")
    assert "Not delivered: 48-hour window closed" in delegate._header_text(model.entry_at(0))
    assert not model.set_delivery(7, "sent")
