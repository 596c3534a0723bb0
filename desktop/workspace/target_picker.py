"""Pick where an interaction goes: Transfer (queues with waiting/EWT, agents with state) or Consult/Conference (agents).

Live queue figures while choosing are what Genesys Cloud shows and agents ask for
(agent-desktop.md §5.1 item 5): a queue with 9 waiting is not where to send a VIP.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.state_timer import format_duration
from desktop.tasks import spawn
from desktop.texts import localized_name, state_name
from edge_server.contract.interactions import TransferTargets
from edge_server.contract.messages import AgentState

_DATA = Qt.ItemDataRole.UserRole


class PickMode(enum.StrEnum):
    TRANSFER = "transfer"
    CONSULT = "consult"
    CONFERENCE = "conference"


@dataclass(frozen=True, slots=True)
class PickedTarget:
    kind: str  # "queue" | "agent"
    target: str
    note: str
    label: str = ""  # what the agent saw: the display name or the queue's name (for messages)


class TargetPicker(QDialog):
    def __init__(self, hub, mode: PickMode, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setObjectName("target_picker")
        self._hub = hub
        self.mode = mode
        self.search = QLineEdit(self)
        self.search.setObjectName("target_search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_changed)
        self.queues_label = QLabel(self)
        self.queues = QListWidget(self)
        self.queues.setObjectName("target_queues")
        self.agents_label = QLabel(self)
        self.agents = QListWidget(self)
        self.agents.setObjectName("target_agents")
        for lst in (self.queues, self.agents):
            lst.currentItemChanged.connect(self._on_current_changed)
            lst.itemDoubleClicked.connect(lambda _i: self._accept_if_ready())
        self.note_label = QLabel(self)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("target_note")
        self.note.setFixedHeight(60)
        self.note.setTabChangesFocus(True)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("empty_hint")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept_if_ready)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.queues_label)
        layout.addWidget(self.queues)
        layout.addWidget(self.agents_label)
        layout.addWidget(self.agents)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        agents_only = mode != PickMode.TRANSFER
        self.queues.setVisible(not agents_only)
        self.queues_label.setVisible(not agents_only)
        self._selected: tuple[str, str] | None = None
        self._labels: dict[tuple[str, str], str] = {}  # (kind, id) -> name as listed
        self._retranslate()
        self._update_ok()
        self.resize(420, 520)

    # --- public --------------------------------------------------------------------------

    def load(self) -> None:
        """Ask the edge for the targets (the dialog shows "Loading…" meanwhile)."""
        self.status_label.setText(self.tr("Loading…"))
        spawn(self._load(), name="transfer-targets")

    def fill(self, targets: TransferTargets) -> None:
        self.status_label.setText("")
        self.queues.clear()
        self.agents.clear()
        if self.mode == PickMode.TRANSFER:
            for q in targets.queues:
                name = localized_name(q.name_en, q.name_zh, q.queue)
                ewt = format_duration(int(q.ewt_next_s * 1000)) if q.ewt_next_s is not None else "–"
                if q.open:
                    text = self.tr("{queue} — {waiting} waiting · EWT {ewt} · {ready} ready").format(
                        queue=name, waiting=q.waiting, ewt=ewt, ready=q.staffed)
                else:
                    text = self.tr("{queue} — closed").format(queue=name)
                item = QListWidgetItem(text, self.queues)
                item.setData(_DATA, ("queue", q.queue))
                self._labels[("queue", q.queue)] = name
                if not q.open:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        order = {AgentState.READY: 0, AgentState.NOT_READY: 1, AgentState.ACW: 1, AgentState.LOGGED_OUT: 2}
        for a in sorted(targets.agents, key=lambda a: (order.get(a.state, 3), a.display_name)):
            item = QListWidgetItem(
                self.tr("{agent} — {state}").format(agent=a.display_name or a.username, state=state_name(a.state)),
                self.agents)
            item.setData(_DATA, ("agent", a.username))
            self._labels[("agent", a.username)] = a.display_name or a.username
            if a.state == AgentState.LOGGED_OUT or not a.connected:
                # Greyed out: visible (the agent knows they exist) but not pickable.
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self._on_search_changed(self.search.text())

    def picked(self) -> PickedTarget | None:
        if self._selected is None:
            return None
        kind, target = self._selected
        return PickedTarget(kind, target, self.note.toPlainText().strip(), self._labels.get(self._selected, target))

    def select(self, kind: str, target: str) -> bool:
        lst = self.queues if kind == "queue" else self.agents
        for row in range(lst.count()):
            item = lst.item(row)
            if item.data(_DATA) == (kind, target) and item.flags() & Qt.ItemFlag.ItemIsEnabled:
                lst.setCurrentItem(item)
                return True
        return False

    def visible_targets(self) -> list[str]:
        out = []
        for lst in (self.queues, self.agents):
            for row in range(lst.count()):
                if not lst.item(row).isHidden() and lst.isVisibleTo(self):
                    out.append(lst.item(row).data(_DATA)[1])
        return out

    # --- slots ------------------------------------------------------------------------------

    async def _load(self) -> None:
        targets = await self._hub.transfer_targets()
        if targets is None:
            self.status_label.setText(self.tr("The list of targets could not be loaded."))
            return
        self.fill(targets)

    def _on_search_changed(self, text: str) -> None:
        q = text.strip().lower()
        for lst in (self.queues, self.agents):
            for row in range(lst.count()):
                item = lst.item(row)
                item.setHidden(bool(q) and q not in item.text().lower() and q not in item.data(_DATA)[1].lower())

    def _on_current_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        other = self.agents if current.listWidget() is self.queues else self.queues
        other.blockSignals(True)
        other.setCurrentItem(None)
        other.clearSelection()
        other.blockSignals(False)
        self._selected = current.data(_DATA)
        self._update_ok()

    def _accept_if_ready(self) -> None:
        if self._selected is not None:
            self.accept()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self._selected is not None)

    def _retranslate(self) -> None:
        titles = {
            PickMode.TRANSFER: self.tr("Transfer chat"),
            PickMode.CONSULT: self.tr("Consult an agent"),
            PickMode.CONFERENCE: self.tr("Invite to conference"),
        }
        self.setWindowTitle(titles[self.mode])
        self.search.setPlaceholderText(self.tr("Search queues and agents"))
        self.queues_label.setText(self.tr("Queues"))
        self.agents_label.setText(self.tr("Agents"))
        self.note_label.setText(self.tr("Note for the other agent (internal)"))
        ok = {
            PickMode.TRANSFER: self.tr("Transfer"),
            PickMode.CONSULT: self.tr("Consult"),
            PickMode.CONFERENCE: self.tr("Invite"),
        }
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok[self.mode])
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
